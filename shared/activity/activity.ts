/**
 * The activity log: every change and export, accountable to a user. Records live in the partner's
 * partition and expire through the container's TTL (ACTIVITY_RETENTION_DAYS).
 */
import type { ActivityResource } from './contract.js';

export type ActivityStatus = 'Pending' | 'Succeeded' | 'Failed';

export interface ActivityRecord {
  id: string;
  partnerId: string;
  /** The reseller the record is about (the customer's, or the caller's), so resellers see their own. */
  resellerId: string | null;
  /** ISO 8601 UTC with milliseconds: sorts as text. */
  dateTime: string;
  operation: string;
  customerId: string | null;
  customerName: string | null;
  user: string;
  status: ActivityStatus;
  details: Record<string, unknown>;
}

export function toActivity(record: ActivityRecord): ActivityResource {
  return {
    id: record.id,
    dateTime: record.dateTime,
    operation: record.operation,
    customerId: record.customerId,
    customerName: record.customerName,
    user: record.user,
    status: record.status,
    details: record.details,
  };
}

/** Longest range one activity query may cover. */
export const MAX_ACTIVITY_RANGE_DAYS = 90;
export const DEFAULT_ACTIVITY_RANGE_DAYS = 30;
