/**
 * Opaque continuation tokens and `nextLink`s. A token carries the keyset position of the last row
 * served and a fingerprint of the query it belongs to, so following it can neither repeat nor skip a
 * row, and a token replayed against another query (or scope) is a 400, never a wrong page.
 */
import { hash } from 'node:crypto';
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { invalid } from '../kernel/errors.js';
import { type Cursor, cursorSchema, type Page } from '../kernel/page.js';

const tokenSchema = z.object({ f: z.string(), k: cursorSchema });

/** What a token is bound to: the query's identifying parts (scope, filter), never the page size. */
export type QueryParts = Array<string | null | undefined>;

function queryFingerprint(parts: QueryParts): string {
  return hash('sha256', JSON.stringify(parts), 'base64url').slice(0, 16);
}

function encodeContinuation(fingerprint: string, cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, k: cursor })).toString('base64url');
}

/** Decodes a token given to this query; a malformed or foreign token is InvalidContinuationToken. */
function decodeContinuation(token: string | undefined, fingerprint: string): Cursor | undefined {
  if (token === undefined) return undefined;
  const bad = () =>
    invalid('InvalidContinuationToken', 'continuationToken is not one this query issued: start again from the first page.', 'continuationToken');
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(token)) throw bad();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const parsed = tokenSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.f !== fingerprint) throw bad();
  return parsed.data.k;
}

/**
 * A link to a path of this service: absolute from the configured public base URL, or relative
 * (`/api/...`) when none is configured. Never from the request's Host header.
 */
export function serviceLink(publicBaseUrl: string | undefined, pathAndQuery: string): string {
  return publicBaseUrl === undefined ? pathAndQuery : `${publicBaseUrl}${pathAndQuery}`;
}

/** Links to this service's own paths, from the configured public base URL (PUBLIC_BASE_URL) or relative. */
export class ServiceLinks {
  constructor(readonly publicBaseUrl: string | undefined) {}

  /** `pathAndQuery` (starting with `/`) as a link a client can follow. */
  to(pathAndQuery: string): string {
    return serviceLink(this.publicBaseUrl, pathAndQuery);
  }
}

/**
 * The next page: this request's path and query with `continuationToken` replaced (and `fixed`
 * parameters set), as a service link.
 */
function nextLink(request: HttpRequest, continuationToken: string, publicBaseUrl: string | undefined, fixed: Record<string, string>): string {
  const url = new URL(request.url);
  for (const [name, value] of Object.entries(fixed)) url.searchParams.set(name, value);
  url.searchParams.set('continuationToken', continuationToken);
  return serviceLink(publicBaseUrl, `${url.pathname}${url.search}`);
}

/**
 * One page of a list, from the store to the response body: decodes the request's continuation
 * token (bound to `queryParts`), reads the page after it, maps its rows and links the next page
 * (from `publicBaseUrl`, or relative). `fixed` are query parameters the next page must carry as
 * this page resolved them (a default date range that would otherwise move with the clock).
 */
export async function pagedList<T, R>(
  request: HttpRequest,
  publicBaseUrl: string | undefined,
  continuationToken: string | undefined,
  queryParts: QueryParts,
  readPage: (after: Cursor | undefined) => Promise<Page<T>>,
  toResource: (row: T) => R | Promise<R>,
  fixed: Record<string, string> = {},
): Promise<{ value: R[]; nextLink?: string }> {
  const fingerprint = queryFingerprint(queryParts);
  const page = await readPage(decodeContinuation(continuationToken, fingerprint));
  const value = await Promise.all(page.rows.map(toResource));
  return page.next ? { value, nextLink: nextLink(request, encodeContinuation(fingerprint, page.next), publicBaseUrl, fixed) } : { value };
}
