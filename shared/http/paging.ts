/**
 * Opaque continuation tokens and `nextLink`s. A token carries the keyset position of the last row
 * served and a fingerprint of the query it belongs to, so following it can neither repeat nor skip a
 * row, and a token replayed against another query (or scope) is a 400, never a wrong page.
 */
import { hash } from 'node:crypto';
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { invalid } from '../errors.js';

/** The keyset position after which the next page starts: the last row's sort values. */
export type Cursor = Array<string | number>;

const tokenSchema = z.object({
  f: z.string(),
  k: z
    .array(z.union([z.string(), z.number()]))
    .min(1)
    .max(4),
});

export function queryFingerprint(parts: Array<string | null | undefined>): string {
  return hash('sha256', JSON.stringify(parts), 'base64url').slice(0, 16);
}

export function encodeContinuation(fingerprint: string, cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, k: cursor })).toString('base64url');
}

/** Decodes a token given to this query; a malformed or foreign token is InvalidContinuationToken. */
export function decodeContinuation(token: string | undefined, fingerprint: string): Cursor | undefined {
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

/** The next page: this request's path and query with `continuationToken` replaced, as a service link. */
export function nextLink(request: HttpRequest, continuationToken: string, publicBaseUrl: string | undefined): string {
  const url = new URL(request.url);
  url.searchParams.set('continuationToken', continuationToken);
  return serviceLink(publicBaseUrl, `${url.pathname}${url.search}`);
}

/** `top`: 1 to max, default as given. */
export const topParameter = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, `must be 1 to ${max}`).max(max, `must be 1 to ${max}`))
    .optional()
    .transform((value) => value ?? fallback);
