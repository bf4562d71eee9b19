/**
 * Excel-ready CSV: UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting (as csv-stringify writes it),
 * and the CSV-injection guard: a cell starting with =, +, -, @, tab or carriage return gets a
 * leading apostrophe so a spreadsheet shows it as text instead of running it as a formula.
 */
import type { ExportKind, ExportType } from './export-job.js';

const UTF8_BOM = '\ufeff';

export const CSV_HEADERS: Record<ExportType, readonly string[]> = {
  customers: ['Microsoft ID', 'Company name', 'Primary domain name', 'Relationship'],
  subscriptions: ['Subscription ID', 'Subscription', 'Quantity', 'Status', 'Reseller'],
  activity: ['Date', 'Operation', 'Customer ID', 'Customer name', 'User', 'Status', 'Details'],
};

/** What `includeReseller` adds at the end of a customers file. */
export const RESELLER_HEADERS: readonly string[] = ['Reseller ID', 'Reseller name'];

/** The columns of this export's file: a customers export may add the reseller columns. */
export function exportColumnsOf(kind: ExportKind): readonly string[] {
  return exportColumns(kind.type, kind.type === 'customers' && kind.filter.includeReseller === true);
}

/** The columns of an export's file (CSV and workbook alike). */
export function exportColumns(type: ExportType, includeReseller = false): readonly string[] {
  return type === 'customers' && includeReseller ? [...CSV_HEADERS.customers, ...RESELLER_HEADERS] : CSV_HEADERS[type];
}

export type CsvCell = string | number | null | undefined;

/** First characters that make a spreadsheet read a cell as a formula: = + - @ tab CR. */
const FORMULA_START = new Uint8Array(128);
for (const character of ['=', '+', '-', '@', '\t', '\r']) FORMULA_START[character.charCodeAt(0)] = 1;

/** One cell as text, guarded against formula injection. */
export function guardCell(cell: CsvCell): string {
  const text = typeof cell === 'string' ? cell : cell === null || cell === undefined ? '' : String(cell);
  return FORMULA_START[text.charCodeAt(0)] === 1 ? `'${text}` : text;
}

/** A field holding any of these must be quoted (RFC 4180, and CR or LF alone as well). */
const NEEDS_QUOTING = /[",\r\n]/;

/** One cell as a CSV field: guarded, then quoted (inner quotes doubled) when RFC 4180 asks for it. */
function csvField(cell: CsvCell): string {
  const text = guardCell(cell);
  return NEEDS_QUOTING.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows `from` to `to` as CSV text, each line ended by CRLF: byte for byte what csv-stringify
 * writes (a property test holds the two equal, test/support/oracles.ts). An export writes millions
 * of rows, and csv-stringify's sync API sets up its options and its per-field casting on every call,
 * about five times the cost of this loop.
 */
export function csvRows(rows: readonly (readonly CsvCell[])[], from = 0, to = rows.length): string {
  let text = '';
  for (let index = from; index < to; index += 1) {
    const row = rows[index] as readonly CsvCell[];
    let line = row.length > 0 ? csvField(row[0]) : '';
    for (let field = 1; field < row.length; field += 1) line += `,${csvField(row[field])}`;
    text += `${line}\r\n`;
  }
  return text;
}

/** The start of a file: the byte order mark and the header row. */
export function csvPreamble(headers: readonly string[]): string {
  return UTF8_BOM + csvRows([[...headers]]);
}
