/** Timer (EXPORT_SCHEDULER_CRON, every 5 minutes by default): starts due scheduled exports. */
import type { TimerFunctionEntry } from '../shared/host/function-table.js';

export const exportScheduler: TimerFunctionEntry = {
  trigger: 'timer',
  name: 'export-scheduler',
  schedule: '%EXPORT_SCHEDULER_CRON%',
  async handler(_timer, context, services) {
    const started = await services.schedules.runDue((line) => context.log(line));
    if (started) context.log(`Started ${started} scheduled export(s).`);
  },
};
