/**
 * Refreshes the derived fields of stored customers (sort key, search keys, CJK bigrams) after the
 * way they are derived changes, e.g. documents written before `searchBigrams` existed, which a
 * search inside a CJK name could not find. New and renamed customers get them when written; this
 * is for documents already stored. Idempotent: a customer whose fields are current is not written.
 */
import { buildCustomerRecord, type CustomerRecord } from './customer.js';
import type { CustomerRepository } from './ports.js';

const PAGE_SIZE = 200;

function derivedFieldsDiffer(stored: CustomerRecord, current: CustomerRecord): boolean {
  const same = (left: unknown, right: unknown) => JSON.stringify(left) === JSON.stringify(right);
  return !(same(stored.sortKey, current.sortKey) && same(stored.searchKeys, current.searchKeys) && same(stored.searchBigrams, current.searchBigrams));
}

/**
 * Walks every customer once and rewrites those whose derived fields are stale, each with its etag
 * (a customer renamed meanwhile was rewritten with current fields, so a 412 there is skipped).
 * Returns how many customers it checked and how many it updated.
 */
export async function refreshCustomerKeys(customers: CustomerRepository): Promise<{ checked: number; updated: number }> {
  let checked = 0;
  let updated = 0;
  let continuationToken: string | undefined;
  do {
    const page = await customers.listAllCustomers(PAGE_SIZE, continuationToken);
    for (const stored of page.records) {
      checked += 1;
      const current = buildCustomerRecord(stored);
      if (!derivedFieldsDiffer(stored, current)) continue;
      const written = await customers.replaceCustomer({ ...stored, ...current }, stored.etag ?? '');
      if (written !== 'PreconditionFailed') updated += 1;
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return { checked, updated };
}
