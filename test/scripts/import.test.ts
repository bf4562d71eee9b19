import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_COSMOS_KEY } from '../../shared/config.js';
import { startLocalCosmos } from '../../shared/host/local-cosmos.js';
import { freePort } from '../../shared/host/local-stack.js';
import { allPages, call, principal, startTestService, type TestService } from '../support/service.js';

const run = promisify(execFile);
let service: TestService;
let folder: string;
const PARTNER = '11111111-2222-4333-8444-555555555555';
const RESELLER = '11111111-2222-4333-8444-666666666666';

beforeAll(async () => {
  service = await startTestService({ queues: false });
  folder = await mkdtemp(path.join(os.tmpdir(), 'import-test-'));
});
afterAll(async () => service?.close());

const importFile = (lines: string[]) => importText(lines.join('\n'));

async function importText(text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(folder, `${Math.random().toString(36).slice(2)}.ndjson`);
  await writeFile(file, text);
  const config = service.service.config;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], {
      env: {
        ...process.env,
        COSMOS_ENDPOINT: config.cosmos.endpoint,
        COSMOS_KEY: LOCAL_COSMOS_KEY,
        COSMOS_ALLOW_SELF_SIGNED: 'true',
        COSMOS_DATABASE_NAME: config.cosmos.databaseName,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failure = err as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('npm run import', () => {
  it('reads a file saved by Windows tools: a byte order mark and CRLF line ends', async () => {
    const partner = '22222222-2222-4333-8444-555555555555';
    const id = '22222222-aaaa-4aaa-8aaa-000000000001';
    const lines = [
      JSON.stringify({ type: 'partner', id: partner, name: 'Windows Partner' }),
      JSON.stringify({
        type: 'customer',
        id,
        partnerId: partner,
        resellerId: null,
        companyName: 'Crlf Ltd',
        domain: 'crlf.example',
        relationship: 'Direct reseller',
      }),
    ];
    const result = await importText(`\ufeff${lines.join('\r\n')}\r\n`);
    expect(result.stderr).not.toMatch(/^line /m);
    expect(result.code).toBe(0);
    const found = await call(service.url, `/api/customers/${id}`, { principal: principal(partner) });
    expect(found.status).toBe(200);
    expect(found.body.companyName).toBe('Crlf Ltd');
  });

  it('imports valid lines, reports bad ones by line number, and exits non-zero', async () => {
    const customer = (n: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        type: 'customer',
        id: `0000000${n}-aaaa-4aaa-8aaa-00000000000${n}`,
        partnerId: PARTNER,
        resellerId: null,
        companyName: `Imported ${n}`,
        domain: `imported${n}.example`,
        relationship: 'Direct reseller',
        companyProfile: { companyName: `Imported ${n} Org` },
        ...extra,
      });
    const result = await importFile([
      JSON.stringify({ type: 'partner', id: PARTNER, name: 'Import Partner' }),
      JSON.stringify({ type: 'reseller', id: RESELLER, partnerId: PARTNER, name: 'Import Reseller' }),
      customer(1),
      '{not json',
      customer(2, { domain: 'not a domain' }),
      JSON.stringify({ type: 'planet', id: 'x' }),
      customer(3, { resellerId: RESELLER, relationship: 'Indirect reseller' }),
      customer(4, { partnerId: '99999999-9999-4999-8999-999999999999' }),
      '',
      JSON.stringify({
        type: 'subscription',
        id: 'sub-1',
        partnerId: PARTNER,
        customerId: '00000001-aaaa-4aaa-8aaa-000000000001',
        offerName: 'Azure plan',
        quantity: -1,
        status: 'active',
        resellerId: null,
      }),
      JSON.stringify({
        type: 'subscription',
        id: 'sub-2',
        partnerId: PARTNER,
        customerId: '00000001-aaaa-4aaa-8aaa-000000000001',
        offerName: 'Azure plan',
        quantity: 3,
        status: 'active',
        resellerId: null,
      }),
      customer(5, { resellerId: 'not-a-known-reseller' }),
      '[1,2,3]',
    ]);
    expect(result.code).toBe(1);
    const reported = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('line '))
      .map((line) => Number(/^line (\d+)/.exec(line)?.[1]));
    expect(reported).toEqual([4, 5, 6, 8, 10, 12, 13]);
    expect(result.stderr).toMatch(/line 5: domain/);
    expect(result.stderr).toMatch(/line 8: partnerId/);
    expect(result.stderr).toMatch(/line 10: quantity/);
    expect(result.stdout).toContain('Imported 1 partners, 1 resellers, 2 customers, 1 subscriptions');

    const { rows } = await allPages(service.url, '/api/customers', principal(PARTNER));
    expect(rows.map((row) => row.companyName)).toEqual(['Imported 1', 'Imported 3']);
    const detail = await call(service.url, `/api/customers/${rows[0].id}`, { principal: principal(PARTNER) });
    expect(detail.body.companyProfile).toEqual({ companyName: 'Imported 1 Org', tenantId: rows[0].id, domain: 'imported1.example' });
    const subscriptions = await allPages(service.url, `/api/customers/${rows[0].id}/subscriptions`, principal(PARTNER));
    expect(subscriptions.rows.map((row) => row.id)).toEqual(['sub-2']);
    const resellers = await call(service.url, '/api/resellers', { principal: principal(PARTNER) });
    expect(resellers.body.value).toEqual([{ id: RESELLER, name: 'Import Reseller' }]);
    expect((await allPages(service.url, '/api/customers', principal(RESELLER))).rows.map((r) => r.companyName)).toEqual(['Imported 3']);
  });

  it('upserts by id: importing again replaces, and the change is searchable', async () => {
    const result = await importFile([
      JSON.stringify({
        type: 'customer',
        id: '00000001-aaaa-4aaa-8aaa-000000000001',
        partnerId: PARTNER,
        resellerId: null,
        companyName: 'Renamed By Import',
        domain: 'imported1.example',
      }),
    ]);
    expect(result.code).toBe(0);
    const { rows } = await allPages(service.url, '/api/customers?search=renamed', principal(PARTNER));
    expect(rows.map((row) => row.id)).toEqual(['00000001-aaaa-4aaa-8aaa-000000000001']);
    expect((await allPages(service.url, '/api/customers', principal(PARTNER))).rows).toHaveLength(2);
  });

  it('a missing file is a clear error', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', path.join(folder, 'missing.ndjson')]).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect((failure as { code: number }).code).toBe(2);
    expect((failure as { stderr: string }).stderr).toContain('No such file');
  });
});

describe('npm run import into the embedded store (npm start not running)', () => {
  async function importLocal(lines: string[], env: Record<string, string>) {
    const dataFolder = await mkdtemp(path.join(os.tmpdir(), 'import-local-'));
    const file = path.join(dataFolder, 'records.ndjson');
    await writeFile(file, lines.join('\n'));
    const { COSMOS_ENDPOINT: _endpoint, ...inherited } = process.env;
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], {
        env: { ...inherited, LOCAL_DATA_FOLDER: dataFolder, COSMOS_PORT: String(await freePort()), ...env },
      });
      return { code: 0, stdout, stderr, dataFolder };
    } catch (err) {
      const failure = err as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr, dataFolder };
    }
  }
  const records = (count: number) => [
    JSON.stringify({ type: 'partner', id: PARTNER, name: 'Local Partner' }),
    ...Array.from({ length: count }, (_unused, index) =>
      JSON.stringify({
        type: 'customer',
        id: `33333333-2222-4333-8444-${String(index).padStart(12, '0')}`,
        partnerId: PARTNER,
        resellerId: null,
        companyName: `Local ${index} Ltd`,
        domain: `local${index}.example`,
      }),
    ),
  ];

  it('refuses, importing nothing, more customers than the embedded store serves, and says what to do', async () => {
    const refused = await importLocal(records(6), { LOCAL_MAX_CUSTOMERS: '5' });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/Refused: the local store would hold 6 customers/);
    expect(refused.stderr).toMatch(/COSMOS_ENDPOINT=/);
    const endpoint = await startLocalCosmos({ port: 0, folder: path.join(refused.dataFolder, 'cosmos') });
    expect(endpoint.restored).toBe(0);
    await endpoint.close();
  });

  it('imports within the limit into the saved data the next npm start serves', async () => {
    const imported = await importLocal(records(5), { LOCAL_MAX_CUSTOMERS: '5' });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported 1 partners, 0 resellers, 5 customers/);
    const endpoint = await startLocalCosmos({ port: 0, folder: path.join(imported.dataFolder, 'cosmos') });
    expect(endpoint.status().containers.customerlist?.customers).toBe(5);
    await endpoint.close();
  });
});
