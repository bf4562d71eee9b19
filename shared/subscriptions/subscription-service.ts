/** Subscription use cases: the scope rules for listing and exporting a customer's subscriptions. */
import { ServiceError } from '../errors.js';
import type { Cursor } from '../http/paging.js';
import type { Scope } from '../tenants/tenant.js';
import type { SubscriptionFilter } from './subscription.js';

/** A reseller sees only the subscriptions it sells to its customers; a partner sees them all. */
export function subscriptionFilter(scope: Scope, customerId: string): SubscriptionFilter {
  return {
    partnerId: scope.partnerId,
    customerId,
    ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
  };
}

/** Cursor shape of a subscription page: [sortKey, id]. */
export function subscriptionCursor(cursor: Cursor | undefined): Cursor | undefined {
  if (cursor && (cursor.length !== 2 || cursor.some((part) => typeof part !== 'string'))) {
    throw new ServiceError('Invalid', 'InvalidContinuationToken', 'continuationToken is malformed.', 'continuationToken');
  }
  return cursor;
}
