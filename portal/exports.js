/**
 * The exports panel: starts exports and lists the caller's exports (GET /api/exports) with live
 * status. While any export is NotStarted or Running the list is polled; when one finishes, its
 * download link (a short-lived read-only URL minted at each GET) appears and the change is announced.
 */
import { api, describeError } from './api.js';
import { byId, el, plural, time } from './dom.js';

const POLL_MILLISECONDS = 1500;
const PENDING = new Set(['NotStarted', 'Running']);
/** @type {Record<string, string>} */
const TYPE_LABELS = { customers: 'Customers', subscriptions: 'Subscriptions', activity: 'Activity' };

/** @type {ReturnType<typeof setTimeout> | undefined} */
let pollTimer;
/** @type {Map<string, string>} export id to its last seen status, to announce changes */
const lastStatus = new Map();
/** Resolves reseller ids to names for the filter descriptions. @type {(id: string) => string} */
let resellerName = (id) => id;

/** @param {{ resellerName?: (id: string) => string }} [options] */
export function initExports(options = {}) {
  if (options.resellerName) resellerName = options.resellerName;
  byId('exports-refresh').addEventListener('click', () => refreshExports({ redraw: true }));
  return refreshExports();
}

/**
 * Starts an export and shows it in the panel at once.
 * @param {Record<string, string>} body the contract's export body, e.g. {type: 'customers', search}
 * @param {HTMLElement} statusElement where to say that it started (or why not)
 */
export async function startExport(body, statusElement) {
  statusElement.textContent = 'Starting the export…';
  try {
    const started = await api('/api/exports', { method: 'POST', body });
    statusElement.textContent = `Export started: ${started.body.fileName}. It is listed under Exports, with a download link when it is ready.`;
    lastStatus.set(started.body.id, started.body.status);
    await refreshExports();
  } catch (error) {
    statusElement.textContent = `The export did not start. ${describeError(error)}`;
  }
}

/** @param {{ redraw?: boolean }} [options] redraw: rebuild every item (fresh download links) */
export async function refreshExports(options = {}) {
  clearTimeout(pollTimer);
  const status = byId('exports-status');
  const list = byId('exports-list');
  list.setAttribute('aria-busy', 'true');
  try {
    const page = await api('/api/exports');
    /** @type {Array<any>} */
    const exportJobs = page.body.value;
    if (options.redraw) list.replaceChildren();
    showExports(list, exportJobs);
    const announcements = [];
    for (const job of exportJobs) {
      const before = lastStatus.get(job.id);
      if (before && before !== job.status && !PENDING.has(job.status)) {
        announcements.push(job.status === 'Succeeded' ? `${job.fileName} is ready to download.` : `${job.fileName}: ${job.status}.`);
      }
      lastStatus.set(job.id, job.status);
    }
    const pending = exportJobs.filter((job) => PENDING.has(job.status)).length;
    if (exportJobs.length === 0) status.textContent = 'No exports yet.';
    else if (announcements.length > 0) status.textContent = announcements.join(' ');
    else if (pending > 0) status.textContent = `${plural(pending, 'export', 'exports')} in progress.`;
    else status.textContent = `${plural(exportJobs.length, 'recent export', 'recent exports')}.`;
    if (pending > 0) pollTimer = setTimeout(refreshExports, POLL_MILLISECONDS);
  } catch (error) {
    status.textContent = `Exports could not be listed. ${describeError(error)}`;
  } finally {
    list.removeAttribute('aria-busy');
  }
}

/**
 * Updates the list in place: an export whose state did not change keeps its element, so polling
 * never takes the keyboard focus away from a Download link.
 * @param {HTMLElement} list @param {Array<any>} exportJobs
 */
function showExports(list, exportJobs) {
  /** @type {Map<string, Element>} */
  const existing = new Map([...list.children].map((item) => [item.getAttribute('data-export-id') ?? '', item]));
  const wanted = exportJobs.map((job) => {
    const signature = `${job.status}|${job.rowCount}|${job.downloadUrl ? 'link' : ''}`;
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
  const download =
    job.status === 'Succeeded' && job.downloadUrl
      ? el(
          'a',
          {
            class: 'download',
            href: safeUrl(job.downloadUrl),
            download: job.fileName,
            onClick: (/** @type {MouseEvent} */ event) => followFreshLink(event, job),
          },
          'Download',
          el('span', { class: 'visually-hidden', text: ` ${job.fileName}` }),
        )
      : null;
  return el(
    'li',
    { class: 'export', 'data-export-id': job.id },
    el(
      'div',
      { class: 'export-head' },
      el('span', { class: 'export-file', text: job.fileName }),
      el('span', { class: statusClass, text: statusLabel(job.status) }),
    ),
    el(
      'div',
      { class: 'export-meta' },
      `${TYPE_LABELS[job.type] ?? job.type}${describeFilter(job)} · `,
      plural(job.rowCount ?? 0, 'row', 'rows'),
      ' · ',
      time(job.createdDateTime),
    ),
    job.status === 'Failed' && job.error ? el('p', { class: 'error', text: job.error.message ?? 'The export failed.' }) : null,
    download,
  );
}

/**
 * A download link is valid for up to an hour from the GET that minted it; one about to expire is
 * replaced by a fresh one (GET /api/exports/{id}) before following it.
 * @param {MouseEvent} event @param {any} job
 */
async function followFreshLink(event, job) {
  const expires = Date.parse(job.downloadUrlExpiresDateTime ?? '');
  if (!Number.isNaN(expires) && expires - Date.now() > 60_000) return;
  event.preventDefault();
  try {
    const fresh = await api(`/api/exports/${encodeURIComponent(job.id)}`);
    if (fresh.body.downloadUrl) window.location.assign(safeUrl(fresh.body.downloadUrl));
  } catch (error) {
    byId('exports-status').textContent = `The download link could not be renewed. ${describeError(error)}`;
  }
}

/** @param {string} status */
function statusLabel(status) {
  return { NotStarted: 'Queued', Running: 'Running', Succeeded: 'Ready', Failed: 'Failed', Canceled: 'Canceled' }[status] ?? status;
}

/** @param {any} job */
function describeFilter(job) {
  const filter = job.filter ?? {};
  const parts = [];
  if (filter.search) parts.push(`“${filter.search}”`);
  if (filter.resellerId) parts.push(resellerName(filter.resellerId));
  if (filter.customerId) parts.push(filter.customerName ?? filter.customerId);
  if (filter.from || filter.to) parts.push(`${shortDate(filter.from)} to ${shortDate(filter.to)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** @param {string | undefined} iso */
function shortDate(iso) {
  return iso ? new Date(iso).toLocaleDateString() : '…';
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
