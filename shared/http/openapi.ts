/** The OpenAPI 3.1 description of every endpoint of the public contract. */
import { CSV_HEADERS } from '../exports/csv.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));
const page = (item: string) => ({
  type: 'object',
  required: ['value'],
  properties: { value: { type: 'array', items: ref(item) }, nextLink: { type: 'string', format: 'uri', description: 'Absent on the last page.' } },
});
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const pathId = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const top = (max: number, fallback: number) => query('top', `Page size, 1 to ${max}.`, { type: 'integer', minimum: 1, maximum: max, default: fallback });
const continuation = query('continuationToken', "Opaque token from the previous page's nextLink.");
const secured = [{ appServiceAuthentication: [] }];

const exportBody = {
  oneOf: [
    {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { const: 'customers' }, search: { type: 'string' }, resellerId: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['type', 'customerId'],
      additionalProperties: false,
      properties: { type: { const: 'subscriptions' }, customerId: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { const: 'activity' },
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        customerId: { type: 'string' },
      },
    },
  ],
};

export function openApiDocument() {
  const errorStatuses = {
    400: 'Bad input.',
    401: 'No or malformed x-ms-client-principal.',
    403: 'Unknown tenant or missing role.',
    404: "Not found in the caller's scope.",
    405: 'Method not allowed.',
    409: 'Conflict.',
    412: 'Stale If-Match.',
    413: 'Body over 64 KiB.',
    415: 'Body is not JSON.',
    428: 'If-Match required.',
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customer list service',
      version: '1.0.0',
      description:
        "Search a partner's customers, rename a customer's Bill-to company name, and export customers, subscriptions or activity to Excel-ready CSV.",
    },
    servers: [{ url: '/' }],
    security: secured,
    paths: {
      '/api/health': {
        get: {
          operationId: 'Health_Get',
          security: [],
          summary: 'Whether the store answers.',
          responses: {
            200: { description: 'OK', content: json({ type: 'object', properties: { status: { const: 'ok' } } }) },
            503: { description: 'The store does not answer.' },
          },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'OpenApi_Get',
          security: [],
          summary: 'This document.',
          responses: { 200: { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
        },
      },
      '/api/customers': {
        get: {
          operationId: 'Customers_List',
          summary:
            'Search the customer list: prefix of the company name, of any of its words, of the domain or any domain label, or the exact Microsoft ID; case- and accent-insensitive; ordered by company name (or the sort asked for) then id.',
          parameters: [
            query('search', 'Search text.'),
            query('resellerId', "Only this indirect reseller's customers."),
            query('sort', 'Order of the rows, ties by id: company name or primary domain, `-` for descending.', {
              enum: ['companyName', '-companyName', 'domain', '-domain'],
              default: 'companyName',
            }),
            top(1000, 100),
            query('count', 'true adds `count` (exact for the whole list or one reseller; for a search, matches up to 1,000) and `countIsCapped`.', {
              enum: ['true', 'false'],
            }),
            continuation,
          ],
          responses: {
            200: {
              description: 'A page of customers.',
              content: json({
                ...page('CustomerRow'),
                properties: {
                  ...page('CustomerRow').properties,
                  count: { type: 'integer', minimum: 0, description: 'With count=true: how many customers the query lists (capped for a search).' },
                  countIsCapped: { type: 'boolean', description: 'With count=true: true when a search has more matches than `count`.' },
                },
              }),
            },
            ...errorResponses(400, 401, 403),
          },
        },
      },
      '/api/customers/{id}': {
        get: {
          operationId: 'Customers_Get',
          parameters: [pathId('id', 'Microsoft ID of the customer.')],
          responses: {
            200: { description: 'The customer.', headers: { ETag: { schema: { type: 'string' } } }, content: json(ref('Customer')) },
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      '/api/customers/{id}/billing-profile': {
        patch: {
          operationId: 'Customers_UpdateBillingProfile',
          summary: 'Rename the Bill-to company name (the customer list value). Requires Customers.ReadWrite.',
          parameters: [pathId('id', 'Microsoft ID of the customer.'), { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: json({ type: 'object', required: ['companyName'], properties: { companyName: { type: 'string', minLength: 1, maxLength: 255 } } }),
          },
          responses: {
            200: { description: 'The renamed customer.', headers: { ETag: { schema: { type: 'string' } } }, content: json(ref('Customer')) },
            ...errorResponses(400, 401, 403, 404, 412, 413, 415, 428),
          },
        },
      },
      '/api/customers/{id}/subscriptions': {
        get: {
          operationId: 'Subscriptions_List',
          parameters: [pathId('id', 'Microsoft ID of the customer.'), top(1000, 100), continuation],
          responses: { 200: { description: 'A page of subscriptions.', content: json(page('Subscription')) }, ...errorResponses(400, 401, 403, 404) },
        },
      },
      '/api/resellers': {
        get: {
          operationId: 'Resellers_List',
          responses: {
            200: {
              description: "The caller's indirect resellers.",
              content: json({ type: 'object', properties: { value: { type: 'array', items: ref('Reseller') } } }),
            },
            ...errorResponses(401, 403),
          },
        },
      },
      '/api/activity': {
        get: {
          operationId: 'Activity_List',
          summary: 'The activity log, newest first. Defaults to the last 30 days; at most 90 days.',
          parameters: [
            query('from', 'Start, ISO 8601.', { type: 'string', format: 'date-time' }),
            query('to', 'End, ISO 8601.', { type: 'string', format: 'date-time' }),
            query('customerId', 'Only records about this customer.'),
            query('operation', 'Only this operation, e.g. UpdateCustomerCompanyName.'),
            top(1000, 100),
            continuation,
          ],
          responses: { 200: { description: 'A page of activity records.', content: json(page('ActivityRecord')) }, ...errorResponses(400, 401, 403) },
        },
      },
      '/api/exports': {
        post: {
          operationId: 'Exports_Create',
          parameters: [{ name: 'Repeatability-Request-ID', in: 'header', required: false, schema: { type: 'string' } }],
          requestBody: { required: true, content: json(exportBody) },
          responses: {
            202: {
              description: 'Accepted.',
              headers: { 'Operation-Location': { schema: { type: 'string', format: 'uri' } }, 'Retry-After': { schema: { type: 'integer' } } },
              content: json(ref('Export')),
            },
            ...errorResponses(400, 401, 403, 404, 409, 413, 415),
          },
        },
        get: {
          operationId: 'Exports_List',
          parameters: [top(100, 20), continuation],
          responses: { 200: { description: "The caller's exports, newest first.", content: json(page('Export')) }, ...errorResponses(400, 401, 403) },
        },
      },
      '/api/exports/{id}': {
        get: {
          operationId: 'Exports_Get',
          parameters: [pathId('id', 'Export id.')],
          responses: { 200: { description: 'The export.', content: json(ref('Export')) }, ...errorResponses(401, 403, 404) },
        },
      },
      '/api/export-schedules': {
        get: {
          operationId: 'ExportSchedules_List',
          responses: {
            200: {
              description: "The caller's schedules.",
              content: json({ type: 'object', properties: { value: { type: 'array', items: ref('ExportSchedule') } } }),
            },
            ...errorResponses(401, 403),
          },
        },
      },
      '/api/export-schedules/{name}': {
        put: {
          operationId: 'ExportSchedules_CreateOrReplace',
          parameters: [pathId('name', 'Schedule name.')],
          requestBody: {
            required: true,
            content: json({ allOf: [exportBody], properties: { cron: { type: 'string', description: '6-field NCRONTAB, UTC.' } }, required: ['cron'] }),
          },
          responses: {
            200: { description: 'Replaced.', content: json(ref('ExportSchedule')) },
            201: { description: 'Created.', content: json(ref('ExportSchedule')) },
            ...errorResponses(400, 401, 403, 404, 413, 415),
          },
        },
        get: {
          operationId: 'ExportSchedules_Get',
          parameters: [pathId('name', 'Schedule name.')],
          responses: { 200: { description: 'The schedule.', content: json(ref('ExportSchedule')) }, ...errorResponses(400, 401, 403, 404) },
        },
        delete: {
          operationId: 'ExportSchedules_Delete',
          parameters: [pathId('name', 'Schedule name.')],
          responses: { 204: { description: 'Deleted.' }, ...errorResponses(400, 401, 403, 404) },
        },
      },
    },
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
      responses: Object.fromEntries(
        Object.entries(errorStatuses).map(([status, description]) => [
          `Error${status}`,
          { description, headers: { 'x-ms-error-code': { schema: { type: 'string' } } }, content: json(ref('ErrorResponse')) },
        ]),
      ),
      schemas: {
        ErrorResponse: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, target: { type: 'string' } },
            },
          },
        },
        Links: {
          type: 'object',
          properties: {
            self: { type: 'string' },
            subscriptions: { type: 'string' },
            services: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, url: { type: 'string', format: 'uri' } } } },
          },
        },
        CustomerRow: {
          type: 'object',
          required: ['id', 'companyName', 'domain', 'relationship', 'resellerId', 'links'],
          properties: {
            id: { type: 'string' },
            companyName: { type: 'string' },
            domain: { type: 'string' },
            relationship: { type: 'string' },
            resellerId: { type: ['string', 'null'] },
            links: ref('Links'),
          },
        },
        Customer: {
          allOf: [ref('CustomerRow')],
          type: 'object',
          properties: {
            billingProfile: { type: 'object', properties: { companyName: { type: 'string' } } },
            companyProfile: { type: 'object', properties: { companyName: { type: 'string' }, tenantId: { type: 'string' }, domain: { type: 'string' } } },
            etag: { type: 'string' },
          },
        },
        Subscription: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            customerId: { type: 'string' },
            offerName: { type: 'string' },
            quantity: { type: 'integer' },
            status: { enum: ['active', 'suspended', 'deleted', 'expired', 'pending'] },
            resellerId: { type: ['string', 'null'] },
          },
        },
        Reseller: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
        ActivityRecord: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            dateTime: { type: 'string', format: 'date-time' },
            operation: { type: 'string' },
            customerId: { type: ['string', 'null'] },
            customerName: { type: ['string', 'null'] },
            user: { type: 'string' },
            status: { enum: ['Pending', 'Succeeded', 'Failed'] },
            details: { type: 'object' },
          },
        },
        Export: {
          type: 'object',
          description: `CSV columns — customers: ${CSV_HEADERS.customers.join(', ')}; subscriptions: ${CSV_HEADERS.subscriptions.join(', ')}; activity: ${CSV_HEADERS.activity.join(', ')}.`,
          properties: {
            id: { type: 'string' },
            type: { enum: ['customers', 'subscriptions', 'activity'] },
            filter: { type: 'object' },
            status: { enum: ['NotStarted', 'Running', 'Succeeded', 'Failed', 'Canceled'] },
            rowCount: { type: 'integer' },
            createdDateTime: { type: 'string', format: 'date-time' },
            lastUpdatedDateTime: { type: 'string', format: 'date-time' },
            completedDateTime: { type: 'string', format: 'date-time' },
            fileName: { type: 'string' },
            downloadUrl: { type: 'string', format: 'uri', description: 'Read-only SAS URL of the file, minted at each GET, valid for at most an hour.' },
            downloadUrlExpiresDateTime: { type: 'string', format: 'date-time' },
            fileExpiresDateTime: { type: 'string', format: 'date-time', description: 'When the file is deleted.' },
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        },
        ExportSchedule: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            type: { type: 'string' },
            cron: { type: 'string' },
            nextRunDateTime: { type: 'string', format: 'date-time' },
            lastRunDateTime: { type: 'string', format: 'date-time' },
            lastExportId: { type: 'string' },
          },
        },
      },
    },
  };
}
