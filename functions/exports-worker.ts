/**
 * Queue trigger on `exports`: runs one slice of an export. On failure it logs and rethrows, so the
 * host retries; on the last allowed attempt it marks the export Failed first, so it never stays
 * Running.
 */
import { failExport, runExportSlice } from '../shared/exports/export-service.js';
import { exportMessageSchema } from '../shared/exports/ports.js';
import type { QueueFunctionEntry } from '../shared/host/function-table.js';
import { ensureErrorType } from '../shared/kernel/errors.js';

export const exportsWorker: QueueFunctionEntry = {
  trigger: 'storageQueue',
  name: 'exports-worker',
  queueName: '%EXPORTS_QUEUE_NAME%',
  connection: 'STORAGE',
  async handler(message, context, ctx) {
    const parsed = exportMessageSchema.safeParse(message);
    if (!parsed.success) {
      context.error(`Ignoring a malformed export message: ${JSON.stringify(message).slice(0, 200)}`);
      return;
    }
    const { exportId, partnerId } = parsed.data;
    try {
      await runExportSlice(ctx, partnerId, exportId, (line) => context.log(line));
    } catch (err) {
      const error = ensureErrorType(err);
      const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
      context.error(`Export ${exportId} failed on attempt ${dequeueCount}: ${error.stack ?? error.message}`);
      if (dequeueCount >= ctx.config.exports.maxDequeueCount) {
        await failExport(ctx, partnerId, exportId, `The export failed after ${dequeueCount} attempts: ${error.message}`);
      }
      throw error;
    }
  },
};
