/**
 * The embedded local stack for `npm start`, tests and benchmarks: a Cosmos DB endpoint
 * (@vercel/cosmosdb-server, HTTPS, self-signed; in this process for tests, durable and in a process
 * of its own for `npm start`, see local-cosmos.ts) and Azurite (blob, queue) as child processes, on
 * loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCosmos } from './local-cosmos.js';

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

/** The local Cosmos endpoint in this process, in memory (tests, benchmarks). */
export async function startCosmosEndpoint(port = 0): Promise<RunningServer> {
  const endpoint = await startLocalCosmos({ port });
  return { port: endpoint.port, requests: () => endpoint.requests(), close: () => endpoint.close() };
}

export interface DurableCosmosOptions {
  /** Loopback port; 0 picks a free one. */
  port: number;
  /** Where the snapshot and journals live. */
  folder: string;
  /** Database that a snapshot of the earlier per-container format belongs to. */
  legacyDatabase?: string;
}

export interface RunningDurableCosmos {
  port: number;
  /** Documents restored from the folder. */
  restored: number;
  close(): Promise<void>;
}

/**
 * Starts the durable local Cosmos endpoint (shared/host/local-cosmos.ts) in a process of its own,
 * in its own process group (Ctrl-C reaches `npm start`, which stops the service before it), ended
 * when this process goes away.
 */
export async function spawnCosmosEndpoint(options: DurableCosmosOptions): Promise<RunningDurableCosmos> {
  const here = fileURLToPath(import.meta.url);
  const extension = path.extname(here);
  const script = path.join(path.dirname(here), `local-cosmos-process${extension}`);
  const loader = extension === '.ts' ? ['--import', 'tsx'] : [];
  const args = [
    ...loader,
    '--max-semi-space-size=32',
    script,
    String(options.port),
    options.folder,
    ...(options.legacyDatabase ? [options.legacyDatabase] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
  const ready = await new Promise<{ port: number; restored: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The local Cosmos endpoint exited with code ${code} before it was ready.`)));
    child.on('message', (message: { type: string; port: number; restored: number; message?: string; code?: string }) => {
      if (message.type === 'ready') resolve(message);
      if (message.type === 'failed') reject(Object.assign(new Error(message.message ?? 'The local Cosmos endpoint failed.'), { code: message.code }));
    });
  });
  child.removeAllListeners('exit');
  // From now on it must not keep this process alive by itself.
  child.unref();
  child.channel?.unref();
  return {
    port: ready.port,
    restored: ready.restored,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // Referenced again while it stops: the wait for its last snapshot must keep this process up.
        child.ref();
        child.channel?.ref();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

/**
 * How long Azurite may take to stop gracefully (it saves its data to --location) before it is
 * killed: its server closes idle keep-alive connections after 5 seconds, and its close waits for them.
 */
const AZURITE_STOP_MILLISECONDS = 8_000;

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
              // Referenced while it stops, so this process waits for it (and its data) to end.
              child.ref();
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
  // On SIGTERM Azurite closes its servers and saves; the IPC channel must not keep it alive after.
  writeFileSync(file, "process.on('disconnect', () => process.exit(0));\nprocess.once('SIGTERM', () => process.channel?.unref());\n");
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
  // Its own process group: Ctrl-C in the terminal must reach `npm start` only, which stops the
  // service (and lets an export checkpoint) before it stops Azurite.
  const child = spawn(process.execPath, ['--require', orphanGuard(), script, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
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
