/**
 * The activity view (#/activity): the log for a date range, newest first, paged over nextLink, and
 * its export. Dates are the reader's local days: "from" is the start of the first day, "to" the end
 * of the last.
 */
import { query } from './api.js';
import { byId, el, plural, time } from './dom.js';
import { WORDS } from './export-words.js';
import { exportAvailability, startExport } from './exports.js';
import { pagedList } from './paged-list.js';

const DAY_MILLISECONDS = 86_400_000;
/** @type {Record<string, string>} */
const OPERATION_LABELS = {
  UpdateCustomerCompanyName: 'Renamed a customer',
  ExportCustomers: 'Exported customers',
  ExportSubscriptions: 'Exported subscriptions',
  ExportActivity: 'Exported activity',
  UpdateExportSchedule: 'Changed an export schedule',
};

const state = {
  loadedOnce: false,
  pageSize: 100,
};

/** @param {{ pageSize: number }} options */
export function initActivity(options) {
  state.pageSize = options.pageSize;
  const from = /** @type {HTMLInputElement} */ (byId('activity-from'));
  const to = /** @type {HTMLInputElement} */ (byId('activity-to'));
  const today = new Date();
  to.value = localDate(today);
  from.value = localDate(new Date(today.getTime() - 6 * DAY_MILLISECONDS));
  byId('activity-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadFirstPage();
  });
  byId('activity-more').addEventListener('click', () => activityList().loadNext());
  // Other dates may hold activity: Export waits for what they show.
  for (const input of [from, to]) input.addEventListener('input', () => exportAvailability('export-activity', null));
  byId('export-activity').addEventListener('click', () => {
    const range = selectedRange();
    if (range) startExport({ type: 'activity', ...range }, byId('activity-export-status'));
  });
}

/** Shows the view; the first visit loads the default range (the last 7 days). */
export function showActivity() {
  if (!state.loadedOnce) loadFirstPage();
}

/** The chosen days as ISO date-times, or null (and a message) when the dates are not usable. */
function selectedRange() {
  const from = /** @type {HTMLInputElement} */ (byId('activity-from')).value;
  const to = /** @type {HTMLInputElement} */ (byId('activity-to')).value;
  const status = byId('activity-status');
  const fromDate = parseLocalDate(from);
  const toDate = parseLocalDate(to);
  if (!fromDate || !toDate) {
    status.textContent = 'Choose both a “From” and a “To” date.';
    return null;
  }
  if (fromDate > toDate) {
    status.textContent = '“From” must be on or before “To”.';
    return null;
  }
  const endOfTo = new Date(toDate.getFullYear(), toDate.getMonth(), toDate.getDate() + 1).getTime() - 1;
  return { from: fromDate.toISOString(), to: new Date(endOfTo).toISOString() };
}

function loadFirstPage() {
  const range = selectedRange();
  if (!range) return;
  state.loadedOnce = true;
  activityList().clear();
  activityList().loadFirst(`/api/activity${query({ ...range, top: state.pageSize })}`);
}

/** @type {import('./paged-list.js').PagedList | undefined} */
let list;

function activityList() {
  list ??= pagedList({
    table: byId('activity-table'),
    status: byId('activity-status'),
    more: byId('activity-more'),
    rows: (record) => [activityRow(record)],
    summary: (loaded, hasMore) => {
      exportAvailability('export-activity', loaded === 0 ? WORDS.noActivityToExport : null);
      return loaded === 0 ? 'No activity in these dates.' : `${plural(loaded, 'activity record', 'activity records')}${hasMore ? ' so far' : ''}.`;
    },
    messages: { first: 'Loading activity…', next: 'Loading activity…', failed: 'Activity could not be loaded.' },
  });
  return list;
}

/** @param {any} record */
function activityRow(record) {
  return el(
    'tr',
    { 'data-activity-id': record.id },
    el('td', { 'data-label': 'Date', class: 'when' }, time(record.dateTime)),
    el('th', { scope: 'row', 'data-label': 'Operation' }, OPERATION_LABELS[record.operation] ?? record.operation),
    el('td', { 'data-label': 'Customer' }, record.customerName || record.customerId || '—'),
    el('td', { 'data-label': 'User', class: 'breakable' }, record.user ?? ''),
    el('td', { 'data-label': 'Status' }, record.status ?? ''),
    el('td', { 'data-label': 'Details', class: 'breakable' }, describeDetails(record)),
  );
}

/** @param {any} record */
function describeDetails(record) {
  const details = record.details ?? {};
  if (typeof details.oldCompanyName === 'string' && typeof details.newCompanyName === 'string') {
    return `“${details.oldCompanyName}” → “${details.newCompanyName}”`;
  }
  if (typeof details.fileName === 'string') {
    const rows = typeof details.rowCount === 'number' ? `, ${details.rowCount.toLocaleString()} ${details.rowCount === 1 ? 'row' : 'rows'}` : '';
    const problem = typeof details.error === 'string' ? `: ${details.error}` : '';
    return `${details.fileName}${rows}${problem}`;
  }
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('; ');
}

/** @param {Date} date */
function localDate(date) {
  const pad = (/** @type {number} */ value) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** @param {string} value YYYY-MM-DD @returns {Date | null} local midnight */
function parseLocalDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}
