/**
 * The portal's languages: message catalogues (portal/messages-<tag>.js) and the platform's Intl
 * APIs, nothing else. A message is a whole sentence with named placeholders (`{name}`), so a
 * translation can put them where its grammar wants; a message that depends on a number is an
 * object of Intl.PluralRules categories (`one`, `other`, ...) chosen by the `count` parameter.
 * Numbers and dates in placeholders are formatted with Intl in the page's language; dates and
 * times are shown in the reader's own time zone, which the page states where it shows a range.
 *
 * The language is the one the reader chose with the switcher (remembered in localStorage), else
 * the first of the browser's languages that the portal speaks, else English.
 */
import de from './messages-de.js';
import en from './messages-en.js';
import zhTW from './messages-zh-TW.js';

/** @typedef {string | Partial<Record<Intl.LDMLPluralRule, string>>} Message */
/** @typedef {Record<string, Message>} Catalogue */

/** The languages the portal speaks, each named in itself (for the switcher). */
export const LANGUAGES = /** @type {const} */ ([
  { tag: 'en', name: 'English' },
  { tag: 'zh-TW', name: '繁體中文（台灣）' },
  { tag: 'de', name: 'Deutsch' },
]);

/** @type {Record<string, Catalogue>} */
export const CATALOGUES = { en, 'zh-TW': zhTW, de };

/** The English catalogue, the fallback for a message missing elsewhere. @type {Catalogue} */
const english = en;

const STORAGE_KEY = 'portal.language';

let language = 'en';
/** @type {Catalogue} */
let catalogue = english;
let pluralRules = new Intl.PluralRules('en');
let numberFormat = new Intl.NumberFormat('en');
let dateTimeFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
let dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
let longDateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'long' });

/**
 * The portal language for a stored choice and the browser's languages (BCP 47 tags, most wanted
 * first). Chinese written in Traditional characters (zh-TW, zh-HK, zh-MO, zh-Hant) is zh-TW;
 * Simplified Chinese is not offered, so it falls through to the next language the reader knows.
 * @param {string | null | undefined} stored @param {readonly string[]} browserLanguages
 * @returns {string}
 */
export function chooseLanguage(stored, browserLanguages) {
  if (stored && stored in CATALOGUES) return stored;
  for (const wanted of browserLanguages) {
    let locale;
    try {
      locale = new Intl.Locale(wanted).maximize();
    } catch {
      continue;
    }
    if (locale.language === 'zh' && locale.script === 'Hant') return 'zh-TW';
    if (locale.language === 'de') return 'de';
    if (locale.language === 'en') return 'en';
  }
  return 'en';
}

/** The language of the page. */
export function currentLanguage() {
  return language;
}

/** Sets the page's language (and `<html lang>`). @param {string} tag one of LANGUAGES */
export function setLanguage(tag) {
  language = tag in CATALOGUES ? tag : 'en';
  catalogue = CATALOGUES[language] ?? english;
  pluralRules = new Intl.PluralRules(language);
  numberFormat = new Intl.NumberFormat(language);
  dateTimeFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  longDateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'long' });
  document.documentElement.lang = language;
}

/** The language from the stored choice and the browser, set on the page. */
export function startLanguage() {
  let stored = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  setLanguage(chooseLanguage(stored, navigator.languages ?? [navigator.language]));
}

/** Remembers the reader's choice (it wins over the browser's languages from now on). @param {string} tag */
export function rememberLanguage(tag) {
  try {
    window.localStorage.setItem(STORAGE_KEY, tag);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/** @param {unknown} value */
function formatValue(value) {
  if (typeof value === 'number') return numberFormat.format(value);
  if (value instanceof Date) return dateTimeFormat.format(value);
  return String(value ?? '');
}

/**
 * The message's text for the parameters. @param {string} key
 * @param {Record<string, unknown>} [params] `count` selects the plural form
 */
function pattern(key, params) {
  const message = catalogue[key] ?? english[key];
  if (message === undefined) throw new Error(`No message ${key}.`);
  if (typeof message === 'string') return message;
  const category = pluralRules.select(Number(params?.count ?? 0));
  return message[category] ?? message.other ?? '';
}

/**
 * A translated message as text, its placeholders filled (numbers and dates formatted).
 * @param {string} key @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  return pattern(key, params).replace(/\{(\w+)\}/g, (whole, name) => (name in params ? formatValue(params[name]) : whole));
}

/**
 * The message for a key made from a value the service sends (a status, an error code, a
 * relationship) when the catalogues have one, else `fallback` (e.g. the value as the service sent it).
 * @param {string} key @param {Record<string, unknown>} params @param {string} fallback
 */
export function tIfKnown(key, params, fallback) {
  return key in english ? t(key, params) : fallback;
}

/**
 * A translated message as DOM nodes, where a placeholder may be an element (a button inside a
 * sentence): the sentence stays whole in the catalogue, the element goes where the translation puts it.
 * @param {string} key @param {Record<string, unknown>} [params]
 * @returns {Array<Node | string>}
 */
export function tNodes(key, params = {}) {
  return pattern(key, params)
    .split(/(\{\w+\})/)
    .filter((part) => part !== '')
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined || !(name in params)) return part;
      const value = params[name];
      return value instanceof Node ? value : formatValue(value);
    });
}

/** A number in the page's language. @param {number} value */
export function formatNumber(value) {
  return numberFormat.format(value);
}

/** A share as a percentage in the page's language ("25%", "25 %"). @param {number} fraction from 0 to 1 */
export function formatPercent(fraction) {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

/** A duration in whole seconds or minutes, as the language abbreviates it ("45 sec", "3 Min."). @param {number} seconds */
export function formatDuration(seconds) {
  const [value, unit] = seconds < 60 ? [Math.max(1, Math.round(seconds)), 'second'] : [Math.round(seconds / 60), 'minute'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** A day of the week's name in the page's language, 0 for Sunday to 6 for Saturday (as cron counts). @param {number} day */
export function weekdayName(day) {
  // 4 January 1970 was a Sunday.
  return new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(1970, 0, 4 + day)));
}

/** A date and time in the page's language and the reader's time zone. @param {Date} date */
export function formatDateTime(date) {
  return dateTimeFormat.format(date);
}

/** A date in the page's language. @param {Date} date */
export function formatDate(date) {
  return dateFormat.format(date);
}

/** A range of days, as the language writes one ("3.–9. November 2026", "2026年11月3日至9日"). @param {Date} from @param {Date} to */
export function formatDateRange(from, to) {
  return longDateFormat.formatRange(from, to);
}

/** Items as the language lists them ("A, B and C"; "A、B和C"). @param {string[]} items */
export function formatList(items) {
  return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(items);
}

/** Items as a short unit list ("A, B"; "A、B"). @param {string[]} items */
export function formatUnits(items) {
  return new Intl.ListFormat(language, { style: 'narrow', type: 'unit' }).format(items);
}

/** The reader's time zone: its IANA id and its name in the page's language. */
export function readerTimeZone() {
  const id = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const name =
    new Intl.DateTimeFormat(language, { timeZone: id, timeZoneName: 'longGeneric' }).formatToParts(new Date()).find((part) => part.type === 'timeZoneName')
      ?.value ?? id;
  return { id, name };
}

/**
 * Translates the static page: `data-i18n="key"` sets an element's text, `data-i18n-<attribute>="key"`
 * (aria-label, title, placeholder) sets that attribute.
 * @param {ParentNode} root
 */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll('*')) {
    for (const attribute of element.getAttributeNames()) {
      if (!attribute.startsWith('data-i18n')) continue;
      const key = element.getAttribute(attribute) ?? '';
      if (attribute === 'data-i18n') element.textContent = t(key);
      else element.setAttribute(attribute.slice('data-i18n-'.length), t(key));
    }
  }
}
