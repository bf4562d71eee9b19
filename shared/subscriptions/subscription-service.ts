/** Subscription use cases: the scope rules for listing and exporting a customer's subscriptions. */
import type { Cursor, Page } from '../kernel/page.js';
import type { Scope } from '../tenants/scope.js';
import type { SubscriptionFilter, SubscriptionRepository } from './ports.js';
import type { SubscriptionRecord } from './subscription.js';

/** A reseller sees only the subscriptions it sells to its customers; a partner sees them all. */
export function subscriptionFilter(scope: Scope, customerId: string): SubscriptionFilter {
  return {
    partnerId: scope.partnerId,
    customerId,
    ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
  };
}

export class SubscriptionService {
  constructor(private readonly ports: { subscriptions: SubscriptionRepository }) {}

  /** A customer's subscriptions the scope sees, by offer name then id: up to `top` after `after`. */
  list(scope: Scope, customerId: string, top: number, after: Cursor | undefined): Promise<Page<SubscriptionRecord>> {
    return this.ports.subscriptions.listSubscriptions(subscriptionFilter(scope, customerId), top, after);
  }
}
