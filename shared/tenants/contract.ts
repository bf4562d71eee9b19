/** The reseller resource of the public contract, as a schema. */
import { z } from 'zod';

const resellerSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Reseller' });

/** GET /api/resellers */
export const resellersSchema = z.object({ value: z.array(resellerSchema) });

/** GET /api/me: who the caller is, so a client can shape itself (the domain's Caller, as a schema). */
export const callerSchema = z
  .object({
    tenantId: z.string().meta({ description: "The caller's tenant id (a GUID)." }),
    tenantType: z.enum(['partner', 'reseller']).meta({ description: 'A partner (direct partner or indirect provider), or an indirect reseller.' }),
    tenantName: z.string(),
    userName: z.string(),
    roles: z.array(z.enum(['Customers.Read', 'Customers.ReadWrite'])).meta({ description: "The service's roles the caller holds." }),
  })
  .meta({ id: 'Caller' });
