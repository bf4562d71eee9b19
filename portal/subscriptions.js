/**
 * One customer's subscriptions page (#/customers/{id}/subscriptions): product, quantity, status
 * and reseller, paged over nextLink, with "Export subscriptions".
 */
import { api, describeError, query } from './api.js';
import { byId, el, replace } from './dom.js';
import { startExport } from './exports.js';
import { formatNumber, t, tNodes } from './i18n.js';

const STATUSES = new Set(['active', 'suspended', 'deleted', 'expired', 'pending']);

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
  replace(heading, t('subscriptions.heading'));
  byId('subscriptions-customer').textContent = '';
  byId('subscriptions-export-status').textContent = '';
  byId('subscriptions-more').hidden = true;
  /** @type {HTMLTableSectionElement} */ (byId('subscriptions-table').querySelector('tbody')).replaceChildren();
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
  await loadPage(`/api/customers/${encodeURIComponent(customerId)}/subscriptions${query({ top: state.pageSize })}`, generation);
}

/** @param {string} path @param {number} generation */
async function loadPage(path, generation) {
  const status = byId('subscriptions-status');
  const table = byId('subscriptions-table');
  table.setAttribute('aria-busy', 'true');
  status.textContent = t('subscriptions.loading');
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
    status.textContent =
      state.loaded === 0 ? t('subscriptions.none') : t(state.nextLink ? 'subscriptions.countSoFar' : 'subscriptions.count', { count: state.loaded });
  } catch (error) {
    if (generation === state.generation) status.textContent = t('subscriptions.loadFailed', { reason: describeError(error) });
  } finally {
    table.removeAttribute('aria-busy');
  }
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
