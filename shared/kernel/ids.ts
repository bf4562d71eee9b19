/** Identifiers: how ids compare, and ids derived from their parts. */
import { createHash } from 'node:crypto';

/** Ids that are GUIDs compare case-insensitively: they are stored and looked up in lower case. */
export function canonicalId(id: string): string {
  const trimmed = id.trim();
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}

/** A GUID-shaped id derived from its parts: the same parts always give the same id. */
export function deterministicId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
