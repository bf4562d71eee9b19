/**
 * Excel-ready CSV: UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting (as csv-stringify
 * writes it), and the CSV-injection guard below.
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

/*
 * The formula guard. A spreadsheet runs a cell as a formula when it starts with = + - @ (and some
 * also with tab or CR). A field's text becomes a cell at its start, but also after any separator a
 * spreadsheet might split on: a file written with `,` and opened where the list separator is `;`
 * (continental Europe) or tab is split at those too, and quoting does not help there, because the
 * quotes are not at the start of what that spreadsheet reads as a field. Spaces, double quotes and
 * invisible characters (format and default-ignorable ones such as U+200B) before the formula
 * character do not stop it, and full-width or small forms (＝ ＋ － ＠ ﹦ ⁺ ...) are the same
 * character after Unicode compatibility normalization (NFKC), which spreadsheets and IMEs apply.
 *
 * The rule: at the start of a field and after every `,` `;` tab CR or LF in it (or a character
 * whose NFKC form is one of them), skip spaces, `"` and invisible characters; if the next character
 * is, after NFKC, = + - or @, put an apostrophe right there (at the start or just after the
 * separator), and quote the whole field. A field starting with tab or CR gets an apostrophe too.
 * The apostrophe makes a spreadsheet take the cell as text and is not shown. Sources: OWASP, "CSV
 * Injection" (https://owasp.org/www-community/attacks/CSV_Injection), which names the separators
 * and quotes as well as the first characters; the NFKC sets below are checked by a test against
 * every code point.
 */

/** Separators a spreadsheet may split a line on, and characters whose NFKC form is one. */
const SEPARATORS = ',;\\t\\r\\n\\u2028\\u2029\\u037e\\ufe10\\ufe14\\ufe50\\ufe54\\uff0c\\uff1b';
/**
 * What may stand between a cell start and a formula character: spaces (other than the separators
 * tab, CR and LF, which start a cell of their own), quotes, invisible characters.
 */
const SKIPPED = ' \\v\\f\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000"\\p{Cf}\\p{Default_Ignorable_Code_Point}';
/** Characters whose NFKC form starts with = + - or @ (the ASCII ones, and their compatibility forms). */
export const FORMULA_CHARACTERS = '=+-@\u207a\u207c\u208a\u208c\u2a75\u2a76\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20';
const FORMULA_CLASS = FORMULA_CHARACTERS.replace('-', '\\-');

/** A field one of whose cell starts holds a formula, or that starts with tab or CR. */
const FORMULA_AT_CELL_START = new RegExp(`^[\\t\\r]|(?:^|[${SEPARATORS}])[${SKIPPED}]*[${FORMULA_CLASS}]`, 'u');
/** Each cell start followed by a formula: where the apostrophes go. */
const CELL_STARTS_WITH_FORMULA = new RegExp(`(^|[${SEPARATORS}])(?=[${SKIPPED}]*[${FORMULA_CLASS}])`, 'gu');
/** Any character that makes a field worth a closer look: a separator or a quote. */
const SEPARATOR_OR_QUOTE = new RegExp(`["${SEPARATORS}]`);

/** ASCII first characters after which a field without separators or quotes needs neither guard nor quotes. */
const PLAIN_START = new Uint8Array(128);
for (let code = 0x21; code < 0x7f; code += 1) PLAIN_START[code] = 1;
for (const character of '=+-@",;') PLAIN_START[character.charCodeAt(0)] = 0;

/** A cell's text, before any guard. */
function cellText(cell: CsvCell): string {
  return typeof cell === 'string' ? cell : cell === null || cell === undefined ? '' : String(cell);
}

/** Whether a field's text could start a formula in a spreadsheet (see the rule above). */
export function couldStartFormula(text: string): boolean {
  return FORMULA_AT_CELL_START.test(text);
}

/** One cell as text, guarded against formula injection: an apostrophe at each dangerous cell start. */
export function guardCell(cell: CsvCell): string {
  const text = cellText(cell);
  if (!couldStartFormula(text)) return text;
  const guarded = text.replace(CELL_STARTS_WITH_FORMULA, "$1'");
  const first = text.charCodeAt(0);
  return first === 0x09 || first === 0x0d ? `'${guarded}` : guarded;
}

/** A field holding any of these must be quoted (RFC 4180, and CR or LF alone as well). */
const NEEDS_QUOTING = /[",\r\n]/;

const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * One cell as a CSV field: guarded and quoted when it could start a formula, else quoted (inner
 * quotes doubled) when RFC 4180 asks for it. Most fields start with a letter or digit and hold no
 * separator or quote: one character test and one scan tell, as the quoting rule alone did.
 */
function csvField(cell: CsvCell): string {
  const text = cellText(cell);
  const first = text.charCodeAt(0);
  if ((text.length === 0 || (first < 128 && PLAIN_START[first] === 1)) && !SEPARATOR_OR_QUOTE.test(text)) return text;
  if (couldStartFormula(text)) return quote(guardCell(text));
  return NEEDS_QUOTING.test(text) ? quote(text) : text;
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
