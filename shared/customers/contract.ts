/** The customer resources and requests of the public contract, as schemas: the OpenAPI document is generated from them. */
import { z } from 'zod';
import { continuationTokenParameter, topParameter } from '../kernel/page.js';
import { companyNameSchema } from './validation.js';

/**
 * The orders the list can be read in (the contract's `sort`): by company name (the folded
 * `sortKey`) or by primary domain (stored in lower case), ascending or, with `-`, descending; ties
 * by id in the same direction. Each is served by a composite index in infra/cosmos-containers.json.
 */
export const CUSTOMER_SORTS = ['companyName', '-companyName', 'domain', '-domain'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** GET /api/customers */
export const customerSearchQuerySchema = z.object({
  search: z.string().max(256, 'must be at most 256 characters').optional().meta({ description: 'Search text.' }),
  resellerId: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .optional()
    .meta({ description: "Only this indirect reseller's customers." }),
  sort: z
    .enum(CUSTOMER_SORTS, { error: `must be one of ${CUSTOMER_SORTS.join(', ')}` })
    .default('companyName')
    .meta({ description: 'Order of the rows, ties by id: company name or primary domain, `-` for descending.' }),
  top: topParameter(1000, 100),
  count: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .meta({ description: 'true adds `count` (exact for the whole list or one reseller; for a search, the matches up to 1,000) and `countIsCapped`.' }),
  continuationToken: continuationTokenParameter,
});

/** What `count=true` adds to a page of customers. */
export const customerCountSchema = z.object({
  count: z.number().int().min(0).meta({ description: 'How many customers the query lists (for a search, at most 1,000).' }),
  countIsCapped: z.boolean().meta({ description: 'True when a search has more matches than `count`.' }),
});

/**
 * PATCH /api/customers/{id}/billing-profile. Unknown fields are refused (400), as the Azure REST API
 * guidelines ask ("rest-fail-for-unknown-fields"): a client that sends `companyProfile` or a
 * misspelt field must learn that it changed nothing.
 */
export const renameBodySchema = z.strictObject({ companyName: companyNameSchema });

const customerLinksSchema = z
  .object({
    self: z.string(),
    subscriptions: z.string(),
    services: z.array(z.object({ name: z.string(), url: z.string() })),
  })
  .meta({ id: 'Links' });

export const customerRowSchema = z
  .object({
    id: z.string(),
    companyName: z.string(),
    domain: z.string(),
    relationship: z.string(),
    resellerId: z.string().nullable(),
    links: customerLinksSchema,
  })
  .meta({ id: 'CustomerRow' });

export const customerSchema = customerRowSchema
  .extend({
    billingProfile: z.object({ companyName: z.string() }),
    companyProfile: z.object({ companyName: z.string(), tenantId: z.string(), domain: z.string() }),
    etag: z.string(),
  })
  .meta({ id: 'Customer' });

export type CustomerRowResource = z.output<typeof customerRowSchema>;
export type CustomerResource = z.output<typeof customerSchema>;
