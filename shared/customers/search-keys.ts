/**
 * Search keys. Every customer document stores the keys a search can match, folded the same way as
 * the query (kernel/text.ts), so a search is an index range lookup (STARTSWITH over an indexed
 * array) instead of a scan with CONTAINS(LOWER(...)).
 *
 * Scripts written without spaces (Han, Hiragana, Katakana, Hangul) have no words to prefix-match, so
 * a customer also stores the distinct bigrams (two consecutive characters) of the CJK runs of its
 * folded name. A search that is a run of two or more CJK characters is narrowed through the index by
 * requiring some of its bigrams, and confirmed by the folded name containing the whole run (the store
 * does both in one query, so paging is unchanged). Every name that contains the run has all of its
 * bigrams, so the narrowing never loses a match; the confirmation removes names that have the
 * bigrams apart (e.g. "ABA BAB" for "ABAB").
 */
import { foldText } from '../kernel/text.js';

/**
 * A letter, digit or mark of a script written without spaces. Script_Extensions, so that marks shared
 * by Hiragana and Katakana (the prolonged sound mark ー) count; letters, digits and marks only, so
 * that CJK punctuation (、。「」) does not.
 */
const CJK_CHARACTER = /^(?=[\p{L}\p{N}\p{M}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]$/u;

/** Runs of CJK and of other letters/digits: a change of script is a word boundary too. */
const SCRIPT_RUNS =
  /(?:(?=[\p{L}\p{N}\p{M}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}])+|(?:(?![\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}])[\p{L}\p{N}\p{M}])+/gu;

/** Whether one character (a code point) is a Han, Hiragana, Katakana or Hangul letter, digit or mark. */
export function isCjkCharacter(character: string): boolean {
  return CJK_CHARACTER.test(character);
}

/**
 * The words of a folded name: its white-space separated tokens, the letter/digit runs inside them
 * ("o'brien" yields "o'brien", "o" and "brien"), and inside a run the parts in one script
 * ("台灣contoso" yields "台灣" and "contoso"), so a search for either finds the customer.
 */
export function nameWords(foldedName: string): string[] {
  const words = new Set<string>();
  for (const token of foldedName.split(' ')) {
    if (token) words.add(token);
    for (const run of token.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []) {
      words.add(run);
      for (const part of run.match(SCRIPT_RUNS) ?? []) words.add(part);
    }
  }
  return [...words];
}

/** Distinct bigrams of consecutive CJK characters (code points) in a folded text. */
export function cjkBigrams(foldedText: string): string[] {
  const bigrams = new Set<string>();
  let previous: string | undefined;
  for (const character of foldedText) {
    const cjk = isCjkCharacter(character);
    if (cjk && previous !== undefined) bigrams.add(previous + character);
    previous = cjk ? character : undefined;
  }
  return [...bigrams];
}

/**
 * The folded query when it is a run of two or more CJK characters (and nothing else), which also
 * matches anywhere inside a company name; otherwise undefined.
 */
export function cjkInsideQuery(foldedQuery: string): string | undefined {
  const characters = [...foldedQuery];
  return characters.length >= 2 && characters.every(isCjkCharacter) ? foldedQuery : undefined;
}

/**
 * How many of a query's bigrams the store requires when narrowing (the containment check confirms
 * the rest): enough to be selective, few enough to keep the query short for a 255-character search.
 */
export const MAX_QUERY_BIGRAMS = 8;

/**
 * The bigrams a CJK query narrows by: up to MAX_QUERY_BIGRAMS distinct ones, spread over the query
 * so that a long query is narrowed by its whole length.
 */
export function queryBigrams(insideQuery: string): string[] {
  const all = cjkBigrams(insideQuery);
  if (all.length <= MAX_QUERY_BIGRAMS) return all;
  const step = (all.length - 1) / (MAX_QUERY_BIGRAMS - 1);
  return Array.from({ length: MAX_QUERY_BIGRAMS }, (_, index) => all[Math.round(index * step)] ?? '');
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

/** The stored CJK bigrams of a company name (see the top of this file). */
export function customerSearchBigrams(companyName: string): string[] {
  return cjkBigrams(foldText(companyName));
}
