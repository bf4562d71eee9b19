/**
 * What `npm test` needs besides the npm packages: Chromium for the portal tests, LibreOffice Calc
 * for the tests that open exported files as a spreadsheet user would, and the Bicep CLI for the
 * infra tests. `npm test` runs this file first (package.json `pretest`), which finds each
 * one or installs it; the tests then find them again with the same functions.
 *
 * - Chromium: CHROMIUM_PATH, else Debian's chromium (/usr/bin/chromium); LibreOffice Calc:
 *   SOFFICE_PATH, else Debian's libreoffice-calc (/usr/bin/soffice). Where one is missing and the
 *   machine allows it (root, or sudo without a password), one apt-get installs the missing packages.
 * - Bicep CLI: BICEP_PATH, else the pinned version restored from NuGet (tools/bicep/bicep.csproj,
 *   Microsoft's Azure.Bicep.CommandLine.<runtime> package), else a `bicep` on PATH or the one
 *   `az bicep install` keeps in ~/.azure/bin, at the pinned version or later. Where none is found
 *   and the .NET SDK is there, `dotnet restore` brings the pinned version.
 *
 * Where a tool can be neither found nor installed, it stops with one sentence saying what to
 * install, and exits 1.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const restoreProject = join(repoRoot, 'tools', 'bicep', 'bicep.csproj');

/** A tool that cannot be found or installed; the message is the one sentence a developer reads. */
export class MissingTool extends Error {
  override name = 'MissingTool';
}

/** The Bicep CLI version the tests are pinned to (tools/bicep/bicep.csproj). */
export const pinnedBicepVersion = (() => {
  const version = /<BicepVersion>([\d.]+)<\/BicepVersion>/.exec(readFileSync(restoreProject, 'utf8'))?.[1];
  if (!version) throw new Error(`${restoreProject} names no BicepVersion`);
  return version;
})();

type Environment = Record<string, string | undefined>;

export interface BicepCli {
  path: string;
  version: string;
  /** Where it was found: BICEP_PATH, NuGet, PATH or az. */
  source: string;
}

// Debian tools: Chromium and LibreOffice Calc

/** A program the tests run that Debian packages, and how a developer points the tests at their own. */
export interface DebianTool {
  /** What a developer calls it. */
  label: string;
  /** The variable that names its executable instead. */
  pathVariable: string;
  /** Where Debian's package puts it. */
  debianPath: string;
  /** Other names it goes by on PATH. */
  names: string[];
  debianPackage: string;
  /** Which tests use it, and what else could stand in. */
  usedBy: string;
}

export const chromiumTool: DebianTool = {
  label: 'Chromium',
  pathVariable: 'CHROMIUM_PATH',
  debianPath: '/usr/bin/chromium',
  names: ['chromium', 'chromium-browser'],
  debianPackage: 'chromium',
  usedBy: 'a Chromium or Chrome executable',
};

/** LibreOffice Calc opens the exported files as a spreadsheet user would (test/support/spreadsheet.ts). */
export const calcTool: DebianTool = {
  label: 'LibreOffice Calc',
  pathVariable: 'SOFFICE_PATH',
  debianPath: '/usr/bin/soffice',
  names: ['soffice', 'libreoffice'],
  debianPackage: 'libreoffice-calc',
  usedBy: "LibreOffice's soffice executable",
};

export const debianTools = [chromiumTool, calcTool];

/** What this machine allows for installing a Debian package. */
export interface Machine {
  /** Has apt-get (Debian or a derivative). */
  aptGet: boolean;
  /** Runs as root. */
  root: boolean;
  /** sudo works without a password (sudo -n true). */
  sudoWithoutPassword: boolean;
}

export function thisMachine(): Machine {
  const root = process.getuid?.() === 0;
  return {
    aptGet: onPath('apt-get', process.env) !== undefined,
    root,
    sudoWithoutPassword: !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
  };
}

/** The tool's executable; throws MissingTool when there is none. */
export function findTool(tool: DebianTool, env: Environment = process.env, debianPath = tool.debianPath): string {
  const chosen = env[tool.pathVariable];
  if (chosen) {
    if (isExecutable(chosen)) return chosen;
    throw new MissingTool(
      `${tool.pathVariable} is ${chosen}, which is not an executable: point it at ${tool.usedBy}, or unset it to use Debian's ${tool.debianPackage} package.`,
    );
  }
  const found = [debianPath, ...tool.names.map((name) => onPath(name, env))].find((path) => path !== undefined && isExecutable(path));
  if (found) return found;
  throw new MissingTool(missingTool(tool, thisMachine()));
}

/** The Chromium the portal tests launch. */
export const findChromium = (env: Environment = process.env, debianPath = chromiumTool.debianPath) => findTool(chromiumTool, env, debianPath);

/** The apt-get command lines that install these Debian packages here, or undefined where the machine does not allow it. */
export function installCommands(packages: string[], machine: Machine): string[][] | undefined {
  if (!machine.aptGet || !(machine.root || machine.sudoWithoutPassword)) return undefined;
  const prefix = machine.root ? [] : ['sudo', '-n'];
  return [
    [...prefix, 'apt-get', 'update', '-qq'],
    [...prefix, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages],
  ];
}

export function missingTool(tool: DebianTool, machine: Machine): string {
  return machine.aptGet
    ? `${tool.label} is missing and npm test may not install it here (it needs root or sudo without a password): run \`sudo apt-get install ${tool.debianPackage}\`, or set ${tool.pathVariable} to ${tool.usedBy}.`
    : `${tool.label} is missing and this is not a Debian machine: install it and set ${tool.pathVariable} to ${tool.usedBy}.`;
}

/** Finds each tool, or installs the Debian packages of the missing ones (one apt-get) where the machine allows it. */
export function ensureTools(
  tools: DebianTool[],
  env: Environment = process.env,
  machine: Machine = thisMachine(),
  debianPaths = tools.map((tool) => tool.debianPath),
): string[] {
  const missing = tools.filter((tool, index) => {
    try {
      findTool(tool, env, debianPaths[index]);
      return false;
    } catch (err) {
      if (!(err instanceof MissingTool) || env[tool.pathVariable]) throw err;
      return true;
    }
  });
  if (missing.length > 0) {
    const packages = missing.map((tool) => tool.debianPackage);
    const commands = installCommands(packages, machine);
    if (!commands) throw new MissingTool(missingTool(missing[0] as DebianTool, machine));
    console.log(`Installing Debian's ${packages.join(' and ')} for the tests.`);
    for (const [command, ...args] of commands) {
      const result = spawnSync(command ?? 'apt-get', args, {
        stdio: ['ignore', 'inherit', 'pipe'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        encoding: 'utf8',
      });
      if (result.status !== 0) {
        const reason = lastLine(result.stderr) || result.error?.message || `exit code ${result.status}`;
        throw new MissingTool(
          `apt-get could not install Debian's ${packages.join(' and ')} (${reason}): install ${packages.length > 1 ? 'them' : 'it'} by hand.`,
        );
      }
    }
  }
  return tools.map((tool, index) => findTool(tool, env, debianPaths[index]));
}

// Bicep CLI

/** The NuGet runtime id of this machine's Bicep CLI package (Azure.Bicep.CommandLine.<runtime>). */
export function bicepRuntime(): string {
  const os = process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'osx' : 'linux';
  return `${os}-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
}

const bicepExecutable = process.platform === 'win32' ? 'bicep.exe' : 'bicep';

function nugetBicepPath(globalPackages: string): string {
  return join(globalPackages, `azure.bicep.commandline.${bicepRuntime()}`, pinnedBicepVersion, 'tools', bicepExecutable);
}

/** `bicep --version` of an executable, e.g. 0.49.2; undefined when it is not a Bicep CLI. */
export function bicepVersionOf(path: string): string | undefined {
  if (!isExecutable(path)) return undefined;
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  return result.status === 0 ? /Bicep CLI version (\d+\.\d+\.\d+)/.exec(result.stdout)?.[1] : undefined;
}

/** a >= b for dotted version numbers. */
export function versionAtLeast(a: string, b: string): boolean {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

/** The Bicep CLI the infra tests compile with; throws MissingTool when there is none. */
export function findBicep(env: Environment = process.env): BicepCli {
  const chosen = env.BICEP_PATH;
  if (chosen) {
    const version = bicepVersionOf(chosen);
    if (version) return { path: chosen, version, source: 'BICEP_PATH' };
    throw new MissingTool(`BICEP_PATH is ${chosen}, which is not a Bicep CLI: point it at one, or unset it to use the one npm test restores from NuGet.`);
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  const restored = nugetBicepPath(env.NUGET_PACKAGES || join(home, '.nuget', 'packages'));
  const candidates: Array<[string | undefined, string]> = [
    [restored, 'NuGet'],
    [onPath(bicepExecutable, env), 'PATH'],
    [join(env.AZURE_CONFIG_DIR || join(home, '.azure'), 'bin', bicepExecutable), 'az'],
  ];
  const older: string[] = [];
  for (const [path, source] of candidates) {
    if (!path) continue;
    const version = bicepVersionOf(path);
    if (version && versionAtLeast(version, pinnedBicepVersion)) return { path, version, source };
    if (version) older.push(`${path} is ${version}`);
  }
  const found = older.length > 0 ? ` (${older.join(', ')})` : '';
  throw new MissingTool(
    `No Bicep CLI ${pinnedBicepVersion} or later was found${found}: install the .NET SDK (npm test then restores the Bicep CLI from NuGet), or install the Bicep CLI yourself (az bicep install, or bicep on PATH, or BICEP_PATH).`,
  );
}

/** Finds the Bicep CLI, or restores the pinned version from NuGet with the .NET SDK. */
export function ensureBicep(env: Environment = process.env): BicepCli {
  try {
    return findBicep(env);
  } catch (err) {
    if (!(err instanceof MissingTool) || env.BICEP_PATH || !onPath(process.platform === 'win32' ? 'dotnet.exe' : 'dotnet', env)) throw err;
  }
  console.log(`Restoring the Bicep CLI ${pinnedBicepVersion} (Azure.Bicep.CommandLine.${bicepRuntime()}) from NuGet for the infra tests.`);
  const restore = spawnSync('dotnet', ['restore', restoreProject, `-p:BicepRuntime=${bicepRuntime()}`, '--verbosity', 'quiet'], {
    encoding: 'utf8',
    env: childEnv(env),
  });
  if (restore.status !== 0) {
    const reason = lastLine(`${restore.stdout}\n${restore.stderr}`) || restore.error?.message || `exit code ${restore.status}`;
    throw new MissingTool(
      `dotnet could not restore the Bicep CLI ${pinnedBicepVersion} from NuGet (${reason}): check that NuGet is reachable, or install the Bicep CLI yourself (az bicep install).`,
    );
  }
  // Where NuGet put it: the global packages folder as this machine's NuGet configuration says.
  const locals = spawnSync('dotnet', ['nuget', 'locals', 'global-packages', '--list'], { encoding: 'utf8', env: childEnv(env) });
  const globalPackages = /global-packages:\s*(.+)/.exec(locals.stdout ?? '')?.[1]?.trim();
  const path = globalPackages ? nugetBicepPath(globalPackages) : undefined;
  if (!path || !existsSync(path))
    throw new MissingTool(
      `dotnet restored the Bicep CLI but it is not at ${path ?? 'the NuGet global packages folder'}: delete that package folder and run npm test again.`,
    );
  if (!isExecutable(path)) chmodSync(path, 0o755);
  const version = bicepVersionOf(path);
  if (!version)
    throw new MissingTool(`The Bicep CLI restored from NuGet at ${path} does not run on this machine: install the Bicep CLI yourself (az bicep install).`);
  return { path, version, source: 'NuGet' };
}

// Helpers

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: Environment): string | undefined {
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const path = join(folder, name);
    if (isExecutable(path)) return path;
  }
  return undefined;
}

function childEnv(env: Environment): NodeJS.ProcessEnv {
  return { ...process.env, ...env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
}

function lastLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const [chromium, calc] = ensureTools(debianTools);
    const bicep = ensureBicep();
    console.log(`Test tools: Chromium ${chromium}; LibreOffice Calc ${calc}; Bicep CLI ${bicep.version} ${bicep.path} (${bicep.source}).`);
  } catch (err) {
    if (!(err instanceof MissingTool)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
