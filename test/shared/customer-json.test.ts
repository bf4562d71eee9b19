/** Search pages as JSON bytes with remembered rows: always exactly what JSON.stringify writes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CustomerRow, type ServiceLinkTemplates, toCustomerRow } from '../../shared/customers/customer.js';
import { CustomerPageJson } from '../../shared/customers/customer-json.js';

fc.configureGlobal({ seed: 20261125, numRuns: 300 });

const templates: ServiceLinkTemplates = {
  adminCenter: 'https://admin.example/session?CTID={customerId}&dest=admin',
  azurePortal: 'https://portal.example/#@{customerId}',
};

/** Text with what JSON must escape: quotes, backslashes, control characters, lone surrogates. */
const text = fc.string({
  unit: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('a', 'Z', ' ', '0', 'é', '東', 'Ω', '😀', '/', '&', '?', '#') },
    { weight: 3, arbitrary: fc.constantFrom('"', '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u2028', '\ud800', '\udc00') },
  ),
  maxLength: 16,
});
const row: fc.Arbitrary<CustomerRow> = fc.record({
  // Ids are well-formed text (links encode them with encodeURIComponent, which refuses lone surrogates).
  id: fc.oneof(
    fc.uuid(),
    text.filter((value) => value.length > 0 && value.isWellFormed()),
  ),
  companyName: text,
  domain: text,
  relationship: fc.oneof(fc.constantFrom('Direct reseller', 'Indirect reseller'), text),
  resellerId: fc.oneof(fc.constant(null), fc.uuid()),
});

function expected(rows: CustomerRow[], links: ServiceLinkTemplates, nextLink?: string): string {
  return JSON.stringify({ value: rows.map((one) => toCustomerRow(one, links)), ...(nextLink === undefined ? {} : { nextLink }) });
}

describe('a search page as JSON bytes', () => {
  it('is byte for byte JSON.stringify of the rows and nextLink, the first time and every time after', () => {
    const pages = new CustomerPageJson();
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.option(text, { nil: undefined }), (rows, nextLink) => {
        const want = expected(rows, templates, nextLink);
        expect(pages.page(rows, templates, nextLink).toString('utf8')).toBe(want);
        expect(
          pages
            .page(
              rows.map((one) => ({ ...one })),
              templates,
              nextLink,
            )
            .toString('utf8'),
        ).toBe(want);
      }),
    );
  });

  it('shows a changed field at once: a rename, a new reseller, a new relationship, new templates', () => {
    const pages = new CustomerPageJson();
    const first: CustomerRow = { id: 'c1', companyName: 'Contoso', domain: 'contoso.example', relationship: 'Direct reseller', resellerId: null };
    expect(pages.page([first], templates).toString()).toBe(expected([first], templates));
    const changes: CustomerRow[] = [
      { ...first, companyName: 'Contoso Ltd' },
      { ...first, domain: 'contoso2.example' },
      { ...first, relationship: 'Indirect reseller' },
      { ...first, resellerId: 'r1' },
    ];
    for (const changed of changes) expect(pages.page([changed], templates).toString()).toBe(expected([changed], templates));
    const moved = { adminCenter: 'https://admin.other/{customerId}', azurePortal: 'https://portal.other/{customerId}' };
    expect(pages.page([first], moved).toString()).toBe(expected([first], moved));
    expect(pages.page([first], templates).toString()).toBe(expected([first], templates));
  });

  it('remembers at most two generations of rows', () => {
    const pages = new CustomerPageJson(10);
    const rows = Array.from(
      { length: 95 },
      (_unused, index): CustomerRow => ({
        id: `c${index}`,
        companyName: `Name ${index}`,
        domain: `d${index}.example`,
        relationship: 'Direct reseller',
        resellerId: null,
      }),
    );
    for (let start = 0; start < rows.length; start += 5) {
      const slice = rows.slice(start, start + 5);
      expect(pages.page(slice, templates).toString()).toBe(expected(slice, templates));
      expect(pages.size).toBeLessThanOrEqual(20);
    }
    expect(pages.size).toBeGreaterThan(0);

    const forgetful = new CustomerPageJson(0);
    expect(forgetful.page(rows, templates, 'next').toString()).toBe(expected(rows, templates, 'next'));
    expect(forgetful.size).toBe(0);
  });
});
