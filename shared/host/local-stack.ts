/**
 * The embedded local stack for `npm start`, tests and benchmarks: a Cosmos DB endpoint
 * (@vercel/cosmosdb-server, HTTPS, self-signed) in this process and Azurite (blob, queue) as child
 * processes, on loopback. The Cosmos endpoint keeps documents in memory, so `npm start` snapshots
 * them under .data/ and restores them on the next start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import type { CosmosContainers } from '../store/cosmos.js';

const require = createRequire(import.meta.url);

/** A free TCP port on loopback (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  port: number;
  /** Requests the endpoint has received so far (the benchmarks and a test count calls per operation). */
  requests(): number;
  close(): Promise<void>;
}

export async function startCosmosEndpoint(port = 0): Promise<RunningServer> {
  // Without keepAlive the endpoint answers every request with `connection: close`, and each call
  // then pays a new TLS handshake on both sides.
  const server = createHttpsServer({ keepAlive: true });
  let requests = 0;
  server.on('request', () => {
    requests += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** How long Azurite may take to stop gracefully before it is killed. */
const AZURITE_STOP_MILLISECONDS = 3_000;

export interface AzuriteOptions {
  blobPort?: number;
  queuePort?: number;
  /** Folder for persistent data; in memory when absent. */
  location?: string;
}

export interface RunningAzurite {
  blobPort: number;
  queuePort: number;
  close(): Promise<void>;
}

/** Starts Azurite's blob and queue services on loopback, telemetry off. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const blobPort = options.blobPort ?? (await freePort());
  const queuePort = options.queuePort ?? (await freePort());
  const packageRoot = path.dirname(require.resolve('azurite/package.json'));
  const common = ['--disableTelemetry', '--skipApiVersionCheck', '--loose', '--silent'];
  const storage = options.location ? ['--location', options.location] : ['--inMemoryPersistence'];
  if (options.location) await mkdir(options.location, { recursive: true });
  await assertPortFree(blobPort);
  await assertPortFree(queuePort);
  const children = [
    spawnService(path.join(packageRoot, 'dist/src/blob/main.js'), ['--blobHost', '127.0.0.1', '--blobPort', String(blobPort), ...storage, ...common]),
    spawnService(path.join(packageRoot, 'dist/src/queue/main.js'), ['--queueHost', '127.0.0.1', '--queuePort', String(queuePort), ...storage, ...common]),
  ];
  try {
    await Promise.all([waitForPort(blobPort, children[0] as ChildProcess), waitForPort(queuePort, children[1] as ChildProcess)]);
  } catch (err) {
    for (const child of children) child.kill();
    throw err;
  }
  return {
    blobPort,
    queuePort,
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              // Azurite's graceful shutdown can wait forever on idle keep-alive sockets: give it a
              // moment to flush (it persists to --location), then end it.
              const force = setTimeout(() => child.kill('SIGKILL'), AZURITE_STOP_MILLISECONDS);
              child.once('exit', () => {
                clearTimeout(force);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/**
 * A preload that ends the child when its parent goes away (the IPC channel closes), so a killed
 * `npm start` or test run never leaves Azurite holding its ports.
 */
function orphanGuard(): string {
  const file = path.join(os.tmpdir(), 'customer-list-orphan-guard.cjs');
  writeFileSync(file, "process.on('disconnect', () => process.exit(0));\n");
  return file;
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function spawnService(script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--require', orphanGuard(), script, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  child.unref();
  child.channel?.unref();
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[azurite] ${chunk.toString()}`));
  return child;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMilliseconds = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode} before listening on ${port}.`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Azurite did not listen on port ${port} in time.`);
}

const SNAPSHOT_CONTAINERS = ['tenants', 'customers', 'subscriptions', 'activity', 'exports', 'counters'] as const;

/** Writes every document of every container to `<folder>/<container>.ndjson` (atomically). */
export async function saveSnapshot(store: CosmosContainers, folder: string): Promise<number> {
  await mkdir(folder, { recursive: true });
  let documents = 0;
  for (const name of SNAPSHOT_CONTAINERS) {
    const file = path.join(folder, `${name}.ndjson`);
    const partial = `${file}.partial`;
    const out = createWriteStream(partial, 'utf8');
    const iterator = store[name].items.query<Record<string, unknown>>('SELECT * FROM c', { maxItemCount: 1000 }).getAsyncIterator();
    for await (const page of iterator) {
      for (const document of page.resources) {
        const clean = Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith('_')));
        if (!out.write(`${JSON.stringify(clean)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        documents += 1;
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(partial, file);
  }
  return documents;
}

/** Loads a snapshot written by saveSnapshot; returns the number of documents, 0 when there is none. */
export async function loadSnapshot(store: CosmosContainers, folder: string): Promise<number> {
  let documents = 0;
  for (const name of SNAPSHOT_CONTAINERS) {
    const file = path.join(folder, `${name}.ndjson`);
    if (!existsSync(file)) continue;
    const lines = readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    const batch: Array<Promise<unknown>> = [];
    for await (const line of lines) {
      if (!line.trim()) continue;
      batch.push(store[name].items.upsert(JSON.parse(line) as Record<string, unknown>));
      documents += 1;
      if (batch.length >= 32) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
  }
  return documents;
}
