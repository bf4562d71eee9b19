/**
 * Queue trigger on `exports`: runs one slice of an export. On failure it logs and rethrows, so the
 * host retries; on the last allowed attempt it marks the export Failed first, so it never stays
 * Running.
 */
import { exportMessageSchema } from '../shared/exports/ports.js';
import type { QueueFunctionEntry } from '../shared/host/function-table.js';

export const exportsWorker: QueueFunctionEntry = {
  trigger: 'storageQueue',
  name: 'exports-worker',
  queueName: '%EXPORTS_QUEUE_NAME%',
  connection: 'STORAGE',
  async handler(message, context, services) {
    const parsed = exportMessageSchema.safeParse(message);
    if (!parsed.success) {
      context.error(`Ignoring a malformed export message: ${JSON.stringify(message).slice(0, 200)}`);
      return;
    }
    const { exportId, partnerId } = parsed.data;
    await services.exports.runAttempt(partnerId, exportId, Number(context.triggerMetadata?.dequeueCount ?? 1), context);
  },
};
