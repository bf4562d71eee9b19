/**
 * In-process stand-ins for a Cosmos DB container, for the benchmarks only. They implement the few
 * calls the service's store adapters make (`items.query(...).fetchAll()`, `item(id, pk).read()`,
 * `items.getChangeFeedIterator()`),
 * so the real adapters (shared/store) run on top of them:
 *
 * - `syntheticCustomers(n)`: a partner with n customers, generated page by page on demand in the
 *   order the real query returns them (sort key, then id), honouring the query's TOP, its page size
 *   and keyset parameters. The local Cosmos endpoint scans every document on every page, so at a million rows
 *   it measures the emulator, not us; this measures us.
 * - `syntheticCounts(n)`: the counters container of that partner, whose customer count is n.
 * - `ReplayingContainer`: answers each distinct request with the page recorded from the real local
 *   Cosmos endpoint (the objects the SDK returned, deep-frozen). Misses go to the real container and
 *   are counted, so a benchmark can prove it ran on recorded pages only.
 */
import type { Container, FeedOptions, SqlQuerySpec } from '@azure/cosmos';

const STEMS = [
  'Contoso',
  'Fabrikam',
  'Müller & Söhne',
  'Northwind',
  'Société Générale',
  '東京テクノロジー',
  'Woodgrove',
  'Smith, Jones & "Partners"',
  'Ωmega',
  'Litware',
];
const SUFFIXES = ['Ltd', 'GmbH', 'Inc.', 'S.A.', '株式会社', 'AB', 'LLC', 'plc'];

export const SYNTHETIC_PARTNER_ID = '0badc0de-0000-4000-8000-000000000001';

/** The i-th synthetic customer's id: ascending with i, GUID-shaped. */
export function syntheticCustomerId(index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `5e1ec7ed-0000-4000-8000-${hex}`;
}

/** The row the customers query projects, for the i-th customer (names sort in index order). */
function syntheticRow(index: number) {
  const padded = String(index).padStart(8, '0');
  const companyName = `${STEMS[index % STEMS.length]} ${padded} ${SUFFIXES[index % SUFFIXES.length]}`;
  return {
    id: syntheticCustomerId(index),
    companyName,
    domain: `tenant${index}.onmicrosoft.com`,
    relationship: index % 3 === 0 ? 'Direct reseller' : 'Indirect reseller',
    resellerId: null,
    // The stored sort key is the folded name; here the index, so names come in index order.
    sortKey: padded,
  };
}

function parameter(spec: SqlQuerySpec, name: string): unknown {
  return spec.parameters?.find((candidate) => candidate.name === name)?.value;
}

/**
 * A container holding `count` customers of one partner, generated as they are read: `fetchAll`
 * answers a page query (its TOP), `fetchNext` pages through a stream of `maxItemCount` rows.
 */
export function syntheticCustomers(count: number): Container {
  const rows = (start: number, end: number) => {
    const resources = new Array(Math.max(0, end - start));
    for (let index = start; index < end; index += 1) resources[index - start] = syntheticRow(index);
    return resources;
  };
  return {
    items: {
      query(spec: SqlQuerySpec, options: FeedOptions = {}) {
        // The keyset query names the cursor's id @afterSecond (shared/store/cosmos.ts).
        const afterId = parameter(spec, '@afterSecond');
        let next = typeof afterId === 'string' ? Number.parseInt(afterId.slice(-12), 16) + 1 : 0;
        return {
          async fetchAll() {
            // The count an export asks for as it starts.
            if (spec.query.includes('COUNT(1)')) return { resources: [count] };
            const top = Number(/SELECT TOP (\d+)/.exec(spec.query)?.[1] ?? 100);
            // A search's capped count: one constant per match, every customer matching.
            if (/SELECT TOP \d+ VALUE 1 /.test(spec.query)) return { resources: new Array(Math.min(count, top)).fill(1) };
            return { resources: rows(next, Math.min(count, next + top)) };
          },
          hasMoreResults: () => next < count,
          async fetchNext() {
            const end = Math.min(count, next + (options.maxItemCount ?? 100));
            const resources = rows(next, end);
            next = end;
            return { resources };
          },
        };
      },
      // Nobody renames a synthetic customer: the export's change feed reads find nothing new.
      getChangeFeedIterator: () => ({ readNext: async () => ({ statusCode: 304, result: [] }) }),
    },
  } as unknown as Container;
}

/** A counters container holding one partner's maintained customer count (`count` customers, no resellers). */
export function syntheticCounts(count: number): Container {
  return {
    item: (id: string, partnerId: string) => ({
      read: async () => ({
        resource: { id, partnerId, total: count, byReseller: {}, changedDateTime: '2026-01-01T00:00:00.000Z', checkedDateTime: '2026-01-01T00:00:00.000Z' },
        statusCode: 200,
      }),
    }),
  } as unknown as Container;
}

/** Deep-freezes a recorded answer, so that no caller can change what the next request gets. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Answers repeated requests from pages recorded from a real container, as the objects the SDK
 * returned (each document deep-frozen: the service must not, and cannot, change them; each answer
 * a new array). Parsing the store's JSON is the SDK's work, not the service's, so it is not
 * repeated per request.
 */
export class ReplayingContainer {
  private readonly pages = new Map<string, unknown[]>();
  private readonly documents = new Map<string, unknown>();
  /** Requests that had to go to the real container (only the recording pass may have any). */
  misses = 0;

  constructor(private readonly real: Container) {}

  asContainer(): Container {
    return {
      items: {
        query: (spec: SqlQuerySpec | string, options: FeedOptions = {}) => ({
          fetchAll: async () => {
            const key = JSON.stringify([spec, options.partitionKey ?? null, options.maxItemCount ?? null]);
            let page = this.pages.get(key);
            if (page === undefined) {
              this.misses += 1;
              page = (await this.real.items.query(spec, options).fetchAll()).resources.map(frozen);
              this.pages.set(key, page);
            }
            // A new array each time (V8 copies a frozen array slowly, which the SDK's never is).
            return { resources: page.slice() };
          },
        }),
      },
      item: (id: string, partitionKey: string) => ({
        read: async () => {
          const key = JSON.stringify([id, partitionKey]);
          let document = this.documents.get(key);
          if (document === undefined) {
            this.misses += 1;
            document = frozen((await this.real.item(id, partitionKey).read()).resource ?? null);
            this.documents.set(key, document);
          }
          return { resource: document ?? undefined, statusCode: document === null ? 404 : 200 };
        },
      }),
    } as unknown as Container;
  }
}
