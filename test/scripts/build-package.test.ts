/**
 * The deployment package holds what runs in Azure and nothing else, and its entry point loads on
 * its own (no node_modules beside it) and registers every function of the table.
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionTable } from '../../functions/table.js';
import { buildPackage, type PackageSummary, projectRoot } from '../../scripts/build-package.js';
import type { HttpFunctionEntry } from '../../shared/host/function-table.js';
import { dispatch, shadowedRoutes } from '../../shared/host/routes.js';

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
    for (const input of sources) expect(input).toMatch(/^((functions|shared|infra)\/|host\.json$)/);
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

/** A binding of the metadata the worker sends the host for one function. */
type Binding = { type: string; direction: string; route?: string; methods?: string[]; queueName?: string; schedule?: string; connection?: string };

describe('the deployed entry point, under a stand-in for the Functions worker', () => {
  let child: ChildProcess;
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  const ask = (message: Record<string, unknown>): Promise<any> =>
    new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      child.send({ ...message, id: nextId });
    });

  beforeAll(async () => {
    child = fork(path.join(projectRoot, 'test/support/worker-child.mjs'), [path.join(built.directory, 'functions/index.js')], {
      cwd: built.directory,
      execArgv: ['--require', path.join(projectRoot, 'test/support/worker-stand-in.cjs')],
      // No Cosmos DB or Storage is reached by the requests below; the settings only have to parse.
      env: { PATH: process.env.PATH ?? '' },
    });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
        if (message.ready) resolve();
        const waiting = message.id === undefined ? undefined : pending.get(message.id);
        if (!waiting) return;
        pending.delete(message.id as number);
        if (message.error) waiting.reject(new Error(message.error));
        else waiting.resolve(message.result);
      });
    });
  });

  afterAll(() => {
    child?.kill();
  });

  it('registers every function with the bindings of the table', async () => {
    const metadata: Array<{ name: string; bindings: Record<string, Binding> }> = await ask({ type: 'metadata' });
    expect(metadata.map((entry) => entry.name).sort()).toEqual(functionTable.map((entry) => entry.name).sort());
    for (const entry of functionTable) {
      const triggers = Object.values(metadata.find((registered) => registered.name === entry.name)?.bindings ?? {}).filter(
        (binding) => binding.direction === 'in',
      );
      if (entry.trigger === 'http')
        expect(triggers).toEqual([expect.objectContaining({ type: 'httpTrigger', route: entry.route, methods: entry.methods, authLevel: 'anonymous' })]);
      if (entry.trigger === 'storageQueue')
        expect(triggers).toEqual([expect.objectContaining({ type: 'queueTrigger', queueName: entry.queueName, connection: entry.connection })]);
      if (entry.trigger === 'timer') expect(triggers).toEqual([expect.objectContaining({ type: 'timerTrigger', schedule: entry.schedule })]);
    }
  });

  it('the routes it registers reach their own functions under the host rule', async () => {
    const metadata: Array<{ name: string; bindings: Record<string, Binding> }> = await ask({ type: 'metadata' });
    const routes = metadata.flatMap((entry) =>
      Object.values(entry.bindings)
        .filter((binding) => binding.type === 'httpTrigger')
        .map((binding) => ({ name: entry.name, route: binding.route ?? '', methods: binding.methods ?? [] }) as unknown as HttpFunctionEntry),
    );
    expect(shadowedRoutes(routes)).toEqual([]);
    expect(dispatch(routes, 'GET', '/')?.entry.name).toBe('portal-get');
    expect(dispatch(routes, 'GET', '/api/customers')?.entry.name).toBe('customers-search');
  });

  const request = (method: string, path: string, params: Record<string, string> = {}, query: Record<string, string> = {}) => ({
    method,
    url: `https://app.example${path}`,
    headers: { host: 'app.example' },
    query,
    params,
  });

  it('serves the portal from the package', async () => {
    const page = await ask({ type: 'invoke', functionName: 'portal-get', http: request('GET', '/') });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    const script = await ask({ type: 'invoke', functionName: 'portal-get', http: request('GET', '/app.js', { file: 'app.js' }) });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('answers the API in the contract format: the OpenAPI document, 401 without a caller, 405 from the fallback', async () => {
    const openapi = await ask({ type: 'invoke', functionName: 'openapi-get', http: request('GET', '/api/openapi.json') });
    expect(openapi.status).toBe(200);
    expect(JSON.parse(openapi.body).paths['/api/customers']).toBeDefined();
    // As the host sends it: the repeated parameter joined in `query`, both in the URL.
    const search = await ask({
      type: 'invoke',
      functionName: 'customers-search',
      http: request('GET', '/api/customers?search=a&search=b', {}, { search: 'a,b' }),
    });
    expect(search.status).toBe(401);
    expect(search.headers['x-ms-error-code']).toBe(JSON.parse(search.body).error.code);
    const wrongMethod = await ask({ type: 'invoke', functionName: 'zz-api-fallback', http: request('DELETE', '/api/customers', { resource: 'customers' }) });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD');
  });
});
