/**
 * The local stack as `npm start` runs it, with a larger list: the durable Cosmos endpoint in its own
 * process (journal and snapshots in a temporary folder), Azurite in memory, the service on the local
 * runner in this process. For each size in BENCH_LOCAL_SIZES (default 20000) customers of one
 * partner: the import rate, the first and a later page of the list and of a search, a customer's
 * detail, a rename (a journaled write), a whole export to a downloadable file, a snapshot, and a
 * restart (snapshot and journal read back). Times are medians of five where a request repeats.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { functionTable } from '../functions/table.js';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { startLocalRunner } from '../shared/host/local-runner.js';
import { type RunningAzurite, spawnCosmosEndpoint } from '../shared/host/local-stack.js';
import { encodePrincipal } from '../shared/http/principal.js';
import { importRecords } from '../shared/import/import-records.js';
import { createService, prepareLocalResources } from '../shared/wiring.js';

const PARTNER = '0badc0de-0000-4000-8000-0000000000c1';
const NAMES = ['Contoso', 'Fabrikam', 'Northwind', 'Müller', 'Société Générale', 'Woodgrove', '東京テクノロジー', 'Litware', 'Ærø', 'Proseware'];
const SECTORS = ['Consulting', 'Logistics', 'Software', 'Foods', 'Energy', 'Media', 'Travel', 'Bank'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const round = (milliseconds: number) => Math.round(milliseconds);

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; milliseconds: number }> {
  const started = performance.now();
  const value = await run();
  return { value, milliseconds: performance.now() - started };
}

function snapshotNow(port: number, method: 'GET' | 'POST', route: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port, method, path: route, rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>));
    });
    request.on('error', reject);
    request.end();
  });
}

export async function localStackBenchmarks(azurite: RunningAzurite, sizes: number[]): Promise<Array<Record<string, number>>> {
  const rows: Array<Record<string, number>> = [];
  for (const size of sizes) {
    console.error(`local stack: ${size.toLocaleString('en-US')} customers...`);
    const folder = await mkdtemp(path.join(os.tmpdir(), 'bench-local-'));
    let cosmos = await spawnCosmosEndpoint({ port: 0, folder });
    try {
      const config = loadConfig({
        ...localStackEnv({ cosmos: cosmos.port, blob: azurite.blobPort, queue: azurite.queuePort }, 'bench-local'),
        EXPORTS_CONTAINER_NAME: `bench-local-${size}`,
        EXPORTS_QUEUE_NAME: `bench-local-${size}`,
      });
      let service = createService(config);
      await prepareLocalResources(service);
      const imported = await timed(() =>
        importRecords(service.ports, () =>
          (async function* () {
            yield JSON.stringify({ type: 'partner', id: PARTNER, name: 'Local Bench Partner' });
            for (let index = 0; index < size; index += 1) {
              const id = `c0000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
              yield JSON.stringify({
                type: 'customer',
                id,
                partnerId: PARTNER,
                resellerId: null,
                companyName: `${NAMES[index % NAMES.length]} ${SECTORS[index % SECTORS.length]} ${index}`,
                domain: `customer${index}.onmicrosoft.com`,
              });
            }
          })(),
        ),
      );
      const headers = { 'x-ms-client-principal': encodePrincipal({ tenantId: PARTNER, userName: 'bench@partner.example', roles: ['Customers.ReadWrite'] }) };
      let runner = await startLocalRunner(functionTable, service, { queuePollMilliseconds: 100, log: () => undefined });
      const get = async (route: string) => {
        const response = await fetch(new URL(route, runner.url), { headers });
        if (response.status !== 200) throw new Error(`GET ${route} answered ${response.status}`);
        return { body: (await response.json()) as { nextLink?: string; id?: string }, etag: response.headers.get('etag') ?? '' };
      };
      const five = async (route: () => Promise<unknown>) => {
        const times: number[] = [];
        for (let run = 0; run < 5; run += 1) times.push((await timed(route)).milliseconds);
        return round(median(times));
      };
      const listFirst = await five(() => get('/api/customers?top=100'));
      const next = (await get('/api/customers?top=100')).body.nextLink ?? '';
      const listNext = await five(() => get(next));
      const searchFirst = await five(() => get('/api/customers?search=contoso&top=100'));
      const searchNextLink = (await get('/api/customers?search=contoso&top=100')).body.nextLink ?? '';
      const searchNext = await five(() => get(searchNextLink));
      const customer = 'c0000000-0000-4000-8000-000000000007';
      const detail = await five(() => get(`/api/customers/${customer}`));
      const renames: number[] = [];
      for (let run = 0; run < 5; run += 1) {
        const { etag } = await get(`/api/customers/${customer}`);
        const renamed = await timed(() =>
          fetch(`${runner.url}/api/customers/${customer}/billing-profile`, {
            method: 'PATCH',
            headers: { ...headers, 'content-type': 'application/json', 'if-match': etag },
            body: JSON.stringify({ companyName: `Renamed ${run} Ltd` }),
          }),
        );
        if (renamed.value.status !== 200) throw new Error(`PATCH answered ${renamed.value.status}`);
        renames.push(renamed.milliseconds);
      }
      const exported = await timed(async () => {
        const created = await fetch(`${runner.url}/api/exports`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'customers' }),
        });
        const { id } = (await created.json()) as { id: string };
        for (;;) {
          const job = (await get(`/api/exports/${id}`)).body as { status: string; rowCount: number };
          if (job.status === 'Succeeded') return job.rowCount;
          if (job.status === 'Failed' || job.status === 'Canceled') throw new Error(`The export ended ${job.status}.`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });
      if (exported.value !== size) throw new Error(`The export has ${exported.value} rows, not ${size}.`);
      const snapshot = await timed(async () => {
        await snapshotNow(cosmos.port, 'POST', '/_local/snapshot');
        while ((await snapshotNow(cosmos.port, 'GET', '/_local/status')).snapshotting === true) await new Promise((resolve) => setTimeout(resolve, 20));
      });
      await runner.close();
      // A restart: a new endpoint process reads the snapshot and journal back; the service creates
      // its containers (which puts the documents back) and answers its first page.
      await cosmos.close();
      const restart = await timed(async () => {
        cosmos = await spawnCosmosEndpoint({ port: 0, folder });
        service = createService(loadConfig({ ...localStackEnv({ cosmos: cosmos.port, blob: azurite.blobPort, queue: azurite.queuePort }, 'bench-local') }));
        await prepareLocalResources(service);
        runner = await startLocalRunner(functionTable, service, { queues: false, timers: false, log: () => undefined });
        await get('/api/customers?top=100');
      });
      await runner.close();
      rows.push({
        customers: size,
        importPerSecond: Math.round(size / (imported.milliseconds / 1000)),
        listFirstPageMs: listFirst,
        listNextPageMs: listNext,
        searchFirstPageMs: searchFirst,
        searchNextPageMs: searchNext,
        detailMs: detail,
        renameMs: round(median(renames)),
        exportSeconds: Number((exported.milliseconds / 1000).toFixed(1)),
        snapshotMs: round(snapshot.milliseconds),
        restartSeconds: Number((restart.milliseconds / 1000).toFixed(1)),
      });
    } finally {
      await cosmos.close();
      await rm(folder, { recursive: true, force: true });
    }
  }
  return rows;
}
