/** The customer resources and requests of the public contract, as schemas: the OpenAPI document is generated from them. */
import { z } from 'zod';
import { continuationTokenParameter, topParameter } from '../kernel/page.js';
import { companyNameSchema } from './validation.js';

/** GET /api/customers */
export const customerSearchQuerySchema = z.object({
  search: z.string().max(256, 'must be at most 256 characters').optional().meta({ description: 'Search text.' }),
  resellerId: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .optional()
    .meta({ description: "Only this indirect reseller's customers." }),
  top: topParameter(1000, 100),
  continuationToken: continuationTokenParameter,
});

/** PATCH /api/customers/{id}/billing-profile */
export const renameBodySchema = z.object({ companyName: companyNameSchema });

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
