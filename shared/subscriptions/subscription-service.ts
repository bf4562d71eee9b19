/** Subscription use cases: the scope rules for listing and exporting a customer's subscriptions. */
import type { Scope } from '../tenants/scope.js';
import type { SubscriptionFilter } from './ports.js';

/** A reseller sees only the subscriptions it sells to its customers; a partner sees them all. */
export function subscriptionFilter(scope: Scope, customerId: string): SubscriptionFilter {
  return {
    partnerId: scope.partnerId,
    customerId,
    ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
  };
}
