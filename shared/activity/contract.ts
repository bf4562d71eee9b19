/** The activity resources and requests of the public contract, as schemas. */
import { z } from 'zod';
import { continuationTokenParameter, topParameter } from '../kernel/page.js';
import { isoDateTimeSchema } from '../kernel/time.js';

/** GET /api/activity */
export const activityQuerySchema = z.object({
  from: isoDateTimeSchema.optional().meta({ description: 'Start, ISO 8601; default 30 days before `to`.' }),
  to: isoDateTimeSchema.optional().meta({ description: 'End, ISO 8601; default now. At most 90 days after `from`.' }),
  customerId: z.string().min(1).max(128).optional().meta({ description: 'Only records about this customer.' }),
  operation: z
    .string()
    .regex(/^[A-Za-z]{1,64}$/, 'must be an operation name such as UpdateCustomerCompanyName')
    .optional()
    .meta({ description: 'Only this operation, e.g. UpdateCustomerCompanyName.' }),
  top: topParameter(1000, 100),
  continuationToken: continuationTokenParameter,
});

export const activityRecordSchema = z
  .object({
    id: z.string(),
    dateTime: z.string(),
    operation: z.string(),
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    user: z.string(),
    status: z.enum(['Pending', 'Succeeded', 'Failed']),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ActivityRecord' });

export type ActivityResource = z.output<typeof activityRecordSchema>;
