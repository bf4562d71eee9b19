/**
 * npm test sets itself up on a fresh machine (test/support/test-tools.ts, package.json pretest):
 * it finds Chromium and the Bicep CLI or installs them, and where it can do neither it stops with
 * one sentence saying what to install. Chromium and the .NET SDK are installed here, so the
 * missing cases run the real script with CHROMIUM_PATH, BICEP_PATH or PATH pointing elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  calcTool,
  chromiumTool,
  ensureTools,
  findBicep,
  findChromium,
  findTool,
  installCommands,
  MissingTool,
  missingTool,
  pinnedBicepVersion,
  repoRoot,
  versionAtLeast,
} from './test-tools.js';

const scratch = mkdtempSync(join(tmpdir(), 'test-tools-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the set-up script as npm test's pretest does, with this environment. */
function setUp(env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'test', 'support', 'test-tools.ts')], {
    cwd: repoRoot,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** One sentence: starts with a capital letter, ends with a full stop, and has no other line. */
const oneSentence = /^[A-Z][^\n]*\.$/;

describe('the test set-up', { timeout: 180_000 }, () => {
  it('finds Chromium, LibreOffice Calc and the Bicep CLI on this machine, and says which', () => {
    const result = setUp(process.env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Chromium ${findChromium()}`);
    expect(result.stdout).toContain(`LibreOffice Calc ${findTool(calcTool)}`);
    expect(result.stdout).toContain(`Bicep CLI ${findBicep().version}`);
  });

  for (const variable of ['CHROMIUM_PATH', 'SOFFICE_PATH']) {
    it(`where ${variable} names no executable, stops with one sentence saying what to do`, () => {
      const result = setUp({ ...process.env, [variable]: join(scratch, 'no-such-program') });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(oneSentence);
      expect(result.stderr).toContain(variable);
    });
  }

  it('where BICEP_PATH names no Bicep CLI, stops with one sentence saying what to do', () => {
    const result = setUp({ ...process.env, BICEP_PATH: join(scratch, 'no-such-bicep') });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(oneSentence);
    expect(result.stderr).toContain('BICEP_PATH');
  });

  it('with neither a Bicep CLI nor the .NET SDK, stops with one sentence naming both ways to get one', () => {
    // A PATH with only node on it and a home with no NuGet packages and no az: a fresh machine without .NET.
    const home = join(scratch, 'home');
    const bin = join(scratch, 'bin');
    mkdirSync(home, { recursive: true });
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = setUp({ PATH: bin, HOME: home, CHROMIUM_PATH: findChromium() });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(oneSentence);
    expect(result.stderr).toContain(`Bicep CLI ${pinnedBicepVersion}`);
    expect(result.stderr).toContain('.NET SDK');
    expect(result.stderr).toContain('az bicep install');
  });

  it('installs Debian packages with apt-get only as root or with sudo that needs no password', () => {
    expect(installCommands(['chromium', 'libreoffice-calc'], { aptGet: true, root: true, sudoWithoutPassword: false })).toEqual([
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'libreoffice-calc'],
    ]);
    expect(installCommands(['chromium'], { aptGet: true, root: false, sudoWithoutPassword: true })?.[1]?.slice(0, 3)).toEqual(['sudo', '-n', 'apt-get']);
    expect(installCommands(['chromium'], { aptGet: true, root: false, sudoWithoutPassword: false })).toBeUndefined();
    expect(installCommands(['chromium'], { aptGet: false, root: true, sudoWithoutPassword: false })).toBeUndefined();
    for (const tool of [chromiumTool, calcTool])
      for (const aptGet of [true, false]) expect(missingTool(tool, { aptGet, root: false, sudoWithoutPassword: false })).toMatch(oneSentence);
  });

  it('where a tool is missing and the machine does not allow installing it, stops with that sentence and installs nothing', () => {
    // Debian's paths pointed at files that are not there, and a PATH without either tool.
    const env = { PATH: join(scratch, 'empty') };
    const debianPaths = [join(scratch, 'usr-bin-chromium'), join(scratch, 'usr-bin-soffice')];
    for (const machine of [
      { aptGet: true, root: false, sudoWithoutPassword: false },
      { aptGet: false, root: true, sudoWithoutPassword: false },
    ]) {
      expect(() => findChromium(env, debianPaths[0])).toThrow(MissingTool);
      expect(() => findTool(calcTool, env, debianPaths[1])).toThrow(MissingTool);
      expect(() => ensureTools([chromiumTool, calcTool], env, machine, debianPaths)).toThrow(missingTool(chromiumTool, machine));
      // Chromium found, Calc missing: the sentence names Calc.
      expect(() => ensureTools([chromiumTool, calcTool], { ...env, CHROMIUM_PATH: findChromium() }, machine, debianPaths)).toThrow(
        missingTool(calcTool, machine),
      );
    }
  });

  it('compares versions by number', () => {
    expect(versionAtLeast('0.49.2', '0.49.2')).toBe(true);
    expect(versionAtLeast('0.50.0', '0.49.2')).toBe(true);
    expect(versionAtLeast('0.49.10', '0.49.2')).toBe(true);
    expect(versionAtLeast('0.48.9', '0.49.2')).toBe(false);
    expect(versionAtLeast('1.0', '0.49.2')).toBe(true);
  });
});
