import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerSearchKeys, nameWords } from '../../shared/customers/search-keys.js';
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
