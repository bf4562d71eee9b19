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
export const activityCells = (row: {
  dateTime: string;
  operation: string;
  customerId: string | null;
  customerName: string | null;
  user: string;
  status: string;
  details: unknown;
}) => [row.dateTime, row.operation, row.customerId, row.customerName, row.user, row.status, JSON.stringify(row.details)];
