/**
 * `npm run import -- <file.ndjson>`: loads records into the store `npm start` serves (or the one
 * COSMOS_ENDPOINT names). When `npm start` is not running, the records go into its saved data
 * under .data/, so the next start serves them. Bad lines are reported by line number and import
 * nothing; the exit code is 1 when any line was bad, 2 when the import could not run, 3 when the
 * embedded store would hold more customers than it serves usably (nothing is imported then).
 */
import { createReadStream, existsSync } from 'node:fs';
import https from 'node:https';
import readline from 'node:readline';
import type { LocalStatus } from '../shared/host/local-cosmos.js';
import { importRecords } from '../shared/import/import-records.js';
import type { createService } from '../shared/wiring.js';
import { openStartStore } from './start-store.js';

/**
 * The most customers the embedded endpoint serves usably (README, "The local stack's limits"): it
 * scans every document of a container for every query page, so a search page's time grows with
 * the customers it holds, all partners together. LOCAL_MAX_CUSTOMERS changes it.
 */
const LOCAL_MAX_CUSTOMERS = Number(process.env.LOCAL_MAX_CUSTOMERS ?? 25_000);

/** Documents per container of the embedded endpoint, from its own status route. */
async function localStatus(port: number): Promise<LocalStatus> {
  const response = await fetchInsecure(`https://127.0.0.1:${port}/_local/status`);
  return JSON.parse(response) as LocalStatus;
}

function fetchInsecure(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          response.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${url} answered ${response.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

/** Customer ids in the file (distinct), read without validating anything else. */
async function customerIdsInFile(file: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const line of readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line.includes('"customer"')) continue;
    try {
      const record = JSON.parse(line.replace(/^\uFEFF/, '')) as { type?: unknown; id?: unknown; partnerId?: unknown };
      if (record.type === 'customer' && typeof record.id === 'string') ids.add(`${String(record.partnerId)}/${record.id.toLowerCase()}`);
    } catch {
      // The import itself reports bad lines.
    }
  }
  return ids;
}

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
  const store = await openStartStore();
  const { service } = store;
  try {
    if (store.localPort !== undefined) {
      const refusal = await overLocalLimit(service, file, store.localPort);
      if (refusal) {
        console.error(refusal);
        return 3;
      }
    }
    const lines = () => readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    const summary = await importRecords(service.ports, lines, (problem) => console.error(`line ${problem.line}: ${problem.message}`));
    const { partner, reseller, customer, subscription } = summary.imported;
    console.log(
      `Imported ${partner} partners, ${reseller} resellers, ${customer} customers, ${subscription} subscriptions${store.embedded ? ' (into .data/, served at the next npm start)' : ''}.`,
    );
    if (summary.problems.length) console.error(`${summary.problems.length} bad line(s) were not imported.`);
    return summary.problems.length ? 1 : 0;
  } finally {
    await store.close();
  }
}

/**
 * Why the embedded store cannot take this file, or undefined when it can: the customers it would
 * hold afterwards (those there now plus the file's new ones) against LOCAL_MAX_CUSTOMERS.
 */
async function overLocalLimit(service: ReturnType<typeof createService>, file: string, port: number): Promise<string | undefined> {
  // Something else on the port (the official emulator, say) has no such route: no limit to check.
  const status = await localStatus(port).catch(() => undefined);
  if (!status) return undefined;
  const present = status.containers[service.config.cosmos.databaseName]?.customers ?? 0;
  const inFile = await customerIdsInFile(file);
  if (present + inFile.size <= LOCAL_MAX_CUSTOMERS) return undefined;
  // Some of the file's customers may be there already (an import run again): count only new ones.
  let added = 0;
  for (const key of inFile) {
    const [partnerId = '', customerId = ''] = key.split('/');
    if (!(await service.ports.customers.getCustomer(partnerId, customerId))) added += 1;
  }
  if (present + added <= LOCAL_MAX_CUSTOMERS) return undefined;
  return [
    `Refused: the local store would hold ${(present + added).toLocaleString('en-US')} customers (${present.toLocaleString('en-US')} now, ${added.toLocaleString('en-US')} new in ${file}),`,
    `more than the ${LOCAL_MAX_CUSTOMERS.toLocaleString('en-US')} the embedded Cosmos endpoint serves usably (it scans every document for every page).`,
    'Nothing was imported. For a larger list, point npm start and the import at a Cosmos DB account or the official emulator:',
    '  COSMOS_ENDPOINT=<the account or emulator endpoint> npm run import -- <file>   (see README, "Larger lists")',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).stack ?? err);
    process.exit(2);
  },
);
