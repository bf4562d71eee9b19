/**
 * The embedded Cosmos DB endpoint of `npm start`, made durable. @vercel/cosmosdb-server keeps its
 * documents in memory; this serves its account and routes on HTTPS and adds, when given a folder:
 *
 * - a journal: every document write that is about to answer 2xx is appended to
 *   `journal-<generation>.ndjson` and flushed to disk (fdatasync, grouped across concurrent writes)
 *   before the answer leaves, so a write the service acknowledged survives kill -9;
 * - snapshots: one at a time, every container in one file, written to `snapshot-<n>.tmp`, flushed,
 *   then renamed over `snapshot.ndjson` (atomic), after which older journals are deleted. At start
 *   the snapshot is loaded and the journals from its generation on are replayed; a damaged journal
 *   tail (a write torn by a crash, which was never acknowledged) is skipped with a warning;
 * - loud failure: when the journal or a snapshot cannot be written, every write and every read of a
 *   database (what the service's health check does) answers 503 with the reason, and the console
 *   says what happened, until a snapshot succeeds again (retried every few seconds).
 *
 * Documents keep their `_etag`, `_rid` and `_ts` across restarts, so a client's ETag stays valid.
 * Databases and containers are not stored: the service creates them at every start (from
 * infra/cosmos-containers.json, so indexing changes apply), and a container's saved documents are
 * put back the moment it is created.
 */

import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import type http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const packageRoot = path.dirname(require.resolve('@vercel/cosmosdb-server/package.json'));

/** The parts of @vercel/cosmosdb-server's in-memory model this module reads and restores. */
interface ItemsModel<T> {
  _data: Map<string, { read(): Record<string, unknown> } & T>;
  _ridCount: number;
  _set(data: Record<string, unknown>): Record<string, unknown>;
  _getPartition(data: Record<string, unknown>): unknown;
  create(data: Record<string, unknown>): Record<string, unknown>;
  delete(id: string, partition: unknown): void;
}
interface CollectionModel {
  read(): Record<string, unknown> | undefined;
  documents: ItemsModel<object>;
}
interface DatabaseModel {
  read(): Record<string, unknown> | undefined;
  collections: ItemsModel<CollectionModel>;
  collection(id: string): CollectionModel;
}
interface AccountModel {
  databases: ItemsModel<DatabaseModel>;
  database(id: string): DatabaseModel;
}
type RouteHandler = (account: AccountModel, req: http.IncomingMessage, res: http.ServerResponse, params: Record<string, string>) => unknown;

const Account = (require('@vercel/cosmosdb-server/lib/account') as { default: new (host: string, port: number) => AccountModel }).default;
const routes = (require('@vercel/cosmosdb-server/lib/routes') as { default: (req: http.IncomingMessage) => [Record<string, string>, RouteHandler] | undefined })
  .default;
const partitionHeader = require('@vercel/cosmosdb-server/lib/utils/get-partition-from-header') as {
  default: (req: http.IncomingMessage) => string | undefined;
  parsePartitionKey: (header: string | undefined, fallback: unknown) => unknown;
};

/**
 * @zeit/cosmosdb-query (the endpoint's query engine) compiles `FROM c` into
 * `docs.reduce(($, c) => typeof c !== "undefined" ? [...$, { c: c }] : $, [])`, which copies the
 * growing array once per document: quadratic in the container's size (15 s a page at 20,000
 * customers). The same rows in linear time: a filter and a map. Other shapes are left as they are.
 */
const QUADRATIC_FROM = /\.reduce\(\(\$, (\w+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*\1: \1\s*\}\] : \$, \[\]\)/g;

export function linearFromClause(code: string): string {
  return code.replace(
    QUADRATIC_FROM,
    (_match, alias: string) => `.filter((${alias}) => typeof ${alias} !== "undefined").map((${alias}) => ({ ${alias}: ${alias} }))`,
  );
}

const compile = (require('@zeit/cosmosdb-query') as { default: (sql: string) => { code: string } }).default;

/** The JavaScript the endpoint's query engine runs for a query (after the rewrite below). */
export function compiledQuery(sql: string): string {
  return compile(sql).code;
}

{
  const prototype = Object.getPrototypeOf(compile('SELECT * FROM c')) as object;
  const original = Object.getOwnPropertyDescriptor(prototype, 'code');
  if (original?.get && !(original.get as { linear?: boolean }).linear) {
    const get = function (this: object) {
      return linearFromClause(original.get?.call(this) as string);
    };
    Object.defineProperty(prototype, 'code', { ...original, get: Object.assign(get, { linear: true }) });
  }
}

/** Seconds between snapshots while there are journaled writes. */
const SNAPSHOT_SECONDS = 30;
/** Milliseconds between attempts to recover after persistence failed. */
const RECOVERY_MILLISECONDS = 5_000;
const SNAPSHOT_FILE = 'snapshot.ndjson';
const FORMAT = 'customer-list-local-cosmos';
const LEGACY_CONTAINERS = ['tenants', 'customers', 'subscriptions', 'activity', 'exports'];

/** One line of a journal or a snapshot. */
type StoredRecord =
  | { op: 'put'; db: string; coll: string; pk: unknown; ridCount: number; doc: Record<string, unknown> }
  | { op: 'delete'; db: string; coll: string; pk: unknown; id: string }
  | { op: 'drop'; db: string; coll?: string };

export interface LocalCosmosOptions {
  /** Loopback port; 0 picks a free one. */
  port?: number;
  /** Where the snapshot and journals live; in memory only when absent. */
  folder?: string;
  /** Seconds between snapshots (default 30). */
  snapshotSeconds?: number;
  /** Database that snapshots of the earlier one-file-per-container format belong to. */
  legacyDatabase?: string;
  /** Tests only: how long a snapshot waits, fully written, before it is flushed and put in place. */
  snapshotPauseMilliseconds?: number;
  /** Where warnings and failures are told (default: console.error). */
  warn?: (message: string) => void;
}

export interface PersistenceStatus {
  /** Set while writes are refused because the data could not be saved. */
  failure?: string;
  /** Documents held (in containers and waiting for their container to be created). */
  documents: number;
  generation: number;
}

export interface LocalCosmosEndpoint {
  port: number;
  /** Documents restored from the folder at start. */
  restored: number;
  /** Requests received so far (the benchmarks and a test count calls per operation). */
  requests(): number;
  status(): LocalStatus;
  /** Takes a snapshot now (waits for one in progress first). */
  snapshot(): Promise<void>;
  /** Stops serving, takes a last snapshot, closes the journal. */
  close(): Promise<void>;
}

/** An append-only file whose appends resolve once they are on disk (group commit). */
class Journal {
  private handle: Promise<FileHandle> | undefined;
  private waiting: Array<{ line: string; done: (err?: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;

  constructor(readonly file: string) {}

  append(record: StoredRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ line: `${JSON.stringify(record)}\n`, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        this.handle ??= open(this.file, 'a');
        const handle = await this.handle;
        await handle.write(batch.map((entry) => entry.line).join(''));
        await handle.datasync();
        for (const entry of batch) entry.done();
      } catch (err) {
        for (const entry of batch) entry.done(err);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close();
  }
}

const collectionKey = (db: string, coll: string) => `${db}\u0000${coll}`;
const documentKey = (pk: unknown, id: unknown) => JSON.stringify([pk ?? null, id]);

/** Documents of containers not created yet in this run: put back when the service creates them. */
interface WaitingContainer {
  db: string;
  coll: string;
  ridCount: number;
  docs: Map<string, { pk: unknown; doc: Record<string, unknown> }>;
}

class Persistence {
  generation = 0;
  failure: string | undefined;
  private journal: Journal | undefined;
  private running: Promise<void> | undefined;

  get snapshotting(): boolean {
    return this.running !== undefined;
  }
  private dirty = false;
  readonly waiting = new Map<string, WaitingContainer>();

  constructor(
    private readonly accountOf: () => AccountModel,
    private readonly folder: string,
    private readonly warn: (message: string) => void,
    private readonly pauseMilliseconds = 0,
  ) {}

  /** Reads the snapshot and replays the journals; returns the documents restored. */
  async recover(legacyDatabase: string | undefined): Promise<number> {
    await mkdir(this.folder, { recursive: true });
    const names = await readdir(this.folder);
    for (const name of names) if (name.endsWith('.tmp')) await rm(path.join(this.folder, name), { force: true });
    const snapshotFile = path.join(this.folder, SNAPSHOT_FILE);
    if (existsSync(snapshotFile)) {
      this.generation = await this.readSnapshot(snapshotFile);
    } else if (legacyDatabase) {
      this.readLegacy(legacyDatabase);
    }
    const journals = names
      .map((name) => /^journal-(\d+)\.ndjson$/.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .filter((generation) => generation >= this.generation)
      .sort((a, b) => a - b);
    for (const generation of journals) {
      await this.replay(path.join(this.folder, `journal-${generation}.ndjson`));
      this.generation = Math.max(this.generation, generation);
    }
    // Start a fresh generation, so no torn tail is ever appended to.
    this.generation += 1;
    this.journal = new Journal(this.journalFile(this.generation));
    let documents = 0;
    for (const container of this.waiting.values()) documents += container.docs.size;
    this.dirty = journals.length > 0 || !existsSync(snapshotFile);
    return documents;
  }

  private journalFile(generation: number) {
    return path.join(this.folder, `journal-${generation}.ndjson`);
  }

  private container(db: string, coll: string): WaitingContainer {
    const key = collectionKey(db, coll);
    let container = this.waiting.get(key);
    if (!container) {
      container = { db, coll, ridCount: 0, docs: new Map() };
      this.waiting.set(key, container);
    }
    return container;
  }

  /** Applies a stored record to the waiting documents (recovery runs before any container exists). */
  private apply(record: StoredRecord): void {
    if (record.op === 'drop') {
      for (const [key, container] of this.waiting) {
        if (container.db === record.db && (record.coll === undefined || container.coll === record.coll)) this.waiting.delete(key);
      }
      return;
    }
    const container = this.container(record.db, record.coll);
    if (record.op === 'put') {
      container.docs.set(documentKey(record.pk, record.doc.id), { pk: record.pk, doc: record.doc });
      container.ridCount = Math.max(container.ridCount, record.ridCount);
    } else {
      container.docs.delete(documentKey(record.pk, record.id));
    }
  }

  private async readSnapshot(file: string): Promise<number> {
    const lines = readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    let header: { format?: string; generation?: number } | undefined;
    let complete = false;
    for await (const line of lines) {
      if (!line) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (!header) {
        header = parsed as { format?: string; generation?: number };
        if (header.format !== FORMAT) throw new Error(`${file} is not a snapshot of the local Cosmos endpoint.`);
        continue;
      }
      if (parsed.end === true) {
        complete = true;
        break;
      }
      this.apply(parsed as StoredRecord);
    }
    if (!header || !complete) {
      throw new Error(
        `${file} is incomplete (it was renamed into place only after a full write, so the disk lost part of it). Restore it from a backup or delete the folder to start over.`,
      );
    }
    return header.generation ?? 0;
  }

  /** The earlier format: `<container>.ndjson` per container, documents without system properties. */
  private readLegacy(db: string): void {
    for (const coll of LEGACY_CONTAINERS) {
      const file = path.join(this.folder, `${coll}.ndjson`);
      if (!existsSync(file)) continue;
      const container = this.container(db, coll);
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const doc = JSON.parse(line) as Record<string, unknown>;
          container.docs.set(documentKey(`legacy:${String(doc.id)}`, doc.id), { pk: undefined, doc });
        } catch {
          this.warn(`Skipped a damaged line of ${file}.`);
          break;
        }
      }
    }
  }

  private async replay(file: string): Promise<void> {
    const lines = readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      if (!line) continue;
      let record: StoredRecord;
      try {
        record = JSON.parse(line) as StoredRecord;
        if (typeof record.db !== 'string' || !['put', 'delete', 'drop'].includes(record.op)) throw new Error('not a journal record');
      } catch {
        this.warn(
          `Warning: ${path.basename(file)} is damaged from line ${lineNumber} on (a write torn by a crash, never acknowledged); the rest of that file is skipped.`,
        );
        lines.close();
        break;
      }
      this.apply(record);
    }
  }

  /** A container was created: its saved documents go back in, with their etags and rids. */
  restoreInto(db: string, coll: string): void {
    const container = this.waiting.get(collectionKey(db, coll));
    if (!container) return;
    this.waiting.delete(collectionKey(db, coll));
    const documents = this.accountOf().database(db).collection(coll).documents;
    for (const { doc } of container.docs.values()) {
      if (typeof doc._rid === 'string') documents._set(doc);
      else documents.create(doc);
    }
    documents._ridCount = Math.max(documents._ridCount, container.ridCount);
  }

  /** Journals a write; resolves once it is on disk. */
  async record(record: StoredRecord): Promise<void> {
    const journal = this.journal;
    if (!journal) return;
    this.dirty = true;
    try {
      await journal.append(record);
    } catch (err) {
      this.fail(`the journal ${journal.file} could not be written: ${(err as Error).message}`);
      throw err;
    }
  }

  fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.warn(
      [
        '',
        `LOCAL DATA IS NOT BEING SAVED: ${reason}.`,
        `Writes are refused (503) and /api/health answers 503 until saving works again; retrying every ${RECOVERY_MILLISECONDS / 1000} s.`,
        `What to do: free disk space or fix the permissions of ${this.folder}. Everything acknowledged before this is safe there.`,
        '',
      ].join('\n'),
    );
  }

  /** Every document, as stored records: the live containers' and those still waiting. */
  private capture(): StoredRecord[] {
    const records: StoredRecord[] = [];
    for (const database of this.accountOf().databases._data.values()) {
      const db = String(database.read()?.id);
      for (const collection of database.collections._data.values()) {
        const coll = String(collection.read()?.id);
        const documents = collection.documents;
        for (const item of documents._data.values()) {
          const doc = item.read();
          records.push({ op: 'put', db, coll, pk: documents._getPartition(doc), ridCount: documents._ridCount, doc });
        }
      }
    }
    for (const container of this.waiting.values()) {
      for (const { pk, doc } of container.docs.values()) {
        records.push({ op: 'put', db: container.db, coll: container.coll, pk, ridCount: container.ridCount, doc });
      }
    }
    return records;
  }

  /**
   * Takes a snapshot, one at a time: unless forced, none when nothing changed since the last, and
   * the one in progress when there is one; forced, a new one after the one in progress.
   */
  async snapshot(force = false): Promise<void> {
    while (this.running) {
      if (!force) return this.running;
      await this.running.catch(() => undefined);
    }
    if (!force && !this.dirty && !this.failure) return;
    this.running = this.writeSnapshot().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async writeSnapshot(): Promise<void> {
    // Synchronous up to the journal switch: the capture and the new journal meet at one instant, so
    // every write is either in this snapshot or in the new journal (or both; replaying is idempotent).
    const generation = this.generation + 1;
    const records = this.capture();
    const oldJournal = this.journal;
    this.journal = new Journal(this.journalFile(generation));
    this.generation = generation;
    this.dirty = false;
    const temporary = path.join(this.folder, `snapshot-${generation}.tmp`);
    try {
      const handle = await open(temporary, 'w');
      try {
        const header = { format: FORMAT, version: 1, generation, savedDateTime: new Date().toISOString(), documents: records.length };
        let chunk = `${JSON.stringify(header)}\n`;
        for (const record of records) {
          chunk += `${JSON.stringify(record)}\n`;
          if (chunk.length > 1 << 20) {
            await handle.write(chunk);
            chunk = '';
          }
        }
        await handle.write(`${chunk}${JSON.stringify({ end: true })}\n`);
        // Crash tests hold a snapshot here, written but not yet in place, to kill the process.
        if (this.pauseMilliseconds > 0) await new Promise((resolve) => setTimeout(resolve, this.pauseMilliseconds));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path.join(this.folder, SNAPSHOT_FILE));
      const directory = await open(this.folder, 'r');
      await directory.sync().finally(() => directory.close());
      await oldJournal?.close();
      for (const name of await readdir(this.folder)) {
        const match = /^journal-(\d+)\.ndjson$/.exec(name);
        if (match && Number(match[1]) < generation) await rm(path.join(this.folder, name), { force: true });
        if (/^(tenants|customers|subscriptions|activity|exports)\.ndjson(\.partial)?$/.test(name)) await rm(path.join(this.folder, name), { force: true });
      }
    } catch (err) {
      this.dirty = true;
      await rm(temporary, { force: true }).catch(() => undefined);
      this.fail(`a snapshot could not be written to ${this.folder}: ${(err as Error).message}`);
      throw err;
    }
    if (this.failure) {
      this.warn(`Local data is being saved again (snapshot ${generation} written); writes are accepted.`);
      this.failure = undefined;
    }
  }

  async close(): Promise<void> {
    await this.journal?.close();
  }
}

/** Starts the endpoint on loopback; with a folder, restores it and keeps it durable. */
export async function startLocalCosmos(options: LocalCosmosOptions = {}): Promise<LocalCosmosEndpoint> {
  const warn = options.warn ?? ((message: string) => console.error(message));
  let account: AccountModel | undefined;
  const accountOf = () => {
    if (!account) throw new Error('The endpoint is not listening yet.');
    return account;
  };
  // The account is made once the port is known (its metadata names its endpoint); recovery only
  // fills the waiting documents, which go into the account as the service creates its containers.
  const persistence = options.folder ? new Persistence(accountOf, options.folder, warn, options.snapshotPauseMilliseconds) : undefined;
  const restored = persistence ? await persistence.recover(options.legacyDatabase) : 0;

  let requests = 0;
  const server = https.createServer(
    {
      cert: readFileSync(path.join(packageRoot, 'cert.pem')),
      key: readFileSync(path.join(packageRoot, 'key.pem')),
      minVersion: 'TLSv1',
      rejectUnauthorized: false,
      requestCert: false,
      // Without keepAlive every request would pay a new TLS handshake on both sides.
      keepAlive: true,
    },
    (req, res) => {
      requests += 1;
      serve(accountOf(), persistence, req, res).catch((err: unknown) => {
        warn(`Local Cosmos endpoint: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) res.statusCode = 500;
        res.end('');
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  account = new Account(address.address, address.port);

  let timer: NodeJS.Timeout | undefined;
  let recovery: NodeJS.Timeout | undefined;
  if (persistence) {
    timer = setInterval(() => void persistence.snapshot().catch(() => undefined), (options.snapshotSeconds ?? SNAPSHOT_SECONDS) * 1000);
    recovery = setInterval(() => {
      if (persistence.failure) void persistence.snapshot(true).catch(() => undefined);
    }, RECOVERY_MILLISECONDS);
    timer.unref();
    recovery.unref();
  }

  return {
    port: address.port,
    restored,
    requests: () => requests,
    status: () => localStatus(account, persistence),
    snapshot: async () => persistence?.snapshot(true),
    async close() {
      clearInterval(timer);
      clearInterval(recovery);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (persistence) {
        await persistence.snapshot().catch(() => undefined);
        await persistence.close();
      }
    },
  };
}

/**
 * A container's change log: the log sequence number (LSN) of each document's latest version, by
 * its `_rid`, with the `_etag` that version had. A version is numbered when a change feed read
 * first sees it (a write since then has a new `_etag`), so every change gets a number above any
 * continuation handed out before it, which is what a reader needs.
 */
const changeLogs = new WeakMap<object, Map<string, { etag: unknown; lsn: number }>>();
let lastLsn = 0;

/**
 * The change feed in latest-version mode (`A-IM: Incremental feed` on a container's documents),
 * which @vercel/cosmosdb-server does not keep (it answers every document of the container once,
 * whatever the start and partition key, then 304 forever). As Cosmos DB answers it
 * (https://learn.microsoft.com/azure/cosmos-db/change-feed-modes): the documents of the partition
 * key asked for (`x-ms-documentdb-partitionkey`; all without one) changed after the continuation
 * (`If-None-Match`: the ETag of the previous answer; `*` starts from now), or with none since the
 * second `If-Modified-Since` names (by `_ts`), or from the beginning; each once, in its latest
 * version, in LSN order, at most `x-ms-max-item-count` (100 by default); the answer's ETag is the
 * LSN of the last one, and 304 Not Modified when nothing changed. Deletes are not in it.
 */
function serveChangeFeed(account: AccountModel, req: http.IncomingMessage, res: http.ServerResponse, params: Record<string, string>): void {
  const collection = account.database(params.dbId ?? '').collection(params.collId ?? '');
  const meta = collection.read();
  res.setHeader('content-type', 'application/json');
  res.setHeader('x-ms-activity-id', randomUUID());
  res.setHeader('x-ms-request-charge', '1');
  if (!meta) {
    res.statusCode = 404;
    res.end(JSON.stringify({ code: 'NotFound', message: 'The container does not exist.' }));
    return;
  }
  const documents = collection.documents;
  let log = changeLogs.get(documents);
  if (!log) {
    log = new Map();
    changeLogs.set(documents, log);
  }
  const current = new Map<string, Record<string, unknown>>();
  const unnumbered: Array<[string, Record<string, unknown>]> = [];
  for (const [rid, item] of documents._data) {
    const doc = item.read();
    current.set(rid, doc);
    if (log.get(rid)?.etag !== doc._etag) unnumbered.push([rid, doc]);
  }
  for (const rid of log.keys()) if (!current.has(rid)) log.delete(rid);
  // Versions first seen together are numbered in the order they were written (to the second).
  unnumbered.sort(([, a], [, b]) => Number(a._ts) - Number(b._ts));
  for (const [rid, doc] of unnumbered) log.set(rid, { etag: doc._etag, lsn: ++lastLsn });

  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const partitionKey = header('x-ms-documentdb-partitionkey');
  const partition = partitionKey === undefined ? undefined : JSON.stringify(partitionHeader.parsePartitionKey(partitionKey, undefined));
  const ifNoneMatch = header('if-none-match');
  const ifModifiedSince = header('if-modified-since');
  const maxItemCount = Number(header('x-ms-max-item-count') ?? 100);
  let after = 0;
  if (ifNoneMatch === '*') after = lastLsn;
  else if (ifNoneMatch) after = Number(/\d+/.exec(ifNoneMatch)?.[0] ?? 0);
  // Kept with a continuation too (the SDK sends both): numbers given at one read follow `_ts` only
  // to the second, so the start time still applies after it.
  const sinceSeconds = ifModifiedSince ? Math.floor(Date.parse(ifModifiedSince) / 1000) : undefined;

  const changed = [...current]
    .map(([rid, doc]) => ({ doc, lsn: log.get(rid)?.lsn ?? 0 }))
    .filter(({ doc, lsn }) => lsn > after && (sinceSeconds === undefined || Number(doc._ts) >= sinceSeconds))
    .filter(({ doc }) => partition === undefined || JSON.stringify(documents._getPartition(doc)) === partition)
    .sort((a, b) => a.lsn - b.lsn)
    .slice(0, maxItemCount > 0 ? maxItemCount : undefined);
  const last = changed.at(-1);
  res.setHeader('etag', `"${last ? last.lsn : Math.max(after, lastLsn)}"`);
  if (!last) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const docs = changed.map(({ doc, lsn }) => ({ ...doc, _lsn: lsn }));
  res.end(JSON.stringify({ _rid: meta._rid, Documents: docs, _count: docs.length }));
}

/** The error code of the 503s this endpoint answers while it cannot save (the service shows their message). */
export const LOCAL_STORE_NOT_SAVING = 'LocalStoreNotSaving';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The library's request handler, with the journal between the write and its answer. */
async function serve(account: AccountModel, persistence: Persistence | undefined, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (pathname(req) === '/_local/status' || pathname(req) === '/_local/snapshot') {
    await serveLocal(account, persistence, req, res);
    return;
  }
  const route = routes(req);
  if (route && req.method === 'GET' && req.headers['a-im'] && /\/docs$/.test(pathname(req))) {
    serveChangeFeed(account, req, res, route[0]);
    return;
  }
  const isQuery = req.method === 'POST' && (req.headers['x-ms-documentdb-isquery'] === 'true' || req.headers['content-type'] === 'application/query+json');
  const isWrite = WRITE_METHODS.has(req.method ?? '') && !isQuery;
  let body: Record<string, unknown> | undefined = {};
  if (!route) {
    res.statusCode = 400;
    body = { message: 'no route' };
  } else if (persistence?.failure && (isWrite || (req.method === 'GET' && Object.keys(route[0]).join() === 'dbId'))) {
    res.statusCode = 503;
    body = { code: LOCAL_STORE_NOT_SAVING, message: `The local store cannot save data: ${persistence.failure}.` };
  } else if (persistence && req.headers['x-ms-cosmos-is-batch-request'] === 'True') {
    res.statusCode = 501;
    body = { code: 'NotImplemented', message: 'The local store does not journal transactional batches.' };
  } else {
    const [params, handler] = route;
    try {
      body = (await handler(account, req, res, params)) as Record<string, unknown> | undefined;
    } catch (err) {
      console.error(err);
      body = { message: (err as Error).message };
      res.statusCode = 500;
    }
    if (res.statusCode > 399 && body && !body.message) body.message = '';
    if (persistence && isWrite && res.statusCode < 300) {
      try {
        await journalWrite(account, persistence, req, params, body ?? {});
      } catch (err) {
        res.statusCode = 503;
        body = { code: LOCAL_STORE_NOT_SAVING, message: `The local store could not save this write: ${(err as Error).message}.` };
      }
    }
  }
  if (body?._etag) res.setHeader('etag', String(body._etag));
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-location', `https://${req.headers.host}${req.url}`);
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-ms-activity-id', randomUUID());
  res.setHeader('x-ms-request-charge', '1');
  if (req.headers['a-im'] && res.statusCode === 200) {
    if (req.headers['if-none-match']) res.statusCode = 304;
    res.setHeader('etag', '1');
  }
  res.end(JSON.stringify(body));
}

/**
 * The endpoint's own routes (no Cosmos DB API has them): `GET /_local/status` (documents per
 * container, whether saving works, whether a snapshot is being written) and `POST /_local/snapshot`
 * (starts one; 202). `npm run import` and the crash tests use them.
 */
async function serveLocal(account: AccountModel, persistence: Persistence | undefined, req: http.IncomingMessage, res: http.ServerResponse) {
  res.setHeader('content-type', 'application/json');
  if (req.method === 'POST' && pathname(req) === '/_local/snapshot' && persistence) {
    void persistence.snapshot(true).catch(() => undefined);
    res.statusCode = 202;
    res.end(JSON.stringify({ generation: persistence.generation }));
    return;
  }
  if (req.method !== 'GET') {
    res.statusCode = 405;
    res.end('{}');
    return;
  }
  res.end(JSON.stringify(localStatus(account, persistence)));
}

export interface LocalStatus extends PersistenceStatus {
  /** Whether a snapshot is being written now. */
  snapshotting: boolean;
  /** Documents per database and container, those waiting for their container included. */
  containers: Record<string, Record<string, number>>;
}

function localStatus(account: AccountModel | undefined, persistence: Persistence | undefined): LocalStatus {
  const containers: Record<string, Record<string, number>> = {};
  let documents = 0;
  const add = (db: string, coll: string, count: number) => {
    containers[db] ??= {};
    containers[db][coll] = (containers[db][coll] ?? 0) + count;
    documents += count;
  };
  if (account) {
    for (const database of account.databases._data.values()) {
      for (const collection of database.collections._data.values())
        add(String(database.read()?.id), String(collection.read()?.id), collection.documents._data.size);
    }
  }
  for (const container of persistence?.waiting.values() ?? []) add(container.db, container.coll, container.docs.size);
  return {
    ...(persistence?.failure ? { failure: persistence.failure } : {}),
    documents,
    generation: persistence?.generation ?? 0,
    snapshotting: persistence?.snapshotting ?? false,
    containers,
  };
}

const pathname = (req: http.IncomingMessage) => (req.url ?? '').split('?')[0]?.replace(/\/+$/, '') ?? '';

/** What a successful write changed, as a journal record (or a container put back). */
async function journalWrite(
  account: AccountModel,
  persistence: Persistence,
  req: http.IncomingMessage,
  params: Record<string, string>,
  body: Record<string, unknown>,
): Promise<void> {
  const { dbId, collId, docId } = params;
  if (dbId === undefined) return;
  const db = String(account.database(dbId).read()?.id ?? dbId);
  if (collId === undefined) {
    if (req.method === 'DELETE') await persistence.record({ op: 'drop', db });
    // A container was created: its saved documents go back in.
    if (req.method === 'POST' && /\/colls$/.test(pathname(req))) persistence.restoreInto(db, String(body.id ?? ''));
    return;
  }
  if (!/\/docs(\/[^/]+)?$/.test(pathname(req))) {
    if (req.method === 'DELETE' && /\/colls\/[^/]+$/.test(pathname(req))) {
      await persistence.record({ op: 'drop', db, coll: String(account.database(dbId).collection(collId).read()?.id ?? collId) });
    }
    return;
  }
  const collection = account.database(dbId).collection(collId);
  const coll = String(collection.read()?.id ?? collId);
  const documents = collection.documents;
  if (req.method === 'DELETE' && docId !== undefined) {
    const pk = partitionHeader.parsePartitionKey(partitionHeader.default(req), docId);
    await persistence.record({ op: 'delete', db, coll, pk, id: docId });
    return;
  }
  if (typeof body.id === 'string') {
    await persistence.record({ op: 'put', db, coll, pk: documents._getPartition(body), ridCount: documents._ridCount, doc: body });
  }
}
