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

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as text, guarded against formula injection. */
export function guardCell(cell: CsvCell): string {
  const text = cell === null || cell === undefined ? '' : String(cell);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

// csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone CR or LF:
// RFC 4180 wants any line break inside a field quoted, so ask for it.
const OPTIONS = { record_delimiter: '\r\n', eof: true, quoted_match: /[\r\n]/ } as const;

/** Rows as CSV text, each line ended by CRLF. */
export function csvRows(rows: readonly CsvCell[][]): string {
  return stringify(
    rows.map((row) => row.map(guardCell)),
    OPTIONS,
  );
}

/** The start of a file: the byte order mark and the header row. */
export function csvPreamble(type: ExportType): string {
  return UTF8_BOM + stringify([[...CSV_HEADERS[type]]], OPTIONS);
}
