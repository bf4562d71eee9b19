/**
 * A small, deliberate data set: two partners (one an indirect provider with two resellers), and
 * customers whose names exercise case and accent folding, non-Latin scripts, punctuation, CSV
 * quoting and formula injection.
 */
export const PROVIDER = 'aaaaaaaa-0000-4000-8000-000000000001';
export const OTHER_PARTNER = 'bbbbbbbb-0000-4000-8000-000000000002';
export const RESELLER_A = 'cccccccc-0000-4000-8000-000000000003';
export const RESELLER_B = 'dddddddd-0000-4000-8000-000000000004';
export const UNKNOWN_TENANT = 'eeeeeeee-0000-4000-8000-000000000005';

export const customerId = (n: number) => `0000${String(n).padStart(4, '0')}-1111-4111-8111-${String(n).padStart(12, '0')}`;

export interface FixtureCustomer {
  id: string;
  partnerId: string;
  resellerId: string | null;
  companyName: string;
  domain: string;
}

const names: Array<[string, string, string | null]> = [
  ['Contoso Ltd', 'contoso.onmicrosoft.com', RESELLER_A],
  ['contoso Pharmaceuticals', 'contosopharma.com', RESELLER_B],
  ['Müller & Söhne GmbH', 'mueller-soehne.de', RESELLER_A],
  ['Société Générale de Café', 'cafe.example.fr', null],
  ['Ærø Fisk ApS', 'aero-fisk.dk', null],
  ['東京テクノロジー株式会社', 'tokyo-tech.co.jp', RESELLER_B],
  ['ООО Ромашка', 'romashka.ru', null],
  ['Ελληνική Ναυτιλία', 'naftilia.gr', RESELLER_A],
  ['Smith, Jones & "Partners"', 'smithjones.com', null],
  ['=HYPERLINK("http://evil.example") Corp', 'formula.example', null],
  ['Line\nBreak Foods', 'linebreak.example', null],
  ['Fabrikam Inc.', 'fabrikam.onmicrosoft.com', RESELLER_B],
  ["O'Brien Consulting", 'obrien.ie', null],
  ['Zeta Systems', 'mail.zeta-systems.co.uk', RESELLER_A],
  ['alpha analytics', 'alpha.io', null],
  ['Ålesund Shipping', 'alesund.no', null],
];

export const providerCustomers: FixtureCustomer[] = names.map(([companyName, domain, resellerId], index) => ({
  id: customerId(index + 1),
  partnerId: PROVIDER,
  resellerId,
  companyName,
  domain,
}));

/** The other partner has a customer with the same name and domain: isolation must hold. */
export const otherPartnerCustomers: FixtureCustomer[] = [
  { id: customerId(901), partnerId: OTHER_PARTNER, resellerId: null, companyName: 'Contoso Ltd', domain: 'contoso-other.onmicrosoft.com' },
  { id: customerId(902), partnerId: OTHER_PARTNER, resellerId: null, companyName: 'Other Partner Customer', domain: 'other.example' },
];

export function fixtureRecords(): Array<Record<string, unknown>> {
  const records: Array<Record<string, unknown>> = [
    { type: 'partner', id: PROVIDER, name: 'Provider Partner' },
    { type: 'partner', id: OTHER_PARTNER, name: 'Other Partner' },
    { type: 'reseller', id: RESELLER_A, partnerId: PROVIDER, name: 'Reseller A' },
    { type: 'reseller', id: RESELLER_B, partnerId: PROVIDER, name: 'Reseller B' },
  ];
  for (const customer of [...providerCustomers, ...otherPartnerCustomers]) {
    records.push({
      type: 'customer',
      ...customer,
      relationship: customer.resellerId ? 'Indirect reseller' : 'Direct reseller',
      companyProfile: { companyName: `${customer.companyName} (tenant)`, tenantId: customer.id, domain: customer.domain },
    });
    for (let s = 0; s < 3; s += 1) {
      records.push({
        type: 'subscription',
        id: `${customer.id.slice(0, 24)}${String(s).padStart(12, '9')}`,
        partnerId: customer.partnerId,
        customerId: customer.id,
        offerName: ['Microsoft 365 E3', 'Azure plan', 'Power BI Pro'][s],
        quantity: 10 * (s + 1),
        status: ['active', 'suspended', 'pending'][s],
        resellerId: s === 2 ? null : customer.resellerId,
      });
    }
  }
  return records;
}
