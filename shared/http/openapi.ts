/**
 * The OpenAPI 3.1 document of the public contract, generated from the zod schemas the handlers
 * validate requests with and the domain shapes responses by (zod-openapi over zod 4's JSON Schema).
 * Nothing here describes a shape by hand: a field added to a schema shows here, and the tests
 * validate every response they receive against this document.
 */
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { activityQuerySchema, activityRecordSchema } from '../activity/contract.js';
import { customerCountSchema, customerRowSchema, customerSchema, customerSearchQuerySchema, renameBodySchema } from '../customers/contract.js';
import {
  exportRequestSchema,
  exportScheduleSchema,
  exportSchedulesSchema,
  exportSchema,
  exportsListQuerySchema,
  scheduleRequestSchema,
} from '../exports/contract.js';
import { CSV_HEADERS } from '../exports/csv.js';
import { pageSchema } from '../kernel/page.js';
import { subscriptionSchema, subscriptionsQuerySchema } from '../subscriptions/contract.js';
import { callerSchema, resellersSchema } from '../tenants/contract.js';
import { errorResponseSchema } from './responses.js';

const ERROR_STATUSES = {
  400: 'Bad input.',
  401: 'No or malformed x-ms-client-principal.',
  403: 'Unknown tenant or missing role.',
  404: "Not found in the caller's scope.",
  409: 'Conflict.',
  412: 'Stale If-Match.',
  413: 'Body over 64 KiB.',
  415: 'Body is not JSON.',
  428: 'If-Match required.',
  429: "Past the tenant's fair-use limit; Retry-After says when to try again.",
  500: 'The service failed; the message quotes the invocation id.',
  503: 'StoreUnavailable: the store cannot take requests now (the local store: it cannot save its data); retry after Retry-After seconds.',
} as const;
type ErrorStatus = keyof typeof ERROR_STATUSES;

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

/** The error responses an operation can answer (500 and 503 always). */
function errors(...statuses: ErrorStatus[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    [...statuses, 500 as const, 503 as const].map((status) => [
      status,
      { description: ERROR_STATUSES[status], headers: z.object({ 'x-ms-error-code': z.string() }), content: json(errorResponseSchema) },
    ]),
  );
}

const pathId = (name: string, description: string) => z.object({ [name]: z.string().meta({ description }) });
const customerPath = pathId('id', 'Microsoft ID of the customer.');
const schedulePath = pathId('name', 'Schedule name: 1 to 63 letters, digits, "-" or "_".');
const etagHeader = z.object({ ETag: z.string() });
const anonymous = { security: [] };

const operations: Record<string, Record<string, ZodOpenApiOperationObject>> = {
  '/api/health': {
    get: {
      operationId: 'Health_Get',
      ...anonymous,
      summary: 'Whether the store answers.',
      responses: {
        ...errors(),
        200: { description: 'OK', content: json(z.object({ status: z.literal('ok') })) },
        503: {
          description: 'The store does not answer, or the local store cannot save its data (the message says why).',
          content: json(z.object({ status: z.literal('unavailable'), error: errorResponseSchema.shape.error })),
        },
      },
    },
  },
  '/api/openapi.json': {
    get: {
      operationId: 'OpenApi_Get',
      ...anonymous,
      summary: 'This document.',
      responses: { 200: { description: 'OpenAPI 3.1', content: json(z.record(z.string(), z.unknown())) }, ...errors() },
    },
  },
  '/api/me': {
    get: {
      operationId: 'Me_Get',
      summary: 'The caller: its tenant (a partner, or an indirect reseller), its name, the user name and the roles it holds.',
      responses: { 200: { description: 'The caller.', content: json(callerSchema) }, ...errors(401, 403) },
    },
  },
  '/api/customers': {
    get: {
      operationId: 'Customers_List',
      summary:
        'Search the customer list: prefix of the company name, of any of its words, of the domain or any domain label, or the exact Microsoft ID; a search of two or more Han, Hiragana, Katakana or Hangul characters (scripts written without spaces) also matches anywhere inside the company name; case-, accent- and width-insensitive; ordered by company name (or the sort asked for) then id.',
      requestParams: { query: customerSearchQuerySchema },
      responses: {
        200: {
          description: 'A page of customers (with its count when count=true).',
          content: json(pageSchema(customerRowSchema).extend(customerCountSchema.partial().shape)),
        },
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/customers/{id}': {
    get: {
      operationId: 'Customers_Get',
      requestParams: { path: customerPath },
      responses: { 200: { description: 'The customer.', headers: etagHeader, content: json(customerSchema) }, ...errors(400, 401, 403, 404) },
    },
  },
  '/api/customers/{id}/billing-profile': {
    patch: {
      operationId: 'Customers_UpdateBillingProfile',
      summary: 'Rename the Bill-to company name (the customer list value). Requires Customers.ReadWrite.',
      requestParams: { path: customerPath, header: z.object({ 'If-Match': z.string() }) },
      requestBody: { required: true, content: json(renameBodySchema) },
      responses: {
        200: { description: 'The renamed customer.', headers: etagHeader, content: json(customerSchema) },
        ...errors(400, 401, 403, 404, 412, 413, 415, 428),
      },
    },
  },
  '/api/customers/{id}/subscriptions': {
    get: {
      operationId: 'Subscriptions_List',
      requestParams: { path: customerPath, query: subscriptionsQuerySchema },
      responses: { 200: { description: 'A page of subscriptions.', content: json(pageSchema(subscriptionSchema)) }, ...errors(400, 401, 403, 404) },
    },
  },
  '/api/resellers': {
    get: {
      operationId: 'Resellers_List',
      responses: { 200: { description: "The caller's indirect resellers.", content: json(resellersSchema) }, ...errors(401, 403) },
    },
  },
  '/api/activity': {
    get: {
      operationId: 'Activity_List',
      summary: 'The activity log, newest first. Defaults to the last 30 days; at most 90 days.',
      requestParams: { query: activityQuerySchema },
      responses: { 200: { description: 'A page of activity records.', content: json(pageSchema(activityRecordSchema)) }, ...errors(400, 401, 403) },
    },
  },
  '/api/exports': {
    post: {
      operationId: 'Exports_Create',
      summary:
        'Start an export. A customers export lists the customers as they were when it was asked for (createdDateTime): renames made while it runs do not move, repeat or drop rows. A tenant may have a limited number of exports queued or running (default 10); beyond it, 429 with Retry-After.',
      description: `CSV columns — customers: ${CSV_HEADERS.customers.join(', ')}; subscriptions: ${CSV_HEADERS.subscriptions.join(', ')}; activity: ${CSV_HEADERS.activity.join(', ')}.`,
      requestParams: { header: z.object({ 'Repeatability-Request-ID': z.string().optional() }) },
      requestBody: { required: true, content: json(exportRequestSchema) },
      responses: {
        202: {
          description: 'Accepted.',
          headers: z.object({
            'Operation-Location': z.string().meta({ description: 'The export: absolute from the configured public base URL, or relative when none is set.' }),
            'Retry-After': z.string(),
          }),
          content: json(exportSchema),
        },
        ...errors(400, 401, 403, 404, 409, 413, 415, 429),
      },
    },
    get: {
      operationId: 'Exports_List',
      requestParams: { query: exportsListQuerySchema },
      responses: { 200: { description: "The caller's exports, newest first.", content: json(pageSchema(exportSchema)) }, ...errors(400, 401, 403) },
    },
  },
  '/api/exports/{id}': {
    get: {
      operationId: 'Exports_Get',
      requestParams: { path: pathId('id', 'Export id.') },
      responses: { 200: { description: 'The export.', content: json(exportSchema) }, ...errors(400, 401, 403, 404) },
    },
  },
  '/api/exports/{id}:cancel': {
    post: {
      operationId: 'Exports_Cancel',
      summary: 'Cancels a queued or running export: it ends Canceled and keeps no file; 409 when it has already ended.',
      requestParams: { path: pathId('id', 'Export id.') },
      responses: { 200: { description: 'The canceled export.', content: json(exportSchema) }, ...errors(400, 401, 403, 404, 409) },
    },
  },
  '/api/export-schedules': {
    get: {
      operationId: 'ExportSchedules_List',
      responses: { 200: { description: "The caller's schedules.", content: json(exportSchedulesSchema) }, ...errors(401, 403) },
    },
  },
  '/api/export-schedules/{name}': {
    put: {
      operationId: 'ExportSchedules_CreateOrReplace',
      summary:
        'Create or replace a scheduled export. It may run at most once an hour (else 400 CronTooFrequent); a tenant may have a limited number of schedules (default 50, else 400 TooManySchedules).',
      requestParams: { path: schedulePath },
      requestBody: { required: true, content: json(scheduleRequestSchema) },
      responses: {
        200: { description: 'Replaced.', content: json(exportScheduleSchema) },
        201: { description: 'Created.', content: json(exportScheduleSchema) },
        ...errors(400, 401, 403, 404, 413, 415),
      },
    },
    get: {
      operationId: 'ExportSchedules_Get',
      requestParams: { path: schedulePath },
      responses: { 200: { description: 'The schedule.', content: json(exportScheduleSchema) }, ...errors(400, 401, 403, 404) },
    },
    delete: {
      operationId: 'ExportSchedules_Delete',
      requestParams: { path: schedulePath },
      responses: { 204: { description: 'Deleted.' }, ...errors(400, 401, 403, 404) },
    },
  },
};

// Every operation that needs a caller fails closed with 503 where App Service runs the app without
// its authentication (shared/http/platform.ts).
for (const pathOperations of Object.values(operations)) {
  for (const operation of Object.values(pathOperations)) {
    if (operation.security === undefined) operation.responses = { ...operation.responses, ...errors503() };
  }
}

function errors503(): ZodOpenApiResponsesObject {
  return {
    503: {
      description: `${ERROR_STATUSES[503]} PlatformAuthenticationDisabled: App Service Authentication is off, so the caller cannot be trusted and nothing was read or changed.`,
      headers: z.object({ 'x-ms-error-code': z.string() }),
      content: json(errorResponseSchema),
    },
  };
}

let document: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document of every endpoint of the public contract (built once). */
export function openApiDocument() {
  document ??= createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Customer list service',
      version: '1.0.0',
      description:
        "Search a partner's customers, rename a customer's Bill-to company name, and export customers, subscriptions or activity to Excel-ready CSV.",
    },
    servers: [{ url: '/' }],
    security: [{ appServiceAuthentication: [] }],
    paths: operations,
    components: {
      securitySchemes: {
        appServiceAuthentication: {
          type: 'apiKey',
          in: 'header',
          name: 'x-ms-client-principal',
          description:
            'Set by App Service Authentication (Entra ID): base64 JSON principal with tenant id, user name and roles (Customers.Read, Customers.ReadWrite).',
        },
      },
    },
  });
  return document;
}
