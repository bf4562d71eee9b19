/**
 * Every setting of the service, read and validated once. Local runs (npm start, tests, benchmarks)
 * get defaults for the embedded stack; in Azure the Bicep outputs set the identity-based values and
 * no key is ever read.
 */
import { z } from 'zod';
import hostFile from '../host.json' with { type: 'json' };
import type { ExportSettings } from './exports/export-service.js';

/** Azurite's and the Cosmos DB emulator's published development keys: local stack only. */
export const LOCAL_COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const settingsSchema = z.object({
  COSMOS_ENDPOINT: z.string().url().default('https://127.0.0.1:8081'),
  /** Only for the local emulator; absent in Azure, where DefaultAzureCredential is used. */
  COSMOS_KEY: z.string().optional(),
  COSMOS_DATABASE_NAME: z.string().min(1).default('customerlist'),
  /** Accept the local emulator's self-signed certificate (never set in Azure). */
  COSMOS_ALLOW_SELF_SIGNED: z.enum(['true', 'false']).default('false'),
  STORAGE__blobServiceUri: z.string().url().default('http://127.0.0.1:10000/devstoreaccount1'),
  STORAGE__queueServiceUri: z.string().url().default('http://127.0.0.1:10001/devstoreaccount1'),
  /** `managedidentity` in Azure; `accountkey` only against Azurite. */
  STORAGE__credential: z.enum(['managedidentity', 'accountkey']).default('managedidentity'),
  STORAGE__accountKey: z.string().optional(),
  AZURE_CLIENT_ID: z.string().optional(),
  /** Sign-in authority for DefaultAzureCredential (sovereign clouds set their own). */
  AZURE_AUTHORITY_HOST: z.string().url().optional(),
  EXPORTS_CONTAINER_NAME: z.string().min(3).default('exports'),
  EXPORTS_QUEUE_NAME: z.string().min(3).default('exports'),
  EXPORT_FILE_RETENTION_DAYS: positiveInt(7),
  ACTIVITY_RETENTION_DAYS: positiveInt(365),
  EXPORT_SCHEDULER_CRON: z.string().default('0 */5 * * * *'),
  /** How long one queue invocation works on an export before handing off to a new message. */
  EXPORT_SLICE_SECONDS: z.coerce.number().int().min(0).default(300),
  /** Target size of a staged block of an export file, in KiB. */
  EXPORT_BLOCK_KIB: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024)
    .default(8192),
  /** Rows read from the store per page while exporting. */
  EXPORT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
  /** Data rows on one sheet of an xlsx export before it continues on the next: Excel's limit less the header. */
  EXPORT_XLSX_SHEET_ROWS: z.coerce.number().int().min(1).max(1_048_575).default(1_048_575),
  /** Lifetime of a download link; the contract caps it at one hour. */
  DOWNLOAD_URL_MINUTES: z.coerce.number().int().min(1).max(60).default(60),
  LOCAL_DEV_PRINCIPAL: z.string().optional(),
  /**
   * Scheme and host (and optional path prefix) the service is reached at; absolute links
   * (nextLink, Operation-Location, Location) start with it. Unset: links are relative. Never the
   * request's Host header, which a client or a proxy can set to anything.
   */
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value) && !/[?#]/.test(value), 'must be an http(s) URL without query or fragment')
    .optional(),
  /** Exports a tenant may have queued or running at once; beyond it POST /api/exports is 429. */
  EXPORT_ACTIVE_PER_TENANT: positiveInt(10),
  /** Exports of one tenant the workers run at the same time; the others wait their turn. */
  EXPORT_RUNNING_PER_TENANT: positiveInt(2),
  /** Export schedules a tenant may have. */
  EXPORT_SCHEDULES_PER_TENANT: positiveInt(50),
  SERVICE_LINK_ADMIN_CENTER: z.string().default('https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID={customerId}&CSDEST=o365admincenter'), // documented-default
  SERVICE_LINK_AZURE_PORTAL: z.string().default('https://portal.azure.com/#@{customerId}'), // documented-default
});

export interface Config {
  cosmos: {
    endpoint: string;
    key: string | undefined;
    databaseName: string;
    allowSelfSigned: boolean;
  };
  storage: {
    blobServiceUri: string;
    queueServiceUri: string;
    /** Present only against Azurite: account-key credential and SAS. */
    accountKey: string | undefined;
  };
  identity: { clientId: string | undefined; authorityHost: string | undefined };
  /** What an export runs by, and where its files and messages go. */
  exports: ExportSettings & { containerName: string; queueName: string; schedulerCron: string };
  activityRetentionDays: number;
  /** Quick links to a customer's services; `{customerId}` is replaced. */
  serviceLinks: { adminCenter: string; azurePortal: string };
  /** Base64 principal used for requests without one; local runs only. */
  localDevPrincipal: string | undefined;
  /** Where absolute links point (no trailing slash); undefined: links are relative. */
  publicBaseUrl: string | undefined;
  /** Per-tenant limits that keep one tenant from crowding out the others. */
  fairUse: { activeExportsPerTenant: number; runningExportsPerTenant: number; schedulesPerTenant: number };
  /**
   * Where the app runs: App Service (WEBSITE_SITE_NAME is set there) and whether its platform
   * authentication is on (App Service sets WEBSITE_AUTH_ENABLED to True). Only that
   * authentication strips a forged x-ms-client-principal, so without it the header proves nothing.
   */
  platform: { appService: boolean; authenticationEnabled: boolean };
}

/** What the app reads of host.json, the host's own configuration. */
export interface HostSettings {
  /** Attempts of a queue message before the host moves it to `<queue>-poison`. */
  maxDequeueCount: number;
  /**
   * Queue messages an instance takes at a time; with newBatchThreshold 0 it takes the next batch
   * once these are done (https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue#host-json).
   */
  queueBatchSize: number;
}

export const hostSettings: HostSettings = {
  maxDequeueCount: hostFile.extensions.queues.maxDequeueCount,
  queueBatchSize: hostFile.extensions.queues.batchSize,
};
if (hostFile.extensions.queues.newBatchThreshold !== 0) throw new Error('host.json: the local runner reproduces queues.newBatchThreshold 0 only.');

/** The queue the Functions host moves a message to after its last attempt. */
export const poisonQueueName = (queueName: string) => `${queueName}-poison`;

/** Reads and validates the settings from an environment (process.env by default) and host.json. */
export function loadConfig(env: Record<string, string | undefined> = process.env, host: HostSettings = hostSettings): Config {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid settings: ${problems.join('; ')}`);
  }
  const s = parsed.data;
  const accountKey = s.STORAGE__credential === 'accountkey' ? (s.STORAGE__accountKey ?? AZURITE_KEY) : undefined;
  return {
    cosmos: {
      endpoint: s.COSMOS_ENDPOINT,
      key: s.COSMOS_KEY,
      databaseName: s.COSMOS_DATABASE_NAME,
      allowSelfSigned: s.COSMOS_ALLOW_SELF_SIGNED === 'true',
    },
    storage: {
      blobServiceUri: s.STORAGE__blobServiceUri.replace(/\/+$/, ''),
      queueServiceUri: s.STORAGE__queueServiceUri.replace(/\/+$/, ''),
      accountKey,
    },
    identity: { clientId: s.AZURE_CLIENT_ID, authorityHost: s.AZURE_AUTHORITY_HOST },
    exports: {
      containerName: s.EXPORTS_CONTAINER_NAME,
      queueName: s.EXPORTS_QUEUE_NAME,
      fileRetentionDays: s.EXPORT_FILE_RETENTION_DAYS,
      sliceSeconds: s.EXPORT_SLICE_SECONDS,
      blockBytes: s.EXPORT_BLOCK_KIB * 1024,
      pageSize: s.EXPORT_PAGE_SIZE,
      xlsxSheetRows: s.EXPORT_XLSX_SHEET_ROWS,
      downloadUrlMinutes: s.DOWNLOAD_URL_MINUTES,
      maxDequeueCount: host.maxDequeueCount,
      schedulerCron: s.EXPORT_SCHEDULER_CRON,
    },
    activityRetentionDays: s.ACTIVITY_RETENTION_DAYS,
    serviceLinks: { adminCenter: s.SERVICE_LINK_ADMIN_CENTER, azurePortal: s.SERVICE_LINK_AZURE_PORTAL },
    // Ignored wherever App Service runs the app, even if someone sets it there by mistake.
    localDevPrincipal: env.WEBSITE_SITE_NAME ? undefined : s.LOCAL_DEV_PRINCIPAL,
    publicBaseUrl: s.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    fairUse: {
      activeExportsPerTenant: s.EXPORT_ACTIVE_PER_TENANT,
      runningExportsPerTenant: s.EXPORT_RUNNING_PER_TENANT,
      schedulesPerTenant: s.EXPORT_SCHEDULES_PER_TENANT,
    },
    platform: { appService: Boolean(env.WEBSITE_SITE_NAME), authenticationEnabled: env.WEBSITE_AUTH_ENABLED?.toLowerCase() === 'true' },
  };
}

/** Settings for the embedded local stack (npm start, tests, benchmarks). */
export function localStackEnv(ports: { cosmos: number; blob: number; queue: number }, databaseName = 'customerlist'): Record<string, string> {
  return {
    COSMOS_ENDPOINT: `https://127.0.0.1:${ports.cosmos}`,
    COSMOS_KEY: LOCAL_COSMOS_KEY,
    COSMOS_DATABASE_NAME: databaseName,
    COSMOS_ALLOW_SELF_SIGNED: 'true',
    STORAGE__blobServiceUri: `http://127.0.0.1:${ports.blob}/${AZURITE_ACCOUNT}`,
    STORAGE__queueServiceUri: `http://127.0.0.1:${ports.queue}/${AZURITE_ACCOUNT}`,
    STORAGE__credential: 'accountkey',
  };
}
