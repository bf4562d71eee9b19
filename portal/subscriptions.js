/**
 * One customer's subscriptions page (#/customers/{id}/subscriptions): product, quantity, status
 * and reseller, paged over nextLink, with "Export subscriptions".
 */
import { api, describeError, query } from './api.js';
import { byId, el, replace } from './dom.js';
import { exportAvailability, startExport } from './exports.js';
import { formatNumber, t, tNodes } from './i18n.js';
import { pagedList } from './paged-list.js';

const STATUSES = new Set(['active', 'suspended', 'deleted', 'expired', 'pending']);

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
  replace(heading, t('subscriptions.heading'));
  byId('subscriptions-customer').textContent = '';
  byId('subscriptions-export-status').textContent = '';
  exportAvailability('export-subscriptions', null);
  heading.focus();
  api(`/api/customers/${encodeURIComponent(customerId)}`)
    .then((response) => {
      if (generation !== state.generation) return;
      replace(heading, ...tNodes('subscriptions.headingOf', { name: el('span', { class: 'heading-name', text: response.body.companyName }) }));
      byId('subscriptions-customer').textContent = t('subscriptions.customerLine', { domain: response.body.domain, id: response.body.id });
      document.title = t('app.title', { view: t('subscriptions.title', { name: response.body.companyName }) });
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
      exportAvailability('export-subscriptions', loaded === 0 ? t('exports.noSubscriptionsToExport') : null);
      return loaded === 0 ? t('subscriptions.none') : t(hasMore ? 'subscriptions.countSoFar' : 'subscriptions.count', { count: loaded });
    },
    messages: {
      first: t('subscriptions.loading'),
      next: t('subscriptions.loading'),
      failed: (reason) => t('subscriptions.loadFailed', { reason }),
    },
  });
  return list;
}

/** @param {any} subscription */
function subscriptionRow(subscription) {
  const statusText = STATUSES.has(subscription.status) ? t(`subscriptionStatus.${subscription.status}`) : String(subscription.status);
  return el(
    'tr',
    { 'data-subscription-id': subscription.id },
    el(
      'th',
      { scope: 'row', 'data-label': t('subscriptions.columnSubscription') },
      subscription.offerName,
      el('span', { class: 'secondary', text: subscription.id }),
    ),
    el('td', { 'data-label': t('subscriptions.columnQuantity'), class: 'number' }, formatNumber(Number(subscription.quantity))),
    el('td', { 'data-label': t('subscriptions.columnStatus') }, el('span', { class: `badge badge-${String(subscription.status)}`, text: statusText })),
    el('td', { 'data-label': t('subscriptions.columnReseller') }, subscription.resellerId ? state.resellerName(subscription.resellerId) : t('app.none')),
  );
}
