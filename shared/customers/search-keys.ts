/**
 * Search keys. Every customer document stores the keys a search can match, folded the same way as
 * the query (kernel/text.ts), so a search is an index range lookup (STARTSWITH over an indexed
 * array) instead of a scan with CONTAINS(LOWER(...)).
 */
import { foldText } from '../kernel/text.js';

/**
 * The words of a folded name: its white-space separated tokens, and the letter/digit runs inside
 * them ("o'brien" yields "o'brien", "o" and "brien"), so a search for either finds the customer.
 */
export function nameWords(foldedName: string): string[] {
  const words = new Set<string>();
  for (const token of foldedName.split(' ')) {
    if (token) words.add(token);
    for (const run of token.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []) words.add(run);
  }
  return [...words];
}

/**
 * The stored search keys of a customer: the folded name, each word of it, the folded domain and
 * each dot-separated label of the domain. Deduplicated; order carries no meaning.
 */
export function customerSearchKeys(companyName: string, domain: string): string[] {
  const foldedName = foldText(companyName);
  const foldedDomain = foldText(domain);
  const keys = new Set<string>();
  if (foldedName) keys.add(foldedName);
  for (const word of nameWords(foldedName)) keys.add(word);
  if (foldedDomain) keys.add(foldedDomain);
  for (const label of foldedDomain.split('.')) if (label) keys.add(label);
  return [...keys];
}

/** The stored sort key: rows are ordered by it, then by id (case- and accent-insensitive). */
export function customerSortKey(companyName: string): string {
  return foldText(companyName);
}
