/**
 * Domain errors with stable codes. The domain says what went wrong (`kind`); only shared/http maps
 * a kind to an HTTP status, so queue and timer handlers can use the same errors.
 */
import type { z } from 'zod';

export type ErrorKind =
  | 'Invalid'
  | 'Unauthenticated'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'PreconditionFailed'
  | 'TooLarge'
  | 'UnsupportedMediaType'
  | 'PreconditionRequired'
  | 'TooManyRequests'
  | 'Unavailable';

export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** PascalCase, stable: clients branch on it. */
    readonly code: string,
    message: string,
    /** The offending field or parameter, when there is one. */
    readonly target?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const invalid = (code: string, message: string, target?: string) => new ServiceError('Invalid', code, message, target);

export const notFound = (what: string, target?: string) => new ServiceError('NotFound', 'NotFound', `${what} was not found.`, target);

/** Turns anything thrown into an Error, so logs and rethrows always carry a message and stack. */
export function ensureErrorType(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(`Non-error thrown: ${typeof err === 'string' ? err : JSON.stringify(err)}`);
}

/**
 * The first problem zod found: the dotted path of the field ('' for the whole value) and its message.
 * A field the schema does not know is its own target ("extra", "filter.extra"), as a client needs it.
 */
export function firstIssue(error: z.ZodError): { target: string; message: string } {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const key = String(issue.keys[0] ?? '');
    return { target: [...issue.path.map(String), key].join('.'), message: 'is not a field of this request' };
  }
  return { target: issue?.path.map(String).join('.') ?? '', message: issue?.message ?? 'is invalid' };
}
