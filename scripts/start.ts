/**
 * `npm start`: the whole service on http://localhost:7071 over the embedded Cosmos DB endpoint
 * (port 8081, a process of its own) and Azurite (10000 blob, 10001 queue), with demo data on first
 * start. Data survives a restart and a kill -9: Azurite keeps it under .data/azurite, and the Cosmos
 * endpoint journals every acknowledged write under .data/cosmos (see shared/host/local-cosmos.ts).
 * With COSMOS_ENDPOINT set (a Cosmos DB account or the official emulator), that account is used
 * instead of the embedded endpoint. Ctrl-C stops the service first, then Azurite and the endpoint.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionTable } from '../functions/table.js';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { refreshCustomerKeys } from '../shared/customers/refresh-keys.js';
import { DEMO_ADMIN, demoRecords } from '../shared/demo/demo-data.js';
import { startLocalRunner } from '../shared/host/local-runner.js';
import { type RunningDurableCosmos, spawnCosmosEndpoint, startAzurite } from '../shared/host/local-stack.js';
import { encodePrincipal } from '../shared/http/principal.js';
import { importRecords } from '../shared/import/import-records.js';
import { createService, prepareLocalResources } from '../shared/wiring.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
/** LOCAL_DATA_FOLDER moves the saved data (tests use it); default .data/ in the repository. */
const dataFolder = path.resolve(process.env.LOCAL_DATA_FOLDER ?? path.join(root, '.data'));
const snapshotFolder = path.join(dataFolder, 'cosmos');
const port = Number(process.env.PORT ?? 7071);
/** DEMO_CUSTOMERS: customers of the demo data seeded into an empty store (the tests seed fewer). */
const demoCustomers = Number(process.env.DEMO_CUSTOMERS ?? 2000);
/** How long Ctrl-C waits for a running export to reach its next checkpoint. */
const STOP_GRACE_MILLISECONDS = 5_000;

async function main(): Promise<void> {
  const external = process.env.COSMOS_ENDPOINT;
  const databaseName = process.env.COSMOS_DATABASE_NAME ?? 'customerlist';
  let cosmos: RunningDurableCosmos | undefined;
  if (!external) {
    cosmos = await spawnCosmosEndpoint({ port: Number(process.env.COSMOS_PORT ?? 8081), folder: snapshotFolder, legacyDatabase: databaseName });
  }
  const azurite = await startAzurite({
    blobPort: Number(process.env.AZURITE_BLOB_PORT ?? 10000),
    queuePort: Number(process.env.AZURITE_QUEUE_PORT ?? 10001),
    location: path.join(dataFolder, 'azurite'),
  });
  const stackEnv = localStackEnv({ cosmos: cosmos?.port ?? 0, blob: azurite.blobPort, queue: azurite.queuePort }, databaseName);
  if (external) {
    // Only the storage settings: the Cosmos settings are the caller's (key or Entra ID).
    for (const key of Object.keys(stackEnv)) if (key.startsWith('COSMOS_')) delete stackEnv[key];
  }
  const config = loadConfig({
    ...process.env,
    ...stackEnv,
    LOCAL_DEV_PRINCIPAL: process.env.LOCAL_DEV_PRINCIPAL ?? encodePrincipal(DEMO_ADMIN),
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
  });
  const service = createService(config);
  await prepareLocalResources(service);
  // Demo data only into an empty embedded store, never into an account COSMOS_ENDPOINT names.
  if (cosmos && cosmos.restored === 0) {
    console.log(`Seeding demo data (two partners, four resellers, ${demoCustomers.toLocaleString('en-US')} customers)...`);
    const lines = () =>
      (async function* () {
        for (const record of demoRecords(demoCustomers)) yield JSON.stringify(record);
      })();
    const summary = await importRecords(service.ports, lines, (problem) => console.error(`demo line ${problem.line}: ${problem.message}`));
    console.log(`Seeded ${summary.imported.customer} customers and ${summary.imported.subscription} subscriptions.`);
  } else if (cosmos) {
    console.log(`Restored ${cosmos.restored} documents from ${snapshotFolder}.`);
    // Documents saved by an older version may lack keys derived since (e.g. the CJK bigrams).
    const { updated } = await refreshCustomerKeys(service.ports.customers);
    if (updated) console.log(`Refreshed the search keys of ${updated} customers.`);
  }

  // After a stop has waited its grace, what abandoned invocations still log is noise.
  let abandoned = false;
  const runner = await startLocalRunner(functionTable, service, {
    port,
    host: '127.0.0.1',
    // As the platform scales a queue-triggered app out (an instance per batchSize messages
    // waiting), so that one long export does not hold back everyone else's.
    instances: 4,
    log: (level, name, message) => {
      if (abandoned || level === 'debug' || level === 'trace') return;
      if (level === 'error' || level === 'warning') console.error(`[${name}] ${message}`);
      else console.log(`[${name}] ${message}`);
    },
  });
  // This process is the only worker of the local stack: an export NotStarted or Running now was
  // interrupted by the last stop (or kill), and its message may be hidden for a whole slice or lost
  // with Azurite's last seconds. Queue it again now; a second message for it is harmless.
  const resumed = cosmos ? await service.services.exports.requeueStale(0) : 0;
  if (resumed > 0) console.log(`Resuming ${resumed} export(s) interrupted by the last stop.`);

  console.log(`
Customer list service is running.
  Portal:   http://localhost:${port}/
  API:      http://localhost:${port}/api  (OpenAPI: http://localhost:${port}/api/openapi.json)
  Signed in as ${DEMO_ADMIN.userName} (Customers.ReadWrite) of the demo partner ${DEMO_ADMIN.tenantId}
  Cosmos DB: ${external ?? `https://127.0.0.1:${cosmos?.port} (embedded, saved in ${snapshotFolder})`}   Azurite: blob ${azurite.blobPort}, queue ${azurite.queuePort}
Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    // The service first: no new work, and a running export hands off at its next checkpoint (a
    // slice of zero seconds); one that cannot reach it within the grace has its message handed
    // back and resumes from its last checkpoint at the next start. Then the store, then Azurite.
    service.config.exports.sliceSeconds = 0;
    await runner.close({ graceMilliseconds: STOP_GRACE_MILLISECONDS });
    abandoned = true;
    await cosmos?.close();
    await azurite.close();
    console.log('Stopped; everything acknowledged is saved.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  const error = err as NodeJS.ErrnoException;
  if (error.code === 'EADDRINUSE') {
    console.error(`A port the service needs is in use (${error.message}). Is another "npm start" running?`);
  } else {
    console.error(error.stack ?? error);
  }
  process.exit(1);
});
