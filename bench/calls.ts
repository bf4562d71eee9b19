/**
 * Cosmos DB calls per operation, counted at the local endpoint (its own process, asked over IPC):
 * a search page, a customer detail, a rename, and an export of CALL_ROWS customers through the real
 * service on the local runner. The export's calls per 1,000 rows at a million rows follow from the
 * same parts: one query plan, one call per 1,000-row page, one checkpoint per staged block (the
 * block count of the 1M export benchmark) and the export's fixed bookkeeping measured here.
 */
import { functionTable } from '../functions/table.js';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { startLocalRunner } from '../shared/host/local-runner.js';
import { encodePrincipal } from '../shared/http/principal.js';
import { importRecords } from '../shared/import/import-records.js';
import { createService, prepareLocalResources } from '../shared/wiring.js';

const CALL_ROWS = 5000;
const PARTNER = '0badc0de-0000-4000-8000-0000000000c1';

export interface CallFigures {
  searchPage: number;
  detail: number;
  rename: number;
  exportRows: number;
  exportCalls: number;
  exportCallsPer1000Rows: number;
  /** Calls besides reading rows: create, read, Running, Succeeded, activity record. */
  exportBookkeeping: number;
}

export async function measureCalls(ports: { cosmos: number; blob: number; queue: number }, requests: () => Promise<number>): Promise<CallFigures> {
  const config = loadConfig(localStackEnv(ports, 'bench-calls'));
  const service = createService(config);
  await prepareLocalResources(service);
  const lines = () =>
    (async function* () {
      yield JSON.stringify({ type: 'partner', id: PARTNER, name: 'Calls Partner' });
      for (let index = 0; index < CALL_ROWS; index += 1) {
        const id = `c0000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
        const companyName = `Contoso Calls ${index}`;
        const domain = `calls${index}.onmicrosoft.com`;
        yield JSON.stringify({ type: 'customer', id, partnerId: PARTNER, resellerId: null, companyName, domain, relationship: 'Direct reseller' });
      }
    })();
  await importRecords(service.ports, lines);
  const runner = await startLocalRunner(functionTable, service, { timers: false, queuePollMilliseconds: 50, log: () => undefined });
  const headers = { 'x-ms-client-principal': encodePrincipal({ tenantId: PARTNER, userName: 'bench@partner.example', roles: ['Customers.ReadWrite'] }) };
  const get = (path: string) => fetch(runner.url + path, { headers });
  const callsOf = async (operation: () => Promise<unknown>) => {
    const before = await requests();
    await operation();
    return (await requests()) - before;
  };
  const detailPath = '/api/customers/c0000000-0000-4000-8000-00000000002a';
  try {
    // Warm: the SDK's account and container metadata and the caller's tenant are read once.
    await (await get('/api/customers?search=contoso&top=50')).text();
    const etag = (await get(detailPath)).headers.get('etag') ?? '';
    const searchPage = await callsOf(async () => (await get('/api/customers?search=contoso&top=50')).text());
    const detail = await callsOf(async () => (await get(detailPath)).text());
    const rename = await callsOf(async () => {
      const response = await fetch(`${runner.url}${detailPath}/billing-profile`, {
        method: 'PATCH',
        headers: { ...headers, 'content-type': 'application/json', 'if-match': etag },
        body: JSON.stringify({ companyName: 'Contoso Calls renamed' }),
      });
      if (response.status !== 200) throw new Error(`The rename answered ${response.status}.`);
    });
    let polls = 0;
    let exportRows = 0;
    const exportTotal = await callsOf(async () => {
      const started = await fetch(`${runner.url}/api/exports`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'customers' }),
      });
      const { id } = (await started.json()) as { id: string };
      for (;;) {
        polls += 1;
        const job = (await (await get(`/api/exports/${id}`)).json()) as { status: string; rowCount: number };
        if (job.status === 'Succeeded') {
          exportRows = job.rowCount;
          break;
        }
        if (job.status === 'Failed') throw new Error('The export failed.');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    const exportCalls = exportTotal - polls;
    return {
      searchPage,
      detail,
      rename,
      exportRows,
      exportCalls,
      exportCallsPer1000Rows: Number(((exportCalls / exportRows) * 1000).toFixed(3)),
      exportBookkeeping: exportCalls - 1 - Math.ceil(exportRows / config.exports.pageSize),
    };
  } finally {
    await runner.close();
    await service.store.database.delete();
  }
}
