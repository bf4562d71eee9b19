/**
 * Cold start: how long Node takes to import the deployed entry point (the bundle in the package
 * `npm run build` makes), against a minimal function app (bench/minimal-app.ts), each in fresh
 * processes taking turns. The figure is the time of the entry's `import()` inside the process,
 * which is what the Functions worker waits for before it indexes the functions; both import
 * @azure/functions, which outside the worker runs in its test mode. The minimal app is measured as
 * written (importing @azure/functions from node_modules) and also bundled like the package, which
 * shows what bundling alone saves.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildPackage, bundleEntry, projectRoot } from '../scripts/build-package.js';

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface ColdStartFigures {
  date: string;
  processes: number;
  appMedianMilliseconds: number;
  minimalMedianMilliseconds: number;
  /** The deployed entry's median over the minimal app's (as written): the target is at most 2. */
  ratio: number;
  minimalBundledMedianMilliseconds: number;
  ratioToMinimalBundled: number;
  appRangeMilliseconds: [number, number];
  minimalRangeMilliseconds: [number, number];
  packageFiles: number;
  packageKiB: number;
}

/** Milliseconds one fresh Node process takes to import the module at `file`. */
async function importMilliseconds(file: string, nodeArgs: string[]): Promise<number> {
  const script = `const started = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - started));`;
  const { stdout } = await execFileAsync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { cwd: path.dirname(file) });
  return Number(stdout);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export async function coldStartBenchmark(processes: number, nodeArgs: string[]): Promise<ColdStartFigures> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'customer-list-cold-start-'));
  try {
    const built = await buildPackage(path.join(scratch, 'deploy'));
    const app = path.join(built.directory, 'functions/index.js');
    const minimal = path.join(here, 'minimal-app.js');
    await bundleEntry(path.join(projectRoot, 'bench/minimal-app.ts'), path.join(scratch, 'minimal'));
    const minimalBundled = path.join(scratch, 'minimal/minimal-app.js');
    const appTimes: number[] = [];
    const minimalTimes: number[] = [];
    const minimalBundledTimes: number[] = [];
    // One of each in turn, so that both see the machine in the same state.
    for (let run = 0; run < processes; run += 1) {
      appTimes.push(await importMilliseconds(app, nodeArgs));
      minimalTimes.push(await importMilliseconds(minimal, nodeArgs));
      minimalBundledTimes.push(await importMilliseconds(minimalBundled, nodeArgs));
    }
    const round = (value: number) => Math.round(value * 10) / 10;
    const appMedian = median(appTimes);
    const minimalMedian = median(minimalTimes);
    const minimalBundledMedian = median(minimalBundledTimes);
    return {
      date: new Date().toISOString(),
      processes,
      appMedianMilliseconds: round(appMedian),
      minimalMedianMilliseconds: round(minimalMedian),
      ratio: Math.round((appMedian / minimalMedian) * 100) / 100,
      minimalBundledMedianMilliseconds: round(minimalBundledMedian),
      ratioToMinimalBundled: Math.round((appMedian / minimalBundledMedian) * 100) / 100,
      appRangeMilliseconds: [round(Math.min(...appTimes)), round(Math.max(...appTimes))],
      minimalRangeMilliseconds: [round(Math.min(...minimalTimes)), round(Math.max(...minimalTimes))],
      packageFiles: built.files.length,
      packageKiB: Math.round(built.bytes / 1024),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
