/**
 * Small HTTP response helpers and the one place that maps domain errors to the contract's error
 * body: `{"error":{"code","message","target"}}` with the code repeated in `x-ms-error-code`.
 */
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { type ErrorKind, ensureErrorType, ServiceError } from '../kernel/errors.js';

const STATUS_OF: Record<ErrorKind, number> = {
  Invalid: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  PreconditionFailed: 412,
  TooLarge: 413,
  UnsupportedMediaType: 415,
  PreconditionRequired: 428,
  TooManyRequests: 429,
  Unavailable: 503,
};

/** Seconds a client is asked to wait after a 429: about how long a small export takes to finish. */
export const RETRY_AFTER_SECONDS = 30;

const JSON_TYPE = 'application/json; charset=utf-8';

/** The contract's error body: the code is repeated in `x-ms-error-code`. */
export const errorResponseSchema = z
  .object({ error: z.object({ code: z.string().meta({ description: 'PascalCase, stable.' }), message: z.string(), target: z.string().optional() }) })
  .meta({ id: 'ErrorResponse' });

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, body: JSON.stringify(body), headers: { 'content-type': JSON_TYPE, ...headers } };
}

export function errorResponse(error: ServiceError): HttpResponseInit {
  const body: z.output<typeof errorResponseSchema> = { error: { code: error.code, message: error.message, ...(error.target ? { target: error.target } : {}) } };
  const headers: Record<string, string> = { 'x-ms-error-code': error.code };
  if (error.kind === 'Unauthenticated') headers['www-authenticate'] = 'Bearer';
  if (error.kind === 'TooManyRequests') headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return jsonResponse(STATUS_OF[error.kind], body, headers);
}

/** 405 for a method a path does not take, with `Allow` listing the methods it does. */
export function methodNotAllowedResponse(method: string, path: string, allowed: readonly string[]): HttpResponseInit {
  const response = errorResponse(new ServiceError('MethodNotAllowed', 'MethodNotAllowed', `${method} is not allowed on ${path}; use ${allowed.join(', ')}.`));
  return { ...response, headers: { ...(response.headers as Record<string, string>), allow: allowed.join(', ') } };
}

/**
 * When the store answered 503 (it cannot take requests now), what to tell the caller: the local
 * endpoint's own reason (it cannot save its data, see shared/host/local-cosmos.ts), or a plain
 * sentence (a cloud service's 503 text is not shown). Undefined for any other error.
 */
export function storeUnavailableMessage(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== 503) return undefined;
  const body = (err as { body?: { code?: unknown; message?: unknown } }).body;
  if (body?.code === 'LocalStoreNotSaving' && typeof body.message === 'string') return body.message;
  return 'The data store is unavailable; try again shortly.';
}

/**
 * Answers a thrown error: domain errors in the contract's format; a store that cannot take requests
 * now with 503 StoreUnavailable; anything else is logged with the invocation id and answers 500
 * without internals.
 */
export function responseForError(err: unknown, context: InvocationContext): HttpResponseInit {
  if (err instanceof ServiceError) return errorResponse(err);
  const unavailable = storeUnavailableMessage(err);
  if (unavailable) {
    context.warn(`${context.functionName} (invocation ${context.invocationId}): the store is unavailable: ${unavailable}`);
    return jsonResponse(503, { error: { code: 'StoreUnavailable', message: unavailable } }, { 'x-ms-error-code': 'StoreUnavailable', 'retry-after': '5' });
  }
  const error = ensureErrorType(err);
  context.error(`Unhandled error in ${context.functionName} (invocation ${context.invocationId}): ${error.stack ?? error.message}`);
  const message = `The service failed to answer. Quote invocation id ${context.invocationId} when reporting it.`;
  return jsonResponse(500, { error: { code: 'InternalError', message } }, { 'x-ms-error-code': 'InternalError' });
}
