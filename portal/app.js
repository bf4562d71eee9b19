/**
 * The partner portal: a static page over the public API, served by the same function app. Views
 * are chosen by the URL hash (#/, #/customers/{id}/subscriptions, #/activity, #/exports), so the
 * server only ever serves index.html and these modules.
 *
 * The page speaks the reader's language (i18n.js) and shapes itself to the caller (GET /api/me):
 * a read-only user is not offered Rename, and an indirect reseller is not offered the reseller
 * filter; each is told why in a short note instead.
 *
 * `?pageSize=N` (1 to 1000) sets how many rows each request asks for; the default is 100.
 */
import { initActivity, showActivity } from './activity.js';
import { api, describeError } from './api.js';
import { canWrite, isReseller, setCaller } from './caller.js';
import { initCustomers, showCustomerList } from './customers.js';
import { byId, el } from './dom.js';
import { initExports, refreshExports } from './exports.js';
import { currentLanguage, LANGUAGES, rememberLanguage, startLanguage, t, translatePage } from './i18n.js';
import { initSchedules } from './schedules.js';
import { initSubscriptions, showSubscriptions } from './subscriptions.js';

const VIEWS = ['customers', 'subscriptions', 'activity', 'exports'];

function pageSize() {
  const requested = Number(new URLSearchParams(window.location.search).get('pageSize'));
  return Number.isInteger(requested) && requested >= 1 && requested <= 1000 ? requested : 100;
}

/** @param {string} name @param {string} title the view's name in the page's language */
function showView(name, title) {
  for (const view of VIEWS) byId(`${view}-view`).hidden = view !== name;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.getAttribute('data-nav') === (name === 'subscriptions' ? 'customers' : name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = t('app.title', { view: title });
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
    showView('subscriptions', t('subscriptions.heading'));
    showSubscriptions(decodeURIComponent(subscriptions[1]));
    return;
  }
  if (hash === '#/exports') {
    currentView = 'exports';
    showView('exports', t('exports.heading'));
    refreshExports({ redraw: true });
    if (moveFocus) byId('exports-heading').focus();
    return;
  }
  if (hash === '#/activity') {
    currentView = 'activity';
    showView('activity', t('activity.heading'));
    showActivity();
    if (moveFocus) byId('activity-heading').focus();
    return;
  }
  // The customer list's search, filter and sort are in its route (#/?search=&reseller=&sort=):
  // Back and Forward between two of its views show that view again.
  const fromElsewhere = currentView !== 'customers';
  currentView = 'customers';
  showView('customers', t('customers.heading'));
  if (moveFocus) showCustomerList(hash);
  if (moveFocus && fromElsewhere) byId('customers-heading').focus();
}

/** The language switcher: each language named in itself; a choice is remembered and the page reloads in it. */
function initLanguageSwitcher() {
  const select = /** @type {HTMLSelectElement} */ (byId('language'));
  for (const language of LANGUAGES) {
    select.append(el('option', { value: language.tag, lang: language.tag, selected: language.tag === currentLanguage() }, language.name));
  }
  select.addEventListener('change', () => {
    rememberLanguage(select.value);
    window.location.reload();
  });
}

/**
 * The caller (GET /api/me), or a read-only partner when it cannot be read (the calls that follow
 * explain the failure; the page offers nothing it cannot know is allowed).
 */
async function loadCaller() {
  try {
    return /** @type {import('./caller.js').Caller} */ ((await api('/api/me')).body);
  } catch (error) {
    byId('customers-status').textContent = describeError(error);
    return null;
  }
}

async function start() {
  startLanguage();
  translatePage();
  initLanguageSwitcher();
  const size = pageSize();
  const caller = await loadCaller();
  setCaller(caller);
  if (caller) byId('caller').textContent = t('app.signedIn', { userName: caller.userName, tenantName: caller.tenantName });
  if (caller && !canWrite()) {
    byId('role-note').textContent = t('app.readOnly');
    byId('role-note').hidden = false;
  }
  if (caller && isReseller()) {
    byId('reseller-note').textContent = t('app.resellerScope', { tenantName: caller.tenantName });
    byId('reseller-note').hidden = false;
  }
  let resellers = [];
  try {
    resellers = (await api('/api/resellers')).body.value;
  } catch (error) {
    byId('customers-status').textContent = describeError(error);
  }
  const names = new Map(resellers.map((/** @type {{id: string, name: string}} */ reseller) => [reseller.id, reseller.name]));
  const resellerName = (/** @type {string | null} */ id) => (id ? (names.get(id) ?? id) : '');
  initExports({ resellerName });
  initSchedules({ canWrite: canWrite(), resellers: isReseller() ? [] : resellers, resellerName });
  initSubscriptions({ pageSize: size, resellerName });
  initActivity({ pageSize: size });
  window.addEventListener('hashchange', route);
  route();
  await initCustomers({ pageSize: size, resellers: isReseller() ? [] : resellers, resellerName, canWrite: canWrite() });
  document.body.setAttribute('data-ready', 'true');
}

start();
