/** The subscription resources and requests of the public contract, as schemas. */
import { z } from 'zod';
import { continuationTokenParameter, topParameter } from '../kernel/page.js';
import { SUBSCRIPTION_STATUSES } from './subscription.js';

/** GET /api/customers/{id}/subscriptions */
export const subscriptionsQuerySchema = z.object({ top: topParameter(1000, 100), continuationToken: continuationTokenParameter });

export const subscriptionSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    offerName: z.string(),
    quantity: z.number(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    resellerId: z.string().nullable(),
  })
  .meta({ id: 'Subscription' });
