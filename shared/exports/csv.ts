/**
 * Excel-ready CSV: UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting (csv-stringify),
 * and the CSV-injection guard: a cell starting with =, +, -, @, tab or carriage return gets a
 * leading apostrophe so a spreadsheet shows it as text instead of running it as a formula.
 */
import { stringify } from 'csv-stringify/sync';
import type { ExportType } from './export-job.js';

export const UTF8_BOM = '\ufeff';

export const CSV_HEADERS: Record<ExportType, readonly string[]> = {
  customers: ['Microsoft ID', 'Company name', 'Primary domain name', 'Relationship'],
  subscriptions: ['Subscription ID', 'Subscription', 'Quantity', 'Status', 'Reseller'],
  activity: ['Date', 'Operation', 'Customer ID', 'Customer name', 'User', 'Status', 'Details'],
};

export type CsvCell = string | number | null | undefined;

/** First characters that make a spreadsheet read a cell as a formula: = + - @ tab CR. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r'].map((character) => character.charCodeAt(0)));

/** One cell as text, guarded against formula injection. */
export function guardCell(cell: CsvCell): string {
  const text = typeof cell === 'string' ? cell : cell === null || cell === undefined ? '' : String(cell);
  return FORMULA_START.has(text.charCodeAt(0)) ? `'${text}` : text;
}

// csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone CR or LF:
// RFC 4180 wants any line break inside a field quoted, so ask for it.
const OPTIONS = { record_delimiter: '\r\n', eof: true, quoted_match: /[\r\n]/ } as const;

/** A field holding any of these must be quoted (RFC 4180, and CR or LF alone as well). */
const NEEDS_QUOTING = /[",\r\n]/;

/**
 * Rows as CSV text, each line ended by CRLF. csv-stringify writes every row that has a field to
 * quote; a row whose fields need no quoting is the fields joined by commas, which is exactly what
 * csv-stringify would write, without its per-field set-up (it costs about 1 µs a row; most rows
 * need no quoting, and an export writes millions). A property test holds the two equal.
 */
export function csvRows(rows: readonly CsvCell[][]): string {
  let text = '';
  for (const row of rows) {
    let line = '';
    let quoting = false;
    for (let index = 0; index < row.length; index += 1) {
      const cell = guardCell(row[index]);
      if (!quoting && NEEDS_QUOTING.test(cell)) quoting = true;
      line = index === 0 ? cell : `${line},${cell}`;
    }
    text += quoting ? stringify([row.map(guardCell)], OPTIONS) : `${line}\r\n`;
  }
  return text;
}

/** The same rows written by csv-stringify alone: the reference csvRows must equal. */
export function csvRowsByLibrary(rows: readonly CsvCell[][]): string {
  return stringify(
    rows.map((row) => row.map(guardCell)),
    OPTIONS,
  );
}

/** The start of a file: the byte order mark and the header row. */
export function csvPreamble(type: ExportType): string {
  return UTF8_BOM + csvRows([[...CSV_HEADERS[type]]]);
}
