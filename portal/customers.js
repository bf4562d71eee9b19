/**
 * The customer list: search as you type (debounced; a newer search cancels an older one), the
 * indirect reseller filter, paging over nextLink (a "Load more" button that also loads by itself
 * when scrolled into view), and rows that expand to the customer's details and the inline rename.
 */
import { api, describeError, query } from './api.js';
import { byId, debounce, el, externalLink, plural, replace } from './dom.js';
import { WORDS } from './export-words.js';
import { exportAvailability, startExport } from './exports.js';
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
};

/**
 * @param {{ pageSize: number, resellers: Array<{id: string, name: string}> }} options
 */
export function initCustomers(options) {
  state.pageSize = options.pageSize;
  const names = new Map(options.resellers.map((reseller) => [reseller.id, reseller.name]));
  state.resellerName = (id) => (id ? (names.get(id) ?? id) : '');

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
    messages: { first: 'Loading customers…', next: 'Loading more customers…', failed: 'Customers could not be loaded.' },
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
  const narrowed = [state.search ? `matching “${state.search}”` : '', state.resellerId ? `of ${state.resellerName(state.resellerId)}` : '']
    .filter(Boolean)
    .join(' ');
  if (loaded === 0) return narrowed ? `No customers ${narrowed}.` : 'No customers yet.';
  const counted = `${plural(loaded, 'customer', 'customers')}${narrowed ? ` ${narrowed}` : ''}`;
  return hasMore ? `Showing the first ${counted}; more load as you scroll.` : `${counted.charAt(0).toUpperCase()}${counted.slice(1)}.`;
}

/**
 * A customer's row and its (hidden) details row.
 * @param {any} customer a list row: id, companyName, domain, relationship, resellerId, links
 */
function customerRows(customer) {
  const nameId = `customer-${customer.id}-name`;
  const detailsId = `customer-${customer.id}-details`;
  const nameLink = el('a', { id: nameId, class: 'company-name', href: subscriptionsHash(customer.id), title: 'Subscriptions' }, customer.companyName);
  const detailsCell = el('td', { colspan: '4' });
  const detailsRow = el('tr', { id: detailsId, class: 'details-row', hidden: true }, detailsCell);
  const toggle = el(
    'button',
    { type: 'button', class: 'toggle', 'aria-expanded': 'false', 'aria-controls': detailsId, 'aria-describedby': nameId },
    el('span', { class: 'chevron', 'aria-hidden': 'true' }),
    'Show details',
  );
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    detailsRow.hidden = !open;
    if (open && !detailsCell.hasChildNodes()) renderDetails(detailsCell, customer, nameLink);
  });
  const reseller = state.resellerName(customer.resellerId);
  const row = el(
    'tr',
    { class: 'customer-row', 'data-customer-id': customer.id },
    el('th', { scope: 'row', 'data-label': 'Company name', class: 'breakable' }, nameLink),
    el('td', { 'data-label': 'Primary domain', class: 'breakable' }, customer.domain),
    el('td', { 'data-label': 'Relationship' }, customer.relationship, reseller ? el('span', { class: 'reseller', text: reseller }) : null),
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
  const save = el('button', { type: 'submit', class: 'primary' }, 'Save');
  const cancel = el('button', { type: 'button' }, 'Cancel');
  const renameButton = el('button', { type: 'button', 'aria-describedby': `${row.id}-billto-label` }, 'Rename');
  const form = el(
    'form',
    { class: 'rename', hidden: true, novalidate: true },
    el('label', { for: input.id, text: 'New Bill-to company name' }),
    el('div', { class: 'rename-controls' }, input, save, cancel),
  );
  const reload = el('button', { type: 'button', class: 'link-button' }, 'Reload');
  const copy = el('button', { type: 'button', 'aria-label': 'Copy Microsoft ID' }, 'Copy');
  const idText = el('code', { class: 'customer-id', text: row.id });
  const orgName = el('dd', { text: '…' });
  const services = el('ul', { class: 'quick-links' }, el('li', {}, el('a', { href: subscriptionsHash(row.id) }, 'Subscriptions')));
  for (const service of row.links?.services ?? []) services.append(el('li', {}, externalLink(service.url, service.name)));

  replace(
    cell,
    el(
      'dl',
      { class: 'details' },
      el('div', {}, el('dt', { text: 'Microsoft ID' }), el('dd', { class: 'with-action' }, idText, copy)),
      el('div', {}, el('dt', { text: 'Quick links' }), el('dd', {}, services)),
      el(
        'div',
        {},
        el('dt', { id: `${row.id}-billto-label`, text: 'Bill-to company name' }),
        el('dd', {}, el('div', { class: 'with-action' }, billTo, renameButton), form, message),
      ),
      el('div', {}, el('dt', { text: 'Organization name (from the tenant)' }), orgName),
    ),
  );

  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(row.id);
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 2000);
    } catch {
      const selection = window.getSelection();
      const range = document.createRange();
      range.selectNodeContents(idText);
      selection?.removeAllRanges();
      selection?.addRange(range);
      message.textContent = 'The ID is selected: press Ctrl+C (or ⌘C) to copy it.';
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
      replace(message, `Reloaded. The current name is “${billTo.textContent}”. Save again to replace it with yours.`);
      input.focus();
    } catch (error) {
      replace(message, describeError(error));
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.setAttribute('disabled', '');
    message.className = 'message';
    replace(message, 'Saving…');
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
      replace(message, `Saved. The Bill-to company name is now “${billTo.textContent}”.`);
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
    replace(message, `The details could not be loaded. ${describeError(error)}`);
  }
}

/** Plain words for a failed rename. @param {unknown} error @param {HTMLElement} reload */
function renameFailure(error, reload) {
  const status = /** @type {{status?: number}} */ (error).status;
  if (status === 412) {
    return [
      'This customer was changed by someone else since you opened it, so your name was not saved. ',
      reload,
      ' to see the current name, then save again.',
    ];
  }
  if (status === 403) {
    return ['You can view and export customers but not rename them: your role is read-only. Ask an admin for the Customers.ReadWrite role.'];
  }
  if (status === 400) return [`The name was not saved: ${/** @type {Error} */ (error).message}`];
  return [`The name was not saved. ${describeError(error)}`];
}
