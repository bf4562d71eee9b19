/**
 * One export measurement, in a process of its own so that its peak RSS is its own:
 *
 *   export-child <mode> <rows> [blobName|expectedBlocks]
 *
 * Modes:
 * - `export`: the service's real export (startExport + runExportSlice: export-sources, CSV,
 *   staged blocks, checkpoints in the export record, commit) over a synthetic customers container.
 * - `xlsx`: the same export written as an Excel workbook (exceljs's streaming writer).
 * - `raw`: the physical limit: the bytes of a finished export (downloaded to a temporary file
 *   beforehand) staged as blocks of the same size into the same Azurite and committed; no CSV work.
 * - `drain`: the same source read to the end through the real export source, with no writing.
 * - `resume`: the real export crashed after half its blocks, then resumed from its checkpoint.
 * - `cosmos`: the real export over the real local Cosmos endpoint (`cosmos <rows> seed` seeds it
 *   first, in a process of its own, so the seeding's memory is not counted).
 *
 * Prints one JSON line with the figures. Settings come from the environment the runner sets.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, AZURITE_KEY, loadConfig, localStackEnv } from '../shared/config.js';
import { buildCustomerRecord } from '../shared/customers/customer.js';
import { exportSource } from '../shared/exports/export-sources.js';
import { blockId } from '../shared/exports/export-writer.js';
import { FaultInjector } from '../shared/kernel/faults.js';
import { CosmosCustomerRepository } from '../shared/store/customers-store.js';
import type { Scope } from '../shared/tenants/scope.js';
import { createService, prepareLocalResources, type WiredService } from '../shared/wiring.js';
import { SYNTHETIC_PARTNER_ID, syntheticCustomerId, syntheticCustomers } from './pages.js';

const [mode = 'export', rowsArgument = '1000', extra] = process.argv.slice(2);
const rows = Number(rowsArgument);
const ports = {
  cosmos: Number(process.env.BENCH_COSMOS_PORT),
  blob: Number(process.env.BENCH_BLOB_PORT),
  queue: Number(process.env.BENCH_QUEUE_PORT),
};
const faults = new FaultInjector();
const scope: Scope = {
  partnerId: SYNTHETIC_PARTNER_ID,
  resellerId: null,
  tenantId: SYNTHETIC_PARTNER_ID,
  userName: 'bench@partner.example',
};

/** The service over the store and Azurite; `syntheticRows` customers come from memory instead. */
async function benchService(databaseName: string, syntheticRows?: number): Promise<WiredService> {
  const config = loadConfig({
    ...localStackEnv(ports, databaseName),
    EXPORT_SLICE_SECONDS: '86400',
  });
  const service = createService(config, {
    faults,
    ports: () => ({
      // No queue poller runs here: the slice is called directly, as the queue trigger would call it.
      exportQueue: { enqueue: async () => undefined },
      ...(syntheticRows === undefined ? {} : { customers: new CosmosCustomerRepository(syntheticCustomers(syntheticRows)) }),
    }),
  });
  await prepareLocalResources(service);
  return service;
}

function blobService(): BlobServiceClient {
  return new BlobServiceClient(`http://127.0.0.1:${ports.blob}/${AZURITE_ACCOUNT}`, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
}

/** Runs one export to the end (or to the first crash) and reports its figures. */
async function timedExport({ services, ports: stores, config }: WiredService, format: 'csv' | 'xlsx' = 'csv') {
  const { job } = await services.exports.start(scope, { type: 'customers', format });
  const started = performance.now();
  await services.exports.runSlice(SYNTHETIC_PARTNER_ID, job.id, () => undefined);
  const seconds = (performance.now() - started) / 1000;
  const done = await stores.exportJobs.getExport(SYNTHETIC_PARTNER_ID, job.id);
  if (done?.status !== 'Succeeded') throw new Error(`The export ended ${done?.status}.`);
  const properties = await blobService().getContainerClient(config.exports.containerName).getBlobClient(done.blobName).getProperties();
  return {
    rows: done.rowCount,
    bytes: properties.contentLength ?? 0,
    seconds,
    blobName: done.blobName,
    blocks: done.checkpoint.blockCount,
  };
}

async function exportMode() {
  return timedExport(await benchService('bench', rows));
}

async function xlsxMode() {
  const figures = await timedExport(await benchService('bench', rows), 'xlsx');
  await blobService()
    .getContainerClient(loadConfig(localStackEnv(ports, 'bench')).exports.containerName)
    .getBlobClient(figures.blobName)
    .delete();
  return figures;
}

async function resumeMode() {
  const { services, ports: stores, config } = await benchService('bench', rows);
  const expectedBlocks = Number(extra);
  const { job } = await services.exports.start(scope, { type: 'customers' });
  faults.arm('export.afterBlockStaged', Math.ceil(expectedBlocks / 2));
  const started = performance.now();
  let crashed = false;
  try {
    await services.exports.runSlice(SYNTHETIC_PARTNER_ID, job.id, () => undefined);
  } catch {
    crashed = true;
  }
  const crashedAt = (await stores.exportJobs.getExport(SYNTHETIC_PARTNER_ID, job.id))?.checkpoint.rowCount ?? 0;
  await services.exports.runSlice(SYNTHETIC_PARTNER_ID, job.id, () => undefined);
  const seconds = (performance.now() - started) / 1000;
  const done = await stores.exportJobs.getExport(SYNTHETIC_PARTNER_ID, job.id);
  if (!crashed || done?.status !== 'Succeeded') throw new Error('The resume run did not crash and then succeed.');
  const blob = blobService().getContainerClient(config.exports.containerName).getBlobClient(done.blobName);
  const properties = await blob.getProperties();
  await blob.delete();
  return {
    rows: done.rowCount,
    bytes: properties.contentLength ?? 0,
    seconds,
    crashedAtRow: crashedAt,
  };
}

async function drainMode() {
  const { services, ports: stores, config } = await benchService('bench', rows);
  const { job } = await services.exports.start(scope, { type: 'customers' });
  const source = exportSource(stores, job, 'csv');
  const started = performance.now();
  let count = 0;
  for await (const page of source(undefined, config.exports.pageSize)) count += page.rows.length;
  return { rows: count, seconds: (performance.now() - started) / 1000 };
}

async function rawMode() {
  const config = loadConfig(localStackEnv(ports, 'bench'));
  const container = blobService().getContainerClient(config.exports.containerName);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'bench-raw-'));
  const file = path.join(folder, 'export.csv');
  try {
    const download = await container.getBlobClient(String(extra)).download();
    await pipeline(download.readableStreamBody as NodeJS.ReadableStream, createWriteStream(file));
    const target = container.getBlockBlobClient(`raw/${Date.now()}.csv`);
    const handle = await open(file, 'r');
    const blockBytes = config.exports.blockBytes;
    const buffer = Buffer.allocUnsafe(blockBytes);
    const blockIds: string[] = [];
    let bytes = 0;
    const started = performance.now();
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, blockBytes, bytes);
      if (bytesRead === 0) break;
      const id = blockId(blockIds.length);
      await target.stageBlock(id, buffer.subarray(0, bytesRead), bytesRead);
      blockIds.push(id);
      bytes += bytesRead;
    }
    await target.commitBlockList(blockIds, {
      blobHTTPHeaders: { blobContentType: 'text/csv; charset=utf-8' },
    });
    const seconds = (performance.now() - started) / 1000;
    await handle.close();
    // Done with both: the export's file and this copy of it.
    await Promise.all([target.delete(), container.getBlobClient(String(extra)).delete()]);
    return { bytes, seconds };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function cosmosMode() {
  const service = await benchService(`bench-cosmos-${rows}`);
  const existing = await service.ports.customers.searchCustomers({ partnerId: SYNTHETIC_PARTNER_ID }, 1);
  if (extra === 'seed') {
    if (existing.rows.length > 0) return { seeded: 0, seconds: 0 };
    for (let start = 0; start < rows; start += 50) {
      const batch = [];
      for (let index = start; index < Math.min(rows, start + 50); index += 1) {
        const id = syntheticCustomerId(index);
        batch.push(
          service.ports.customers.upsertCustomer(
            buildCustomerRecord({
              id,
              partnerId: SYNTHETIC_PARTNER_ID,
              resellerId: null,
              companyName: `Customer ${String(index).padStart(6, '0')} Müller, "Quoted" Ltd`,
              domain: `tenant${index}.onmicrosoft.com`,
              relationship: 'Direct reseller',
              companyProfile: {
                companyName: `Customer ${index}`,
                tenantId: id,
                domain: `tenant${index}.onmicrosoft.com`,
              },
            }),
          ),
        );
      }
      await Promise.all(batch);
    }
    return { seeded: rows, seconds: 0 };
  }
  return timedExport(service);
}

const modes: Record<string, () => Promise<Record<string, unknown>>> = {
  export: exportMode,
  xlsx: xlsxMode,
  resume: resumeMode,
  drain: drainMode,
  raw: rawMode,
  cosmos: cosmosMode,
};

async function main() {
  const run = modes[mode];
  if (!run) throw new Error(`Unknown mode ${mode}.`);
  const figures = await run();
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, requestedRows: rows, ...figures, peakRssMB })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
