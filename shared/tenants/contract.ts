/** The reseller resource of the public contract, as a schema. */
import { z } from 'zod';

const resellerSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Reseller' });

/** GET /api/resellers */
export const resellersSchema = z.object({ value: z.array(resellerSchema) });

/** GET /api/me: the caller as the service sees it. */
export const meSchema = z
  .object({
    tenantId: z.string(),
    tenantType: z.enum(['partner', 'reseller']),
    tenantName: z.string(),
    userName: z.string(),
    roles: z.array(z.string()),
  })
  .meta({ id: 'Me' });
