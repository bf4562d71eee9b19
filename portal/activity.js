/**
 * The activity view (#/activity): the log for a date range, newest first, paged over nextLink, and
 * its export. Days are the reader's days in the reader's time zone, which the view states: "from"
 * is the start of the first day, "to" the end of the last; the export writes its dates in that
 * same time zone.
 */
import { api, describeError, query } from './api.js';
import { byId, el, replace, time } from './dom.js';
import { startExport } from './exports.js';
import { formatDateRange, readerTimeZone, t, tNodes } from './i18n.js';

const DAY_MILLISECONDS = 86_400_000;
/** The longest range the service answers (GET /api/activity). */
const MAX_DAYS = 90;
const OPERATIONS = new Set(['UpdateCustomerCompanyName', 'ExportCustomers', 'ExportSubscriptions', 'ExportActivity', 'UpdateExportSchedule']);
const STATUSES = new Set(['Succeeded', 'Failed', 'Pending']);

const state = {
  /** @type {string | null} */
  nextLink: null,
  loaded: 0,
  generation: 0,
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
  byId('activity-more').addEventListener('click', () => state.nextLink && loadPage(state.nextLink, state.generation));
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
  state.generation += 1;
  state.nextLink = null;
  state.loaded = 0;
  /** @type {HTMLTableSectionElement} */ (byId('activity-table').querySelector('tbody')).replaceChildren();
  loadPage(`/api/activity${query({ ...range, top: state.pageSize })}`, state.generation);
}

/** @param {string} path @param {number} generation */
async function loadPage(path, generation) {
  const status = byId('activity-status');
  const table = byId('activity-table');
  table.setAttribute('aria-busy', 'true');
  status.textContent = t('activity.loading');
  try {
    const page = await api(path);
    if (generation !== state.generation) return;
    const tbody = /** @type {HTMLTableSectionElement} */ (table.querySelector('tbody'));
    for (const record of page.body.value) tbody.append(activityRow(record));
    state.loaded += page.body.value.length;
    state.nextLink = page.body.nextLink ?? null;
    byId('activity-more').hidden = !state.nextLink;
    table.hidden = state.loaded === 0;
    if (state.loaded === 0) status.textContent = t('activity.none');
    else {
      const range = el('span', { class: 'date-range', text: state.range });
      replace(status, ...tNodes(state.nextLink ? 'activity.countSoFar' : 'activity.count', { count: state.loaded, range }));
    }
  } catch (error) {
    if (generation === state.generation) status.textContent = t('activity.loadFailed', { reason: describeError(error) });
  } finally {
    table.removeAttribute('aria-busy');
  }
}

/** @param {any} record */
function activityRow(record) {
  return el(
    'tr',
    { 'data-activity-id': record.id },
    el('td', { 'data-label': t('activity.columnDate'), class: 'when' }, time(record.dateTime)),
    el(
      'th',
      { scope: 'row', 'data-label': t('activity.columnOperation') },
      OPERATIONS.has(record.operation) ? t(`operation.${record.operation}`) : record.operation,
    ),
    el('td', { 'data-label': t('activity.columnCustomer') }, record.customerName || record.customerId || t('app.none')),
    el('td', { 'data-label': t('activity.columnUser'), class: 'breakable' }, record.user ?? ''),
    el('td', { 'data-label': t('activity.columnStatus') }, STATUSES.has(record.status) ? t(`activityStatus.${record.status}`) : (record.status ?? '')),
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
