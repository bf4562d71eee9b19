/** CSV cells and rows: RFC 4180 quoting, CRLF, the formula guard, and agreement with csv-stringify. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvCell, couldStartFormula, csvPreamble, csvRows, exportColumns, guardCell } from '../../shared/exports/csv.js';
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
    expect(csvRows([['=HYPERLINK("http://x")', -5]])).toBe('"\'=HYPERLINK(""http://x"")","\'-5"\r\n');
  });

  it('guard a formula after any separator a spreadsheet might split on, and quote the field', () => {
    // The attack of issue 17: in Excel with ";" as the list separator the middle part is a cell.
    expect(csvRows([["Acme;=cmd|' /C calc'!A0;Ltd"]])).toBe("\"Acme;'=cmd|' /C calc'!A0;Ltd\"\r\n");
    expect(guardCell('a,+1')).toBe("a,'+1");
    expect(guardCell('a\t@x')).toBe("a\t'@x");
    expect(guardCell('a; "=x')).toBe('a;\' "=x');
    expect(guardCell('x\r\n-1')).toBe("x\r\n'-1");
  });

  it('guard full-width, small and other compatibility forms and formulas behind invisible characters', () => {
    for (const name of ['＝1+1', '＋1', '－1', '＠SUM(A1)', '﹦1', '\u200b=1', '\u2060\ufeff+1', ' =1', '"=1"', 'a；=1', 'a\u037e=1', 'a，@x']) {
      expect(couldStartFormula(name), name).toBe(true);
      expect(csvRows([[name]]).startsWith('"'), name).toBe(true);
    }
    for (const name of ['a=b', 'Smith-Jones', 'mail.zeta-systems.co.uk', "'=already text", "x;'=quoted", '東京-1', '']) {
      expect(couldStartFormula(name), name).toBe(false);
    }
  });

  it('know every character whose compatibility form is a formula character or a separator (all of Unicode)', () => {
    for (let code = 0; code <= 0x10ffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCodePoint(code);
      const folded = character.normalize('NFKC').replace(/^\s+/u, '');
      if (/^[=+\-@]/.test(folded)) expect(couldStartFormula(`${character}1`), `U+${code.toString(16)}`).toBe(true);
      if (/^[,;\t]/.test(folded)) expect(couldStartFormula(`a${character}=1`), `U+${code.toString(16)}`).toBe(true);
    }
  });

  it('leave no cell a spreadsheet could read as a formula, whatever the separator, and keep the text (property)', () => {
    const unit = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('a', 'Z', '0', 'é', '東', 'ä', '\u0301', '😀', ' ', '.', '(', '!') },
      { weight: 4, arbitrary: fc.constantFrom('=', '+', '-', '@', '＝', '＋', '－', '＠', '﹦', '⁺', '₌', '⩵', '﬩', '﹫') },
      { weight: 4, arbitrary: fc.constantFrom(',', ';', '\t', '\r', '\n', '，', '；', '\u037e', '﹔', '︐') },
      { weight: 3, arbitrary: fc.constantFrom('"', "'", '\u200b', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u202e', '\u3000', '\u00a0', '\u180e', '\u3164') },
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 16 }), (name) => {
        const field = csvRows([[name]]).slice(0, -2);
        for (const piece of field.normalize('NFKC').split(/[,;\t\r\n]/)) {
          const cellStart = piece.replace(/^[\s"\p{Cf}\p{Default_Ignorable_Code_Point}]+/u, '');
          expect(/^[=+\-@]/.test(cellStart), `${JSON.stringify(name)} -> ${JSON.stringify(field)}`).toBe(false);
        }
        expect(field.startsWith('\t') || field.startsWith('\r')).toBe(false);
        // Only apostrophes (and RFC 4180 quoting) are added: the text itself is unchanged.
        const unquoted = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
        expect(unquoted.replaceAll("'", '')).toBe(name.replaceAll("'", ''));
      }),
      { numRuns: 2000 },
    );
  });

  it("start each file with the byte order mark and the contract's header row", () => {
    expect(csvPreamble(exportColumns('customers'))).toBe('\ufeffMicrosoft ID,Company name,Primary domain name,Relationship\r\n');
    expect(csvPreamble(exportColumns('subscriptions'))).toBe('\ufeffSubscription ID,Subscription,Quantity,Status,Reseller\r\n');
    expect(csvPreamble(exportColumns('activity'))).toBe('\ufeffDate,Operation,Customer ID,Customer name,User,Status,Details\r\n');
  });
});
