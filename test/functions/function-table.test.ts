import azureFunctions from '@azure/functions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionTable } from '../../functions/table.js';
import { registerFunctions } from '../../shared/host/azure-host.js';
import { matchRoute } from '../../shared/host/routes.js';

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

  it('names are unique and every API route is under api/', () => {
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

describe('route templates', () => {
  it('match literal segments, parameters and catch-alls, most specific first', () => {
    expect(matchRoute('api/customers/{id}', '/api/customers/abc')).toMatchObject({ params: { id: 'abc' } });
    expect(matchRoute('api/customers/{id}', '/api/customers/abc/subscriptions')).toBeUndefined();
    expect(matchRoute('api/{*path}', '/api/x/y')).toMatchObject({ params: { path: 'x/y' } });
    expect(matchRoute('{*path}', '/')).toMatchObject({ params: { path: '' } });
    const literal = matchRoute('api/customers', '/api/customers')?.specificity ?? 0;
    const catchAll = matchRoute('api/{*path}', '/api/customers')?.specificity ?? 0;
    expect(literal).toBeGreaterThan(catchAll);
    expect(matchRoute('api/customers/{id}', '/api/customers/%E0%A4%A')).toBeUndefined();
  });
});
