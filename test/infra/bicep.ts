/**
 * Runs the real Bicep CLI (found or restored by test/support/test-tools.ts) over infra/: lint, build
 * and the dry run of each cloud profile (infra/profiles/<profile>.bicepparam): the compiled template
 * and parameters (build-params) and the resources ARM would deploy with them (snapshot), all
 * written to test/artifacts/arm/<profile>/ for CI to keep.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findBicep, repoRoot } from '../support/test-tools.js';

export { repoRoot };
export const infraDir = join(repoRoot, 'infra');
export const artifactsDir = join(repoRoot, 'test', 'artifacts', 'arm');

/** The cloud profiles of the dry run, each with infra/profiles/<name>.bicepparam. */
export const profiles = ['public', 'usgovernment'] as const;
export type Profile = (typeof profiles)[number];

/** Fixed ids for the dry run, so names derived from them (uniqueString) are stable. */
export const dryRunSubscriptionId = '00000000-0000-0000-0000-0000000000aa';
export const dryRunTenantId = '00000000-0000-0000-0000-0000000000bb';

export interface Diagnostic {
  /** Path relative to the repository root. */
  file: string;
  line: number;
  level: string;
  code: string;
  message: string;
}

export interface BicepRun {
  status: number | null;
  stdout: string;
  stderr: string;
  diagnostics: Diagnostic[];
}

/** Runs the Bicep CLI with arguments, in a folder (default: the repository root). */
export function bicep(args: string[], cwd = repoRoot): Promise<BicepRun> {
  const cli = findBicep();
  return new Promise((resolve, reject) => {
    const child = spawn(cli.path, args, { cwd, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, diagnostics: parseDiagnostics(stderr, cwd) }));
  });
}

/** Diagnostics as the CLI prints them: `<path>(<line>,<column>) : <Level> <code>: <message>`. */
export function parseDiagnostics(output: string, cwd = repoRoot): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\) : (Error|Warning|Info) ([\w-]+): (.*)$/.exec(line.trim());
    if (!match) continue;
    const [, file = '', lineNumber = '0', level = '', code = '', message = ''] = match;
    diagnostics.push({ file: relative(repoRoot, join(cwd, file)).split('\\').join('/'), line: Number(lineNumber), level, code, message });
  }
  return diagnostics;
}

/** Every .bicep file under infra/, relative to the repository root. */
export function bicepFiles(): string[] {
  const files: string[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.bicep')) files.push(relative(repoRoot, path).split('\\').join('/'));
    }
  };
  visit(infraDir);
  return files.sort();
}

export interface ArmTemplate {
  $schema: string;
  languageVersion?: string;
  metadata?: Record<string, unknown>;
  definitions?: Record<string, { metadata?: { description?: string } } & Record<string, unknown>>;
  functions?: Array<{ namespace: string; members: Record<string, { metadata?: { description?: string } }> }>;
  parameters?: Record<string, { type?: string; defaultValue?: unknown; nullable?: boolean; metadata?: { description?: string }; allowedValues?: unknown[] }>;
  variables?: Record<string, unknown>;
  resources: Record<string, ArmResource> | ArmResource[];
  outputs?: Record<string, { type?: string; value?: unknown; metadata?: { description?: string } }>;
}

export interface ArmResource {
  type: string;
  apiVersion?: string;
  name: string;
  existing?: boolean;
  dependsOn?: string[];
  properties?: Record<string, unknown> & { template?: ArmTemplate };
  [key: string]: unknown;
}

/** Builds every .bicep file under infra/ into a fresh folder; answers the templates by source path. */
export async function buildAll(): Promise<{ run: BicepRun; templates: Map<string, ArmTemplate> }> {
  const out = mkdtempSync(join(tmpdir(), 'bicep-build-'));
  try {
    const run = await bicep(['build', '--pattern', 'infra/**/*.bicep', '--outdir', out]);
    const templates = new Map<string, ArmTemplate>();
    for (const file of bicepFiles()) {
      const compiled = join(out, relative('infra', file).replace(/\.bicep$/, '.json'));
      try {
        templates.set(file, JSON.parse(readFileSync(compiled, 'utf8')) as ArmTemplate);
      } catch {
        // Not compiled: the run's diagnostics say why.
      }
    }
    return { run, templates };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface PredictedResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  location?: string;
  kind?: string;
  tags?: Record<string, string>;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  properties?: Record<string, any>;
}

export interface DryRun {
  profile: Profile;
  /** Diagnostics of build-params and snapshot. */
  diagnostics: Diagnostic[];
  status: { buildParams: number | null; snapshot: number | null };
  template: ArmTemplate;
  parameters: { parameters: Record<string, { value: unknown }> };
  snapshot: { predictedResources: PredictedResource[]; outputs: Record<string, unknown>; diagnostics: unknown[] };
}

/**
 * The dry run of one cloud profile: build-params (the compiled template and parameters ARM
 * receives) and snapshot (the resources it would deploy, evaluated offline), written to
 * test/artifacts/arm/<profile>/. The snapshot runs on a copy of infra/, since the CLI writes it
 * beside the parameter file.
 */
export async function dryRun(profile: Profile): Promise<DryRun> {
  const paramFile = `infra/profiles/${profile}.bicepparam`;
  const copy = mkdtempSync(join(tmpdir(), `bicep-${profile}-`));
  try {
    cpSync(infraDir, join(copy, 'infra'), { recursive: true });
    const location = /^param location = '([^']+)'/m.exec(readFileSync(join(repoRoot, paramFile), 'utf8'))?.[1] ?? 'eastus';
    const [built, snapshotRun] = await Promise.all([
      bicep(['build-params', paramFile, '--stdout']),
      bicep(
        [
          'snapshot',
          paramFile,
          '--mode',
          'overwrite',
          '--subscription-id',
          dryRunSubscriptionId,
          '--tenant-id',
          dryRunTenantId,
          '--location',
          location,
          '--deployment-name',
          `dryrun-${profile}`,
        ],
        copy,
      ),
    ]);
    const compiled = JSON.parse(built.stdout || '{}') as { parametersJson?: string; templateJson?: string };
    const template = JSON.parse(compiled.templateJson ?? '{}') as ArmTemplate;
    const parameters = JSON.parse(compiled.parametersJson ?? '{}') as DryRun['parameters'];
    const snapshotText = readFileSync(join(copy, 'infra', 'profiles', `${profile}.snapshot.json`), 'utf8');
    const out = join(artifactsDir, profile);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'main.json'), `${JSON.stringify(template, null, 2)}\n`);
    writeFileSync(join(out, 'main.parameters.json'), `${JSON.stringify(parameters, null, 2)}\n`);
    writeFileSync(join(out, 'snapshot.json'), snapshotText);
    const diagnostics = [...built.diagnostics, ...snapshotRun.diagnostics].map((diagnostic) => ({
      ...diagnostic,
      file: diagnostic.file.replace(/^.*?infra\//, 'infra/'),
    }));
    return {
      profile,
      diagnostics,
      status: { buildParams: built.status, snapshot: snapshotRun.status },
      template,
      parameters,
      snapshot: JSON.parse(snapshotText),
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The resources of a template: languageVersion 2.0 keys them by symbolic name. */
export function templateResources(template: ArmTemplate): Array<[string, ArmResource]> {
  return Array.isArray(template.resources) ? template.resources.map((resource, index) => [String(index), resource]) : Object.entries(template.resources);
}
