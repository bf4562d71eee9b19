/**
 * The deployment package holds what runs in Azure and nothing else, and its entry point loads on
 * its own (no node_modules beside it) and registers every function of the table.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionTable } from '../../functions/table.js';
import { buildPackage, type PackageSummary, projectRoot } from '../../scripts/build-package.js';

const execFileAsync = promisify(execFile);
let built: PackageSummary;

beforeAll(async () => {
  built = await buildPackage(path.join(await mkdtemp(path.join(os.tmpdir(), 'customer-list-package-')), 'deploy'));
});

afterAll(async () => {
  if (built) await rm(path.dirname(built.directory), { recursive: true, force: true });
});

describe('the deployment package', () => {
  it('holds the bundled app, host.json, the portal and a package.json, nothing else', () => {
    const portalFiles = readdirSync(path.join(projectRoot, 'portal')).map((name) => `portal/${name}`);
    const other = built.files.filter((file) => !portalFiles.includes(file));
    expect(built.files).toEqual(expect.arrayContaining(portalFiles));
    for (const file of other) {
      expect(file).toMatch(/^(package\.json|host\.json|functions\/index\.js|functions\/chunks\/[\w-]+\.js|functions\/([\w-]+\/)?[\w-]+\.js\.LEGAL\.txt)$/);
    }
    expect(other).toEqual(expect.arrayContaining(['package.json', 'host.json', 'functions/index.js']));
    expect(readFileSync(path.join(built.directory, 'host.json'), 'utf8')).toBe(readFileSync(path.join(projectRoot, 'host.json'), 'utf8'));
  });

  it('needs no npm packages: its package.json names the entry and no dependencies', () => {
    const manifest = JSON.parse(readFileSync(path.join(built.directory, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ type: 'module', main: 'functions/index.js' });
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
  });

  it('bundles no local host, demo data, scripts, tests, benchmarks or devDependencies', () => {
    const devDependencies = Object.keys(JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).devDependencies);
    const sources = built.bundledInputs.filter((input) => !input.startsWith('node_modules/'));
    expect(sources).toContain('functions/index.ts');
    for (const input of sources) expect(input).toMatch(/^(functions|shared|infra)\//);
    for (const input of sources) expect(input).not.toMatch(/^shared\/(demo\/|host\/local-|import\/)/);
    for (const input of built.bundledInputs) {
      for (const name of devDependencies) expect(input.startsWith(`node_modules/${name}/`), input).toBe(false);
    }
  });

  it('loads with plain Node, away from node_modules, and registers every function of the table', async () => {
    // Outside the Functions worker @azure/functions runs in its test mode, and says so for every
    // function it is asked to register.
    const entry = path.join(built.directory, 'functions/index.js');
    const { stderr } = await execFileAsync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(entry).href)});`], {
      cwd: built.directory,
    });
    const registered = [...stderr.matchAll(/register function "([^"]+)"/g)].map((match) => match[1]);
    expect(registered.sort()).toEqual(functionTable.map((entry) => entry.name).sort());
  });
});
