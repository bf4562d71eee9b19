/**
 * The local host: mounts the same function table the Azure entry point registers, on node:http,
 * an Azurite queue poller and timers, building the library's own HttpRequest and
 * InvocationContext. It behaves as the Functions host does where handlers can tell (the README's
 * "What the local runner reproduces" lists each behaviour and where it is documented): routes
 * tried in the order of the function names, first match wins; the worker's request model; base64
 * queue messages parsed as JSON, dequeue counts, a poison queue after the maximum dequeue count;
 * NCRONTAB timers. It refuses to start when one route would shadow another.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import azureFunctions, { type InvocationContext, type Timer } from '@azure/functions';
import { CronExpressionParser } from 'cron-parser';
import { type Config, hostSettings, poisonQueueName } from '../config.js';
import { ensureErrorType } from '../kernel/errors.js';
import { type QueueClient, queueServiceClient } from '../storage/export-queue.js';
import type { Services } from '../wiring.js';
import {
  bindingSettings,
  type FunctionEntry,
  type HttpFunctionEntry,
  type QueueFunctionEntry,
  resolveBindingExpression,
  type TimerFunctionEntry,
} from './function-table.js';
import { dispatch, shadowedRoutes } from './routes.js';

/** Bodies larger than this are refused by the runner itself (the Functions host allows 100 MB). */
// @azure/functions is CommonJS: its classes come off the default export under ESM.
const { HttpRequest, HttpResponse, InvocationContext: InvocationContextClass } = azureFunctions;

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface LocalRunnerOptions {
  port?: number;
  host?: string;
  /** Poll the queues (default true). */
  queues?: boolean;
  /** Run the timers on their schedules (default true). */
  timers?: boolean;
  /** Milliseconds between polls of an empty queue (default 500). */
  queuePollMilliseconds?: number;
  /** Seconds a failed message stays invisible before its retry (the host's visibilityTimeout). */
  retryVisibilitySeconds?: number;
  /**
   * Host instances the runner stands in for (default 1). Each polls every queue on its own and takes
   * host.json's batchSize messages at a time (1: one export per instance), as the host does; Azure
   * scales out to more instances when the queue grows.
   */
  instances?: number;
  /** Where invocation logs go (default: console, prefixed with the function name). */
  log?: (level: string, functionName: string, message: string) => void;
}

export interface LocalRunner {
  url: string;
  port: number;
  /** Runs a timer entry now, as the host would at its due time. */
  runTimer(name: string): Promise<void>;
  /** Resolves once every queue has been seen empty with no invocation in flight. */
  drainQueues(timeoutMilliseconds?: number): Promise<void>;
  /**
   * Stops taking work and waits for the invocations in flight; after `graceMilliseconds` (default:
   * no limit) it stops waiting and hands their messages back to the queue, visible at once, so the
   * next start picks them up (an export resumes from its last checkpoint).
   */
  close(options?: { graceMilliseconds?: number }): Promise<void>;
}

const defaultLog = (level: string, functionName: string, message: string) => {
  if (level === 'debug' || level === 'trace') return;
  const line = `[${functionName}] ${message}`;
  if (level === 'error' || level === 'warning') console.error(line);
  else console.log(line);
};

/** What the runner serves: the app's services, and the settings the host itself reads. */
export interface RunnerApp {
  config: Config;
  services: Services;
}

export async function startLocalRunner(table: readonly FunctionEntry[], app: RunnerApp, options: LocalRunnerOptions = {}): Promise<LocalRunner> {
  const { config, services } = app;
  const log = options.log ?? defaultLog;
  const invocationContext = (functionName: string, triggerMetadata: Record<string, unknown> = {}) =>
    new InvocationContextClass({
      invocationId: randomUUID(),
      functionName,
      triggerMetadata,
      logHandler: (level, ...args) => log(level, functionName, args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' ')),
    });

  const httpEntries = table.filter((entry): entry is HttpFunctionEntry => entry.trigger === 'http');
  const shadowed = shadowedRoutes(httpEntries);
  if (shadowed.length > 0) throw new Error(`The host would send requests to the wrong function:\n${shadowed.join('\n')}`);
  const server = http.createServer((req, res) => {
    serveHttp(httpEntries, invocationContext, services, req, res).catch((err: unknown) => {
      log('error', 'local-runner', ensureErrorType(err).stack ?? String(err));
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalError', message: 'The local host failed.' } }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const settings = bindingSettings(config);

  const pollers =
    (options.queues ?? true)
      ? table
          .filter((entry): entry is QueueFunctionEntry => entry.trigger === 'storageQueue')
          .flatMap((entry) => Array.from({ length: options.instances ?? 1 }, () => new QueuePoller(entry, app, settings, invocationContext, options)))
      : [];
  for (const poller of pollers) poller.start();

  const timerEntries = table.filter((entry): entry is TimerFunctionEntry => entry.trigger === 'timer');
  const runTimerEntry = async (entry: TimerFunctionEntry, isPastDue: boolean) => {
    const schedule = resolveBindingExpression(entry.schedule, settings);
    const next = CronExpressionParser.parse(schedule, { tz: 'UTC' }).next().toDate();
    const context = invocationContext(entry.name);
    try {
      await entry.handler(timerPayload(isPastDue, next), context, services);
    } catch (err) {
      context.error(`Timer ${entry.name} failed: ${ensureErrorType(err).message}`);
    }
  };
  const timers = new Map<string, NodeJS.Timeout>();
  const scheduleTimer = (entry: TimerFunctionEntry) => {
    const schedule = resolveBindingExpression(entry.schedule, settings);
    const next = CronExpressionParser.parse(schedule, { tz: 'UTC' }).next().toDate();
    const handle = setTimeout(
      () => {
        void runTimerEntry(entry, false).finally(() => {
          if (timers.has(entry.name)) scheduleTimer(entry);
        });
      },
      Math.max(0, next.getTime() - Date.now()),
    );
    handle.unref();
    timers.set(entry.name, handle);
  };
  if (options.timers ?? true) for (const entry of timerEntries) scheduleTimer(entry);

  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : (options.host ?? '127.0.0.1')}:${port}`,
    port,
    async runTimer(name) {
      const entry = timerEntries.find((candidate) => candidate.name === name);
      if (!entry) throw new Error(`No timer function named ${name}.`);
      const schedule = resolveBindingExpression(entry.schedule, settings);
      const next = CronExpressionParser.parse(schedule, { tz: 'UTC' }).next().toDate();
      await entry.handler(timerPayload(false, next), invocationContext(entry.name), services);
    },
    async drainQueues(timeoutMilliseconds = 60_000) {
      const deadline = Date.now() + timeoutMilliseconds;
      while (Date.now() < deadline) {
        const idle = await Promise.all(pollers.map((poller) => poller.isIdle()));
        if (idle.every(Boolean)) return;
        await delay(100);
      }
      throw new Error('The queues did not drain in time.');
    },
    async close(closeOptions = {}) {
      for (const handle of timers.values()) clearTimeout(handle);
      timers.clear();
      await Promise.all(pollers.map((poller) => poller.stop(closeOptions.graceMilliseconds)));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function timerPayload(isPastDue: boolean, next: Date): Timer {
  const now = new Date().toISOString();
  return { isPastDue, schedule: { adjustForDST: false }, scheduleStatus: { last: now, next: next.toISOString(), lastUpdated: now } };
}

async function serveHttp(
  entries: HttpFunctionEntry[],
  invocationContext: (name: string, metadata?: Record<string, unknown>) => InvocationContext,
  services: Services,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const target = dispatch(entries, method, url.pathname);
  if (!target) {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'x-ms-error-code': 'PayloadTooLarge', connection: 'close' });
      res.end(JSON.stringify({ error: { code: 'PayloadTooLarge', message: 'The body is too large.' } }));
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  // The worker's request model, as the host builds it (GrpcMessageConversionExtensions.ToRpcHttp):
  // repeated query parameters and headers joined with commas, header names lower-cased.
  const query: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) query[name] = url.searchParams.getAll(name).join(',');
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) headers[name.toLowerCase()] = (values ?? []).join(',');
  const request = new HttpRequest({
    method,
    url: url.toString(),
    headers,
    query,
    params: target.params,
    // The host passes a body only when the request declares a length above zero.
    ...(Number(req.headers['content-length'] ?? 0) > 0 ? { body: { bytes: Buffer.concat(chunks) } } : {}),
  });
  const context = invocationContext(target.entry.name, { Query: query });
  const response = new HttpResponse(await target.entry.handler(request, context, services));
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.writeHead(response.status ?? 200, responseHeaders);
  res.end(method === 'HEAD' ? undefined : body);
}

/** Polls one queue the way the Functions queue trigger does on one instance. */
class QueuePoller {
  private readonly queue: QueueClient;
  private readonly poisonQueue: QueueClient;
  private running = false;
  private inFlight = 0;
  /** Messages being processed, by id (handed back when a stop cannot wait for them). */
  private readonly processing = new Map<string, { messageId: string; popReceipt: string }>();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly entry: QueueFunctionEntry,
    private readonly app: RunnerApp,
    settings: Record<string, string>,
    private readonly invocationContext: (name: string, metadata?: Record<string, unknown>) => InvocationContext,
    private readonly options: LocalRunnerOptions,
  ) {
    const queueName = resolveBindingExpression(entry.queueName, settings);
    const service = queueServiceClient(app.config);
    this.queue = service.getQueueClient(queueName);
    this.poisonQueue = service.getQueueClient(poisonQueueName(queueName));
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(graceMilliseconds?: number): Promise<void> {
    this.running = false;
    this.wake?.();
    if (graceMilliseconds === undefined) {
      await this.loop;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.loop?.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMilliseconds);
      }),
    ]);
    clearTimeout(timer);
    if (finished) return;
    await Promise.all(
      [...this.processing.values()].map((item) =>
        this.queue.updateMessage(item.messageId, item.popReceipt, undefined, 0).catch((err: unknown) => {
          console.error(`[${this.entry.name}] could not hand message ${item.messageId} back: ${ensureErrorType(err).message}`);
        }),
      ),
    );
  }

  async isIdle(): Promise<boolean> {
    if (this.inFlight > 0) return false;
    const properties = await this.queue.getProperties();
    return (properties.approximateMessagesCount ?? 0) === 0 && this.inFlight === 0;
  }

  private async run(): Promise<void> {
    const pollMilliseconds = this.options.queuePollMilliseconds ?? 500;
    while (this.running) {
      let received = 0;
      try {
        // Hidden for one export slice and a margin for its last block and hand-off (the longest a
        // healthy invocation holds a message), so the message of an invocation that died (a crash,
        // a kill -9) comes back after about one slice, not after ten minutes.
        const visibilityTimeout = this.app.config.exports.sliceSeconds + VISIBILITY_MARGIN_SECONDS;
        // host.json's batchSize; the next batch once this one is done (newBatchThreshold 0).
        const { receivedMessageItems } = await this.queue.receiveMessages({ numberOfMessages: hostSettings.queueBatchSize, visibilityTimeout });
        received = receivedMessageItems.length;
        this.inFlight += received;
        await Promise.all(
          receivedMessageItems.map((item) => {
            this.processing.set(item.messageId, item);
            return this.process(item).finally(() => {
              this.inFlight -= 1;
              this.processing.delete(item.messageId);
            });
          }),
        );
      } catch (err) {
        if (this.running) console.error(`[${this.entry.name}] queue poll failed: ${ensureErrorType(err).message}`);
      }
      if (received === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const handle = setTimeout(resolve, pollMilliseconds);
          this.wake = () => {
            clearTimeout(handle);
            resolve();
          };
        });
      }
    }
  }

  private async process(item: {
    messageId: string;
    popReceipt: string;
    messageText: string;
    dequeueCount: number;
    insertedOn: Date;
    expiresOn: Date;
    nextVisibleOn: Date;
  }): Promise<void> {
    const maxDequeueCount = this.app.config.exports.maxDequeueCount;
    const text = Buffer.from(item.messageText, 'base64').toString('utf8');
    let message: unknown = text;
    try {
      message = JSON.parse(text);
    } catch {
      // Not JSON: the host passes the string as it is.
    }
    const context = this.invocationContext(this.entry.name, {
      id: item.messageId,
      dequeueCount: item.dequeueCount,
      insertionTime: item.insertedOn.toISOString(),
      expirationTime: item.expiresOn.toISOString(),
      nextVisibleTime: item.nextVisibleOn.toISOString(),
      popReceipt: item.popReceipt,
    });
    try {
      await this.entry.handler(message, context, this.app.services);
      await this.queue.deleteMessage(item.messageId, item.popReceipt);
    } catch (err) {
      context.error(`Message ${item.messageId} failed (dequeue count ${item.dequeueCount}): ${ensureErrorType(err).message}`);
      if (item.dequeueCount >= maxDequeueCount) {
        await this.poisonQueue.createIfNotExists();
        await this.poisonQueue.sendMessage(item.messageText);
        await this.queue.deleteMessage(item.messageId, item.popReceipt);
      } else {
        await this.queue.updateMessage(item.messageId, item.popReceipt, undefined, this.options.retryVisibilitySeconds ?? 1);
      }
    }
  }
}

/** Seconds a received message stays hidden beyond one export slice. */
const VISIBILITY_MARGIN_SECONDS = 30;

const delay = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
