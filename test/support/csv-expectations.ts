/**
 * An independent reading of the contract's file format, written out by hand (not with the
 * library the service uses), so the tests check the service against the rules, not against itself.
 */
export function expectedCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Each piece a spreadsheet might read as a cell (split at , ; tab CR LF) whose first visible
  // character is, after NFKC, = + - or @ gets an apostrophe in front; so does a tab or CR start.
  const pieces = text.split(/(?<=[,;\t\r\n，；])/u);
  let guarded = false;
  const written = pieces.map((body, index) => {
    const visible = body.normalize('NFKC').replace(/^[ "\u00a0\u200b-\u200f\u2060\ufeff]*/u, '');
    if (/^[=+\-@]/.test(visible) || (index === 0 && /^[\t\r]/.test(body))) {
      guarded = true;
      return `'${body}`;
    }
    return body;
  });
  const joined = written.join('');
  return guarded || /[",\r\n]/.test(joined) ? `"${joined.replaceAll('"', '""')}"` : joined;
}

export function expectedCsv(header: string[], rows: unknown[][]): Buffer {
  const lines = [header, ...rows].map((row) => row.map(expectedCell).join(',') + '\r\n');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join(''), 'utf8')]);
}

export const HEADERS = {
  customers: ['Microsoft ID', 'Company name', 'Primary domain name', 'Relationship'],
  subscriptions: ['Subscription ID', 'Subscription', 'Quantity', 'Status', 'Reseller'],
  activity: ['Date', 'Operation', 'Customer ID', 'Customer name', 'User', 'Status', 'Details'],
};

/** The contract's columns of each file, read from the API's own resources (what the list shows). */
export const customerCells = (row: { id: string; companyName: string; domain: string; relationship: string }) => [
  row.id,
  row.companyName,
  row.domain,
  row.relationship,
];
export const subscriptionCells = (row: { id: string; offerName: string; quantity: number; status: string; resellerId: string | null }) => [
  row.id,
  row.offerName,
  row.quantity,
  row.status,
  row.resellerId ?? '',
];
/** The contract's operations in words, as a person reads them in the file. */
export const OPERATION_WORDS: Record<string, string> = {
  UpdateCustomerCompanyName: 'Rename customer',
  ExportCustomers: 'Export customers',
  ExportSubscriptions: 'Export subscriptions',
  ExportActivity: 'Export activity',
  UpdateExportSchedule: 'Change export schedule',
};

/** An activity file's date: `yyyy-mm-dd hh:mm:ss` in UTC (the default time zone). */
export const utcDate = (dateTime: string) => `${dateTime.slice(0, 10)} ${dateTime.slice(11, 19)}`;

/**
 * The activity columns of one record; `details` is the readable text the file holds (its reading
 * is checked separately, so here it comes from the caller).
 */
export const activityCells = (
  row: {
    dateTime: string;
    operation: string;
    customerId: string | null;
    customerName: string | null;
    user: string;
    status: string;
    details: unknown;
  },
  details: (value: unknown) => string,
) => [utcDate(row.dateTime), OPERATION_WORDS[row.operation] ?? row.operation, row.customerId, row.customerName, row.user, row.status, details(row.details)];
