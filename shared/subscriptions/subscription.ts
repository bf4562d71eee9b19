/** A customer's subscriptions, stored in the partner's partition beside its customers. */
import { foldText } from '../kernel/text.js';

export const SUBSCRIPTION_STATUSES = ['active', 'suspended', 'deleted', 'expired', 'pending'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface Subscription {
  id: string;
  customerId: string;
  offerName: string;
  quantity: number;
  status: SubscriptionStatus;
  resellerId: string | null;
}

export interface SubscriptionRecord extends Subscription {
  partnerId: string;
  /** Folded offer name: subscriptions are listed by it, then by id. */
  sortKey: string;
}

export function buildSubscriptionRecord(input: Subscription & { partnerId: string }): SubscriptionRecord {
  return { ...input, sortKey: foldText(input.offerName) };
}

export function toSubscription(record: Subscription): Subscription {
  return {
    id: record.id,
    customerId: record.customerId,
    offerName: record.offerName,
    quantity: record.quantity,
    status: record.status,
    resellerId: record.resellerId ?? null,
  };
}
