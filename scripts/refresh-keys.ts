/**
 * `npm run refresh-keys`: rewrites the derived search and sort keys of every stored customer whose
 * keys are out of date (for example documents stored before search inside CJK names existed), in
 * the store `npm start` serves, in its saved data under .data/ when it is not running, or in the
 * one COSMOS_ENDPOINT names (in Azure: run it once after deploying a version that changes the keys,
 * signed in as the deploying user, who holds the Cosmos DB data role). Safe to run again.
 */
import { refreshCustomerKeys } from '../shared/customers/refresh-keys.js';
import { openStartStore } from './start-store.js';

async function main(): Promise<void> {
  const store = await openStartStore();
  try {
    const { checked, updated } = await refreshCustomerKeys(store.service.ports.customers);
    console.log(`Checked ${checked} customers; refreshed the keys of ${updated}.`);
  } finally {
    // Closing takes a last snapshot of the embedded store, which journals every write anyway.
    await store.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error((err as Error).stack ?? err);
    process.exit(2);
  },
);
