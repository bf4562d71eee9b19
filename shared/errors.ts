/**
 * Domain errors with stable codes. The domain says what went wrong (`kind`); only shared/http maps
 * a kind to an HTTP status, so queue and timer handlers can use the same errors.
 */
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
  | 'TooManyRequests';

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

/** Returns the value, or throws an error naming what was missing. */
export function nonNullValue<T>(value: T | null | undefined, name: string): T {
  if (value === null || value === undefined) throw new Error(`Internal error: "${name}" is missing.`);
  return value;
}
