/**
 * Resolves Pending activity records left by a crash between a rename's two writes: the customer
 * document lists the activity records of its latest renames, so the outcome is known exactly.
 */

import type { ActivityRecord } from '../activity/activity.js';
import type { ActivityRepository } from '../activity/ports.js';
import type { Clock } from '../kernel/time.js';
import { RENAME_OPERATION } from './customer-service.js';
import type { CustomerRepository } from './ports.js';

/** How old a Pending record must be before it is taken as abandoned (its request has ended). */
const PENDING_GRACE_SECONDS = 120;

export class RenameReconciler {
  constructor(private readonly ports: { activity: ActivityRepository; customers: CustomerRepository; clock: Clock }) {}

  /**
   * Completes or fails Pending records older than `olderThanSeconds`; returns how many it resolved.
   * Handles at most `limit` records per call (the timer calls it again).
   */
  async reconcilePendingActivity(olderThanSeconds = PENDING_GRACE_SECONDS, limit = 500): Promise<number> {
    const before = new Date(this.ports.clock().getTime() - olderThanSeconds * 1000).toISOString();
    const pending = await this.ports.activity.listPendingActivity(before, limit);
    for (const record of pending) await this.ports.activity.upsertActivity(await this.resolve(record));
    return pending.length;
  }

  private async resolve(record: ActivityRecord): Promise<ActivityRecord> {
    if (record.operation === RENAME_OPERATION && record.customerId) {
      const customer = await this.ports.customers.getCustomer(record.partnerId, record.customerId);
      if (customer?.recentRenameActivityIds?.includes(record.id)) return { ...record, status: 'Succeeded' };
    }
    return { ...record, status: 'Failed', details: { ...record.details, error: 'The change was interrupted and not applied.' } };
  }
}
