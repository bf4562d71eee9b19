/** Identifiers: how ids compare, and ids derived from their parts. */
import { createHash } from 'node:crypto';
import { invalid } from './errors.js';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether the text is a GUID (8-4-4-4-12 hexadecimal digits, either case). */
export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** Ids that are GUIDs compare case-insensitively: they are stored and looked up in lower case. */
export function canonicalId(id: string): string {
  const trimmed = id.trim();
  return GUID.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}

/**
 * A tenant, customer, reseller or export id as the contract documents it: a GUID, returned in
 * lower case. Anything else is Invalid (400, code InvalidId) before any store call, so `..`, `/`,
 * `#` or trailing white space never reach a point read.
 */
export function guidId(value: string, target: string, what = 'The id'): string {
  const trimmed = value.trim();
  if (!GUID.test(trimmed)) throw invalid('InvalidId', `${what} must be a GUID (8-4-4-4-12 hexadecimal digits).`, target);
  return trimmed.toLowerCase();
}

/** A GUID-shaped id derived from its parts: the same parts always give the same id. */
export function deterministicId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
