/**
 * Writes an export as an Excel workbook (.xlsx) in bounded memory, with exceljs's streaming
 * WorkbookWriter: each row is turned into sheet XML and zipped as it comes, and the zip's bytes are
 * gathered into blocks of about BLOCK_BYTES staged on the blob, as a CSV export's are.
 *
 * Cells are typed (text as text, quantities as numbers, dates as dates with a date format), so a
 * spreadsheet sorts and filters them as such and no formula guard is needed: a text cell is never
 * read as a formula. The header row is frozen and has a filter. Past Excel's 1,048,576 rows a sheet
 * ends and the rows continue on the next ("Customers (2)", ...), and a last sheet says so.
 *
 * A zip cannot be resumed in the middle, so a workbook is written in one go: a retry after a crash
 * starts it again from the first row, and it does not hand off between queue messages (the
 * function timeout in host.json allows half an hour, which is tens of millions of rows here).
 * Progress (rows so far) is still recorded after each block, which is also where a worker finds out
 * that another one has taken the export over.
 *
 * For the same reason a workbook cannot drop a block when a customer was renamed while it was read
 * (a CSV export reads that block again, see writeExport). Instead it asks once, when every row is
 * written and staged and nothing is committed yet: when nothing was renamed for the first time
 * since the stream's first read, every page was right (see export-sources.ts) and the workbook is
 * committed; else it is written again from the first row, with a new stream that knows the rename.
 * Renames during an export are rare, so that is one change feed read per workbook. A list renamed
 * again during each of XLSX_ATTEMPTS writes fails the attempt (an error), and the queue tries the
 * slice again later, up to its dequeue count, after which the export is Failed.
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { exportColumnsOf } from './csv.js';
import type { ExportType } from './export-job.js';
import type { ExportCell, ExportSource } from './export-sources.js';
import { contentDisposition } from './export-text.js';
import { BLOCK_BYTES, blockId, type ExportWriteHooks, type ExportWriteOutcome, type ExportWriteTarget, SOURCE_PAGE_SIZE } from './export-writer.js';
import type { ExportFileStore } from './ports.js';

/** Rows on one sheet besides its header: Excel's 1,048,576 less one. */
export const XLSX_SHEET_ROWS = 1_048_575;
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const SHEET_TITLES: Record<ExportType, string> = { customers: 'Customers', subscriptions: 'Subscriptions', activity: 'Activity' };

/** Column widths (characters) and number formats by header; others are text of width 24. */
const COLUMN_LAYOUT: Record<string, { width: number; numFmt?: string }> = {
  'Microsoft ID': { width: 38 },
  'Subscription ID': { width: 38 },
  'Customer ID': { width: 38 },
  'Reseller ID': { width: 38 },
  'Company name': { width: 40 },
  'Customer name': { width: 40 },
  Subscription: { width: 40 },
  'Primary domain name': { width: 36 },
  Quantity: { width: 10, numFmt: '0' },
  Date: { width: 20, numFmt: 'yyyy-mm-dd hh:mm:ss' },
  Details: { width: 60 },
};

/** Writes of one workbook in one slice, when customers keep being renamed while it is written. */
export const XLSX_ATTEMPTS = 3;

/** A spreadsheet cell holds at most 32,767 characters. */
const MAX_CELL_CHARACTERS = 32_767;

function cellValue(cell: ExportCell): string | number | Date | null {
  if (cell === undefined || cell === null) return null;
  if (typeof cell === 'string' && cell.length > MAX_CELL_CHARACTERS) return cell.slice(0, MAX_CELL_CHARACTERS);
  return cell;
}

/**
 * Waits until the zip has taken in the sheet's XML so far. exceljs writes each row's XML into the
 * sheet's stream, which passes it on to the zip's deflate stream without heeding its backpressure,
 * so rows made faster than they are deflated and uploaded piled up there: a million-row workbook
 * peaked at about 550 MB, against about 190 MB for the same rows as CSV, and now at about 180 MB
 * (measured in-process, 2026-11-26). The zip's intake is the sheet stream's one pipe (exceljs 4,
 * archiver); without it, one turn.
 */
async function zipCaughtUp(sheet: unknown, failed: AbortSignal): Promise<void> {
  // archiver's intake is a readable-stream 3 PassThrough, which has no public writableNeedDrain.
  const intake = (sheet as { stream?: { pipes?: Array<Writable & { _writableState?: { needDrain?: boolean } }> } }).stream?.pipes?.[0];
  // A failed upload stops the zip for good: then the caller finds the failure instead of waiting.
  if (intake?._writableState?.needDrain && !failed.aborted) await once(intake, 'drain', { signal: failed }).catch(() => undefined);
  else await nextTurn();
}

export async function writeXlsxExport(
  target: ExportWriteTarget,
  source: ExportSource<ExportCell>,
  files: ExportFileStore,
  hooks: ExportWriteHooks,
  options: { blockBytes?: number; pageSize?: number; sheetRows?: number } = {},
): Promise<ExportWriteOutcome> {
  for (let attempt = 1; attempt <= XLSX_ATTEMPTS; attempt += 1) {
    const written = await writeWorkbook(target, source, files, hooks, options);
    if (written !== 'Renamed') return written;
    hooks.log?.(`A customer was renamed while the workbook was written (attempt ${attempt} of ${XLSX_ATTEMPTS}); writing it again.`);
  }
  throw new Error(`Customers were renamed while each of ${XLSX_ATTEMPTS} writes of the workbook ran; the slice is tried again later.`);
}

/** One write of the whole workbook; 'Renamed' (nothing committed) when it must be written again. */
async function writeWorkbook(
  target: ExportWriteTarget,
  source: ExportSource<ExportCell>,
  files: ExportFileStore,
  hooks: ExportWriteHooks,
  options: { blockBytes?: number; pageSize?: number; sheetRows?: number },
): Promise<ExportWriteOutcome | 'Renamed'> {
  const blockBytes = options.blockBytes ?? BLOCK_BYTES;
  const pageSize = options.pageSize ?? SOURCE_PAGE_SIZE;
  const sheetRows = options.sheetRows ?? XLSX_SHEET_ROWS;
  const headers = exportColumnsOf(target);
  let rowCount = 0;
  let blockCount = 0;
  let byteCount = 0;
  /** Set from the upload's callbacks: another worker took over, or an upload failed. */
  const state: { lost: boolean; failed?: { error: unknown } } = { lost: false };
  let chunks: Buffer[] = [];
  let gathered = 0;

  const stageGathered = async (checkpoint: boolean) => {
    const bytes = Buffer.concat(chunks, gathered);
    chunks = [];
    gathered = 0;
    await files.stageBlock(target.blobName, blockId(blockCount), bytes);
    hooks.faults?.hit('export.afterBlockStaged');
    blockCount += 1;
    byteCount += bytes.length;
    // No cursor: a workbook is never resumed in the middle, only its progress is shown.
    if (checkpoint && !(await hooks.saveCheckpoint({ blockCount: 0, rowCount }))) state.lost = true;
  };
  const blocks = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      gathered += chunk.length;
      if (gathered < blockBytes) return callback();
      stageGathered(true).then(
        () => callback(),
        (error: unknown) => {
          state.failed = { error };
          uploadFailed.abort();
          callback(error as Error);
        },
      );
    },
    final(callback) {
      stageGathered(false).then(
        () => callback(),
        (error: unknown) => callback(error as Error),
      );
    },
  });
  const uploadFailed = new AbortController();
  blocks.on('error', (error) => {
    state.failed ??= { error };
    uploadFailed.abort();
  });

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: blocks, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Customer list service';
  const title = SHEET_TITLES[target.type];
  const lastColumn = String.fromCharCode('A'.charCodeAt(0) + headers.length - 1);
  const sheetNames: string[] = [];
  const addSheet = () => {
    const name = sheetNames.length === 0 ? title : `${title} (${sheetNames.length + 1})`;
    sheetNames.push(name);
    const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    sheet.autoFilter = `A1:${lastColumn}1`;
    sheet.columns = headers.map((header) => {
      const layout = COLUMN_LAYOUT[header] ?? { width: 24 };
      return { key: header, width: layout.width, ...(layout.numFmt ? { style: { numFmt: layout.numFmt } } : {}) };
    });
    const headerRow = sheet.addRow([...headers]);
    headerRow.font = { bold: true };
    headerRow.commit();
    return sheet;
  };

  let sheet = addSheet();
  let rowsOnSheet = 0;
  // One stream for the whole workbook (one store query); leaving the loop early closes it.
  const pages = source(undefined, pageSize);
  for await (const page of pages) {
    if (state.failed) throw state.failed.error;
    if (state.lost) return { outcome: 'Lost' };
    for (const row of page.rows) {
      if (rowsOnSheet === sheetRows) {
        sheet.commit();
        sheet = addSheet();
        rowsOnSheet = 0;
      }
      sheet.addRow(row.map(cellValue)).commit();
      rowsOnSheet += 1;
    }
    rowCount += page.rows.length;
    // Let the zip and the block upload move before the next page is turned into XML.
    await zipCaughtUp(sheet, uploadFailed.signal);
  }
  sheet.commit();
  if (sheetNames.length > 1) {
    const about = workbook.addWorksheet('About');
    about.columns = [{ key: 'text', width: 100 }];
    about
      .addRow([
        `Excel holds ${(sheetRows + 1).toLocaleString('en-US')} rows a sheet, so these ${rowCount.toLocaleString('en-US')} rows continue over ${sheetNames.length} sheets:`,
      ])
      .commit();
    sheetNames.forEach((name, index) => {
      const first = index * sheetRows + 1;
      const last = Math.min(rowCount, (index + 1) * sheetRows);
      about.addRow([`${name}: rows ${first.toLocaleString('en-US')} to ${last.toLocaleString('en-US')}`]).commit();
    });
    about.commit();
  }
  // Excel writes each sheet's filter range also as the hidden name _xlnm._FilterDatabase, and
  // LibreOffice only shows the filter buttons when it finds that name; the streaming writer has no
  // API for a sheet-local name, so its list of defined names is given whole.
  (workbook as unknown as { _definedNames: { model: unknown[] } })._definedNames = {
    model: sheetNames.map((name, index) => ({
      name: '_xlnm._FilterDatabase',
      localSheetId: index,
      ranges: [`'${name.replaceAll("'", "''")}'!$A$1:$${lastColumn}$1`],
    })),
  };
  await workbook.commit();
  // The last block's upload, or its checkpoint, may have failed or lost the export meanwhile.
  const settled: { lost: boolean; failed?: { error: unknown } } = state;
  if (settled.failed) throw settled.failed.error;
  if (settled.lost) return { outcome: 'Lost' };
  // Every block is staged and none is committed: a new write restages them from block 0 (the
  // commit leaves out any staged block past its own last).
  if (await pages.renamedSinceLastRead?.()) return 'Renamed';
  hooks.faults?.hit('export.beforeCommit');
  await files.commitBlocks(
    target.blobName,
    Array.from({ length: blockCount }, (_unused, index) => blockId(index)),
    { contentType: XLSX_CONTENT_TYPE, contentDisposition: contentDisposition(target.fileName) },
  );
  return { outcome: 'Completed', rowCount, byteCount };
}
