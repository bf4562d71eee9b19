/**
 * Queue trigger on `exports-poison`: the host gave up on a message (for instance after a host
 * timeout, when the worker had no chance to record it). The export is marked Failed, never left
 * Running.
 */

import { poisonQueueName } from '../shared/config.js';
import { readExportMessage } from '../shared/exports/ports.js';
import type { QueueFunctionEntry } from '../shared/host/function-table.js';

export const exportsPoison: QueueFunctionEntry = {
  trigger: 'storageQueue',
  name: 'exports-poison',
  queueName: poisonQueueName('%EXPORTS_QUEUE_NAME%'),
  connection: 'STORAGE',
  async handler(message, context, services) {
    const parsed = readExportMessage(message, (text) => context.error(`Ignoring a malformed poison message: ${text}`));
    if (!parsed) return;
    context.warn(`Export ${parsed.exportId} reached the poison queue (invocation ${context.invocationId}).`);
    await services.exports.fail(parsed.partnerId, parsed.exportId, {
      code: 'ExportFailed',
      message: `The export could not be completed after repeated attempts. Start it again; if it fails again, give an administrator the reference. Reference: ${context.invocationId}.`,
    });
  },
};
