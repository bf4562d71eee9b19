/**
 * `npm run bench`: export and search benchmarks on this machine. Prints a table and writes
 * bench/results.json. Each measurement runs in a fresh process (its peak RSS is its own) against
 * the local Cosmos endpoint (its own process) and Azurite (in memory).
 *
 * Environment: BENCH_FULL=1 adds the 10,000,000-row export; BENCH_SECONDS (default 5) is the length
 * of each load run; BENCH_REPEAT (default 2) the runs of each export measurement (the fastest
 * counts, the highest RSS counts); BENCH_PROFILE=1 writes CPU profiles to bench/profiles/;
 * BENCH_NODE_ARGS replaces the Node options of the measured processes (default: the Function App's); BENCH_ONLY=exports or BENCH_ONLY=load
 * (or BENCH_ONLY=calls: Cosmos DB calls per operation, BENCH_ONLY=coldstart: the entry point's
 * import against a minimal function app) runs one part; BENCH_SIZES=100000,1000000 sets the export sizes; BENCH_SETUPS=b and
 * BENCH_CONNECTIONS=16 narrow the load runs; BENCH_COLD_STARTS (default 15) is the number of fresh
 * processes of each kind in the cold-start part; BENCH_ONLY=local runs the local-stack part
 * (npm start's durable endpoint with BENCH_LOCAL_SIZES customers, default 20000). BENCH_ONLY=list runs the customer list at scale
 * (BENCH_LIST_CUSTOMERS customers, default 1,000,000; BENCH_LIST_ROWS rows paged through in the
 * portal, default 10,000).
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { startAzurite } from '../shared/host/local-stack.js';
import { encodePrincipal } from '../shared/http/principal.js';
import { importRecords } from '../shared/import/import-records.js';
import { createService, prepareLocalResources } from '../shared/wiring.js';
import { measureCalls } from './calls.js';
import { type ColdStartFigures, coldStartBenchmark } from './cold-start.js';
import { localStackBenchmarks } from './local-stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../..');
const full = process.env.BENCH_FULL === '1';
const loadSeconds = Number(process.env.BENCH_SECONDS ?? 5);
const repeat = Number(process.env.BENCH_REPEAT ?? 2);
const profile = process.env.BENCH_PROFILE === '1';
const only = process.env.BENCH_ONLY;
const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : full ? [100_000, 1_000_000, 10_000_000] : [100_000, 1_000_000];
const setups = (process.env.BENCH_SETUPS ?? 'a,b').split(',') as Array<'a' | 'b'>;
const connectionCounts = (process.env.BENCH_CONNECTIONS ?? '1,16,64').split(',').map(Number);
const coldStarts = Number(process.env.BENCH_COLD_STARTS ?? 15);
const localSizes = (process.env.BENCH_LOCAL_SIZES ?? '20000').split(',').map(Number);
const execFileAsync = promisify(execFile);
export const WORKER_NODE_OPTIONS = '--max-semi-space-size=32';

interface ExportFigures {
  rows?: number;
  bytes?: number;
  seconds: number;
  peakRssMB: number;
  blobName?: string;
  blocks?: number;
  crashedAtRow?: number;
}

function childArgs(): string[] {
  // The measured processes run with the Node options the Function App gets (NODE_OPTIONS in
  // infra/modules/function-app.bicep), unless BENCH_NODE_ARGS says otherwise.
  const extra = (process.env.BENCH_NODE_ARGS ?? WORKER_NODE_OPTIONS).split(' ').filter(Boolean);
  return ['--expose-gc', ...extra, ...(profile ? ['--cpu-prof', '--cpu-prof-dir', path.join(projectRoot, 'bench/profiles')] : [])];
}

async function exportChild(env: NodeJS.ProcessEnv, ...args: string[]): Promise<ExportFigures> {
  const { stdout } = await execFileAsync(process.execPath, [...childArgs(), path.join(here, 'export-child.js'), ...args], {
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as ExportFigures;
}

/** The fastest run's figures, with the highest peak RSS seen in any run. */
function fastest(runs: ExportFigures[]): ExportFigures {
  const quickest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { ...quickest, peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)) };
}

/** Runs a measurement `repeat` times: see `fastest`. */
async function best(env: NodeJS.ProcessEnv, ...args: string[]): Promise<ExportFigures> {
  const runs: ExportFigures[] = [];
  for (let run = 0; run < repeat; run += 1) runs.push(await exportChild(env, ...args));
  return fastest(runs);
}

function forkChild(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; ready: Record<string, unknown> }> {
  const child = fork(path.join(here, script), args, {
    env,
    execArgv: childArgs(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready.`)));
    child.once('message', (message: Record<string, unknown>) => resolve({ child, ready: message }));
  });
}

function ask<T>(child: ChildProcess, message: Record<string, unknown>): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply: T) => resolve(reply));
    child.send(message);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    if (child.connected) child.send({ type: 'stop' });
    child.disconnect?.();
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

interface LoadFigures {
  requestsPerSecond: number;
  p50Milliseconds: number;
  p99Milliseconds: number;
  errors: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** autocannon against one URL; latencies collected exactly (autocannon's histogram keeps whole ms). */
async function load(url: string, connections: number, headers: Record<string, string>): Promise<LoadFigures> {
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration: loadSeconds,
    headers,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode === 200) latencies.push(responseTime);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(result.requests.total / loadSeconds),
    p50Milliseconds: Number(percentile(latencies, 0.5).toFixed(3)),
    p99Milliseconds: Number(percentile(latencies, 0.99).toFixed(3)),
    errors: result.errors + result.non2xx,
  };
}

const BENCH_PARTNER = '0badc0de-0000-4000-8000-0000000000b1';
const NAMES = ['Contoso', 'Fabrikam', 'Northwind', 'Müller', 'Société Générale', 'Woodgrove', '東京テクノロジー', 'Litware', 'Ærø', 'Proseware'];
const SECTORS = ['Consulting', 'Logistics', 'Software', 'Foods', 'Energy', 'Media', 'Travel', 'Bank'];

async function seedHttpData(env: Record<string, string>) {
  const service = createService(loadConfig(env));
  await prepareLocalResources(service);
  const lines = () =>
    (async function* () {
      yield JSON.stringify({
        type: 'partner',
        id: BENCH_PARTNER,
        name: 'Bench Partner',
      });
      for (let index = 0; index < 2000; index += 1) {
        const id = `b0000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
        const companyName = `${NAMES[index % NAMES.length]} ${SECTORS[index % SECTORS.length]} ${index}`;
        const domain = `customer${index}.onmicrosoft.com`;
        yield JSON.stringify({
          type: 'customer',
          id,
          partnerId: BENCH_PARTNER,
          resellerId: null,
          companyName,
          domain,
          relationship: 'Direct reseller',
          companyProfile: { companyName, tenantId: id, domain },
        });
      }
    })();
  const summary = await importRecords(service.ports, lines);
  if (summary.problems.length) throw new Error(`Seeding failed: ${JSON.stringify(summary.problems[0])}`);
}

async function main() {
  const results: Record<string, unknown> = {
    machine: {
      cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
      date: new Date().toISOString(),
    },
  };
  if (!only || only === 'coldstart') {
    console.error(`cold start: ${coldStarts} fresh processes of each...`);
    results.coldStart = await coldStartBenchmark(
      coldStarts,
      childArgs().filter((arg) => arg !== '--expose-gc'),
    );
  }
  if (only !== 'coldstart') await stackBenchmarks(results);

  // A partial run (BENCH_ONLY) replaces only its own part of the results file.
  const resultsFile = path.join(projectRoot, 'bench/results.json');
  const previous = only ? (JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '{}')) as Record<string, unknown>) : {};
  await writeFile(resultsFile, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  printTables(results);
}

/** The parts that need the local Cosmos DB endpoint and Azurite: exports, load, calls and the local stack. */
async function stackBenchmarks(results: Record<string, unknown>) {
  const { child: cosmos, ready } = await forkChild('cosmos-child.js', [], process.env);
  const azurite = await startAzurite();
  const ports = {
    cosmos: Number(ready.port),
    blob: azurite.blobPort,
    queue: azurite.queuePort,
  };
  const env = {
    ...process.env,
    BENCH_COSMOS_PORT: String(ports.cosmos),
    BENCH_BLOB_PORT: String(ports.blob),
    BENCH_QUEUE_PORT: String(ports.queue),
  };
  try {
    if (!only || only === 'exports') results.exports = await exportBenchmarks(env);
    if (!only || only === 'load') results.load = await loadBenchmarks(env, ports);
    if (!only || only === 'list') results.list = await listBenchmarks(env, ports);
    if (!only || only === 'local') results.localStack = await localStackBenchmarks(azurite, localSizes);
    if (!only || only === 'calls') {
      console.error('Cosmos DB calls per operation...');
      results.calls = await measureCalls(ports, async () => (await ask<{ requests: number }>(cosmos, { type: 'requests' })).requests);
    }
  } finally {
    await azurite.close();
    await stopChild(cosmos);
  }
}

async function exportBenchmarks(env: NodeJS.ProcessEnv) {
  const exportRows: Array<Record<string, unknown>> = [];
  for (const size of sizes) {
    console.error(`export: ${size.toLocaleString('en-US')} rows...`);
    // Export, raw and resume take turns, so that each sees Azurite in the same state (each run
    // deletes the blobs it measured once it is done with them).
    const runs: Record<'export' | 'raw' | 'resume' | 'xlsx', ExportFigures[]> = { export: [], raw: [], resume: [], xlsx: [] };
    for (let run = 0; run < repeat; run += 1) {
      const one = await exportChild(env, 'export', String(size));
      runs.export.push(one);
      runs.raw.push(await exportChild(env, 'raw', String(size), String(one.blobName)));
      // The last checkpoint precedes the final block, which gets none: the file has one block more.
      runs.resume.push(await exportChild(env, 'resume', String(size), String((one.blocks ?? 0) + 1)));
      runs.xlsx.push(await exportChild(env, 'xlsx', String(size)));
    }
    const [exported, raw, resumed, workbook] = [fastest(runs.export), fastest(runs.raw), fastest(runs.resume), fastest(runs.xlsx)];
    const drain = await best(env, 'drain', String(size));
    if (resumed.bytes !== exported.bytes) throw new Error('The resumed export differs in length from the uninterrupted one.');
    /** What every file written gets: its time, speed, size and memory. */
    const fileFigures = (source: string, figures: ExportFigures) => ({
      rows: size,
      source,
      seconds: figures.seconds,
      rowsPerSecond: Math.round(size / figures.seconds),
      megabytesPerSecond: Number(((figures.bytes ?? 0) / 2 ** 20 / figures.seconds).toFixed(1)),
      fileMB: Number(((figures.bytes ?? 0) / 2 ** 20).toFixed(1)),
      peakRssMB: Math.round(figures.peakRssMB),
    });
    exportRows.push({
      ...fileFigures('in-process pages', exported),
      rawSeconds: raw.seconds,
      vsRaw: Number((exported.seconds / raw.seconds).toFixed(2)),
      drainSeconds: drain.seconds,
      vsDrain: Number((exported.seconds / drain.seconds).toFixed(2)),
      resumeSeconds: resumed.seconds,
      resumeOverheadPercent: Number(((resumed.seconds / exported.seconds - 1) * 100).toFixed(1)),
      resumeCrashedAtRow: resumed.crashedAtRow,
      blocks: exported.blocks,
      rawPeakRssMB: Math.round(raw.peakRssMB),
    });
    // The same rows as an Excel workbook, beside the CSV.
    exportRows.push({
      ...fileFigures('in-process pages, xlsx', workbook),
      vsCsv: Number((workbook.seconds / exported.seconds).toFixed(2)),
    });
  }
  console.error('export: 5,000 rows through the local Cosmos endpoint...');
  await exportChild(env, 'cosmos', '5000', 'seed');
  const viaCosmos = await best(env, 'cosmos', '5000');
  exportRows.push({
    rows: 5000,
    source: 'local Cosmos endpoint',
    seconds: viaCosmos.seconds,
    rowsPerSecond: Math.round(5000 / viaCosmos.seconds),
    megabytesPerSecond: Number(((viaCosmos.bytes ?? 0) / 2 ** 20 / viaCosmos.seconds).toFixed(1)),
    fileMB: Number(((viaCosmos.bytes ?? 0) / 2 ** 20).toFixed(2)),
    peakRssMB: Math.round(viaCosmos.peakRssMB),
  });
  return exportRows;
}

async function loadBenchmarks(env: NodeJS.ProcessEnv, ports: { cosmos: number; blob: number; queue: number }) {
  const httpEnv = localStackEnv(ports, 'bench-http');
  await seedHttpData(httpEnv);
  const headers = {
    'x-ms-client-principal': encodePrincipal({
      tenantId: BENCH_PARTNER,
      userName: 'bench@partner.example',
      roles: ['Customers.Read'],
    }),
  };
  const detailId = 'b0000000-0000-4000-8000-00000000002a';
  const targets = {
    search: '/api/customers?search=con&top=50',
    detail: `/api/customers/${detailId}`,
    baseline: '/api/bench/baseline',
  };
  const loadRows: Array<Record<string, unknown>> = [];
  for (const setup of setups) {
    console.error(`search and detail under load, set-up (${setup})...`);
    const { child, ready: server } = await forkChild('http-child.js', [setup], {
      ...env,
      BENCH_HTTP_DATABASE: 'bench-http',
    });
    const url = String(server.url);
    try {
      const searchBody = await (await fetch(url + targets.search, { headers })).text();
      await fetch(url + targets.detail, { headers });
      await ask(child, { type: 'baselineBody', body: searchBody });
      const recorded = (await ask<{ misses: number }>(child, { type: 'misses' })).misses;
      const names = setup === 'a' ? (['search', 'detail'] as const) : (['baseline', 'search', 'detail'] as const);
      for (const connections of connectionCounts) {
        for (const name of names) {
          await load(url + targets[name], connections, headers);
          const cpuBefore = (await ask<{ microseconds: number }>(child, { type: 'cpu' })).microseconds;
          const figures = await load(url + targets[name], connections, headers);
          const cpuAfter = (await ask<{ microseconds: number }>(child, { type: 'cpu' })).microseconds;
          // The service's own CPU time per request (its process only: not the load generator's).
          const serverCpuMicroseconds = Math.round((cpuAfter - cpuBefore) / Math.max(1, figures.requestsPerSecond * loadSeconds));
          loadRows.push({ setup, target: name, connections, ...figures, serverCpuMicroseconds });
        }
      }
      const misses = (await ask<{ misses: number }>(child, { type: 'misses' })).misses;
      if (setup === 'b' && misses !== recorded) throw new Error(`Set-up (b) went to the store ${misses - recorded} times under load.`);
    } finally {
      await stopChild(child);
    }
  }
  return loadRows;
}

/** The little of the page's DOM the list benchmark reads (this file is compiled without the DOM types). */
interface PageGlobals {
  document: {
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
    getElementById(id: string): { textContent: string | null } | null;
    getElementsByTagName(name: string): { length: number };
  };
}

/**
 * The customer list at scale, over set-up (c): the real handlers and runner, the customers of one
 * partner answered by the in-process synthetic container (a page of rows and a search's capped
 * count, generated as asked) and its maintained count by a counters container. Measures, in
 * Chromium, the time from navigation to the first rows and to the count on the page, and the
 * page's element count after paging through BENCH_LIST_ROWS rows; and, over HTTP, the first page
 * with and without the count (p50 of sequential requests).
 */
async function listBenchmarks(env: NodeJS.ProcessEnv, ports: { cosmos: number; blob: number; queue: number }) {
  const customers = Number(process.env.BENCH_LIST_CUSTOMERS ?? 1_000_000);
  const rowsToPage = Number(process.env.BENCH_LIST_ROWS ?? 10_000);
  const pageSize = 100;
  const service = createService(loadConfig(localStackEnv(ports, 'bench-list')));
  await prepareLocalResources(service);
  await importRecords(service.ports, async function* () {
    yield JSON.stringify({ type: 'partner', id: BENCH_PARTNER, name: 'Bench Partner' });
  });
  const principal = encodePrincipal({ tenantId: BENCH_PARTNER, userName: 'bench@partner.example', roles: ['Customers.Read'] });
  console.error(`customer list: ${customers.toLocaleString('en-US')} customers...`);
  const { child, ready } = await forkChild('http-child.js', ['c'], {
    ...env,
    BENCH_HTTP_DATABASE: 'bench-list',
    BENCH_LIST_CUSTOMERS: String(customers),
  });
  const url = String(ready.url);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const httpP50 = async (target: string) => {
      const times: number[] = [];
      for (let request = 0; request < 60; request += 1) {
        const started = performance.now();
        const response = await fetch(url + target, { headers: { 'x-ms-client-principal': principal } });
        await response.arrayBuffer();
        if (request >= 10) times.push(performance.now() - started);
      }
      return Number(
        percentile(
          times.sort((a, b) => a - b),
          0.5,
        ).toFixed(3),
      );
    };
    // The identity header App Service Authentication would add to each of the page's requests.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { 'x-ms-client-principal': principal } });
    const portalRuns: Array<{ firstRows: number; count: number }> = [];
    for (let run = 0; run < 3; run += 1) {
      await page.goto(`${url}/?pageSize=${pageSize}`);
      // Polled every animation frame: each time is when the page first showed it.
      const firstRows = await page.waitForFunction(
        () => (globalThis as unknown as PageGlobals).document.querySelector('tr.customer-row') && performance.now(),
        null,
        {
          polling: 'raf',
        },
      );
      const count = await page.waitForFunction(
        () => /customers\./.test((globalThis as unknown as PageGlobals).document.getElementById('customers-status')?.textContent ?? '') && performance.now(),
        null,
        { polling: 'raf' },
      );
      portalRuns.push({ firstRows: Number(await firstRows.jsonValue()), count: Number(await count.jsonValue()) });
    }
    const elements = () => page.evaluate(() => (globalThis as unknown as PageGlobals).document.getElementsByTagName('*').length);
    const elementsAtStart = await elements();
    const next = page.getByRole('button', { name: 'Next page' });
    let elementsMax = elementsAtStart;
    for (let shown = pageSize; shown < rowsToPage; shown += pageSize) {
      await next.click();
      await page.waitForFunction(
        (first) => (globalThis as unknown as PageGlobals).document.querySelector('tr.customer-row')?.getAttribute('aria-rowindex') === String(first),
        shown + 2,
      );
      elementsMax = Math.max(elementsMax, await elements());
    }
    const status = await page.locator('#customers-status').textContent();
    const best = (key: 'firstRows' | 'count') => Math.round(Math.min(...portalRuns.map((run) => run[key])));
    return {
      customers,
      pageSize,
      portalFirstRowsMilliseconds: best('firstRows'),
      portalCountMilliseconds: best('count'),
      httpFirstPageP50Milliseconds: await httpP50(`/api/customers?top=${pageSize}`),
      httpFirstPageWithCountP50Milliseconds: await httpP50(`/api/customers?top=${pageSize}&count=true`),
      httpSearchWithCappedCountP50Milliseconds: await httpP50(`/api/customers?top=${pageSize}&search=contoso&count=true`),
      rowsPagedThrough: rowsToPage,
      pageElementsAtStart: elementsAtStart,
      pageElementsMaxWhilePaging: elementsMax,
      pageElementsAfterPaging: await elements(),
      statusAfterPaging: status,
    };
  } finally {
    await browser.close();
    await stopChild(child);
  }
}

function printTables(results: Record<string, unknown>) {
  const machine = results.machine as Record<string, string>;
  console.log(`\nMachine: ${machine.cpus}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}\n`);
  const coldStart = results.coldStart as ColdStartFigures | undefined;
  if (coldStart) {
    console.log(`Cold start (import of the entry point, median of ${coldStart.processes} fresh processes each)`);
    console.log(`  deployed entry (${coldStart.packageFiles} files, ${coldStart.packageKiB} KiB package): ${coldStart.appMedianMilliseconds} ms`);
    console.log(`  minimal app (@azure/functions and one HTTP function): ${coldStart.minimalMedianMilliseconds} ms`);
    console.log(`  ratio: ${coldStart.ratio}x (target: at most 2x)`);
    console.log(`  minimal app bundled like the package: ${coldStart.minimalBundledMedianMilliseconds} ms (ratio ${coldStart.ratioToMinimalBundled}x)\n`);
  }
  if (results.exports) {
    console.log('Exports (customers CSV, and xlsx, into Azurite block blobs)');
    console.table(results.exports);
  }
  if (results.localStack) {
    console.log('The local stack as npm start runs it (durable Cosmos endpoint in its own process; milliseconds, medians of five)');
    console.table(results.localStack);
  }
  if (results.calls) {
    console.log('Cosmos DB calls per operation, counted at the local endpoint');
    console.table([results.calls]);
  }
  if (results.list) {
    console.log('The customer list at scale (set-up (c): synthetic customers and their maintained count)');
    console.table([results.list]);
  }
  const load = results.load as Array<Record<string, number | string>> | undefined;
  if (!load) return;
  console.log(`Search and detail under load (${loadSeconds} s each; (a) local Cosmos endpoint, (b) recorded pages)`);
  console.table(load);
  for (const connections of connectionCounts) {
    const of = (target: string) => load.find((row) => row.setup === 'b' && row.target === target && row.connections === connections);
    const baseline = Number(of('baseline')?.p50Milliseconds);
    const added = ['search', 'detail'].map((target) => `${target} +${(Number(of(target)?.p50Milliseconds) - baseline).toFixed(3)} ms`);
    console.log(`(b) p50 over the baseline at ${connections} connection(s): ${added.join(', ')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
