/**
 * Timer (same schedule as the export scheduler): completes or fails activity records left Pending
 * by a crash mid-rename, and re-queues exports whose queue message was lost.
 */
import type { TimerFunctionEntry } from '../shared/host/function-table.js';

export const maintenanceReconcile: TimerFunctionEntry = {
  trigger: 'timer',
  name: 'maintenance-reconcile',
  schedule: '%EXPORT_SCHEDULER_CRON%',
  async handler(_timer, context, services) {
    const resolved = await services.renames.reconcilePendingActivity();
    const requeued = await services.exports.requeueStale();
    if (resolved || requeued) context.log(`Reconciled ${resolved} activity record(s), re-queued ${requeued} export(s).`);
  },
};
