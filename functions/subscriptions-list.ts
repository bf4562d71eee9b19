/** GET /api/customers/{id}/subscriptions: a customer's subscriptions, paged. */
import { z } from 'zod';
import { getCustomerInScope } from '../shared/customers/customer-service.js';
import { authorize } from '../shared/http/auth.js';
import { decodeContinuation, encodeContinuation, nextLink, queryFingerprint, topParameter } from '../shared/http/paging.js';
import { parseQuery, pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { httpFunction } from '../shared/host/function-table.js';
import { subscriptionCursor, subscriptionFilter } from '../shared/subscriptions/subscription-service.js';
import { toSubscription } from '../shared/subscriptions/subscription.js';

const querySchema = z.object({ top: topParameter(1000, 100), continuationToken: z.string().optional() });

export const subscriptionsList = httpFunction({
  name: 'subscriptions-list',
  methods: ['GET'],
  route: 'api/customers/{id}/subscriptions',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const customer = await getCustomerInScope(ctx, scope, pathParameter(request, 'id'));
    const query = parseQuery(request, querySchema);
    const fingerprint = queryFingerprint(['subscriptions', scope.tenantId, customer.id]);
    const after = subscriptionCursor(decodeContinuation(query.continuationToken, fingerprint));
    const page = await ctx.subscriptions.listSubscriptions(subscriptionFilter(scope, customer.id), query.top, after);
    return jsonResponse(200, {
      value: page.rows.map(toSubscription),
      ...(page.next ? { nextLink: nextLink(request, encodeContinuation(fingerprint, page.next), ctx.config.publicBaseUrl) } : {}),
    });
  },
});
