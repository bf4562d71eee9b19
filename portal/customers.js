/**
 * The customer list: search as you type (debounced; a newer search cancels an older one), the
 * indirect reseller filter, paging over nextLink (a "Load more" button that also loads by itself
 * when scrolled into view), and rows that expand to the customer's details and the inline rename.
 */
import { api, describeError, query } from './api.js';
import { byId, debounce, el, externalLink, replace } from './dom.js';
import { WORDS } from './export-words.js';
import { exportAvailability, startExport } from './exports.js';
import { t, tNodes } from './i18n.js';
import { pagedList } from './paged-list.js';

const SEARCH_DELAY_MILLISECONDS = 250;

/** @type {IntersectionObserver | undefined} */
let scrollObserver;

const state = {
  search: '',
  resellerId: '',
  pageSize: 100,
  /** @type {(id: string | null) => string} */
  resellerName: (id) => id ?? '',
  /** Whether the caller may rename (Customers.ReadWrite); a read-only caller is not offered Rename. */
  canWrite: false,
};

/**
 * @param {{ pageSize: number, resellers: Array<{id: string, name: string}>, resellerName: (id: string | null) => string, canWrite: boolean }} options
 *   resellers: the filter's choices (none for an indirect reseller, which sees only its own customers)
 */
export function initCustomers(options) {
  state.pageSize = options.pageSize;
  state.resellerName = options.resellerName;
  state.canWrite = options.canWrite;

  const search = /** @type {HTMLInputElement} */ (byId('customer-search'));
  const filter = /** @type {HTMLSelectElement} */ (byId('reseller-filter'));
  if (options.resellers.length > 0) {
    for (const reseller of options.resellers) filter.append(el('option', { value: reseller.id, text: reseller.name }));
    byId('reseller-field').hidden = false;
    byId('include-reseller-field').hidden = false;
  }

  const searchSoon = debounce(() => {
    if (search.value.trim() !== state.search) loadFirstPage();
  }, SEARCH_DELAY_MILLISECONDS);
  search.addEventListener('input', () => {
    // The list is about to change: what the box says may match, so Export waits for the answer.
    exportAvailable(true);
    searchSoon();
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') loadFirstPage();
  });
  filter.addEventListener('change', () => {
    exportAvailable(true);
    loadFirstPage();
  });
  byId('customers-more').addEventListener('click', () => loadNextPage());
  byId('export-customers').addEventListener('click', () => {
    // What the box and the filter say now, even if the list has not caught up with them yet.
    /** @type {Record<string, string | boolean>} */
    const body = { type: 'customers' };
    if (search.value.trim()) body.search = search.value.trim();
    if (filter.value) body.resellerId = filter.value;
    if (/** @type {HTMLInputElement} */ (byId('include-reseller')).checked) body.includeReseller = true;
    startExport(body, byId('customers-export-status'));
  });

  // Infinite scroll: when the Load more button comes near the viewport, load the next page.
  const more = byId('customers-more');
  scrollObserver = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !more.hidden && !customerList().isLoading()) loadNextPage();
    },
    { rootMargin: '200px' },
  );
  scrollObserver.observe(more);

  return loadFirstPage();
}

/** Reads the search box and the filter and loads page one, cancelling any older request. */
async function loadFirstPage() {
  const search = /** @type {HTMLInputElement} */ (byId('customer-search'));
  const filter = /** @type {HTMLSelectElement} */ (byId('reseller-filter'));
  state.search = search.value.trim();
  state.resellerId = filter.value;
  await customerList().loadFirst(`/api/customers${query({ search: state.search, resellerId: state.resellerId, top: state.pageSize })}`);
}

async function loadNextPage() {
  await customerList().loadNext();
}

/** @type {import('./paged-list.js').PagedList | undefined} */
let list;

function customerList() {
  list ??= pagedList({
    table: byId('customers-table'),
    status: byId('customers-status'),
    more: byId('customers-more'),
    rows: customerRows,
    summary: listSummary,
    messages: { first: t('customers.loading'), next: t('customers.loadingMore'), failed: (reason) => t('customers.loadFailed', { reason }) },
    // The observer only reports changes: observe again so a button still in view loads the next page.
    afterPage: () => {
      const more = byId('customers-more');
      if (list?.hasMore() && scrollObserver) {
        scrollObserver.unobserve(more);
        scrollObserver.observe(more);
      }
    },
  });
  return list;
}

/** True when the list shows what the search box and the filter say now. */
function isCurrentQuery() {
  const search = /** @type {HTMLInputElement} */ (byId('customer-search'));
  const filter = /** @type {HTMLSelectElement} */ (byId('reseller-filter'));
  return search.value.trim() === state.search && filter.value === state.resellerId;
}

/** Export is disabled, with its reason beside it, while the list shows that nothing matches. @param {boolean} available */
function exportAvailable(available) {
  exportAvailability('export-customers', available ? null : WORDS.nothingToExport);
}

/** @param {number} loaded @param {boolean} hasMore */
function listSummary(loaded, hasMore) {
  exportAvailable(loaded > 0 || !isCurrentQuery());
  const params = { count: loaded, search: state.search, reseller: state.resellerName(state.resellerId) };
  const variant = state.search && state.resellerId ? 'MatchingOfReseller' : state.search ? 'Matching' : state.resellerId ? 'OfReseller' : '';
  if (loaded === 0) return t(`customers.none${variant}`, params);
  const counted = t(`customers.count${variant}`, params);
  return hasMore ? t('app.twoSentences', { first: counted, second: t('customers.moreOnScroll') }) : counted;
}

/**
 * A customer's row and its (hidden) details row.
 * @param {any} customer a list row: id, companyName, domain, relationship, resellerId, links
 */
function customerRows(customer) {
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
    { class: 'customer-row', 'data-customer-id': customer.id },
    el('th', { scope: 'row', 'data-label': t('customers.columnCompanyName'), class: 'breakable' }, nameLink),
    el('td', { 'data-label': t('customers.columnDomain'), class: 'breakable' }, customer.domain),
    el(
      'td',
      { 'data-label': t('customers.columnRelationship') },
      known('relationship', customer.relationship),
      reseller ? el('span', { class: 'reseller', text: reseller }) : null,
    ),
    el('td', { class: 'actions' }, toggle),
  );
  return [row, detailsRow];
}

/**
 * A value from the service that the portal knows in words (a relationship, a service's name), in
 * the page's language; a value it does not know is shown as the service sent it.
 * @param {string} kind @param {string} value
 */
function known(kind, value) {
  const key = `${kind}.${value}`;
  try {
    return t(key);
  } catch {
    return value;
  }
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
  for (const service of row.links?.services ?? []) services.append(el('li', {}, externalLink(service.url, known('service', service.name))));

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
