/**
 * `npm start`: the whole service on http://localhost:7071 over the embedded Cosmos DB endpoint
 * (port 8081) and Azurite (10000 blob, 10001 queue), with demo data on first start. Data survives a
 * restart: Azurite keeps it under .data/azurite, and the Cosmos documents are snapshotted to
 * .data/cosmos every 30 seconds and on Ctrl-C.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionTable } from '../functions/table.js';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { DEMO_ADMIN, demoRecords } from '../shared/demo/demo-data.js';
import { startLocalRunner } from '../shared/host/local-runner.js';
import { loadSnapshot, saveSnapshot, startAzurite, startCosmosEndpoint } from '../shared/host/local-stack.js';
import { encodePrincipal } from '../shared/http/principal.js';
import { importRecords } from '../shared/import/import-records.js';
import { createService, prepareLocalResources } from '../shared/wiring.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const dataFolder = path.join(root, '.data');
const snapshotFolder = path.join(dataFolder, 'cosmos');
const port = Number(process.env.PORT ?? 7071);

async function main(): Promise<void> {
  const cosmos = await startCosmosEndpoint(Number(process.env.COSMOS_PORT ?? 8081));
  const azurite = await startAzurite({
    blobPort: Number(process.env.AZURITE_BLOB_PORT ?? 10000),
    queuePort: Number(process.env.AZURITE_QUEUE_PORT ?? 10001),
    location: path.join(dataFolder, 'azurite'),
  });
  const config = loadConfig({
    ...process.env,
    ...localStackEnv({ cosmos: cosmos.port, blob: azurite.blobPort, queue: azurite.queuePort }),
    LOCAL_DEV_PRINCIPAL: process.env.LOCAL_DEV_PRINCIPAL ?? encodePrincipal(DEMO_ADMIN),
  });
  const service = createService(config);
  await prepareLocalResources(service);
  const restored = await loadSnapshot(service.store, snapshotFolder);
  if (restored === 0) {
    console.log('Seeding demo data (two partners, four resellers, 2,000 customers)...');
    const lines = () =>
      (async function* () {
        for (const record of demoRecords()) yield JSON.stringify(record);
      })();
    const summary = await importRecords(service.ports, lines, (problem) => console.error(`demo line ${problem.line}: ${problem.message}`));
    console.log(`Seeded ${summary.imported.customer} customers and ${summary.imported.subscription} subscriptions.`);
    await saveSnapshot(service.store, snapshotFolder);
  } else {
    console.log(`Restored ${restored} documents from ${path.relative(root, snapshotFolder)}.`);
  }

  const runner = await startLocalRunner(functionTable, service, { port, host: '127.0.0.1' });
  const snapshotTimer = setInterval(() => {
    saveSnapshot(service.store, snapshotFolder).catch((err: unknown) => console.error('Snapshot failed:', err));
  }, 30_000);

  console.log(`
Customer list service is running.
  Portal:   http://localhost:${port}/
  API:      http://localhost:${port}/api  (OpenAPI: http://localhost:${port}/api/openapi.json)
  Signed in as ${DEMO_ADMIN.userName} (Customers.ReadWrite) of the demo partner ${DEMO_ADMIN.tenantId}
  Cosmos DB endpoint: https://127.0.0.1:${cosmos.port}   Azurite: blob ${azurite.blobPort}, queue ${azurite.queuePort}
Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    clearInterval(snapshotTimer);
    await runner.close();
    const saved = await saveSnapshot(service.store, snapshotFolder);
    console.log(`Saved ${saved} documents to ${path.relative(root, snapshotFolder)}.`);
    await azurite.close();
    await cosmos.close();
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
