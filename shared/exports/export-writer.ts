/**
 * Writes an export file of any length in bounded memory: pages from the source are turned into
 * CSV and gathered into blocks of about BLOCK_BYTES, each staged on the blob under a deterministic
 * id and then checkpointed (block count, row count, source cursor) in the export record. A retry
 * after a crash or a hand-off resumes at the checkpoint: blocks are re-staged from the same rows,
 * so the committed file is byte-identical to an uninterrupted run.
 */
import type { CsvCell } from './csv.js';
import { csvPreamble, csvRows } from './csv.js';
import type { ExportCheckpoint, ExportType } from './export-job.js';
import type { ExportFileStore } from './ports.js';
import type { ExportSource } from './export-sources.js';
import type { FaultInjector } from '../faults.js';

/** Target size of one staged block, in bytes (Blob storage allows up to 4000 MiB and 50,000 blocks). */
export const BLOCK_BYTES = 4 * 1024 * 1024;
/** Rows asked of the source per page. */
export const SOURCE_PAGE_SIZE = 1000;

/** Block ids must all have the same length: `block-000000`, base64-encoded. */
export function blockId(index: number): string {
  return Buffer.from(`block-${String(index).padStart(6, '0')}`).toString('base64');
}

export interface ExportWriteTarget {
  type: ExportType;
  blobName: string;
  fileName: string;
  checkpoint: ExportCheckpoint;
}

export interface ExportWriteHooks {
  /** Records a checkpoint; returns false when another worker owns the export now. */
  saveCheckpoint(checkpoint: ExportCheckpoint): Promise<boolean>;
  /** True once this slice should stop at the next checkpoint and hand off. */
  shouldHandOff(): boolean;
  faults?: FaultInjector;
}

export type ExportWriteOutcome =
  | { outcome: 'Completed'; rowCount: number; byteCount: number }
  | { outcome: 'HandedOff'; checkpoint: ExportCheckpoint }
  | { outcome: 'Lost' };

export async function writeExport(
  target: ExportWriteTarget,
  source: ExportSource,
  files: ExportFileStore,
  hooks: ExportWriteHooks,
  options: { blockBytes?: number; pageSize?: number } = {},
): Promise<ExportWriteOutcome> {
  const blockBytes = options.blockBytes ?? BLOCK_BYTES;
  const pageSize = options.pageSize ?? SOURCE_PAGE_SIZE;
  let { blockCount, rowCount } = target.checkpoint;
  let after = target.checkpoint.cursor;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let byteCount = 0;

  const append = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    pending.push(bytes);
    pendingBytes += bytes.length;
  };
  const stagePending = async () => {
    const block = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    await files.stageBlock(target.blobName, blockId(blockCount), block);
    hooks.faults?.hit('export.afterBlockStaged');
    byteCount += pendingBytes;
    blockCount += 1;
    pending = [];
    pendingBytes = 0;
  };

  if (blockCount === 0 && after === undefined) append(csvPreamble(target.type));
  for (;;) {
    const page = await source(after, pageSize);
    if (page.rows.length) append(csvRows(page.rows as CsvCell[][]));
    rowCount += page.rows.length;
    after = page.next;
    if (!after) break;
    if (pendingBytes >= blockBytes) {
      await stagePending();
      const checkpoint: ExportCheckpoint = { blockCount, rowCount, cursor: after };
      if (!(await hooks.saveCheckpoint(checkpoint))) return { outcome: 'Lost' };
      if (hooks.shouldHandOff()) return { outcome: 'HandedOff', checkpoint };
    }
  }
  if (pendingBytes > 0 || blockCount === 0) await stagePending();
  hooks.faults?.hit('export.beforeCommit');
  await files.commitBlocks(
    target.blobName,
    Array.from({ length: blockCount }, (_unused, index) => blockId(index)),
    {
      contentType: 'text/csv; charset=utf-8',
      contentDisposition: `attachment; filename="${target.fileName}"`,
    },
  );
  return { outcome: 'Completed', rowCount, byteCount };
}
