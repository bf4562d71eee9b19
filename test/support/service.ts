/**
 * A running service for one test file: its own database, blob container and queues on the shared
 * local servers, the real function table on the local runner, and helpers to call it as a client.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { functionTable } from '../../functions/table.js';
import { type HostSettings, hostSettings, loadConfig, localStackEnv } from '../../shared/config.js';
import { type LocalRunner, startLocalRunner } from '../../shared/host/local-runner.js';
import { encodePrincipal } from '../../shared/http/principal.js';
import { type ImportSummary, importRecords } from '../../shared/import/import-records.js';
import { FaultInjector } from '../../shared/kernel/faults.js';
import type { Clock } from '../../shared/kernel/time.js';
import { createService, type Ports, prepareLocalResources, type Services, type WiredService } from '../../shared/wiring.js';
import { checkAgainstContract } from './contract.js';
import { recordQueries } from './query-log.js';

export interface TestService {
  url: string;
  service: WiredService;
  services: Services;
  /** Where the test arms crashes (the service's FaultInjector). */
  faults: FaultInjector;
  runner: LocalRunner;
  /** Every line the functions logged, as `level [function] message`. */
  logs: string[];
  importLines(records: unknown[]): Promise<ImportSummary>;
  close(): Promise<void>;
}

export interface TestServiceOptions {
  env?: Record<string, string>;
  host?: Partial<HostSettings>;
  queues?: boolean;
  /** The service's clock (default: the real one). */
  clock?: Clock;
  /** Ports to use instead of the real ones, given the real ones. */
  ports?: (real: Ports) => Partial<Ports>;
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const ports = inject('stack');
  const suffix = randomUUID().slice(0, 8);
  const config = loadConfig(
    {
      ...localStackEnv(ports, `test-${suffix}`),
      EXPORTS_CONTAINER_NAME: `exports-${suffix}`,
      EXPORTS_QUEUE_NAME: `exports-${suffix}`,
      ...options.env,
    },
    { ...hostSettings, ...options.host },
  );
  const faults = new FaultInjector();
  const service = createService(config, {
    faults,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ports ? { ports: options.ports } : {}),
  });
  const { tenants, customers, subscriptions, activity, exports } = service.store;
  recordQueries({ tenants, customers, subscriptions, activity, exports });
  await prepareLocalResources(service);
  const logs: string[] = [];
  const runner = await startLocalRunner(functionTable, service, {
    timers: false,
    queues: options.queues ?? true,
    queuePollMilliseconds: 100,
    retryVisibilitySeconds: 0,
    // As a scaled-out app: the fair-use tests need several tenants' exports running at once.
    instances: 4,
    log: (level, name, message) => {
      logs.push(`${level} [${name}] ${message}`);
      if (process.env.TEST_LOGS) console.log(level, name, message);
    },
  });
  return {
    url: runner.url,
    service,
    services: service.services,
    faults,
    runner,
    logs,
    importLines: (records) =>
      importRecords({ ...service.ports, faults }, () =>
        (async function* () {
          for (const record of records) yield typeof record === 'string' ? record : JSON.stringify(record);
        })(),
      ),
    async close() {
      await runner.close();
      await service.store.database.delete().catch(() => undefined);
    },
  };
}

export function principal(tenantId: string, roles: string[] = ['Customers.Read'], userName = 'tester@partner.example'): string {
  return encodePrincipal({ tenantId, userName, roles });
}

export interface CallOptions {
  method?: string;
  principal?: string | null;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the service like a client would; JSON bodies are encoded and decoded. */
export async function call<T = any>(baseUrl: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.principal) headers['x-ms-client-principal'] = options.principal;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(new URL(path, baseUrl), { method: options.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  await checkAgainstContract(baseUrl, options.method ?? 'GET', path, response.status, parsed);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Renames a customer as a client does: reads its ETag, then PATCHes with If-Match; expects 200. */
export async function renameCustomer(baseUrl: string, principalHeader: string, customerId: string, companyName: string): Promise<CallResult> {
  const current = await call(baseUrl, `/api/customers/${customerId}`, { principal: principalHeader });
  const renamed = await call(baseUrl, `/api/customers/${customerId}/billing-profile`, {
    method: 'PATCH',
    principal: principalHeader,
    headers: { 'if-match': current.headers.get('etag') ?? '' },
    body: { companyName },
  });
  if (renamed.status !== 200) throw new Error(`The rename of ${customerId} answered ${renamed.status}: ${renamed.text}`);
  return renamed;
}

/** Follows nextLink to the end; returns every row. */
export async function allPages<T = any>(baseUrl: string, path: string, principalHeader: string): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const result: CallResult<{ value: T[]; nextLink?: string }> = await call(baseUrl, next, { principal: principalHeader });
    if (result.status !== 200) throw new Error(`GET ${next} answered ${result.status}: ${result.text}`);
    rows.push(...result.body.value);
    pages += 1;
    next = result.body.nextLink;
    if (pages > 10_000) throw new Error('Too many pages');
  }
  return { rows, pages };
}

/** Polls GET /api/exports/{id} until the export has finished (or failed); returns it. */
export async function waitForExport(baseUrl: string, exportId: string, principalHeader: string, timeoutMilliseconds = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (Date.now() < deadline) {
    const result = await call(baseUrl, `/api/exports/${exportId}`, { principal: principalHeader });
    if (result.status !== 200) throw new Error(`GET /api/exports/${exportId} answered ${result.status}: ${result.text}`);
    if (['Succeeded', 'Failed', 'Canceled'].includes(result.body.status)) return result.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Export ${exportId} did not finish in ${timeoutMilliseconds} ms.`);
}

/** Downloads an export file by its link, which must answer 200. */
export async function download(url: string): Promise<{ bytes: Buffer; headers: Headers }> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`Download answered ${response.status}.`);
  return { bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}
