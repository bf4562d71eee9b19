import { formatDateTime, t } from './i18n.js';

/**
 * Building the page with DOM APIs only. Text from the service (company names, domains, user names)
 * goes in as text nodes, never as markup, so a name like `<img onerror=...>` is shown, not run.
 */

/**
 * Creates an element.
 * @param {string} tag
 * @param {Record<string, unknown>} [attributes] `class`, `text`, `on<Event>` handlers, `hidden`,
 *   boolean and string attributes; `null`/`false`/`undefined` values are left out
 * @param {...(Node | string | number | null | undefined | false)} children strings become text nodes
 * @returns {HTMLElement}
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') element.textContent = String(value);
    else if (name === 'class') element.className = String(value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

/** @param {Element} parent @param {...(Node | string | number | null | undefined | false)} children */
export function append(parent, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's content. @param {Element} parent @param {...(Node | string | null | undefined | false)} children */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, ...children);
}

/** @param {string} id @returns {HTMLElement} */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}.`);
  return element;
}

/** A link to a URL from the service, kept only when it is http(s) (no `javascript:` from data). @param {string} url @param {string} label */
export function externalLink(url, label) {
  let safe = null;
  try {
    const parsed = new URL(url, window.location.origin);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') safe = parsed.href;
  } catch {
    safe = null;
  }
  if (!safe) return el('span', { text: label });
  return el('a', { href: safe, target: '_blank', rel: 'noopener noreferrer', 'aria-label': t('app.newTab', { label }) }, label);
}

/** A `<time>` showing an ISO date-time in the page's language and the reader's time zone. @param {string | undefined} iso */
export function time(iso) {
  if (!iso) return el('span', { text: t('app.none') });
  const date = new Date(iso);
  return el('time', { datetime: iso, text: Number.isNaN(date.getTime()) ? iso : formatDateTime(date) });
}

/** Calls `action` once `milliseconds` have passed without another call. @template {unknown[]} A @param {(...args: A) => void} action @param {number} milliseconds */
export function debounce(action, milliseconds) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  return (/** @type {A} */ ...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), milliseconds);
  };
}
