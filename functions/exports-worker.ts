/**
 * Queue trigger on `exports`: runs one slice of an export. On failure it logs the error with the
 * invocation id and rethrows, so the host retries; on the last allowed attempt it marks the export
 * Failed first (in plain words, with the invocation id as reference), so it never stays Running.
 */
import { describeExportFailure, failExport, runExportSlice } from '../shared/exports/export-service.js';
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
      context.error(`Export ${exportId} failed on attempt ${dequeueCount} (invocation ${context.invocationId}): ${error.stack ?? error.message}`);
      if (dequeueCount >= ctx.config.exports.maxDequeueCount) {
        await failExport(ctx, partnerId, exportId, describeExportFailure(err, dequeueCount, context.invocationId));
      }
      throw error;
    }
  },
};
