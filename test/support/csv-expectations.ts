/**
 * An independent reading of the contract's file format, written out by hand (not with the
 * library the service uses), so the tests check the service against the rules, not against itself.
 */
export function expectedCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
