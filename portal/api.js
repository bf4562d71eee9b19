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
    throw new ApiError(0, 'NetworkError', 'The service could not be reached. Check your connection and try again.');
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

/**
 * A plain-words explanation of a failed call, for the person looking at the page.
 * @param {unknown} error
 */
export function describeError(error) {
  if (!(error instanceof ApiError)) return 'Something went wrong in the page. Reload it and try again.';
  switch (error.status) {
    case 0:
      return error.message;
    case 401:
      return 'You are signed out. Reload the page to sign in again.';
    case 403:
      return `You do not have permission to do this. ${error.message}`;
    case 404:
      return 'Not found: it was removed, or it is not one of your customers.';
    default:
      if (error.status >= 500) return 'The service had a problem and nothing was changed. Try again in a moment.';
      return error.message;
  }
}
