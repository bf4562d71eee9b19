/**
 * Cosmos DB calls per operation, counted at the local endpoint (its own process, asked over IPC):
 * a search page, a customer detail, a rename, and an export of CALL_ROWS customers through the real
 * service on the local runner. The export's calls per 1,000 rows at a million rows follow from its
 * parts, measured here: one query plan and one call per page; the change feed reader's start (a
 * read of the container), its first read as the stream starts and one read before each block is
 * staged; one checkpoint per staged block but the last (at a million rows, the blocks of a file of
 * this one's bytes per row); and the export's fixed bookkeeping (what is left).
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
  /** The export's parts: pages (a call each, and one plan), change feed reads (and the reader's start), checkpoints. */
  exportPages: number;
  exportRenameChecks: number;
  exportCheckpoints: number;
  /** Calls besides those: create, read, the COUNT and its plan, Running, Succeeded, activity record, fair use. */
  exportBookkeeping: number;
  /** The same parts at a million rows, in one slice. */
  exportCallsAt1M: number;
  exportCallsPer1000RowsAt1M: number;
}

/** Change feed calls of a slice of `blocks` blocks: the reader's start, its first read, one read per block. */
const renameChecksOf = (blocks: number) => 2 + blocks;

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
    let exportId = '';
    let downloadUrl = '';
    // The change feed is read from the second before the export's start: leave that second without
    // writes (the rename above), as it usually is.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const exportTotal = await callsOf(async () => {
      const started = await fetch(`${runner.url}/api/exports`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'customers' }),
      });
      const { id } = (await started.json()) as { id: string };
      exportId = id;
      for (;;) {
        polls += 1;
        const job = (await (await get(`/api/exports/${id}`)).json()) as { status: string; rowCount: number; downloadUrl?: string };
        if (job.status === 'Succeeded') {
          exportRows = job.rowCount;
          downloadUrl = job.downloadUrl ?? '';
          break;
        }
        if (job.status === 'Failed') throw new Error('The export failed.');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // The slice gives its running place back after it marked the export Succeeded: wait for it.
      await runner.drainQueues();
    });
    const exportCalls = exportTotal - polls;
    const exportPages = Math.ceil(exportRows / config.exports.pageSize);
    const exportCheckpoints = (await service.ports.exportJobs.getExport(PARTNER, exportId))?.checkpoint.blockCount ?? 0;
    const exportRenameChecks = renameChecksOf(exportCheckpoints + 1);
    const exportBookkeeping = exportCalls - (1 + exportPages) - exportRenameChecks - exportCheckpoints;
    const fileBytes = (await (await fetch(downloadUrl)).arrayBuffer()).byteLength;
    const millionPages = Math.ceil(1_000_000 / config.exports.pageSize);
    const millionCheckpoints = Math.ceil(((fileBytes / exportRows) * 1_000_000) / config.exports.blockBytes) - 1;
    const exportCallsAt1M = 1 + millionPages + renameChecksOf(millionCheckpoints + 1) + millionCheckpoints + exportBookkeeping;
    return {
      searchPage,
      detail,
      rename,
      exportRows,
      exportCalls,
      exportCallsPer1000Rows: Number(((exportCalls / exportRows) * 1000).toFixed(3)),
      exportPages,
      exportRenameChecks,
      exportCheckpoints,
      exportBookkeeping,
      exportCallsAt1M,
      exportCallsPer1000RowsAt1M: Number((exportCallsAt1M / 1000).toFixed(3)),
    };
  } finally {
    await runner.close();
    await service.store.database.delete();
  }
}
