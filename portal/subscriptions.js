/**
 * One customer's subscriptions page (#/customers/{id}/subscriptions): product, quantity, status
 * and reseller, paged over nextLink, with "Export subscriptions".
 */
import { api, describeError, query } from './api.js';
import { byId, el, plural, replace } from './dom.js';
import { WORDS } from './export-words.js';
import { exportAvailability, startExport } from './exports.js';
import { pagedList } from './paged-list.js';

/** @type {Record<string, string>} */
const STATUS_LABELS = { active: 'Active', suspended: 'Suspended', deleted: 'Deleted', expired: 'Expired', pending: 'Pending' };

const state = {
  customerId: '',
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
  byId('subscriptions-more').addEventListener('click', () => subscriptionList().loadNext());
  byId('export-subscriptions').addEventListener('click', () =>
    startExport({ type: 'subscriptions', customerId: state.customerId }, byId('subscriptions-export-status')),
  );
}

/** Shows the page for one customer. @param {string} customerId */
export async function showSubscriptions(customerId) {
  state.generation += 1;
  const generation = state.generation;
  state.customerId = customerId;
  subscriptionList().clear();
  const heading = byId('subscriptions-heading');
  replace(heading, 'Subscriptions');
  byId('subscriptions-customer').textContent = '';
  byId('subscriptions-export-status').textContent = '';
  exportAvailability('export-subscriptions', null);
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
  await subscriptionList().loadFirst(`/api/customers/${encodeURIComponent(customerId)}/subscriptions${query({ top: state.pageSize })}`);
}

/** @type {import('./paged-list.js').PagedList | undefined} */
let list;

function subscriptionList() {
  list ??= pagedList({
    table: byId('subscriptions-table'),
    status: byId('subscriptions-status'),
    more: byId('subscriptions-more'),
    rows: (subscription) => [subscriptionRow(subscription)],
    summary: (loaded, hasMore) => {
      exportAvailability('export-subscriptions', loaded === 0 ? WORDS.noSubscriptionsToExport : null);
      return loaded === 0 ? 'This customer has no subscriptions.' : `${plural(loaded, 'subscription', 'subscriptions')}${hasMore ? ' so far' : ''}.`;
    },
    messages: { first: 'Loading subscriptions…', next: 'Loading subscriptions…', failed: 'Subscriptions could not be loaded.' },
  });
  return list;
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
