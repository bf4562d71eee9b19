/**
 * Exports: starting one (one export per click, of what the page shows at the moment of the
 * click), the Exports page (#/exports: every export of the caller with who asked, the filter in
 * words, progress, expiry, a fresh download link, Cancel and Retry), and the notification when an
 * export this page started finishes. While any export is queued or running the list is polled.
 * A small export that is ready within a few seconds of its click downloads by itself.
 */
import { ApiError, api, describeError } from './api.js';
import { byId, el, time } from './dom.js';
import { formatDateRange, formatDuration, formatPercent, t, tIfKnown, tNodes } from './i18n.js';
import { notify } from './notify.js';

const POLL_MILLISECONDS = 1500;
const PENDING = new Set(['NotStarted', 'Running']);
/** An export of fewer rows than this, ready within AUTO_DOWNLOAD_SECONDS of its click, downloads by itself. */
const AUTO_DOWNLOAD_ROWS = 10_000;
const AUTO_DOWNLOAD_SECONDS = 10;

/** The user's IANA time zone: file names and activity dates are written in it. */
export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** @type {ReturnType<typeof setTimeout> | undefined} */
let pollTimer;
/** Exports this page started, by id: when they were clicked, and whether the end was shown. @type {Map<string, {clickedAt: number, told: boolean}>} */
const mine = new Map();
/** Export requests on their way, by body: a second click meanwhile gets the same export. @type {Map<string, Promise<any>>} */
const sending = new Map();
/** @type {(id: string) => string} */
let resellerName = (id) => id;

const FORMAT_KEY = 'exportFormat';

/** The file type chosen beside any Export button; remembered, and the same in every view. */
function chosenFormat() {
  return localStorage.getItem(FORMAT_KEY) === 'xlsx' ? 'xlsx' : 'csv';
}

/** @param {{ resellerName?: (id: string) => string }} [options] */
export function initExports(options = {}) {
  if (options.resellerName) resellerName = options.resellerName;
  const selects = /** @type {HTMLSelectElement[]} */ ([...document.querySelectorAll('select.export-format')]);
  for (const select of selects) {
    select.value = chosenFormat();
    select.addEventListener('change', () => {
      localStorage.setItem(FORMAT_KEY, select.value);
      for (const other of selects) other.value = select.value;
    });
  }
  byId('exports-refresh').addEventListener('click', () => refreshExports({ redraw: true }));
  return refreshExports();
}

/**
 * Starts an export of `body` (the contract's export body) in the user's time zone. A click while
 * the same request is still on its way gets the same export; the request carries a
 * Repeatability-Request-ID, so a retry after a lost answer returns the export the first one started.
 * @param {Record<string, unknown>} body
 * @param {HTMLElement} statusElement where to say that it started (or why not)
 * @param {string} [failedKey] the message that says why not (given the reason)
 * @returns {Promise<any>} the export, or undefined when it did not start
 */
export function startExport(body, statusElement, failedKey = 'exports.startFailed') {
  // CSV is the default, so only a workbook is asked for by name.
  const format = body.format ?? chosenFormat();
  const request = { ...body, ...(format === 'xlsx' ? { format } : {}), timeZone: TIME_ZONE };
  if (format !== 'xlsx') delete request.format;
  const key = JSON.stringify(request);
  const already = sending.get(key);
  if (already) return already;
  const headers = { 'repeatability-request-id': crypto.randomUUID(), 'repeatability-first-sent': new Date().toUTCString() };
  const clickedAt = Date.now();
  const sent = (async () => {
    statusElement.textContent = t('exports.starting');
    try {
      let started;
      try {
        started = await api('/api/exports', { method: 'POST', body: request, headers });
      } catch (error) {
        // The answer was lost on the way: the same request id returns the export it started, if any.
        if (!(error instanceof ApiError) || error.status !== 0) throw error;
        started = await api('/api/exports', { method: 'POST', body: request, headers });
      }
      const job = started.body;
      if (!mine.has(job.id)) mine.set(job.id, { clickedAt, told: false });
      statusElement.textContent = t('exports.started', { fileName: job.fileName });
      await refreshExports();
      return job;
    } catch (error) {
      statusElement.textContent = t(failedKey, { reason: describeError(error) });
      return undefined;
    } finally {
      sending.delete(key);
    }
  })();
  sending.set(key, sent);
  return sent;
}

/**
 * Enables an Export button, or disables it with the reason shown beside it (the element the button
 * names in aria-describedby).
 * @param {string} buttonId @param {string | null} reason null: available
 */
export function exportAvailability(buttonId, reason) {
  const button = /** @type {HTMLButtonElement} */ (byId(buttonId));
  const reasonElement = byId(button.getAttribute('aria-describedby') ?? '');
  button.disabled = reason !== null;
  reasonElement.hidden = reason === null;
  reasonElement.textContent = reason ?? '';
}

/** @param {{ redraw?: boolean }} [options] redraw: rebuild every item (fresh download links) */
export async function refreshExports(options = {}) {
  clearTimeout(pollTimer);
  const status = byId('exports-status');
  const list = byId('exports-list');
  list.setAttribute('aria-busy', 'true');
  let pending = 0;
  try {
    const page = await api('/api/exports?top=50');
    /** @type {Array<any>} */
    const exportJobs = page.body.value;
    if (options.redraw) list.replaceChildren();
    showExports(list, exportJobs);
    for (const job of exportJobs) tellWhenFinished(job);
    pending = exportJobs.filter((job) => PENDING.has(job.status)).length;
    if (exportJobs.length === 0) status.textContent = t('exports.none');
    else if (pending > 0) status.textContent = t('exports.inProgress', { count: pending });
    else status.textContent = t('exports.recent', { count: exportJobs.length });
  } catch (error) {
    status.textContent = t('exports.listFailed', { reason: describeError(error) });
    // Keep watching an export this page started, even through a passing failure.
    pending = [...mine.values()].filter((entry) => !entry.told).length;
  } finally {
    list.removeAttribute('aria-busy');
  }
  if (pending > 0) pollTimer = setTimeout(refreshExports, POLL_MILLISECONDS);
}

/**
 * When an export this page started has ended: a notification wherever the user is, with Download;
 * a small one that was quick downloads by itself.
 * @param {any} job
 */
function tellWhenFinished(job) {
  const entry = mine.get(job.id);
  if (!entry || entry.told || PENDING.has(job.status)) return;
  entry.told = true;
  if (job.status !== 'Succeeded') {
    const text = t(job.status === 'Canceled' ? 'exports.canceledNotice' : 'exports.failedNotice', { fileName: job.fileName });
    notify(job.id, { text, tone: 'error', action: el('a', { href: '#/exports', class: 'button' }, t('exports.openExports')) });
    return;
  }
  const small = (job.expectedRowCount ?? job.rowCount ?? 0) < AUTO_DOWNLOAD_ROWS && Date.now() - entry.clickedAt <= AUTO_DOWNLOAD_SECONDS * 1000;
  const text = t(small ? 'exports.readyDownloading' : 'exports.ready', { fileName: job.fileName });
  const item = notify(job.id, { text, tone: 'success', action: downloadLink(job) });
  item.setAttribute('data-export-id', job.id);
  if (small && job.downloadUrl) {
    const link = el('a', { href: safeUrl(job.downloadUrl), download: job.fileName, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  }
}

/**
 * Updates the list in place: an export whose state did not change keeps its element, so polling
 * never takes the keyboard focus away from a button.
 * @param {HTMLElement} list @param {Array<any>} exportJobs
 */
function showExports(list, exportJobs) {
  /** @type {Map<string, Element>} */
  const existing = new Map([...list.children].map((item) => [item.getAttribute('data-export-id') ?? '', item]));
  const wanted = exportJobs.map((job) => {
    const signature = `${job.status}|${job.rowCount}|${job.expectedRowCount}|${job.downloadUrl ? 'link' : ''}`;
    const current = existing.get(job.id);
    if (current && current.getAttribute('data-signature') === signature) return current;
    const item = exportItem(job);
    item.setAttribute('data-signature', signature);
    return item;
  });
  const keep = new Set(wanted);
  for (const item of [...list.children]) if (!keep.has(item)) item.remove();
  wanted.forEach((item, index) => {
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
  });
}

/** @param {any} job */
function exportItem(job) {
  const statusClass = `badge badge-${String(job.status).toLowerCase()}`;
  const pending = PENDING.has(job.status);
  const actions = el('div', { class: 'export-actions' });
  if (job.status === 'Succeeded' && job.downloadUrl) actions.append(downloadLink(job));
  if (pending) actions.append(el('button', { type: 'button', onClick: () => cancelExport(job) }, t('exports.cancel')));
  if (job.status === 'Failed' || job.status === 'Canceled')
    actions.append(el('button', { type: 'button', onClick: () => retryExport(job) }, t('exports.retry')));
  return el(
    'li',
    { class: 'export', 'data-export-id': job.id },
    el(
      'div',
      { class: 'export-head' },
      el('span', { class: 'export-file', text: job.fileName }),
      el('span', { class: statusClass, text: tIfKnown(`exportStatus.${job.status}`, {}, job.status) }),
    ),
    job.scheduleName ? el('p', { class: 'export-scheduled', text: t('exports.scheduled', { name: job.scheduleName }) }) : null,
    el('p', { class: 'export-meta' }, describeExport(job)),
    el(
      'p',
      { class: 'export-meta' },
      ...(job.scheduleName ? [time(job.createdDateTime)] : tNodes('exports.requestedAt', { user: job.requestedBy ?? '', when: time(job.createdDateTime) })),
    ),
    pending ? progress(job) : null,
    job.status === 'Succeeded' ? el('p', { class: 'export-meta' }, t('exports.rows', { count: job.rowCount ?? 0 })) : null,
    job.status === 'Succeeded' && job.fileExpiresDateTime
      ? el('p', { class: 'export-meta' }, ...tNodes('exports.keptUntil', { when: time(job.fileExpiresDateTime) }))
      : null,
    job.status === 'Failed' && job.error ? el('p', { class: 'error', text: exportFailure(job.error) }) : null,
    actions,
  );
}

/**
 * Why an export failed, in the page's language, from its stable code; the service's message ends
 * with the reference an administrator looks up in the log, which is kept.
 * @param {{ code?: string, message?: string }} error
 */
function exportFailure(error) {
  const reference = /Reference: (\S+?)\.?$/.exec(error.message ?? '')?.[1];
  const reason = tIfKnown(`exportError.${error.code}`, {}, t('exportError.ExportFailed'));
  return reference ? t('exports.failedWithReference', { reason, reference }) : reason;
}

/** Rows written of the expected total, the percentage and the time left. @param {any} job */
function progress(job) {
  const rows = job.rowCount ?? 0;
  const expected = job.expectedRowCount;
  const done =
    expected === undefined
      ? t('exports.progressSoFar', { count: rows })
      : t('exports.progress', { rows, count: expected, percent: formatPercent(percent(rows, expected) / 100) });
  const bar = el('progress', { max: String(Math.max(1, expected ?? 1)), 'aria-label': done });
  if (expected !== undefined) bar.setAttribute('value', String(Math.min(rows, expected)));
  const elapsed = (Date.now() - Date.parse(job.createdDateTime)) / 1000;
  const text =
    expected !== undefined && rows > 0 && elapsed > 0 && rows < expected
      ? t('exports.progressWithTimeLeft', { progress: done, timeLeft: formatDuration(((expected - rows) * elapsed) / rows) })
      : done;
  return el('div', { class: 'export-progress' }, bar, el('span', { class: 'export-meta', text }));
}

/** Whole percent of the expected rows written, at most 100. @param {number} rows @param {number} expected */
function percent(rows, expected) {
  return expected > 0 ? Math.min(100, Math.floor((rows / expected) * 100)) : 100;
}

/** The export's type, filter and file format in words. @param {any} job */
function describeExport(job) {
  return t(job.filter?.includeReseller ? 'exports.descriptionWithResellerColumns' : 'exports.description', {
    what: exportContents(job.type, job.filter ?? {}, resellerName),
    format: String(job.format ?? 'csv').toUpperCase(),
  });
}

/**
 * What an export (or a schedule's exports) holds, as one phrase: "Customers matching “con”, of
 * Reseller A", "Activity in 3–9 November 2026", each a whole message of the catalogue.
 * @param {string} type @param {Record<string, any>} filter @param {(id: string) => string} nameOfReseller
 */
export function exportContents(type, filter, nameOfReseller) {
  const params = { search: filter.search ?? '', reseller: filter.resellerId ? nameOfReseller(filter.resellerId) : '' };
  if (type === 'customers') return t(`exportContents.customers${filter.search ? 'Matching' : ''}${filter.resellerId ? 'OfReseller' : ''}`, params);
  if (type === 'subscriptions') return t('exportContents.subscriptions');
  const from = Date.parse(filter.from ?? '');
  const to = Date.parse(filter.to ?? '');
  const ranged = !Number.isNaN(from) && !Number.isNaN(to);
  const key = `exportContents.activity${filter.customerId ? 'OfCustomer' : ''}${ranged ? 'InRange' : ''}`;
  return t(key, ranged ? { range: formatDateRange(new Date(from), new Date(to)) } : {});
}

/** @param {any} job */
async function cancelExport(job) {
  try {
    await api(`/api/exports/${encodeURIComponent(job.id)}:cancel`, { method: 'POST' });
  } catch (error) {
    byId('exports-status').textContent = t('exports.cancelFailed', { reason: describeError(error) });
  }
  await refreshExports();
}

/** Starts the same export again (a new one, with the same filter and format). @param {any} job */
async function retryExport(job) {
  const { timeZone: _zone, ...filter } = job.filter ?? {};
  await startExport({ type: job.type, ...filter, format: job.format ?? 'csv' }, byId('exports-status'), 'exports.retryFailed');
}

/**
 * A Download link. A link is valid for up to an hour from the GET that minted it; one about to
 * expire is replaced by a fresh one (GET /api/exports/{id}) before following it.
 * @param {any} job
 */
function downloadLink(job) {
  return el(
    'a',
    {
      class: 'button download',
      href: safeUrl(job.downloadUrl ?? ''),
      download: job.fileName,
      onClick: (/** @type {MouseEvent} */ event) => followFreshLink(event, job),
    },
    el('span', { 'aria-hidden': 'true', text: t('exports.download') }),
    el('span', { class: 'visually-hidden', text: t('exports.downloadLabel', { fileName: job.fileName }) }),
  );
}

/** @param {MouseEvent} event @param {any} job */
async function followFreshLink(event, job) {
  const expires = Date.parse(job.downloadUrlExpiresDateTime ?? '');
  if (!Number.isNaN(expires) && expires - Date.now() > 60_000) return;
  event.preventDefault();
  try {
    const fresh = await api(`/api/exports/${encodeURIComponent(job.id)}`);
    if (fresh.body.downloadUrl) window.location.assign(safeUrl(fresh.body.downloadUrl));
  } catch (error) {
    byId('exports-status').textContent = t('exports.renewFailed', { reason: describeError(error) });
  }
}

/** @param {string} url */
function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : '#';
  } catch {
    return '#';
  }
}
