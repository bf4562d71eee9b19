/**
 * Records every distinct query the stores send to the local Cosmos endpoint during the test suite,
 * so that test/store/index-agreement.test.ts can hold each one against the indexing policy. Each
 * test process appends what it saw to its own file under test/artifacts/cosmos-queries/.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Container, FeedOptions, SqlQuerySpec } from '@azure/cosmos';

export const QUERY_LOG_FOLDER = path.resolve(import.meta.dirname, '../artifacts/cosmos-queries');

export interface RecordedQuery {
  container: string;
  query: string;
  /** Whether the query named a partition key (a single-partition query). */
  singlePartition: boolean;
}

const seen = new Set<string>();

/** Starts a new recording (the global setup calls it once per run). */
export function clearQueryLog(): void {
  rmSync(QUERY_LOG_FOLDER, { recursive: true, force: true });
  mkdirSync(QUERY_LOG_FOLDER, { recursive: true });
}

/** Wraps `items.query` of each container so that each distinct query is written down once. */
export function recordQueries(containers: Record<string, Container>): void {
  mkdirSync(QUERY_LOG_FOLDER, { recursive: true });
  const file = path.join(QUERY_LOG_FOLDER, `${process.pid}.ndjson`);
  for (const [name, container] of Object.entries(containers)) {
    const items = container.items;
    const query = items.query.bind(items) as (spec: SqlQuerySpec | string, options?: FeedOptions) => ReturnType<typeof items.query>;
    items.query = ((spec: SqlQuerySpec | string, options?: FeedOptions) => {
      const recorded: RecordedQuery = {
        container: name,
        query: typeof spec === 'string' ? spec : spec.query,
        singlePartition: options?.partitionKey !== undefined,
      };
      const line = JSON.stringify(recorded);
      if (!seen.has(line)) {
        seen.add(line);
        appendFileSync(file, `${line}\n`);
      }
      return query(spec, options);
    }) as typeof items.query;
  }
}

/** Every distinct query recorded in this run, by every test process. */
export function recordedQueries(): RecordedQuery[] {
  const lines = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(QUERY_LOG_FOLDER);
  } catch {
    return [];
  }
  for (const file of files) {
    for (const line of readFileSync(path.join(QUERY_LOG_FOLDER, file), 'utf8').split('\n')) if (line) lines.add(line);
  }
  return [...lines].map((line) => JSON.parse(line) as RecordedQuery);
}
