/** GET /api/customers/{id}/subscriptions: a customer's subscriptions, paged. */
import { z } from 'zod';
import { getCustomerInScope } from '../shared/customers/customer-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { pagedList, topParameter } from '../shared/http/paging.js';
import { parseQuery, pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { toSubscription } from '../shared/subscriptions/subscription.js';
import { subscriptionFilter } from '../shared/subscriptions/subscription-service.js';

const querySchema = z.object({ top: topParameter(1000, 100), continuationToken: z.string().optional() });

export const subscriptionsList = httpFunction({
  name: 'subscriptions-list',
  methods: ['GET'],
  route: 'api/customers/{id}/subscriptions',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const customer = await getCustomerInScope(ctx, scope, pathParameter(request, 'id'));
    const query = parseQuery(request, querySchema);
    const body = await pagedList(
      request,
      query.continuationToken,
      ['subscriptions', scope.tenantId, customer.id],
      (after) => ctx.subscriptions.listSubscriptions(subscriptionFilter(scope, customer.id), query.top, after),
      toSubscription,
    );
    return jsonResponse(200, body);
  },
});
