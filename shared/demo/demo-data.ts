/**
 * Demo data for `npm start`: an indirect provider with four indirect resellers, a direct partner,
 * about 2,000 customers with realistic names in several scripts and accents (and a few that test
 * CSV quoting and formula injection), and their subscriptions. Deterministic: the same every time.
 * Produced as import lines, so it goes through the same validation as `npm run import`.
 */
import { createHash } from 'node:crypto';
import { foldText } from '../kernel/text.js';

export const DEMO_PROVIDER_ID = '8f2b6c1e-4d3a-4b7e-9a51-0c2d3e4f5a60';
export const DEMO_DIRECT_PARTNER_ID = '5a1c9e3d-7b2f-4c8a-8e6d-1f2a3b4c5d6e';
export const DEMO_RESELLERS = [
  { id: '2b7e1516-28ae-4d2a-abf7-158809cf4f3c', name: 'Adatum Cloud Services' },
  { id: '3c8f2627-39bf-4e3b-bc08-26991ad05a4d', name: 'Tailspin Solutions' },
  { id: '4d903738-4ac0-4f4c-8d19-37aa2be16b5e', name: 'Lucerne IT Partners' },
  { id: '5ea14849-5bd1-405d-9e2a-48bb3cf27c6f', name: 'Wingtip Systems' },
];

const LATIN_STEMS = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Woodgrove',
  'Litware',
  'Proseware',
  'Alpine',
  'Blue Yonder',
  'Coho',
  'Datum',
  'Fourth Coffee',
  'Graphic Design',
  'Humongous',
  'Lamna',
  'Margie',
  'Nod',
  'Relecloud',
  'Southridge',
  'Trey',
  'VanArsdel',
  'Wide World',
  'Adventure',
  'Bellows',
  'Consolidated',
  'First Up',
  'Lakeshore',
  'Munson',
  'Olympic',
  'Tasmanian',
  'Zava',
];
const ACCENTED_STEMS = [
  'Müller',
  'Société Générale',
  'Ærø',
  'Łódź',
  'Ñandú',
  'Đà Nẵng',
  'Þórsson',
  'Čapek',
  'São Paulo',
  'Øresund',
  'Göteborg',
  'Crème Brûlée',
  'Zürich',
  'Kraków',
  'Málaga',
  'Ångström',
  'Straße',
  'Évora',
  'İstanbul',
  'Señor',
];
const SECTORS = [
  'Consulting',
  'Logistics',
  'Pharmaceuticals',
  'Software',
  'Foods',
  'Engineering',
  'Travel',
  'Insurance',
  'Media',
  'Energy',
  'Textiles',
  'Robotics',
  'Bank',
  'Hotels',
  'Design',
];
const SUFFIXES = ['Ltd', 'Inc.', 'GmbH', 'S.A.', 'SARL', 'AB', 'ApS', 'B.V.', 'LLC', 'Pty Ltd', 'S.p.A.', 'AG', 'Oy', 'plc'];
const NON_LATIN = [
  '東京テクノロジー株式会社',
  '大阪ロジスティクス株式会社',
  '北京云科技有限公司',
  '台北雲端科技股份有限公司',
  '高雄資訊服務股份有限公司',
  'Contoso 台灣',
  '株式会社さくらソフト',
  '上海数据服务有限公司',
  'ООО Ромашка',
  'АО Северный Ветер',
  'Ελληνική Ναυτιλία Α.Ε.',
  'Αθηναϊκή Πληροφορική',
  'שלום מערכות בע"מ',
  'شركة الأفق للتقنية',
  '서울소프트 주식회사',
  'ไทยคลาวด์ จำกัด',
  'हिन्दी टेक प्राइवेट लिमिटेड',
  'Ақ Орда Технологиялары',
];
const TRICKY = [
  'Smith, Jones & "Partners"',
  '=HYPERLINK("http://example.test") Ltd',
  '+Plus Consulting',
  '-Minus Design',
  '@Home Services',
  'Line\nBreak Foods',
];
const OFFERS = [
  'Microsoft 365 Business Basic',
  'Microsoft 365 Business Standard',
  'Microsoft 365 E3',
  'Microsoft 365 E5',
  'Exchange Online (Plan 1)',
  'Azure plan',
  'Dynamics 365 Sales Professional',
  'Power BI Pro',
  'Teams Phone Standard',
  'Visio Plan 2',
];
const STATUSES = ['active', 'active', 'active', 'active', 'suspended', 'deleted', 'expired', 'pending'] as const;

/** A deterministic GUID from a label. */
function demoGuid(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Small deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function domainFor(name: string, index: number): string {
  const slug =
    foldText(name)
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 20) || 'tenant';
  return `${slug}${index}.onmicrosoft.com`;
}

/** The demo records as import lines (JSON objects), partners first. */
export function* demoRecords(customerCount = 2000): Generator<Record<string, unknown>> {
  const next = random(20261124);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  yield { type: 'partner', id: DEMO_PROVIDER_ID, name: 'Contoso Distribution' };
  yield { type: 'partner', id: DEMO_DIRECT_PARTNER_ID, name: 'Fabrikam Partner Services' };
  for (const reseller of DEMO_RESELLERS) yield { type: 'reseller', partnerId: DEMO_PROVIDER_ID, ...reseller };

  for (let index = 0; index < customerCount; index += 1) {
    const roll = next();
    const name =
      index < TRICKY.length
        ? (TRICKY[index] as string)
        : roll < 0.1
          ? `${pick(NON_LATIN)} ${index}`
          : roll < 0.3
            ? `${pick(ACCENTED_STEMS)} ${pick(SECTORS)} ${pick(SUFFIXES)}`
            : `${pick(LATIN_STEMS)} ${pick(SECTORS)} ${pick(SUFFIXES)}`;
    const partnerId = index % 4 === 3 ? DEMO_DIRECT_PARTNER_ID : DEMO_PROVIDER_ID;
    const resellerId = partnerId === DEMO_PROVIDER_ID && next() < 0.6 ? pick(DEMO_RESELLERS).id : null;
    const id = demoGuid(`customer-${index}`);
    const domain = domainFor(name, index);
    yield {
      type: 'customer',
      id,
      partnerId,
      resellerId,
      companyName: name,
      domain,
      relationship: resellerId ? 'Indirect reseller' : partnerId === DEMO_PROVIDER_ID ? 'Indirect provider' : 'Direct reseller',
      companyProfile: { companyName: name, tenantId: id, domain },
    };
    const subscriptionCount = 1 + Math.floor(next() * 3);
    for (let s = 0; s < subscriptionCount; s += 1) {
      yield {
        type: 'subscription',
        id: demoGuid(`subscription-${index}-${s}`),
        partnerId,
        customerId: id,
        offerName: pick(OFFERS),
        quantity: 1 + Math.floor(next() * 250),
        status: pick(STATUSES),
        resellerId,
      };
    }
  }
}

/** The demo partner's administrator: what `npm start` sets as LOCAL_DEV_PRINCIPAL. */
export const DEMO_ADMIN = { tenantId: DEMO_PROVIDER_ID, userName: 'ada@contoso-distribution.example', roles: ['Customers.ReadWrite'] };
