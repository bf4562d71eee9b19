/** The reseller resource of the public contract, as a schema. */
import { z } from 'zod';

const resellerSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Reseller' });

/** GET /api/resellers */
export const resellersSchema = z.object({ value: z.array(resellerSchema) });
