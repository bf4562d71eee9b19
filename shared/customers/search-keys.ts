/**
 * Search normalization. Every customer document stores the keys a search can match, folded the
 * same way as the query, so a search is an index range lookup (STARTSWITH over an indexed array)
 * instead of a scan with CONTAINS(LOWER(...)).
 *
 * Folding: Unicode compatibility forms (full-width to ASCII, ligatures), case, and the diacritics of
 * Latin, Greek, Cyrillic, Hebrew and Arabic scripts. Marks that change a letter's identity in other
 * scripts (Japanese voicing marks, Indic vowel signs) are kept.
 */

/** Combining marks that are accents: removed by folding. */
const ACCENT_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05c7\u064b-\u065f\u0670]/g;

/** Letters that do not decompose but that people type without their stroke or as two letters. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ħ: 'h',
  ı: 'i',
  ŀ: 'l',
  ς: 'σ',
};
const SPECIAL_PATTERN = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');

/** Maximum length of a stored key or a query, in UTF-16 code units (longer input is cut). */
export const MAX_KEY_LENGTH = 255;

/** Case-, accent- and width-folds a string and collapses white space. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(ACCENT_MARKS, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(SPECIAL_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .replace(/\s+/gu, ' ')
    .trim()
    .slice(0, MAX_KEY_LENGTH);
}

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

/** The reference matcher, in memory: what the store query must agree with. */
export function matchesSearch(customer: { id: string; companyName: string; domain: string }, search: string): boolean {
  const query = foldText(search);
  if (!query) return true;
  if (customer.id.toLowerCase() === search.trim().toLowerCase()) return true;
  return customerSearchKeys(customer.companyName, customer.domain).some((key) => key.startsWith(query));
}
