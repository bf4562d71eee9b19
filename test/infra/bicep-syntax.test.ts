import { describe, expect, it } from 'vitest';
import { bicepFilePaths, parseBicepFile, parseBicepSource, syntaxProblems } from './bicep-tree.js';

describe('Bicep syntax', () => {
  it('the tree-sitter grammar loads with the installed web-tree-sitter', async () => {
    const file = await parseBicepSource("param name string = 'x'\n");
    expect(file.root.type).toBe('infrastructure');
    expect(syntaxProblems(file.root)).toEqual([]);
  });

  it('a file with a syntax error is reported with its line', async () => {
    const broken = await parseBicepSource(
      "resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {\n  name: 'x'\n  properties: {\n    minimumTlsVersion 'TLS1_2'\n  }\n",
    );
    const problems = syntaxProblems(broken.root);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((problem) => problem.line >= 3)).toBe(true);
  });

  it('infra/ has main.bicep and its modules', () => {
    const paths = bicepFilePaths();
    expect(paths).toContain('infra/main.bicep');
    expect(paths.filter((path) => path.startsWith('infra/modules/')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(bicepFilePaths())('every Bicep file parses without syntax errors: %s', async (path) => {
    const file = await parseBicepFile(path);
    expect(syntaxProblems(file.root)).toEqual([]);
  });
});
