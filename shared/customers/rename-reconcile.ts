/**
 * Resolves Pending activity records left by a crash between a rename's two writes: the customer
 * document lists the activity records of its latest renames, so the outcome is known exactly.
 */

import type { ActivityRecord } from '../activity/activity.js';
import type { ServiceContext } from '../context.js';
import { RENAME_OPERATION } from './customer-service.js';

/** How old a Pending record must be before it is taken as abandoned (its request has ended). */
export const PENDING_GRACE_SECONDS = 120;

/**
 * Completes or fails Pending records older than `olderThanSeconds`; returns how many it resolved.
 * Handles at most `limit` records per call (the timer calls it again).
 */
export async function reconcilePendingActivity(ctx: ServiceContext, olderThanSeconds = PENDING_GRACE_SECONDS, limit = 500): Promise<number> {
  const before = new Date(ctx.now().getTime() - olderThanSeconds * 1000).toISOString();
  const pending = await ctx.activity.listPendingActivity(before, limit);
  for (const record of pending) await ctx.activity.upsertActivity(await resolve(ctx, record));
  return pending.length;
}

async function resolve(ctx: ServiceContext, record: ActivityRecord): Promise<ActivityRecord> {
  if (record.operation === RENAME_OPERATION && record.customerId) {
    const customer = await ctx.customers.getCustomer(record.partnerId, record.customerId);
    if (customer?.recentRenameActivityIds?.includes(record.id)) return { ...record, status: 'Succeeded' };
  }
  return { ...record, status: 'Failed', details: { ...record.details, error: 'The change was interrupted and not applied.' } };
}
