/**
 * The exports panel: starts exports and lists the caller's exports (GET /api/exports) with live
 * status. While any export is NotStarted or Running the list is polled; when one finishes, its
 * download link (a short-lived read-only URL minted at each GET) appears and the change is announced.
 */
import { api, describeError } from './api.js';
import { byId, el, time } from './dom.js';
import { formatDate, formatDateRange, formatUnits, t } from './i18n.js';

const POLL_MILLISECONDS = 1500;
const PENDING = new Set(['NotStarted', 'Running']);
const TYPES = new Set(['customers', 'subscriptions', 'activity']);
const STATUSES = new Set(['NotStarted', 'Running', 'Succeeded', 'Failed', 'Canceled']);

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
  statusElement.textContent = t('exports.starting');
  try {
    const started = await api('/api/exports', { method: 'POST', body });
    statusElement.textContent = t('exports.started', { fileName: started.body.fileName });
    lastStatus.set(started.body.id, started.body.status);
    await refreshExports();
  } catch (error) {
    statusElement.textContent = t('exports.startFailed', { reason: describeError(error) });
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
        announcements.push(
          job.status === 'Succeeded'
            ? t('exports.ready', { fileName: job.fileName })
            : t('exports.ended', { fileName: job.fileName, status: statusLabel(job.status) }),
        );
      }
      lastStatus.set(job.id, job.status);
    }
    const pending = exportJobs.filter((job) => PENDING.has(job.status)).length;
    if (exportJobs.length === 0) status.textContent = t('exports.none');
    else if (announcements.length > 0) status.textContent = announcements.reduce((first, second) => t('app.twoSentences', { first, second }));
    else if (pending > 0) status.textContent = t('exports.inProgress', { count: pending });
    else status.textContent = t('exports.recent', { count: exportJobs.length });
    if (pending > 0) pollTimer = setTimeout(refreshExports, POLL_MILLISECONDS);
  } catch (error) {
    status.textContent = t('exports.listFailed', { reason: describeError(error) });
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
            'aria-label': t('exports.downloadLabel', { fileName: job.fileName }),
            onClick: (/** @type {MouseEvent} */ event) => followFreshLink(event, job),
          },
          t('exports.download'),
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
    el('div', { class: 'export-meta' }, describeType(job), ' · ', t('exports.rows', { count: job.rowCount ?? 0 }), ' · ', time(job.createdDateTime)),
    job.status === 'Failed' ? el('p', { class: 'error', text: t('exports.failed') }) : null,
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
    byId('exports-status').textContent = t('exports.renewFailed', { reason: describeError(error) });
  }
}

/** @param {string} status */
function statusLabel(status) {
  return STATUSES.has(status) ? t(`exportStatus.${status}`) : status;
}

/** What the export holds, with its filter: "Customers (“contoso”, Adatum)". @param {any} job */
function describeType(job) {
  const type = TYPES.has(job.type) ? t(`exportType.${job.type}`) : String(job.type);
  const filter = job.filter ?? {};
  /** @type {string[]} */
  const parts = [];
  if (filter.search) parts.push(t('exports.search', { search: filter.search }));
  if (filter.resellerId) parts.push(resellerName(filter.resellerId));
  if (filter.customerId) parts.push(filter.customerName ?? filter.customerId);
  const from = filter.from ? new Date(filter.from) : null;
  const to = filter.to ? new Date(filter.to) : null;
  if (from && to) parts.push(formatDateRange(from, to));
  else if (from || to) parts.push(formatDate(/** @type {Date} */ (from ?? to)));
  return parts.length > 0 ? t('exports.typeWithFilter', { type, filter: formatUnits(parts) }) : type;
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
