// Small helpers the azd hooks share: run `az` and `azd` (Windows resolves them through the shell,
// so arguments are quoted there) and read the azd environment.
import { spawnSync } from 'node:child_process';

const onWindows = process.platform === 'win32';

function quoteForShell(arg) {
  return onWindows && /[\s"&|<>^()]/.test(arg) ? `"${arg.replaceAll('"', '\\"')}"` : arg;
}

/** Runs a command and returns its trimmed stdout; throws with its stderr when it fails. */
export function run(command, args) {
  const result = spawnSync(command, args.map(quoteForShell), { encoding: 'utf8', shell: onWindows });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

/** Like run, but answers undefined instead of throwing (for look-ups that may find nothing). */
export function tryRun(command, args) {
  try {
    return run(command, args);
  } catch {
    return undefined;
  }
}

/** The azd environment's values (`azd env get-values`), as an object. */
export function azdEnvironment() {
  return JSON.parse(run('azd', ['env', 'get-values', '--output', 'json']));
}
