/**
 * `npm run refresh-keys`: rewrites the derived search and sort keys of every stored customer whose
 * keys are out of date (for example documents stored before search inside CJK names existed), in
 * the store `npm start` serves, in its saved data under .data/ when it is not running, or in the
 * one COSMOS_ENDPOINT names (in Azure: run it once after deploying a version that changes the keys,
 * signed in as the deploying user, who holds the Cosmos DB data role). Safe to run again.
 */
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { refreshCustomerKeys } from '../shared/customers/refresh-keys.js';
import { type LocalCosmosEndpoint, startLocalCosmos } from '../shared/host/local-cosmos.js';
import { bootstrapStore } from '../shared/store/bootstrap.js';
import { createService } from '../shared/wiring.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const snapshotFolder = path.join(path.resolve(process.env.LOCAL_DATA_FOLDER ?? path.join(root, '.data')), 'cosmos');

const isListening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

async function main(): Promise<void> {
  const localPort = Number(process.env.COSMOS_PORT ?? 8081);
  let embedded: LocalCosmosEndpoint | undefined;
  let env: Record<string, string | undefined> = process.env;
  if (!process.env.COSMOS_ENDPOINT) {
    if (!(await isListening(localPort))) {
      embedded = await startLocalCosmos({ port: 0, folder: snapshotFolder, legacyDatabase: process.env.COSMOS_DATABASE_NAME ?? 'customerlist' });
    }
    env = { ...process.env, ...localStackEnv({ cosmos: embedded?.port ?? localPort, blob: 10000, queue: 10001 }) };
  }
  const service = createService(loadConfig(env));
  if (embedded) await bootstrapStore(service.config, service.store);
  const { checked, updated } = await refreshCustomerKeys(service.ports.customers);
  // Closing takes a last snapshot of the embedded store, which journals every write anyway.
  await embedded?.close();
  console.log(`Checked ${checked} customers; refreshed the keys of ${updated}.`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error((err as Error).stack ?? err);
    process.exit(2);
  },
);
