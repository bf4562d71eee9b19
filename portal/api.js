import { t, tIfKnown } from './i18n.js';

/**
 * The portal's only door to the service: same-origin fetch of the public API. In Azure, App Service
 * Authentication adds the caller's identity to each request; the page never handles tokens.
 * Every failure becomes an ApiError carrying the contract's error code and message.
 */

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, or 0 when the service could not be reached
   * @param {string} code the contract's PascalCase error code
   * @param {string} message the service's message, meant for a person
   * @param {string} [target] the offending field, when there is one
   */
  constructor(status, code, message, target) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.target = target;
  }
}

/**
 * Calls the API and decodes JSON.
 * @param {string} path a path under /api, or a nextLink (made same-origin, see samePath)
 * @param {{method?: string, body?: unknown, headers?: Record<string,string>, signal?: AbortSignal}} [options]
 * @returns {Promise<{status: number, body: any, headers: Headers}>}
 */
export async function api(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', ...options.headers };
  /** @type {RequestInit} */
  const init = { method: options.method ?? 'GET', headers, credentials: 'same-origin', signal: options.signal };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(samePath(path), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NetworkError', t('error.NetworkError'));
  }
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : `Http${response.status}`,
      typeof error.message === 'string' ? error.message : `The service answered ${response.status} ${response.statusText}.`,
      typeof error.target === 'string' ? error.target : undefined,
    );
  }
  return { status: response.status, body, headers: response.headers };
}

/**
 * nextLink is relative, or absolute from the service's configured public base URL, which may name
 * another host than the page's (a proxy, a custom domain): follow only its path and query, on this
 * origin.
 * @param {string} link
 */
export function samePath(link) {
  const url = new URL(link, window.location.origin);
  return url.pathname + url.search;
}

/** Builds a query string from the values that are set. @param {Record<string, string | number | undefined | null>} values */
export function query(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Codes of bad input whose `target` names the field or parameter the service refused. */
const FIELD_CODES = new Set(['InvalidQueryParameter', 'InvalidBody']);

/**
 * A plain-words explanation of a failed call in the page's language, from the contract's stable
 * error code (the service's own messages are English only), or from the status for a code the
 * catalogues do not know.
 * @param {unknown} error
 */
export function describeError(error) {
  if (!(error instanceof ApiError)) return t('error.page');
  if (FIELD_CODES.has(error.code)) return error.target ? t('error.InvalidQueryParameter', { target: error.target }) : t('error.invalid');
  const explained = tIfKnown(`error.${error.code}`, {}, '');
  if (explained) return explained;
  if (error.status === 401) return t('error.Unauthenticated');
  if (error.status === 403) return t('error.Forbidden');
  if (error.status === 404) return t('error.NotFound');
  if (error.status === 429) return t('error.TooManyRequests');
  if (error.status >= 500) return t('error.server');
  if (error.status === 400) return t('error.invalid');
  return t('error.unknown', { code: error.code });
}
