/**
 * Reference implementations the tests hold the service to: slow and obvious, never shipped.
 * - csv-stringify, the well-kept library, writes what the export's own CSV writer must equal.
 * - An in-memory search matcher says which customers the store query must return (CJK runs included).
 */
import { stringify } from 'csv-stringify/sync';
import { customerSearchKeys } from '../../shared/customers/search-keys.js';
import { type CsvCell, couldStartFormula, guardCell } from '../../shared/exports/csv.js';
import { foldText } from '../../shared/kernel/text.js';

// csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone CR or LF:
// RFC 4180 wants any line break inside a field quoted, so ask for it.
const CSV_OPTIONS = { record_delimiter: '\r\n', eof: true, quoted_match: /[\r\n]/ } as const;

/** The rows written by csv-stringify alone, a guarded field quoted: what csvRows must equal. */
export function csvRowsByLibrary(rows: readonly (readonly CsvCell[])[]): string {
  return stringify(
    rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell)))),
    { ...CSV_OPTIONS, cast: { string: (value) => (couldStartFormula(value) ? { value: guardCell(value), quoted: true } : value) } },
  );
}

/** The reference matcher, in memory: what the store query must agree with. */
export function matchesSearch(customer: { id: string; companyName: string; domain: string }, search: string): boolean {
  const query = foldText(search);
  if (!query) return true;
  if (customer.id.toLowerCase() === search.trim().toLowerCase()) return true;
  if (customerSearchKeys(customer.companyName, customer.domain).some((key) => key.startsWith(query))) return true;
  // Two or more characters of scripts written without spaces (letters, digits, marks) also match
  // anywhere inside the folded company name.
  const cjk = /^(?:(?=[\p{L}\p{N}\p{M}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]){2,}$/u;
  return cjk.test(query) && foldText(customer.companyName).includes(query);
}
