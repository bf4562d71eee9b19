/**
 * The activity view (#/activity): the log for a date range, newest first, paged over nextLink, and
 * its export. Days are the reader's days in the reader's time zone, which the view states: "from"
 * is the start of the first day, "to" the end of the last.
 */
import { query } from './api.js';
import { byId, el, time } from './dom.js';
import { exportAvailability, startExport } from './exports.js';
import { formatDateRange, readerTimeZone, t, tIfKnown, tNodes } from './i18n.js';
import { pagedList } from './paged-list.js';
import { scheduleSummary } from './schedules.js';

const DAY_MILLISECONDS = 86_400_000;
/** The longest range the service answers (GET /api/activity). */
const MAX_DAYS = 90;

const state = {
  loadedOnce: false,
  /** The days shown, written in the page's language (the date inputs follow the browser's own). */
  range: '',
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
  const zone = readerTimeZone();
  byId('activity-time-zone').textContent = t('activity.timeZone', { zoneName: zone.name, zoneId: zone.id });
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
    status.textContent = t('activity.needDates');
    return null;
  }
  if (fromDate > toDate) {
    status.textContent = t('activity.fromAfterTo');
    return null;
  }
  const days =
    (Date.UTC(toDate.getFullYear(), toDate.getMonth(), toDate.getDate()) - Date.UTC(fromDate.getFullYear(), fromDate.getMonth(), fromDate.getDate())) /
      DAY_MILLISECONDS +
    1;
  if (days > MAX_DAYS) {
    status.textContent = t('activity.tooLong');
    return null;
  }
  const endOfTo = new Date(toDate.getFullYear(), toDate.getMonth(), toDate.getDate() + 1).getTime() - 1;
  return { from: fromDate.toISOString(), to: new Date(endOfTo).toISOString() };
}

function loadFirstPage() {
  const range = selectedRange();
  if (!range) return;
  state.loadedOnce = true;
  state.range = formatDateRange(new Date(range.from), new Date(range.to));
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
      exportAvailability('export-activity', loaded === 0 ? t('exports.noActivityToExport') : null);
      return loaded === 0
        ? t('activity.none')
        : tNodes(hasMore ? 'activity.countSoFar' : 'activity.count', { count: loaded, range: el('span', { class: 'date-range', text: state.range }) });
    },
    messages: { first: t('activity.loading'), next: t('activity.loading'), failed: (reason) => t('activity.loadFailed', { reason }) },
  });
  return list;
}

/** @param {any} record */
function activityRow(record) {
  return el(
    'tr',
    { 'data-activity-id': record.id },
    el('td', { 'data-label': t('activity.columnDate'), class: 'when' }, time(record.dateTime)),
    el('th', { scope: 'row', 'data-label': t('activity.columnOperation') }, tIfKnown(`operation.${record.operation}`, {}, record.operation)),
    el('td', { 'data-label': t('activity.columnCustomer') }, record.customerName || record.customerId || t('app.none')),
    el('td', { 'data-label': t('activity.columnUser'), class: 'breakable' }, record.user ?? ''),
    el('td', { 'data-label': t('activity.columnStatus') }, tIfKnown(`activityStatus.${record.status}`, {}, record.status ?? '')),
    el('td', { 'data-label': t('activity.columnDetails'), class: 'breakable' }, describeDetails(record)),
  );
}

/** @param {any} record */
function describeDetails(record) {
  const details = record.details ?? {};
  if (typeof details.oldCompanyName === 'string' && typeof details.newCompanyName === 'string') {
    return t('activity.renamed', { oldName: details.oldCompanyName, newName: details.newCompanyName });
  }
  if (typeof details.fileName === 'string') {
    if (typeof details.error === 'string') return t('activity.exportFileFailed', { fileName: details.fileName });
    if (typeof details.rowCount === 'number') return t('activity.exportFile', { fileName: details.fileName, count: details.rowCount });
    return details.fileName;
  }
  if (typeof details.scheduleName === 'string' && typeof details.cron === 'string' && typeof details.type === 'string') {
    const described = tIfKnown(`activity.schedule${details.action}`, { name: details.scheduleName, summary: scheduleSummary(details) }, '');
    if (described) return described;
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
