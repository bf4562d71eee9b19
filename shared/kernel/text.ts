/**
 * Text folding, the one normalization every module shares: search keys and queries, sort keys of
 * customers, subscriptions and resellers. Folding removes Unicode compatibility forms (full-width to
 * ASCII, ligatures), case, and the diacritics of Latin, Greek, Cyrillic, Hebrew and Arabic scripts.
 * Marks that change a letter's identity in other scripts (Japanese voicing marks, Indic vowel signs)
 * are kept.
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
const MAX_KEY_LENGTH = 255;

/**
 * Case-, accent- and width-folds a string and collapses white space; at most MAX_KEY_LENGTH code
 * units, cut between characters (never between the two halves of a surrogate pair, which would
 * store a key that is not valid Unicode).
 */
export function foldText(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(ACCENT_MARKS, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(SPECIAL_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .replace(/\s+/gu, ' ')
    .trim();
  const cut = folded.slice(0, MAX_KEY_LENGTH);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
