/**
 * Queue trigger on `exports`: runs one slice of an export. On failure it logs the error with the
 * invocation id and rethrows, so the host retries; on the last allowed attempt it marks the export
 * Failed first (in plain words, with the invocation id as reference), so it never stays Running.
 */
import { readExportMessage } from '../shared/exports/ports.js';
import type { QueueFunctionEntry } from '../shared/host/function-table.js';

export const exportsWorker: QueueFunctionEntry = {
  trigger: 'storageQueue',
  name: 'exports-worker',
  queueName: '%EXPORTS_QUEUE_NAME%',
  connection: 'STORAGE',
  async handler(message, context, services) {
    const parsed = readExportMessage(message, (text) => context.error(`Ignoring a malformed export message: ${text}`));
    if (!parsed) return;
    await services.exports.runAttempt(parsed.partnerId, parsed.exportId, Number(context.triggerMetadata?.dequeueCount ?? 1), context);
  },
};
