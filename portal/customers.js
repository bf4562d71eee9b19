/**
 * The customer list: search as you type (debounced; a newer search cancels an older one), the
 * indirect reseller filter, the sort, and the count ("1,234,567 customers", "1,000+ matches").
 * The list shows one page at a time over the API's keyset tokens (First, Previous, Next), so the
 * page holds at most one page of rows however far the user goes, whatever the list's length; the
 * links of the pages before are kept (a few hundred bytes each, no nodes) for Previous. Search,
 * filter and sort are in the hash route (#/?search=…&reseller=…&sort=…), so Back, reload and a
 * shared link restore the view. Rows carry aria-rowindex and the table aria-rowcount, so a screen
 * reader announces "row 205 of 1,234,568"; the status line says which rows are shown.
 * Rows expand to the customer's details and the inline rename (offered to a caller that may rename).
 * Every word comes from the catalogues (i18n.js), numbers and plurals from Intl.
 */
import { api, describeError, query, samePath } from './api.js';
import { byId, debounce, el, externalLink, replace } from './dom.js';
import { exportAvailability, startExport } from './exports.js';
import { t, tIfKnown, tNodes } from './i18n.js';

const SEARCH_DELAY_MILLISECONDS = 250;
const SORTS = ['companyName', '-companyName', 'domain', '-domain'];

/** @typedef {{ search: string, resellerId: string, sort: string }} ListView */

const state = {
  /** @type {ListView} */
  view: { search: '', resellerId: '', sort: 'companyName' },
  /** Links of the pages shown so far in this view: [0] is page one, the last is the one shown. */
  /** @type {string[]} */
  pageLinks: [],
  /** @type {string | null} */
  nextLink: null,
  /** Rows on the page shown. */
  shown: 0,
  /** @type {{ count: number, countIsCapped: boolean } | null} */
  count: null,
  /** @type {AbortController | null} */
  inFlight: null,
  pageSize: 100,
  /** @type {(id: string | null) => string} */
  resellerName: (id) => id ?? '',
  /** Reseller ids the filter offers. */
  /** @type {Set<string>} */
  resellerIds: new Set(),
  /** Whether the caller may rename (Customers.ReadWrite); a read-only caller is not offered Rename. */
  canWrite: false,
};

/** The list's view as the hash route says it: `#/?search=&reseller=&sort=`. @param {string} hash @returns {ListView} */
export function viewFromHash(hash) {
  const queryStart = hash.indexOf('?');
  const params = new URLSearchParams(queryStart >= 0 ? hash.slice(queryStart + 1) : '');
  const sort = params.get('sort') ?? '';
  return {
    search: (params.get('search') ?? '').trim(),
    resellerId: params.get('reseller') ?? '',
    sort: SORTS.includes(sort) ? sort : 'companyName',
  };
}

/** The hash route of a view; the default view is plain `#/`. @param {ListView} view */
function hashOf(view) {
  const text = query({ search: view.search, reseller: view.resellerId, sort: view.sort === 'companyName' ? '' : view.sort });
  return `#/${text}`;
}

/**
 * @param {{ pageSize: number, resellers: Array<{id: string, name: string}>, resellerName: (id: string | null) => string, canWrite: boolean }} options
 *   resellers: the filter's choices (none for an indirect reseller, which sees only its own customers)
 */
export function initCustomers(options) {
  state.pageSize = options.pageSize;
  state.resellerName = options.resellerName;
  state.resellerIds = new Set(options.resellers.map((reseller) => reseller.id));
  state.canWrite = options.canWrite;

  const search = /** @type {HTMLInputElement} */ (byId('customer-search'));
  const filter = /** @type {HTMLSelectElement} */ (byId('reseller-filter'));
  const sort = /** @type {HTMLSelectElement} */ (byId('customer-sort'));
  if (options.resellers.length > 0) {
    for (const reseller of options.resellers) filter.append(el('option', { value: reseller.id, text: reseller.name }));
    byId('reseller-field').hidden = false;
    byId('include-reseller-field').hidden = false;
  }

  const searchSoon = debounce(() => {
    if (search.value.trim() !== state.view.search) commitControls();
  }, SEARCH_DELAY_MILLISECONDS);
  search.addEventListener('input', () => {
    // The list is about to change: what the box says may match, so Export waits for the answer.
    exportAvailable(true);
    searchSoon();
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') commitControls();
  });
  filter.addEventListener('change', () => {
    exportAvailable(true);
    commitControls();
  });
  sort.addEventListener('change', () => commitControls());
  byId('customers-next').addEventListener('click', () => {
    if (state.nextLink) loadPage([...state.pageLinks, state.nextLink]);
  });
  byId('customers-previous').addEventListener('click', () => {
    if (state.pageLinks.length > 1) loadPage(state.pageLinks.slice(0, -1));
  });
  byId('customers-first').addEventListener('click', () => {
    if (state.pageLinks.length > 1) loadPage(state.pageLinks.slice(0, 1));
  });
  byId('export-customers').addEventListener('click', () => {
    // What the box and the filter say now, even if the list has not caught up with them yet.
    /** @type {Record<string, string | boolean>} */
    const body = { type: 'customers' };
    if (search.value.trim()) body.search = search.value.trim();
    if (filter.value) body.resellerId = filter.value;
    if (/** @type {HTMLInputElement} */ (byId('include-reseller')).checked) body.includeReseller = true;
    startExport(body, byId('customers-export-status'));
  });

  return showCustomerList(window.location.hash);
}

/** A change in the search box, the filter or the sort: a new history entry, then page one. */
function commitControls() {
  const view = {
    search: /** @type {HTMLInputElement} */ (byId('customer-search')).value.trim(),
    resellerId: /** @type {HTMLSelectElement} */ (byId('reseller-filter')).value,
    sort: /** @type {HTMLSelectElement} */ (byId('customer-sort')).value,
  };
  const hash = hashOf(view);
  if (hash !== window.location.hash) window.history.pushState(null, '', hash);
  return loadView(view);
}

/**
 * Shows the view the hash names (on start, Back, Forward or a followed link); nothing happens when
 * it is the view already shown.
 * @param {string} hash
 */
export function showCustomerList(hash) {
  const view = viewFromHash(hash);
  if (view.resellerId && !state.resellerIds.has(view.resellerId)) view.resellerId = '';
  /** @type {HTMLInputElement} */ (byId('customer-search')).value = view.search;
  /** @type {HTMLSelectElement} */ (byId('reseller-filter')).value = view.resellerId;
  /** @type {HTMLSelectElement} */ (byId('customer-sort')).value = view.sort;
  const current = state.view;
  if (state.pageLinks.length > 0 && current.search === view.search && current.resellerId === view.resellerId && current.sort === view.sort)
    return Promise.resolve();
  return loadView(view);
}

/** @param {ListView} view */
function loadView(view) {
  state.view = view;
  state.count = null;
  updateSortHeaders();
  const first = `/api/customers${query({ search: view.search, resellerId: view.resellerId, sort: view.sort === 'companyName' ? '' : view.sort, top: state.pageSize })}`;
  return loadPage([first], true);
}

/**
 * Shows the last page of `pageLinks`, replacing the rows shown. The count is asked for with page
 * one of a view (a counter read, or the index's matches up to 1,000 for a search).
 * @param {string[]} pageLinks @param {boolean} [withCount]
 */
async function loadPage(pageLinks, withCount = false) {
  state.inFlight?.abort();
  const controller = new AbortController();
  state.inFlight = controller;
  const table = byId('customers-table');
  const status = byId('customers-status');
  table.setAttribute('aria-busy', 'true');
  status.textContent = t('customers.loading');
  const link = /** @type {string} */ (pageLinks[pageLinks.length - 1]);
  try {
    const page = await api(withCount ? withParameter(link, 'count', 'true') : link, { signal: controller.signal });
    if (controller.signal.aborted) return;
    if (withCount) state.count = { count: page.body.count, countIsCapped: page.body.countIsCapped };
    const tbody = /** @type {HTMLTableSectionElement} */ (table.querySelector('tbody'));
    /** @type {Array<any>} */
    const rows = page.body.value;
    const firstPosition = (pageLinks.length - 1) * state.pageSize;
    const fragment = document.createDocumentFragment();
    for (const [index, customer] of rows.entries()) fragment.append(...customerRows(customer, firstPosition + index));
    tbody.replaceChildren(fragment);
    const turned = state.pageLinks.length > 0 && !withCount;
    state.pageLinks = pageLinks;
    state.shown = rows.length;
    state.nextLink = page.body.nextLink ? withParameter(page.body.nextLink, 'count', null) : null;
    table.hidden = rows.length === 0;
    updateRowCount(table);
    updatePager();
    status.textContent = listSummary();
    if (turned) table.scrollIntoView({ block: 'start' });
  } catch (error) {
    if (controller.signal.aborted) return;
    status.textContent = t('customers.loadFailed', { reason: describeError(error) });
  } finally {
    if (state.inFlight === controller) {
      state.inFlight = null;
      table.removeAttribute('aria-busy');
    }
  }
}

/** A same-origin link with one query parameter set (or removed, for null). @param {string} link @param {string} name @param {string | null} value */
function withParameter(link, name, value) {
  const url = new URL(samePath(link), window.location.origin);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url.pathname + url.search;
}

/** Reads the count again (after a rename, which can change a search's matches). */
export async function refreshCount() {
  const view = state.view;
  const path = `/api/customers${query({ search: view.search, resellerId: view.resellerId, top: 1, count: 'true' })}`;
  try {
    const page = await api(path);
    if (state.view !== view) return;
    state.count = { count: page.body.count, countIsCapped: page.body.countIsCapped };
    updateRowCount(byId('customers-table'));
    byId('customers-status').textContent = listSummary();
  } catch {
    // The count stays as it was; the rows are unaffected.
  }
}

function updateRowCount(/** @type {HTMLElement} */ table) {
  const exact = state.count && !state.count.countIsCapped;
  table.setAttribute('aria-rowcount', exact ? String(/** @type {{count: number}} */ (state.count).count + 1) : '-1');
}

function updatePager() {
  const pages = state.pageLinks.length;
  const onlyPage = pages === 1 && !state.nextLink;
  byId('customers-pager').hidden = onlyPage || state.shown === 0;
  /** @type {HTMLButtonElement} */ (byId('customers-first')).disabled = pages <= 1;
  /** @type {HTMLButtonElement} */ (byId('customers-previous')).disabled = pages <= 1;
  /** @type {HTMLButtonElement} */ (byId('customers-next')).disabled = !state.nextLink;
  byId('customers-position').textContent = t('customers.pagePosition', { page: pages });
}

function updateSortHeaders() {
  const [column, direction] = state.view.sort.startsWith('-') ? [state.view.sort.slice(1), 'descending'] : [state.view.sort, 'ascending'];
  const headers = { companyName: byId('customers-name-column'), domain: byId('customers-domain-column') };
  for (const [name, header] of Object.entries(headers)) {
    if (name === column) header.setAttribute('aria-sort', direction);
    else header.removeAttribute('aria-sort');
  }
}

/**
 * Which of the list's messages fits the view: `customers.<kind>` with `Matching` for a search and
 * `OfReseller` for the filter ("No matches for “con” among the customers of Reseller A.").
 * @param {string} kind
 */
function messageKey(kind) {
  const { search, resellerId } = state.view;
  return `customers.${kind}${search ? 'Matching' : ''}${resellerId ? 'OfReseller' : ''}`;
}

/** The parameters of the list's messages. @param {Record<string, unknown>} [more] */
function messageParams(more = {}) {
  return { search: state.view.search, reseller: state.resellerName(state.view.resellerId), ...more };
}

/** "1,234,567 customers.", "12 customers of Reseller A.", "1,000+ matches for “con”." */
function countText() {
  const count = state.count?.count ?? 0;
  // The count of a search stops at a cap ("more than 1,000"): only a search can be capped.
  const kind = state.count?.countIsCapped && state.view.search ? 'countCapped' : 'count';
  return t(messageKey(kind), messageParams({ count }));
}

/** True when the list shows what the search box and the filter say now. */
function isCurrentQuery() {
  const search = /** @type {HTMLInputElement} */ (byId('customer-search'));
  const filter = /** @type {HTMLSelectElement} */ (byId('reseller-filter'));
  return search.value.trim() === state.view.search && filter.value === state.view.resellerId;
}

/** Export is disabled, with its reason beside it, while the list shows that nothing matches. @param {boolean} available */
function exportAvailable(available) {
  exportAvailability('export-customers', available ? null : t('exports.nothingToExport'));
}

function listSummary() {
  exportAvailable(state.shown > 0 || state.pageLinks.length > 1 || !isCurrentQuery());
  if (state.shown === 0 && state.pageLinks.length === 1) return t(messageKey('none'), messageParams());
  const counted = state.count ? countText() : '';
  if (state.pageLinks.length === 1 && !state.nextLink) return counted;
  const first = (state.pageLinks.length - 1) * state.pageSize + 1;
  const showing = t('customers.showing', { first, last: first + state.shown - 1 });
  return counted ? t('app.twoSentences', { first: counted, second: showing }) : showing;
}

/**
 * A customer's row and its (hidden) details row.
 * @param {any} customer a list row: id, companyName, domain, relationship, resellerId, links
 * @param {number} position the row's place in the whole list, from 0
 */
function customerRows(customer, position) {
  const nameId = `customer-${customer.id}-name`;
  const detailsId = `customer-${customer.id}-details`;
  const nameLink = el(
    'a',
    { id: nameId, class: 'company-name', href: subscriptionsHash(customer.id), title: t('customers.subscriptionsOf', { name: customer.companyName }) },
    customer.companyName,
  );
  const detailsCell = el('td', { colspan: '4' });
  const detailsRow = el('tr', { id: detailsId, class: 'details-row', hidden: true }, detailsCell);
  const toggle = el(
    'button',
    { type: 'button', class: 'toggle', 'aria-expanded': 'false', 'aria-controls': detailsId, 'aria-describedby': nameId },
    el('span', { class: 'chevron', 'aria-hidden': 'true' }),
    el('span', { class: 'toggle-label', text: t('customers.showDetails') }),
  );
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    replace(/** @type {HTMLElement} */ (toggle.querySelector('.toggle-label')), open ? t('customers.hideDetails') : t('customers.showDetails'));
    detailsRow.hidden = !open;
    if (open && !detailsCell.hasChildNodes()) renderDetails(detailsCell, customer, nameLink);
  });
  const reseller = state.resellerName(customer.resellerId);
  const row = el(
    'tr',
    { class: 'customer-row', 'data-customer-id': customer.id, 'aria-rowindex': String(position + 2) },
    el('th', { scope: 'row', 'data-label': t('customers.columnCompanyName'), class: 'breakable' }, nameLink),
    el('td', { 'data-label': t('customers.columnDomain'), class: 'breakable' }, customer.domain),
    el(
      'td',
      { 'data-label': t('customers.columnRelationship') },
      tIfKnown(`relationship.${customer.relationship}`, {}, customer.relationship),
      reseller ? el('span', { class: 'reseller', text: reseller }) : null,
    ),
    el('td', { class: 'actions' }, toggle),
  );
  return [row, detailsRow];
}

/** @param {string} customerId */
export function subscriptionsHash(customerId) {
  return `#/customers/${encodeURIComponent(customerId)}/subscriptions`;
}

/**
 * Fills a details panel: reads the customer (for its ETag and profiles) and offers the rename.
 * @param {HTMLElement} cell @param {any} row the list row @param {HTMLElement} nameLink the row's name, updated after a rename
 */
async function renderDetails(cell, row, nameLink) {
  const detail = { customer: row, etag: '' };
  const billTo = el('span', { class: 'bill-to', text: row.companyName });
  const message = el('p', { class: 'message', role: 'alert' });
  const input = /** @type {HTMLInputElement} */ (el('input', { type: 'text', id: `rename-${row.id}`, autocomplete: 'off', spellcheck: 'false' }));
  const save = el('button', { type: 'submit', class: 'primary' }, t('app.save'));
  const cancel = el('button', { type: 'button' }, t('app.cancel'));
  const renameButton = el('button', { type: 'button', 'aria-describedby': `${row.id}-billto-label` }, t('details.rename'));
  const form = el(
    'form',
    { class: 'rename', hidden: true, novalidate: true },
    el('label', { for: input.id, text: t('details.newName') }),
    el('div', { class: 'rename-controls' }, input, save, cancel),
  );
  const reload = el('button', { type: 'button', class: 'link-button' }, t('details.reload'));
  const copy = el('button', { type: 'button', 'aria-label': t('details.copyLabel') }, t('details.copy'));
  const idText = el('code', { class: 'customer-id', text: row.id });
  const orgName = el('dd', { text: '…' });
  const services = el('ul', { class: 'quick-links' }, el('li', {}, el('a', { href: subscriptionsHash(row.id) }, t('details.subscriptions'))));
  for (const service of row.links?.services ?? [])
    services.append(el('li', {}, externalLink(service.url, tIfKnown(`service.${service.name}`, {}, service.name))));

  replace(
    cell,
    el(
      'dl',
      { class: 'details' },
      el('div', {}, el('dt', { text: t('details.microsoftId') }), el('dd', { class: 'with-action' }, idText, copy)),
      el('div', {}, el('dt', { text: t('details.quickLinks') }), el('dd', {}, services)),
      el(
        'div',
        {},
        el('dt', { id: `${row.id}-billto-label`, text: t('details.billTo') }),
        el(
          'dd',
          {},
          el('div', { class: 'with-action' }, billTo, state.canWrite ? renameButton : null),
          state.canWrite ? form : el('p', { class: 'hint', text: t('details.renameReadOnly') }),
          message,
        ),
      ),
      el('div', {}, el('dt', { text: t('details.organizationName') }), orgName),
    ),
  );

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let copiedTimer;
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(row.id);
      // The accessible name follows the visible state: "Microsoft ID copied", then back to "Copy Microsoft ID".
      copy.textContent = t('details.copied');
      copy.setAttribute('aria-label', t('details.copiedLabel'));
      clearTimeout(copiedTimer);
      copiedTimer = setTimeout(() => {
        copy.textContent = t('details.copy');
        copy.setAttribute('aria-label', t('details.copyLabel'));
      }, 2000);
    } catch {
      const selection = window.getSelection();
      const range = document.createRange();
      range.selectNodeContents(idText);
      selection?.removeAllRanges();
      selection?.addRange(range);
      message.textContent = t('details.copySelected');
    }
  });

  async function readCustomer() {
    const response = await api(`/api/customers/${encodeURIComponent(row.id)}`);
    detail.customer = response.body;
    detail.etag = response.headers.get('etag') ?? response.body.etag ?? '';
    billTo.textContent = response.body.billingProfile?.companyName ?? response.body.companyName;
    orgName.textContent = response.body.companyProfile?.companyName ?? '—';
    nameLink.textContent = response.body.companyName;
    cell.setAttribute('data-loaded', 'true');
  }

  function openForm() {
    message.replaceChildren();
    input.value = billTo.textContent ?? '';
    form.hidden = false;
    renameButton.hidden = true;
    input.focus();
    input.select();
  }
  function closeForm() {
    form.hidden = true;
    renameButton.hidden = false;
    renameButton.focus();
  }
  renameButton.addEventListener('click', openForm);
  cancel.addEventListener('click', () => {
    message.replaceChildren();
    closeForm();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      closeForm();
    }
  });
  reload.addEventListener('click', async () => {
    try {
      await readCustomer();
      replace(message, t('details.reloaded', { name: billTo.textContent ?? '' }));
      input.focus();
    } catch (error) {
      replace(message, describeError(error));
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.setAttribute('disabled', '');
    message.className = 'message';
    replace(message, t('details.saving'));
    try {
      const response = await api(`/api/customers/${encodeURIComponent(row.id)}/billing-profile`, {
        method: 'PATCH',
        headers: { 'if-match': detail.etag },
        body: { companyName: input.value },
      });
      detail.customer = response.body;
      detail.etag = response.headers.get('etag') ?? response.body.etag ?? '';
      billTo.textContent = response.body.billingProfile?.companyName ?? response.body.companyName;
      nameLink.textContent = response.body.companyName;
      form.hidden = true;
      renameButton.hidden = false;
      message.className = 'message success';
      replace(message, t('details.saved', { name: billTo.textContent ?? '' }));
      renameButton.focus();
      refreshCount();
    } catch (error) {
      message.className = 'message error';
      replace(message, ...renameFailure(error, reload));
    } finally {
      save.removeAttribute('disabled');
    }
  });

  try {
    await readCustomer();
  } catch (error) {
    message.className = 'message error';
    replace(message, t('details.loadFailed', { reason: describeError(error) }));
  }
}

/** Plain words for a failed rename. @param {unknown} error @param {HTMLElement} reload */
function renameFailure(error, reload) {
  const status = /** @type {{status?: number}} */ (error).status;
  if (status === 412) return tNodes('rename.conflict', { reload });
  if (status === 403) return [t('rename.forbidden')];
  if (status === 400) return [t('rename.invalidName')];
  return [t('rename.failed', { reason: describeError(error) })];
}
