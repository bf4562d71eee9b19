/**
 * One customer's subscriptions page (#/customers/{id}/subscriptions): product, quantity, status
 * and reseller, paged over nextLink, with "Export subscriptions".
 */
import { api, describeError, query } from './api.js';
import { byId, el, plural, replace } from './dom.js';
import { WORDS } from './export-words.js';
import { exportAvailability, startExport } from './exports.js';

const STATUS_LABELS = { active: 'Active', suspended: 'Suspended', deleted: 'Deleted', expired: 'Expired', pending: 'Pending' };

const state = {
  customerId: '',
  /** @type {string | null} */
  nextLink: null,
  loaded: 0,
  /** Guards against a slow answer for a customer the reader has already left. */
  generation: 0,
  pageSize: 100,
  /** @type {(id: string | null) => string} */
  resellerName: (id) => id ?? '',
};

/** @param {{ pageSize: number, resellerName: (id: string | null) => string }} options */
export function initSubscriptions(options) {
  state.pageSize = options.pageSize;
  state.resellerName = options.resellerName;
  byId('subscriptions-more').addEventListener('click', () => state.nextLink && loadPage(state.nextLink, state.generation));
  byId('export-subscriptions').addEventListener('click', () =>
    startExport({ type: 'subscriptions', customerId: state.customerId }, byId('subscriptions-export-status')),
  );
}

/** Shows the page for one customer. @param {string} customerId */
export async function showSubscriptions(customerId) {
  state.generation += 1;
  const generation = state.generation;
  state.customerId = customerId;
  state.nextLink = null;
  state.loaded = 0;
  const heading = byId('subscriptions-heading');
  replace(heading, 'Subscriptions');
  byId('subscriptions-customer').textContent = '';
  byId('subscriptions-export-status').textContent = '';
  exportAvailability('export-subscriptions', null);
  byId('subscriptions-more').hidden = true;
  /** @type {HTMLTableSectionElement} */ (byId('subscriptions-table').querySelector('tbody')).replaceChildren();
  heading.focus();
  api(`/api/customers/${encodeURIComponent(customerId)}`)
    .then((response) => {
      if (generation !== state.generation) return;
      replace(heading, 'Subscriptions of ', el('span', { class: 'heading-name', text: response.body.companyName }));
      byId('subscriptions-customer').textContent = `${response.body.domain} · Microsoft ID ${response.body.id}`;
      document.title = `${response.body.companyName}: subscriptions · Partner portal`;
    })
    .catch((error) => {
      if (generation === state.generation) byId('subscriptions-customer').textContent = describeError(error);
    });
  await loadPage(`/api/customers/${encodeURIComponent(customerId)}/subscriptions${query({ top: state.pageSize })}`, generation);
}

/** @param {string} path @param {number} generation */
async function loadPage(path, generation) {
  const status = byId('subscriptions-status');
  const table = byId('subscriptions-table');
  table.setAttribute('aria-busy', 'true');
  status.textContent = 'Loading subscriptions…';
  try {
    const page = await api(path);
    if (generation !== state.generation) return;
    const tbody = /** @type {HTMLTableSectionElement} */ (table.querySelector('tbody'));
    /** @type {Array<any>} */
    const rows = page.body.value;
    for (const subscription of rows) tbody.append(subscriptionRow(subscription));
    state.loaded += rows.length;
    state.nextLink = page.body.nextLink ?? null;
    byId('subscriptions-more').hidden = !state.nextLink;
    table.hidden = state.loaded === 0;
    exportAvailability('export-subscriptions', state.loaded === 0 ? WORDS.noSubscriptionsToExport : null);
    status.textContent =
      state.loaded === 0
        ? 'This customer has no subscriptions.'
        : `${plural(state.loaded, 'subscription', 'subscriptions')}${state.nextLink ? ' so far' : ''}.`;
  } catch (error) {
    if (generation === state.generation) status.textContent = `Subscriptions could not be loaded. ${describeError(error)}`;
  } finally {
    table.removeAttribute('aria-busy');
  }
}

/** @param {any} subscription */
function subscriptionRow(subscription) {
  const statusText = STATUS_LABELS[subscription.status] ?? subscription.status;
  return el(
    'tr',
    { 'data-subscription-id': subscription.id },
    el('th', { scope: 'row', 'data-label': 'Subscription' }, subscription.offerName, el('span', { class: 'secondary', text: subscription.id })),
    el('td', { 'data-label': 'Quantity', class: 'number' }, Number(subscription.quantity).toLocaleString()),
    el('td', { 'data-label': 'Status' }, el('span', { class: `badge badge-${String(subscription.status)}`, text: statusText })),
    el('td', { 'data-label': 'Reseller' }, subscription.resellerId ? state.resellerName(subscription.resellerId) : '—'),
  );
}
