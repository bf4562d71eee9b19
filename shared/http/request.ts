/**
 * Reading untrusted requests: query strings and JSON bodies validated with zod schemas, so the
 * handlers work with inferred types. Every failure is a 4xx naming the offending field.
 */
import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { firstIssue, invalid, ServiceError } from '../kernel/errors.js';

/** Largest accepted request body: 64 KiB, as the contract says. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Parses the query string; a parameter given twice is a 400 (its meaning would be ambiguous). Read
 * from the URL, not `request.query`: the Functions host joins repeated parameters with commas
 * before the worker sees them, so `search=a&search=b` would arrive as one value "a,b".
 */
export function parseQuery<S extends z.ZodType>(request: HttpRequest, schema: S): z.infer<S> {
  const values: Record<string, string> = {};
  for (const [name, value] of new URL(request.url).searchParams) {
    if (name in values) throw invalid('InvalidQueryParameter', `Query parameter "${name}" is given more than once.`, name);
    values[name] = value;
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const { target, message } = firstIssue(parsed.error);
    throw invalid('InvalidQueryParameter', `Query parameter "${target}": ${message}.`, target);
  }
  return parsed.data;
}

/**
 * Reads a JSON object body: 415 unless the content type is JSON, 413 over 64 KiB, 400 when it is
 * not a JSON object or does not match the schema.
 */
export async function parseJsonBody<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.infer<S>> {
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(contentType)) {
    throw new ServiceError('UnsupportedMediaType', 'UnsupportedMediaType', 'The body must be JSON (Content-Type: application/json).');
  }
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  if (declaredLength > MAX_BODY_BYTES) throw tooLarge();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('InvalidJson', 'The body is not valid UTF-8 JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('InvalidBody', 'The body must be a JSON object.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const { target, message } = firstIssue(parsed.error);
    throw invalid('InvalidBody', target ? `Field "${target}": ${message}.` : message, target || undefined);
  }
  return parsed.data;
}

const tooLarge = () => new ServiceError('TooLarge', 'PayloadTooLarge', `The body is larger than ${MAX_BODY_BYTES} bytes.`);

/**
 * An identifier from the path: 1 to 128 characters once trimmed, none of them a control character
 * or one a store id cannot hold (/ \\ ? #), so it can always be looked up (and is 404 if absent).
 */
export function pathParameter(request: HttpRequest, name: string): string {
  const value = (request.params[name] ?? '').trim();
  if (!value || value.length > 128 || /[\u0000-\u001f\u007f/\\?#]/.test(value)) {
    throw invalid('InvalidPathParameter', `"${name}" is not a valid identifier.`, name);
  }
  return value;
}
