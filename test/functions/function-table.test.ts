import type { HttpMethod } from '@azure/functions';
import azureFunctions from '@azure/functions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionTable } from '../../functions/table.js';
import { registerFunctions } from '../../shared/host/azure-host.js';
import type { HttpFunctionEntry } from '../../shared/host/function-table.js';
import { dispatch, hostOrder, matchRoute, shadowedRoutes } from '../../shared/host/routes.js';

const { app } = azureFunctions;

afterEach(() => vi.restoreAllMocks());

describe('the function table', () => {
  it('registers every entry with the real @azure/functions app API', () => {
    const http = vi.spyOn(app, 'http');
    const storageQueue = vi.spyOn(app, 'storageQueue');
    const timer = vi.spyOn(app, 'timer');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerFunctions(app, functionTable, () => {
      throw new Error('no context needed to register');
    });
    const registered = [...http.mock.calls, ...storageQueue.mock.calls, ...timer.mock.calls].map(([name]) => name);
    expect(registered.sort()).toEqual(functionTable.map((entry) => entry.name).sort());
    for (const entry of functionTable) {
      if (entry.trigger === 'http') {
        const options = http.mock.calls.find(([name]) => name === entry.name)?.[1];
        expect(options).toMatchObject({ methods: entry.methods, route: entry.route, authLevel: 'anonymous' });
        expect(typeof options?.handler).toBe('function');
      } else if (entry.trigger === 'storageQueue') {
        expect(storageQueue.mock.calls.find(([name]) => name === entry.name)?.[1]).toMatchObject({ queueName: entry.queueName, connection: 'STORAGE' });
      } else {
        expect(timer.mock.calls.find(([name]) => name === entry.name)?.[1]).toMatchObject({ schedule: entry.schedule });
      }
    }
    warn.mockRestore();
  });

  it("names are unique and every route but the portal's is under api/", () => {
    const names = functionTable.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of functionTable) {
      if (entry.trigger === 'http' && entry.name !== 'portal-get') expect(entry.route.startsWith('api/')).toBe(true);
    }
  });

  it('has the queue worker, its poison handler and the scheduler timer', () => {
    expect(functionTable.find((entry) => entry.name === 'exports-worker')).toMatchObject({ trigger: 'storageQueue', queueName: '%EXPORTS_QUEUE_NAME%' });
    expect(functionTable.find((entry) => entry.name === 'exports-poison')).toMatchObject({ trigger: 'storageQueue', queueName: '%EXPORTS_QUEUE_NAME%-poison' });
    expect(functionTable.find((entry) => entry.name === 'export-scheduler')).toMatchObject({ trigger: 'timer', schedule: '%EXPORT_SCHEDULER_CRON%' });
  });
});

const httpEntries = functionTable.filter((entry): entry is HttpFunctionEntry => entry.trigger === 'http');

/** Request paths a template takes: parameters filled in, an optional one and a catch-all both left out and given. */
function samplePaths(template: string): Array<{ path: string; params: Record<string, string> }> {
  const segments = template.split('/');
  const last = segments.at(-1) ?? '';
  const fill = (parts: string[]) => {
    const params: Record<string, string> = {};
    const path = parts
      .map((segment) =>
        segment.replace(/\{\*?([A-Za-z0-9_]+)\??\}/g, (_whole, name: string) => {
          params[name] = `sample-${name}`;
          return `sample-${name}`;
        }),
      )
      .join('/');
    return { path: `/${path}`, params };
  };
  if (/^\{(\*|[A-Za-z0-9_]+\?)/.test(last)) return [fill(segments.slice(0, -1)), fill(segments)];
  return [fill(segments)];
}

describe('routing on the Functions host (first match in function-name order)', () => {
  it('every HTTP entry, with its route and each of its methods, reaches that entry', () => {
    for (const entry of httpEntries) {
      for (const method of entry.methods) {
        for (const sample of samplePaths(entry.route)) {
          const reached = dispatch(httpEntries, method, sample.path);
          expect(reached?.entry.name, `${method} ${sample.path}`).toBe(entry.name);
          expect(reached?.params).toEqual(sample.params);
        }
      }
    }
  });

  it('no route of the table shadows another, whatever order the names put them in', () => {
    expect(shadowedRoutes(httpEntries)).toEqual([]);
  });

  it('GET / and the portal files reach the portal, and nothing under /api does', () => {
    expect(dispatch(httpEntries, 'GET', '/')?.entry.name).toBe('portal-get');
    expect(dispatch(httpEntries, 'GET', '/app.js')).toMatchObject({ entry: { name: 'portal-get' }, params: { file: 'app.js' } });
    expect(dispatch(httpEntries, 'GET', '/api/customers')?.entry.name).toBe('customers-search');
    expect(dispatch(httpEntries, 'DELETE', '/api/customers')?.entry.name).toBe('zz-api-fallback');
    expect(dispatch(httpEntries, 'GET', '/api/nothing/here')?.entry.name).toBe('zz-api-fallback');
    expect(dispatch(httpEntries, 'POST', '/')).toBeUndefined();
  });

  it('orders functions by name, ordinal and ignoring case, as .NET OrdinalIgnoreCase does', () => {
    // Upper-cased, "_" (0x5F) sorts after every letter; lower-cased it would sort before them.
    expect(hostOrder([{ name: 'b' }, { name: 'a_b' }, { name: 'aZ' }, { name: 'A' }]).map((entry) => entry.name)).toEqual(['A', 'aZ', 'a_b', 'b']);
  });

  const entry = (name: string, route: string, methods: HttpMethod[] = ['GET']): HttpFunctionEntry => ({
    trigger: 'http',
    name,
    route,
    methods,
    handler: async () => ({ status: 204 }),
  });

  it('the first route in name order wins, not the most specific (azure-functions-host #9876)', () => {
    const details = entry('Details', 'Products/{id}');
    const list = entry('List', 'Products/List');
    expect(dispatch([list, details], 'GET', '/Products/List')?.entry.name).toBe('Details');
    expect(shadowedRoutes([list, details])).toHaveLength(1);
    // A narrower route that sorts first, before a broader fallback, is the one allowed overlap.
    expect(shadowedRoutes([entry('a-list', 'Products/List'), entry('b-details', 'Products/{id}')])).toEqual([]);
  });

  it('finds the shadowing that broke the API in Azure: a catch-all that sorts before the routes it covers', () => {
    const every: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const before = [entry('activity-list', 'api/activity'), entry('api-fallback', 'api/{*path}', every), entry('customers-search', 'api/customers')];
    expect(dispatch(before, 'GET', '/api/customers')?.entry.name).toBe('api-fallback');
    expect(shadowedRoutes(before)).toEqual([expect.stringContaining('customers-search (GET api/customers) is shadowed by api-fallback')]);
    expect(shadowedRoutes([entry('portal-get', '{*path}'), entry('resellers-list', 'api/resellers')])).toHaveLength(1);
    // Methods that differ never collide.
    expect(shadowedRoutes([entry('a', 'api/exports', ['POST']), entry('b', 'api/exports', ['GET'])])).toEqual([]);
  });
});

describe('route templates', () => {
  it('match literal segments (ignoring case), parameters, optional parameters and catch-alls', () => {
    expect(matchRoute('api/customers/{id}', '/api/customers/abc')).toEqual({ id: 'abc' });
    expect(matchRoute('api/customers/{id}', '/API/Customers/abc/')).toEqual({ id: 'abc' });
    expect(matchRoute('api/customers/{id}', '/api/customers/abc/subscriptions')).toBeUndefined();
    expect(matchRoute('api/customers/{id}', '/api/customers//')).toBeUndefined();
    expect(matchRoute('api/{*path}', '/api/x/y')).toEqual({ path: 'x/y' });
    expect(matchRoute('api/{*path}', '/api')).toEqual({});
    expect(matchRoute('{file?}', '/')).toEqual({});
    expect(matchRoute('{file?}', '/app.js')).toEqual({ file: 'app.js' });
    expect(matchRoute('{file?}', '/api/health')).toBeUndefined();
    expect(matchRoute('api/exports/{id}:cancel', '/api/exports/e1:cancel')).toEqual({ id: 'e1' });
    expect(matchRoute('api/exports/{id}:cancel', '/api/exports/e1')).toBeUndefined();
    expect(matchRoute('api/customers/{id}', '/api/customers/%E0%A4%A')).toBeUndefined();
  });

  it('refuses what the runner cannot match as the host would (constraints, a catch-all before the end)', () => {
    expect(() => matchRoute('api/items/{id:int}', '/api/items/1')).toThrow(/not supported/);
    expect(() => matchRoute('{*rest}/tail', '/a/tail')).toThrow(/last segment/);
  });
});
