/**
 * `npm start` killed with SIGKILL, the whole process tree at once (the service, the Cosmos
 * endpoint's process, Azurite), at chosen points: right after acknowledged renames, while a snapshot
 * is being written, while an export runs; and stopped with Ctrl-C while an export runs. Every
 * restart must come up on the same data folder with every acknowledged write (and its ETag), an
 * activity log that agrees with the data, and the export finished.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../shared/host/local-stack.js';
import { allPages, call, download, waitForExport } from '../support/service.js';

interface Started {
  child: ChildProcess;
  url: string;
  cosmosPort: number;
  output: string[];
}

let folder: string;
let stack: Started | undefined;

async function startStack(): Promise<Started> {
  const [port, cosmosPort, blob, queue] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      COSMOS_PORT: String(cosmosPort),
      AZURITE_BLOB_PORT: String(blob),
      AZURITE_QUEUE_PORT: String(queue),
      LOCAL_DATA_FOLDER: folder,
      DEMO_CUSTOMERS: '600',
      // Small blocks and pages: an export of the demo list takes a few seconds and many checkpoints.
      EXPORT_BLOCK_KIB: '1',
      EXPORT_PAGE_SIZE: '2',
      LOCAL_COSMOS_SNAPSHOT_SECONDS: '3600',
      LOCAL_COSMOS_SNAPSHOT_PAUSE_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output.join('')}`)));
  });
  await ready;
  return { child, url: `http://127.0.0.1:${port}`, cosmosPort, output };
}

/** Every process under `pid` (by parent id), deepest last. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILL to the service and every process under it, all at once, as an unlucky operator would. */
async function killTree(started: Started): Promise<void> {
  const pid = started.child.pid as number;
  const all = [pid, ...descendants(pid)];
  expect(all.length).toBeGreaterThanOrEqual(4);
  for (const target of all) process.kill(target, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (all.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(all.filter(alive)).toEqual([]);
}

function localCosmos(port: number, method: 'GET' | 'POST', route: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port, method, path: route, rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Renames customers (as the demo admin, who needs no header) and returns what was acknowledged. */
async function renameSome(url: string, count: number, tag: string): Promise<Array<{ id: string; name: string; etag: string }>> {
  const page = await call(url, `/api/customers?top=${count}&sort=domain`);
  expect(page.status).toBe(200);
  return Promise.all(
    page.body.value.map(async (row: { id: string }, index: number) => {
      const read = await call(url, `/api/customers/${row.id}`);
      const name = `${tag} ${index} Ltd`;
      const renamed = await call(url, `/api/customers/${row.id}/billing-profile`, {
        method: 'PATCH',
        headers: { 'if-match': read.headers.get('etag') ?? '' },
        body: { companyName: name },
      });
      expect(renamed.status).toBe(200);
      return { id: row.id, name, etag: renamed.headers.get('etag') ?? '' };
    }),
  );
}

/** Each rename is there with its ETag, and the activity log says it Succeeded, with that name. */
async function expectRenamesKept(url: string, renames: Array<{ id: string; name: string; etag: string }>) {
  for (const rename of renames) {
    const read = await call(url, `/api/customers/${rename.id}`);
    expect(read.status).toBe(200);
    expect(read.body.companyName).toBe(rename.name);
    expect(read.headers.get('etag')).toBe(rename.etag);
    const activity = await call(url, `/api/activity?customerId=${rename.id}&operation=UpdateCustomerCompanyName`);
    expect(activity.status).toBe(200);
    expect(activity.body.value[0]).toMatchObject({ status: 'Succeeded', details: { newCompanyName: rename.name } });
  }
}

describe('npm start killed with SIGKILL', () => {
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'npm-start-'));
    stack = await startStack();
  }, 300_000);
  afterAll(async () => {
    if (stack && alive(stack.child.pid as number)) await killTree(stack);
  }, 240_000);

  it('right after acknowledged renames keeps every one, with its ETag and its activity record', async () => {
    const started = stack as Started;
    const renames = await renameSome(started.url, 20, 'Acknowledged');
    await killTree(started);
    stack = await startStack();
    expect(stack.output.join('')).toMatch(/Restored \d+ documents/);
    await expectRenamesKept(stack.url, renames);
    expect((await call(stack.url, '/api/health')).status).toBe(200);
  }, 240_000);

  it('while a snapshot is being written keeps every acknowledged write and starts cleanly', async () => {
    const started = stack as Started;
    const renames = await renameSome(started.url, 10, 'Snapshotted');
    expect((await localCosmos(started.cosmosPort, 'POST', '/_local/snapshot')).status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (!(await readdir(path.join(folder, 'cosmos'))).some((name) => name.endsWith('.tmp'))) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await localCosmos(started.cosmosPort, 'GET', '/_local/status')).body.snapshotting).toBe(true);
    await killTree(started);
    expect((await readdir(path.join(folder, 'cosmos'))).some((name) => name.endsWith('.tmp'))).toBe(true);

    stack = await startStack();
    await expectRenamesKept(stack.url, renames);
    expect((await readdir(path.join(folder, 'cosmos'))).some((name) => name.endsWith('.tmp'))).toBe(false);
    expect((await localCosmos(stack.cosmosPort, 'GET', '/_local/status')).body.failure).toBeUndefined();
  }, 240_000);

  it('while an export runs, the restart finishes it with every row, recorded once', async () => {
    const started = stack as Started;
    const count = (await allPages(started.url, '/api/customers?top=1000', '')).rows.length;
    const created = await call(started.url, '/api/exports', { method: 'POST', body: { type: 'customers' } });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await call(started.url, `/api/exports/${id}`);
      if (job.body.status === 'Running' && job.body.rowCount >= 20) break;
      expect(job.body.status).not.toBe('Succeeded');
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await killTree(started);

    stack = await startStack();
    expect(stack.output.join('')).toMatch(/Resuming 1 export/);
    const done = await waitForExport(stack.url, id, '', 120_000);
    expect(done.status).toBe('Succeeded');
    expect(done.rowCount).toBe(count);
    const lines = (await download(done.downloadUrl)).bytes.toString('utf8').split('\r\n');
    expect(lines).toHaveLength(count + 2);
    expect(new Set(lines.slice(1, -1).map((line) => line.slice(0, 36))).size).toBe(count);
    const activity = await call(stack.url, '/api/activity?operation=ExportCustomers&top=100');
    expect(activity.body.value.filter((row: { details: { exportId: string } }) => row.details.exportId === id)).toEqual([
      expect.objectContaining({ status: 'Succeeded' }),
    ]);
  }, 240_000);

  it('stops on Ctrl-C within seconds while an export runs, and the next start finishes it', async () => {
    const started = stack as Started;
    const created = await call(started.url, '/api/exports', { method: 'POST', body: { type: 'customers' } });
    const id = created.body.id as string;
    const deadline = Date.now() + 60_000;
    while ((await call(started.url, `/api/exports/${id}`)).body.rowCount < 20) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const processes = [started.child.pid as number, ...descendants(started.child.pid as number)];
    const stopped = Date.now();
    // 'close', not 'exit': the output is read to its end first.
    const exited = new Promise<number | null>((resolve) => started.child.once('close', (code) => resolve(code)));
    started.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(15_000);
    expect(started.output.join('')).toMatch(/Stopped; everything acknowledged is saved/);
    // It was running: it reached its next checkpoint and handed off, it was not cut off.
    expect(started.output.join('')).toMatch(new RegExp(`Export ${id} handed off after \\d+ rows`));
    expect(started.output.join('')).not.toMatch(/ECONNREFUSED/);
    const deadlineGone = Date.now() + 5_000;
    while (processes.some(alive) && Date.now() < deadlineGone) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processes.filter(alive)).toEqual([]);

    stack = await startStack();
    const done = await waitForExport(stack.url, id, '', 120_000);
    expect(done.status).toBe('Succeeded');
  }, 240_000);
});
