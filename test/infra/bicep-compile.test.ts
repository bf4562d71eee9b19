/**
 * The real Bicep linter over infra/: every file lints with no error and no warning, and the rules
 * we rely on are errors that do fire. Building and the dry run are in bicep-template.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBicep, pinnedBicepVersion, versionAtLeast } from '../support/test-tools.js';
import { bicep, bicepFiles, infraDir } from './bicep.js';

/** Diagnostics that fail the build: errors and warnings (an Info is advice). */
const failing = (diagnostic: { level: string }) => diagnostic.level !== 'Info';

describe('the Bicep compiler', { timeout: 180_000 }, () => {
  it('is found, at the pinned version or later', () => {
    const cli = findBicep();
    expect(versionAtLeast(cli.version, pinnedBicepVersion), `${cli.path} is ${cli.version}`).toBe(true);
  });

  it('lints every Bicep file under infra/ with no errors and no warnings', async () => {
    expect(bicepFiles()).toEqual(expect.arrayContaining(['infra/main.bicep', 'infra/types.bicep', 'infra/modules/function-app.bicep']));
    const lint = await bicep(['lint', '--pattern', 'infra/**/*.bicep']);
    expect(lint.diagnostics.filter(failing)).toEqual([]);
    expect(lint.status, lint.stderr).toBe(0);
  });

  it('the linter rules we rely on are errors, and they fire on a file that breaks them', async () => {
    const config = JSON.parse(readFileSync(join(infraDir, 'bicepconfig.json'), 'utf8')) as {
      analyzers: { core: { enabled: boolean; rules: Record<string, { level: string }> } };
    };
    expect(config.analyzers.core.enabled).toBe(true);
    const rules = config.analyzers.core.rules;
    for (const [rule, { level }] of Object.entries(rules)) expect(['error', 'off'], rule).toContain(level);
    const reliedOn = [
      'no-unused-params',
      'no-unused-vars',
      'no-hardcoded-env-urls',
      'secure-secrets-in-params',
      'outputs-should-not-contain-secrets',
      'use-parent-property',
      'use-recent-api-versions',
      'use-resource-symbol-reference',
      'use-user-defined-types',
      'what-if-short-circuiting',
    ];
    for (const rule of reliedOn) expect(rules[rule]?.level, rule).toBe('error');

    const folder = mkdtempSync(join(tmpdir(), 'bicep-lint-'));
    try {
      writeFileSync(join(folder, 'bicepconfig.json'), readFileSync(join(infraDir, 'bicepconfig.json')));
      writeFileSync(
        join(folder, 'broken.bicep'),
        [
          "@description('Required. Never used.')",
          'param unused string',
          "@description('Optional. A bare object.')",
          'param settings object = {}',
          "@description('Storage endpoint.')",
          "output endpoint string = 'https://example.blob.core.windows.net/${settings.name}'",
          "@description('A secret.')",
          "output accountKey string = listKeys('x', '2023-01-01').keys[0].value",
          '',
        ].join('\n'),
      );
      const lint = await bicep(['lint', join(folder, 'broken.bicep')], folder);
      expect(lint.status).not.toBe(0);
      const codes = new Set(lint.diagnostics.map((diagnostic) => diagnostic.code));
      for (const code of ['no-unused-params', 'no-hardcoded-env-urls', 'outputs-should-not-contain-secrets', 'use-user-defined-types']) {
        expect([...codes], code).toContain(code);
      }
      expect(lint.diagnostics.filter((diagnostic) => diagnostic.code === 'no-unused-params').map((diagnostic) => diagnostic.level)).toEqual(['Error']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
