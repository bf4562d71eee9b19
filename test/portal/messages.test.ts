/**
 * The portal's message catalogues: every language has every message, with the same placeholders
 * and the plural forms its language needs, and every key the portal's code asks for exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import de from '../../portal/messages-de.js';
import en from '../../portal/messages-en.js';
import zhTW from '../../portal/messages-zh-TW.js';
import { demoRecords } from '../../shared/demo/demo-data.js';
import { PLATFORM_AUTHENTICATION_DISABLED } from '../../shared/http/platform.js';

type Message = string | Partial<Record<Intl.LDMLPluralRule, string>>;
const catalogues: Record<string, Record<string, Message>> = { en, 'zh-TW': zhTW, de };

const placeholders = (message: Message) =>
  [
    ...new Set((typeof message === 'string' ? [message] : Object.values(message)).flatMap((text) => [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]))),
  ].sort();

describe('message catalogues', () => {
  it.each(Object.keys(catalogues))('%s has exactly the English keys, with the same placeholders', (language) => {
    const catalogue = catalogues[language] ?? {};
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
    for (const [key, message] of Object.entries(en)) {
      const translated = catalogue[key];
      if (translated === undefined) continue;
      expect(placeholders(translated), `${language} ${key}`).toEqual(placeholders(message));
      expect(typeof translated, `${language} ${key}`).toBe(typeof message);
    }
  });

  it('names every relationship the demo data and the test fixtures hold, in every language', () => {
    const relationships = new Set(['Indirect reseller', 'Direct reseller']);
    for (const record of demoRecords(200)) if (record.type === 'customer') relationships.add(String(record.relationship));
    expect(relationships.size).toBeGreaterThan(2);
    for (const [language, catalogue] of Object.entries(catalogues))
      for (const relationship of relationships) expect(catalogue[`relationship.${relationship}`], `${language} ${relationship}`).toBeTypeOf('string');
  });

  it.each(Object.keys(catalogues))('%s has every plural form its language uses', (language) => {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
    for (const [key, message] of Object.entries(catalogues[language] ?? {})) {
      if (typeof message === 'string') continue;
      for (const category of categories) expect(message[category], `${language} ${key} ${category}`).toBeTypeOf('string');
    }
  });

  it('Traditional Chinese and German messages contain no untranslated English sentence', () => {
    for (const language of ['zh-TW', 'de']) {
      for (const [key, message] of Object.entries(catalogues[language] ?? {})) {
        for (const text of typeof message === 'string' ? [message] : Object.values(message)) {
          const english = en[key];
          const englishTexts = typeof english === 'string' ? [english] : Object.values(english ?? {});
          // Equal to English only where the text has no words: placeholders, punctuation, product names.
          if (englishTexts.includes(text ?? ''))
            expect((text ?? '').replace(/\{\w+\}|Microsoft|Azure|365|ID|Details|Status|Reseller|Export/g, ''), `${language} ${key}`).not.toMatch(
              /[A-Za-z]{3,}/,
            );
        }
      }
    }
  });

  it('every error code the API returns has a message of its own (the service writes its messages in English)', () => {
    const codes = new Set<string>([PLATFORM_AUTHENTICATION_DISABLED]);
    const failures = new Set<string>();
    const sources = ['shared', 'functions'].flatMap((folder) =>
      readdirSync(folder, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts') && !name.includes('host/'))
        .map((name) => readFileSync(path.join(folder, name), 'utf8')),
    );
    for (const text of sources) {
      for (const match of text.matchAll(/\binvalid\(\s*'([A-Z]\w+)'/g)) codes.add(match[1] ?? '');
      for (const match of text.matchAll(/new ServiceError\(\s*'\w+',\s*'([A-Z]\w+)'/g)) codes.add(match[1] ?? '');
      for (const match of text.matchAll(/error: \{ code: '([A-Z]\w+)'/g)) codes.add(match[1] ?? '');
      for (const match of text.matchAll(/code: '(Storage\w+|ExportFailed)'/g)) failures.add(match[1] ?? '');
    }
    expect(codes).toContain('TooManyExports');
    expect(codes).toContain('CronTooFrequent');
    // Explained without a message of their own: bad fields name the field, a 500 is "the service had a problem".
    const generic = new Set(['InvalidBody', 'InternalError']);
    for (const code of codes) if (!generic.has(code)) expect(Object.keys(en), code).toContain(`error.${code}`);
    expect(failures.size).toBe(4);
    for (const code of failures) expect(Object.keys(en), code).toContain(`exportError.${code}`);
  });

  it('every message key the portal asks for exists', () => {
    const portal = path.resolve('portal');
    const used = new Set<string>();
    for (const file of readdirSync(portal).filter((name) => (name.endsWith('.js') && name !== 'i18n.js') || name.endsWith('.html'))) {
      const text = readFileSync(path.join(portal, file), 'utf8');
      for (const match of text.matchAll(/\bt(?:Nodes)?\('([\w.]+)'/g)) used.add(match[1] ?? '');
      for (const match of text.matchAll(/data-i18n(?:-[\w-]+)?="([\w.]+)"/g)) used.add(match[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(50);
    for (const key of used) expect(Object.keys(en), key).toContain(key);
  });
});
