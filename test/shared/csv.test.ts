/** CSV cells and rows: RFC 4180 quoting, CRLF, the formula guard, and agreement with csv-stringify. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvCell, csvPreamble, csvRows, exportColumns, guardCell } from '../../shared/exports/csv.js';
import { csvRowsByLibrary } from '../support/oracles.js';

fc.configureGlobal({ seed: 20261125, numRuns: 500 });

/** Text biased towards what makes CSV hard: quotes, commas, line breaks, formula starts, non-Latin. */
const trickyText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'Z', ' ', '0', 'é', '東', 'Ж', '😀') },
    { weight: 4, arbitrary: fc.constantFrom('"', ',', '\r', '\n', '\r\n', '=', '+', '-', '@', '\t', "'", ';') },
  ),
  maxLength: 12,
});
const cell: fc.Arbitrary<CsvCell> = fc.oneof(
  { weight: 8, arbitrary: trickyText },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
);

describe('CSV rows', () => {
  it('are byte for byte what csv-stringify writes, for any cells', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 7 }), { maxLength: 20 }), (rows) => {
        expect(csvRows(rows)).toBe(csvRowsByLibrary(rows));
      }),
    );
  });

  it('of a range are the text of just those rows, as an export appends them', () => {
    const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 12 });
    fc.assert(
      fc.property(rows, fc.nat(12), fc.nat(12), (all, first, second) => {
        const [from, to] = [Math.min(first, second, all.length), Math.min(Math.max(first, second), all.length)];
        expect(csvRows(all, from, to)).toBe(csvRowsByLibrary(all.slice(from, to)));
      }),
    );
  });

  it('quote fields with quotes, commas or line breaks, doubling the quotes, and end lines with CRLF', () => {
    expect(csvRows([['plain', 'Smith, Jones', 'say "hi"', 'two\nlines', 'cr\ronly', '']])).toBe(
      'plain,"Smith, Jones","say ""hi""","two\nlines","cr\ronly",\r\n',
    );
  });

  it('guard cells that a spreadsheet would run as formulas', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'a=b', ''].map(guardCell)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", 'a=b', '']);
    expect(csvRows([['=HYPERLINK("http://x")', -5]])).toBe('"\'=HYPERLINK(""http://x"")",\'-5\r\n');
  });

  it("start each file with the byte order mark and the contract's header row", () => {
    expect(csvPreamble(exportColumns('customers'))).toBe('\ufeffMicrosoft ID,Company name,Primary domain name,Relationship\r\n');
    expect(csvPreamble(exportColumns('subscriptions'))).toBe('\ufeffSubscription ID,Subscription,Quantity,Status,Reseller\r\n');
    expect(csvPreamble(exportColumns('activity'))).toBe('\ufeffDate,Operation,Customer ID,Customer name,User,Status,Details\r\n');
  });
});
