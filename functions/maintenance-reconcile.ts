/**
 * Timer (same schedule as the export scheduler): completes or fails activity records left Pending
 * by a crash mid-rename, re-queues exports whose queue message was lost, and checks the maintained
 * customer counts against the data (repairing those a crash left off).
 */
import type { TimerFunctionEntry } from '../shared/host/function-table.js';

export const maintenanceReconcile: TimerFunctionEntry = {
  trigger: 'timer',
  name: 'maintenance-reconcile',
  schedule: '%EXPORT_SCHEDULER_CRON%',
  async handler(_timer, context, services) {
    const resolved = await services.renames.reconcilePendingActivity();
    const requeued = await services.exports.requeueStale();
    const recounted = await services.customerCounts.reconcile();
    if (resolved || requeued || recounted) {
      context.log(`Reconciled ${resolved} activity record(s), re-queued ${requeued} export(s), repaired the customer counts of ${recounted} partner(s).`);
    }
  },
};
