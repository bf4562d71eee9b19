/**
 * Writes an export file of any length in bounded memory: pages from the source are turned into
 * CSV and gathered into blocks of about BLOCK_BYTES, each staged on the blob under a deterministic
 * id and then checkpointed (block count, row count, source cursor) in the export record. A retry
 * after a crash or a hand-off resumes at the checkpoint: blocks are re-staged from the same rows,
 * so the committed file is byte-identical to an uninterrupted run.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FaultInjector } from '../kernel/faults.js';
import { type CsvCell, csvPreamble, csvRows, exportColumnsOf } from './csv.js';
import type { ExportCheckpoint, ExportKind } from './export-job.js';
import type { ExportSource } from './export-sources.js';
import { contentDisposition } from './export-text.js';
import type { ExportFileStore } from './ports.js';

/**
 * Target size of one staged block, in bytes (Blob storage allows up to 4000 MiB and 50,000 blocks).
 * Each block is one checkpoint (a Cosmos DB write), and for a customers export one change feed
 * read (see redoBlock); at most one block is redone on a resume.
 */
export const BLOCK_BYTES = 8 * 1024 * 1024;
/** Rows turned into text and appended to the block at a time. */
const ROWS_PER_APPEND = 100;
/** Rows asked of the source per page. */
export const SOURCE_PAGE_SIZE = 1000;

/** Block ids must all have the same length: `block-000000`, base64-encoded. */
export function blockId(index: number): string {
  return Buffer.from(`block-${String(index).padStart(6, '0')}`).toString('base64');
}

export type ExportWriteTarget = ExportKind & {
  blobName: string;
  fileName: string;
  checkpoint: ExportCheckpoint;
};

export interface ExportWriteHooks {
  /** Records a checkpoint; returns false when another worker owns the export now. */
  saveCheckpoint(checkpoint: ExportCheckpoint): Promise<boolean>;
  /** True once this slice should stop at the next checkpoint and hand off. */
  shouldHandOff(): boolean;
  faults?: FaultInjector;
  /** Told when the file is started over (its staged blocks do not match the checkpoint). */
  log?: (message: string) => void;
}

export type ExportWriteOutcome =
  | { outcome: 'Completed'; rowCount: number; byteCount: number }
  | { outcome: 'HandedOff'; checkpoint: ExportCheckpoint }
  /** Another worker owns the export now, or it was canceled: nothing more is written. */
  | { outcome: 'Lost' };

/**
 * Bytes of the block being filled, written in place as CSV text arrives. Two buffers take turns:
 * one is uploaded while the other fills. A buffer is refilled only after its upload has finished
 * (the writer awaits the previous upload before it starts the next), so memory stays at two blocks.
 */
class BlockBuffers {
  private readonly buffers: [Buffer, Buffer];
  private current: 0 | 1 = 0;
  length = 0;

  constructor(capacity: number) {
    this.buffers = [Buffer.allocUnsafe(capacity), Buffer.allocUnsafe(capacity)];
  }

  /** Drops what was filled since the last take. */
  clear(): void {
    this.length = 0;
  }

  append(text: string): void {
    let bytes = this.buffers[this.current];
    // A UTF-16 code unit is at most 3 bytes of UTF-8: only measure when that might not fit.
    if (this.length + text.length * 3 > bytes.length) {
      const needed = this.length + Buffer.byteLength(text, 'utf8');
      if (needed > bytes.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, bytes.length * 2));
        bytes.copy(grown, 0, 0, this.length);
        this.buffers[this.current] = grown;
        bytes = grown;
      }
    }
    this.length += bytes.write(text, this.length, 'utf8');
  }

  /** The filled block's bytes (valid until the next-but-one take); filling moves to the other buffer. */
  take(): Buffer {
    const block = this.buffers[this.current].subarray(0, this.length);
    this.current = this.current === 0 ? 1 : 0;
    this.length = 0;
    return block;
  }
}

/**
 * Writes the rest of an export from its checkpoint. Memory: at most two blocks (the one being
 * uploaded and the one being filled) plus one page of rows. The upload of a block and the saving
 * of its checkpoint overlap with producing the next block; a checkpoint is saved only once its
 * block is staged, and a hand-off or a crash drops the block in progress, which the next slice
 * rebuilds from the same cursor, byte for byte. A customers export also drops the block in
 * progress when a customer was renamed while it was read, and reads it again (see redoBlock).
 */
export async function writeExport(
  target: ExportWriteTarget,
  source: ExportSource<CsvCell>,
  files: ExportFileStore,
  hooks: ExportWriteHooks,
  options: { blockBytes?: number; pageSize?: number } = {},
): Promise<ExportWriteOutcome> {
  const blockBytes = options.blockBytes ?? BLOCK_BYTES;
  const pageSize = options.pageSize ?? SOURCE_PAGE_SIZE;
  let { blockCount, rowCount } = target.checkpoint;
  let after = target.checkpoint.cursor;
  // The checkpoint names blocks Blob storage may not have kept (Azurite loses its last seconds in a
  // kill -9): resume only when every one of them is staged, else write the file from the start.
  // The checkpoint holds one cursor, so the start is the only earlier point both sides agree on.
  if (blockCount > 0) {
    const staged = new Set(await files.stagedBlockIds(target.blobName));
    const missing = Array.from({ length: blockCount }, (_unused, index) => index).filter((index) => !staged.has(blockId(index)));
    if (missing.length > 0) {
      hooks.log?.(`${missing.length} of the ${blockCount} checkpointed blocks are not staged (first: ${missing[0]}); writing the file from the start.`);
      blockCount = 0;
      rowCount = 0;
      after = undefined;
    }
  }
  let byteCount = 0;
  const block = new BlockBuffers(blockBytes + blockBytes / 4);
  /** The block being uploaded and checkpointed: resolves false when the export was taken over. */
  let inFlight: Promise<boolean> | undefined;
  /** Set once an upload has failed or its export was taken over: building on would be thrown away. */
  let failed: { error: unknown } | undefined;
  let lost = false;

  const stage = async (index: number, bytes: Buffer, checkpoint?: ExportCheckpoint): Promise<boolean> => {
    await files.stageBlock(target.blobName, blockId(index), bytes);
    hooks.faults?.hit('export.afterBlockStaged');
    byteCount += bytes.length;
    return checkpoint ? hooks.saveCheckpoint(checkpoint) : true;
  };
  const startStage = (checkpoint?: ExportCheckpoint) => {
    inFlight = stage(blockCount, block.take(), checkpoint);
    // Awaited before the next block or the commit; until then its failure must not go unhandled,
    // and it stops the block being built at the next page.
    inFlight.then(
      (saved) => {
        if (!saved) lost = true;
      },
      (error: unknown) => {
        failed = { error };
      },
    );
    blockCount += 1;
  };

  try {
    // Where the block being filled begins: the slice's start, then each staged block's end.
    let blockStart = { rowCount, cursor: after };
    let lastCheckpoint: ExportCheckpoint | undefined;
    let pages = source(after, pageSize);
    /**
     * A customers export's rows are right only if no customer was first renamed since its source
     * last read the renamed customers (see export-sources.ts): asked before each block is staged,
     * so a block is staged only once the pages it holds are known to be right. Every page of the
     * block was read after the previous ask (or after the stream's own first read, for the first
     * block of a stream) and before this one: when this one finds nothing new, none of them can
     * hold a customer that moved. That includes the last block, which also holds the rows lying
     * beyond the last page (the renamed customers whose position at the start is past it). When
     * it finds something, only this block may be wrong, since it is the only one not staged: it
     * is dropped and read again from its start with a new stream, whose set holds the newcomer.
     * Each redo needs a customer renamed for the first time during the export, so there are never
     * more redos than such customers, and usually none (one change feed read a block, a 304).
     */
    const redoBlock = async (): Promise<boolean> => {
      if (!(await pages.renamedSinceLastRead?.())) return false;
      hooks.log?.(`A customer was renamed while block ${blockCount} was read; reading it again from row ${blockStart.rowCount}.`);
      block.clear();
      ({ rowCount, cursor: after } = blockStart);
      if (blockCount === 0 && after === undefined) block.append(csvPreamble(exportColumnsOf(target)));
      pages = source(after, pageSize);
      return true;
    };
    if (blockCount === 0 && after === undefined) block.append(csvPreamble(exportColumnsOf(target)));
    for (let done = false; !done; ) {
      done = true;
      // One stream (one store query) until a block must be read again; leaving the loop closes it.
      for await (const page of pages) {
        // A source that answers without I/O (pages already in memory) would otherwise hold the
        // event loop until the block is full, and the upload in flight could not move meanwhile.
        if (inFlight) await nextTurn();
        if (failed) throw failed.error;
        if (lost) return { outcome: 'Lost' };
        // A hundred rows of text at a time: short strings are cheap to build and to encode into the
        // block, where a whole page would be one long string to flatten first.
        for (let from = 0; from < page.rows.length; from += ROWS_PER_APPEND) {
          block.append(csvRows(page.rows, from, Math.min(from + ROWS_PER_APPEND, page.rows.length)));
        }
        rowCount += page.rows.length;
        after = page.cursor;
        if (block.length >= blockBytes) {
          if (inFlight && !(await inFlight)) return { outcome: 'Lost' };
          if (lastCheckpoint && hooks.shouldHandOff()) return { outcome: 'HandedOff', checkpoint: lastCheckpoint };
          if (await redoBlock()) {
            done = false;
            break;
          }
          lastCheckpoint = { blockCount: blockCount + 1, rowCount, cursor: after };
          startStage(lastCheckpoint);
          blockStart = { rowCount, cursor: after };
        }
      }
      // The last block is asked for as every other (with nothing left to stage, all were).
      if (done && (block.length > 0 || blockCount === 0) && (await redoBlock())) done = false;
    }
    if (inFlight && !(await inFlight)) return { outcome: 'Lost' };
    if (block.length > 0 || blockCount === 0) {
      startStage();
      await inFlight;
    }
    inFlight = undefined;
    hooks.faults?.hit('export.beforeCommit');
    const committed = await files.commitBlocks(
      target.blobName,
      Array.from({ length: blockCount }, (_unused, index) => blockId(index)),
      {
        contentType: 'text/csv; charset=utf-8',
        contentDisposition: contentDisposition(target.fileName),
      },
    );
    if (committed === 'InvalidBlockList') {
      // A block went missing after the check above (or the blob was committed meanwhile): the
      // same commit would fail again, so the file starts over from a checkpoint of nothing.
      hooks.log?.('The block list is invalid; writing the file from the start.');
      if (!(await hooks.saveCheckpoint({ blockCount: 0, rowCount: 0 }))) return { outcome: 'Lost' };
      return { outcome: 'HandedOff', checkpoint: { blockCount: 0, rowCount: 0 } };
    }
    return { outcome: 'Completed', rowCount, byteCount };
  } finally {
    // Leaving early (a crash, a hand-off, a lost race): let the upload in flight settle first.
    await inFlight?.catch(() => undefined);
  }
}
