/**
 * The partner portal: a static page over the public API, served by the same function app. Views
 * are chosen by the URL hash (#/, #/customers/{id}/subscriptions, #/activity, #/exports), so the
 * server only ever serves index.html and these modules.
 *
 * `?pageSize=N` (1 to 1000) sets how many rows each request asks for; the default is 100.
 */

import { initActivity, showActivity } from './activity.js';
import { api, describeError } from './api.js';
import { initCustomers, showCustomerList } from './customers.js';
import { byId } from './dom.js';
import { initExports, refreshExports } from './exports.js';
import { initSchedules } from './schedules.js';
import { initSubscriptions, showSubscriptions } from './subscriptions.js';

const VIEWS = ['customers', 'subscriptions', 'activity', 'exports'];

function pageSize() {
  const requested = Number(new URLSearchParams(window.location.search).get('pageSize'));
  return Number.isInteger(requested) && requested >= 1 && requested <= 1000 ? requested : 100;
}

/** @param {string} name @param {string} title */
function showView(name, title) {
  for (const view of VIEWS) byId(`${view}-view`).hidden = view !== name;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.getAttribute('data-nav') === (name === 'subscriptions' ? 'customers' : name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${title} · Partner portal`;
}

let firstRoute = true;
/** @type {string} */
let currentView = '';

function route() {
  const hash = window.location.hash;
  // Other fragments (the skip link's #main) are in-page jumps, not views.
  if (hash && !hash.startsWith('#/')) return;
  const moveFocus = !firstRoute;
  firstRoute = false;
  const subscriptions = /^#\/customers\/([^/]+)\/subscriptions$/.exec(hash);
  if (subscriptions?.[1]) {
    currentView = 'subscriptions';
    showView('subscriptions', 'Subscriptions');
    showSubscriptions(decodeURIComponent(subscriptions[1]));
    return;
  }
  if (hash === '#/exports') {
    showView('exports', 'Exports');
    refreshExports({ redraw: true });
    if (moveFocus) byId('exports-heading').focus();
    return;
  }
  if (hash === '#/activity') {
    currentView = 'activity';
    showView('activity', 'Activity');
    showActivity();
    if (moveFocus) byId('activity-heading').focus();
    return;
  }
  // The customer list's search, filter and sort are in its route (#/?search=&reseller=&sort=):
  // Back and Forward between two of its views show that view again.
  const fromElsewhere = currentView !== 'customers';
  currentView = 'customers';
  showView('customers', 'Customers');
  if (moveFocus) showCustomerList(hash);
  if (moveFocus && fromElsewhere) byId('customers-heading').focus();
}

async function start() {
  const size = pageSize();
  let resellers = [];
  /** @type {string[]} */
  let roles = [];
  try {
    const [resellerList, me] = await Promise.all([api('/api/resellers'), api('/api/me')]);
    resellers = resellerList.body.value;
    roles = me.body.roles;
  } catch (error) {
    byId('customers-status').textContent = describeError(error);
  }
  const names = new Map(resellers.map((/** @type {{id: string, name: string}} */ reseller) => [reseller.id, reseller.name]));
  const resellerName = (/** @type {string | null} */ id) => (id ? (names.get(id) ?? id) : '');
  initExports({ resellerName });
  initSchedules({ canWrite: roles.includes('Customers.ReadWrite'), resellers });
  initSubscriptions({ pageSize: size, resellerName });
  initActivity({ pageSize: size });
  window.addEventListener('hashchange', route);
  route();
  await initCustomers({ pageSize: size, resellers });
  document.body.setAttribute('data-ready', 'true');
}

start();
