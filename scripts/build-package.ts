/**
 * The deployment package (`npm run build` writes it to deploy/, which azure.yaml deploys): only
 * what runs in Azure.
 *
 * - functions/index.js: the entry point (functions/index.ts) and everything it imports, npm
 *   packages included, bundled by esbuild into one ES module. One file parses and links much
 *   faster than hundreds of modules resolved one by one on every cold start (`npm run bench`
 *   measures it), and no node_modules has to ship. `@azure/functions-core` stays external: the
 *   Node.js worker provides it at run time through its own `require` hook.
 * - host.json, portal/ (served at /) and a package.json naming the entry, with no dependencies.
 *
 * Nothing else: no sources, tests, benchmarks, local host, demo data or devDependencies.
 */
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, whether this runs from scripts/ or dist/scripts/. */
export const projectRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

export interface PackageSummary {
  directory: string;
  /** Paths relative to the package root, with forward slashes, sorted. */
  files: string[];
  bytes: number;
  /** What the bundle was built from: repository paths, npm packages under node_modules/. */
  bundledInputs: string[];
}

/**
 * Bundles an entry point and what it imports into `outdir` (named after the entry, its chunks
 * under chunks/): ES modules for Node 20; what the entry imports dynamically is split off and
 * loaded only when imported.
 */
export function bundleEntry(entry: string, outdir: string) {
  return build({
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    // The SDKs the entry imports on first use become chunks of their own, loaded then.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    external: ['@azure/functions-core'],
    // Bundled CommonJS packages call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
}

export async function buildPackage(directory = path.join(projectRoot, 'deploy')): Promise<PackageSummary> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  const bundle = await bundleEntry(path.join(projectRoot, 'functions/index.ts'), path.join(directory, 'functions'));
  const project = JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const manifest = {
    name: project.name,
    version: project.version,
    private: true,
    description: project.description,
    type: 'module',
    main: 'functions/index.js',
    engines: project.engines,
  };
  await writeFile(path.join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await cp(path.join(projectRoot, 'host.json'), path.join(directory, 'host.json'));
  await cp(path.join(projectRoot, 'portal'), path.join(directory, 'portal'), { recursive: true });

  const files = (await readdir(directory, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  let bytes = 0;
  for (const file of files) bytes += (await stat(path.join(directory, file))).size;
  return { directory, files, bytes, bundledInputs: Object.keys(bundle.metafile.inputs).sort() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildPackage(process.argv[2] ? path.resolve(process.argv[2]) : undefined)
    .then((summary) => {
      console.log(
        `Deployment package: ${path.relative(process.cwd(), summary.directory) || '.'}, ${summary.files.length} files, ${(summary.bytes / 1024).toFixed(0)} KiB`,
      );
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
