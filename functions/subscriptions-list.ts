/** GET /api/customers/{id}/subscriptions: a customer's subscriptions, paged. */

import { httpFunction } from '../shared/host/function-table.js';
import { pagedList } from '../shared/http/paging.js';
import { parseQuery, pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { subscriptionsQuerySchema as querySchema } from '../shared/subscriptions/contract.js';
import { toSubscription } from '../shared/subscriptions/subscription.js';

export const subscriptionsList = httpFunction({
  name: 'subscriptions-list',
  methods: ['GET'],
  route: 'api/customers/{id}/subscriptions',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const customer = await services.customers.getInScope(scope, pathParameter(request, 'id'));
    const query = parseQuery(request, querySchema);
    const body = await pagedList(
      request,
      services.links.publicBaseUrl,
      query.continuationToken,
      ['subscriptions', scope.tenantId, customer.id],
      (after) => services.subscriptions.list(scope, customer.id, query.top, after),
      toSubscription,
    );
    return jsonResponse(200, body);
  },
});
