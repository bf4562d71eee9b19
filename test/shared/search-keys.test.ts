import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cjkInsideQuery, customerSearchBigrams, customerSearchKeys, MAX_QUERY_BIGRAMS, nameWords, queryBigrams } from '../../shared/customers/search-keys.js';
import { foldText } from '../../shared/kernel/text.js';
import { matchesSearch } from '../support/oracles.js';

fc.configureGlobal({ seed: 20261124, numRuns: 300 });

describe('search normalization', () => {
  it.each([
    ['Müller', 'muller'],
    ['SOCIÉTÉ GÉNÉRALE', 'societe generale'],
    ['Straße', 'strasse'],
    ['Ærø', 'aero'],
    ['Łódź', 'lodz'],
    ['Ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['  many   spaces\there ', 'many spaces here'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['İstanbul', 'istanbul'],
    ['ガス', 'ガス'],
    ['हिन्दी', 'हिन्दी'],
  ])('folds %s to %s', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });

  it('folding is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => foldText(foldText(text)) === foldText(text)));
  });

  it('folding ignores letter case', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), (text) => foldText(text.toUpperCase()) === foldText(text.toLowerCase())));
  });

  it('every prefix of the folded name and of every word matches', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.nat(), (name, cut) => {
        const folded = foldText(name);
        fc.pre(folded.length > 0);
        const prefix = folded.slice(0, 1 + (cut % folded.length)).trim();
        fc.pre(prefix.length > 0);
        expect(matchesSearch({ id: 'x', companyName: name, domain: 'example.com' }, prefix)).toBe(true);
        for (const word of nameWords(folded)) expect(matchesSearch({ id: 'x', companyName: name, domain: 'example.com' }, word)).toBe(true);
      }),
    );
  });

  it('a search matches only through a key it is a prefix of, or the exact id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 8 }), (name, search) => {
        const keys = customerSearchKeys(name, 'mail.example.com');
        const expected = foldText(search) === '' || keys.some((key) => key.startsWith(foldText(search))) || search.trim().toLowerCase() === 'id-1';
        expect(matchesSearch({ id: 'id-1', companyName: name, domain: 'mail.example.com' }, search)).toBe(expected);
      }),
    );
  });

  it('domain labels are keys, but a suffix that is not a label start is not', () => {
    const keys = customerSearchKeys('Zeta', 'mail.zeta-systems.co.uk');
    expect(keys).toEqual(expect.arrayContaining(['mail.zeta-systems.co.uk', 'mail', 'zeta-systems', 'co', 'uk']));
    expect(matchesSearch({ id: 'x', companyName: 'Zeta', domain: 'mail.zeta-systems.co.uk' }, 'systems')).toBe(false);
  });
});

/** Names from a small alphabet, so that runs repeat and bigrams meet apart ("雲端 端雲"). */
const CJK_ALPHABET = ['台', '灣', '雲', '端', '科', '技', '株', '式', '会', '社', 'テ', 'ク', 'ノ', 'ー', '가', '나', '𠮷', '々'];
const OTHER_ALPHABET = [' ', 'a', 'B', '-', '、', '・', '1'];
const cjkName = fc
  .array(fc.constantFrom(...CJK_ALPHABET, ...CJK_ALPHABET, ...OTHER_ALPHABET), { minLength: 1, maxLength: 24 })
  .map((characters) => characters.join(''));
const cjkQuery = fc.array(fc.constantFrom(...CJK_ALPHABET), { minLength: 2, maxLength: 6 }).map((characters) => characters.join(''));
const customer = (companyName: string) => ({ id: 'id-1', companyName, domain: 'mail.example.com' });

describe('search inside names in scripts without spaces', () => {
  it('any run of two or more CJK characters of a name finds it', () => {
    fc.assert(
      fc.property(cjkName, fc.nat(), fc.nat(), (name, start, length) => {
        const characters = [...name];
        const from = start % characters.length;
        const run = characters.slice(from, from + 2 + (length % 8));
        fc.pre(run.length >= 2 && run.every((character) => CJK_ALPHABET.includes(character)));
        const search = run.join('');
        expect(matchesSearch(customer(name), search)).toBe(true);
        // The store narrows by these bigrams: every one of them is stored for the name.
        const stored = customerSearchBigrams(name);
        for (const bigram of queryBigrams(search)) expect(stored).toContain(bigram);
      }),
    );
  });

  it('a CJK search that is not inside the name, nor a prefix of a key, finds nothing', () => {
    fc.assert(
      fc.property(cjkName, cjkQuery, (name, search) => {
        const inside = foldText(name).includes(foldText(search));
        const prefix = customerSearchKeys(name, 'mail.example.com').some((key) => key.startsWith(foldText(search)));
        expect(matchesSearch(customer(name), search)).toBe(inside || prefix);
        expect(inside || !prefix).toBe(true);
      }),
    );
  });

  it.each([
    ['台北雲端科技股份有限公司', ['雲端', '科技', '台北', '有限公司', '股份']],
    ['東京テクノロジー株式会社', ['株式会社', 'テクノロジー', 'ノロ', '京テ']],
    ['삼성전자 주식회사', ['전자', '주식', '식회사']],
    ['Contoso 台灣', ['contoso', '台灣', '台']],
    ['台灣Contoso科技', ['contoso', '台灣', '科技', '科', 'cont']],
    ['ｶﾌﾞｼｷｶﾞｲｼｬ ﾃｸﾉﾛｼﾞｰ', ['カブ', 'ガイシャ', 'テクノロジー', 'ジー']],
  ])('%s is found by each of %j', (name, searches) => {
    for (const search of searches) expect(matchesSearch(customer(name), search), search).toBe(true);
  });

  it.each([
    ['台北雲端科技股份有限公司', ['端雲', '雲科', '台北 雲端', '技股份有限公司司']],
    ['Contoso 台灣', ['oso', '灣台']],
    ['雲端 端雲', ['雲端雲', '端端']],
    ['テクノロジー', ['ロジ一']],
  ])('%s is not found by %j', (name, searches) => {
    for (const search of searches) expect(matchesSearch(customer(name), search), search).toBe(false);
  });

  it('a single CJK character keeps the prefix rule; other scripts keep theirs', () => {
    expect(matchesSearch(customer('台北雲端科技'), '雲')).toBe(false);
    expect(matchesSearch(customer('台北雲端科技'), '台')).toBe(true);
    expect(matchesSearch(customer('Contoso Pharmaceuticals'), 'pharma')).toBe(true);
    expect(matchesSearch(customer('Contoso Pharmaceuticals'), 'ceuticals')).toBe(false);
    expect(cjkInsideQuery('ab')).toBeUndefined();
    expect(cjkInsideQuery('雲a')).toBeUndefined();
    expect(cjkInsideQuery('雲端')).toBe('雲端');
  });

  it('a long query narrows by at most a fixed number of bigrams, spread over it', () => {
    const search = '台北雲端科技股份有限公司台北雲端科技股份有限公司東京';
    const bigrams = queryBigrams(search);
    expect(bigrams.length).toBe(MAX_QUERY_BIGRAMS);
    expect(bigrams[0]).toBe('台北');
    expect(bigrams.at(-1)).toBe('東京');
  });
});
