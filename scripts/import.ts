/**
 * `npm run import -- <file.ndjson>`: loads records into the store `npm start` serves (or the one
 * COSMOS_ENDPOINT names). When `npm start` is not running, the records go into its saved data
 * under .data/, so the next start serves them. Bad lines are reported by line number and import
 * nothing; the exit code is 1 when any line was bad, 2 when the import could not run.
 */
import { createReadStream, existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { loadSnapshot, saveSnapshot, startCosmosEndpoint } from '../shared/host/local-stack.js';
import { importRecords } from '../shared/import/import-records.js';
import { bootstrapStore } from '../shared/store/bootstrap.js';
import { createService } from '../shared/wiring.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const snapshotFolder = path.join(root, '.data', 'cosmos');

const isListening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('Usage: npm run import -- <file.ndjson>');
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`No such file: ${file}`);
    return 2;
  }
  const localPort = Number(process.env.COSMOS_PORT ?? 8081);
  let embedded: Awaited<ReturnType<typeof startCosmosEndpoint>> | undefined;
  let env: Record<string, string | undefined> = process.env;
  if (!process.env.COSMOS_ENDPOINT) {
    const running = await isListening(localPort);
    if (!running) embedded = await startCosmosEndpoint(0);
    env = { ...process.env, ...localStackEnv({ cosmos: embedded?.port ?? localPort, blob: 10000, queue: 10001 }) };
  }
  const service = createService(loadConfig(env));
  if (embedded) {
    await bootstrapStore(service.config, service.store);
    await loadSnapshot(service.store, snapshotFolder);
  }
  const lines = () => readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const summary = await importRecords(service.ports, lines, (problem) => console.error(`line ${problem.line}: ${problem.message}`));
  if (embedded) {
    await saveSnapshot(service.store, snapshotFolder);
    await embedded.close();
  }
  const { partner, reseller, customer, subscription } = summary.imported;
  console.log(
    `Imported ${partner} partners, ${reseller} resellers, ${customer} customers, ${subscription} subscriptions${embedded ? ' (into .data/, served at the next npm start)' : ''}.`,
  );
  if (summary.problems.length) console.error(`${summary.problems.length} bad line(s) were not imported.`);
  return summary.problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).stack ?? err);
    process.exit(2);
  },
);
