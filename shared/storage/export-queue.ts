/**
 * The exports queue. Messages are base64-encoded JSON, as the Functions host's queue trigger
 * expects by default.
 */
import { type QueueClient, QueueServiceClient, StorageSharedKeyCredential } from '@azure/storage-queue';
import { type Config, poisonQueueName } from '../config.js';
import { azureCredential } from '../credential.js';
import type { ExportMessage, ExportQueue } from '../exports/ports.js';
import { storageAccountName } from './account.js';

export type { QueueClient };

export function queueServiceClient(config: Config): QueueServiceClient {
  const { queueServiceUri, accountKey } = config.storage;
  if (accountKey) {
    return new QueueServiceClient(queueServiceUri, new StorageSharedKeyCredential(storageAccountName(queueServiceUri), accountKey));
  }
  return new QueueServiceClient(queueServiceUri, azureCredential(config));
}

export function encodeQueueMessage(body: unknown): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
}

export class StorageExportQueue implements ExportQueue {
  readonly queue: QueueClient;
  readonly poisonQueue: QueueClient;

  constructor(config: Config, service = queueServiceClient(config)) {
    this.queue = service.getQueueClient(config.exports.queueName);
    this.poisonQueue = service.getQueueClient(poisonQueueName(config.exports.queueName));
  }

  /** Creates both queues (local stack only; Bicep creates them in Azure). */
  async ensureQueues(): Promise<void> {
    await this.queue.createIfNotExists();
    await this.poisonQueue.createIfNotExists();
  }

  async enqueue(message: ExportMessage, options: { delaySeconds?: number } = {}): Promise<void> {
    await this.queue.sendMessage(encodeQueueMessage(message), options.delaySeconds ? { visibilityTimeout: options.delaySeconds } : {});
  }
}
