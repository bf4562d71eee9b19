/** GET /api/customers: search the caller's customer list, paged. */
import { customerSearchQuerySchema as querySchema } from '../shared/customers/contract.js';
import { customerFilter } from '../shared/customers/customer-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { pagedList } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const customersSearch = httpFunction({
  name: 'customers-search',
  methods: ['GET'],
  route: 'api/customers',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const query = parseQuery(request, querySchema);
    const filter = customerFilter(scope, query.search, query.resellerId);
    const [body, count] = await Promise.all([
      pagedList(
        request,
        services.links.publicBaseUrl,
        query.continuationToken,
        // The sort is part of what a token is bound to: it carries a position in one order only.
        ['customers', scope.tenantId, filter?.resellerId, filter?.searchPrefix, filter?.idEquals, query.sort],
        (after) => services.customers.search(filter, query.top, after, query.sort),
        (row) => services.customers.toRow(row),
      ),
      query.count === 'true' ? services.customerCounts.count(filter) : undefined,
    ]);
    return jsonResponse(200, count ? { ...body, ...count } : body);
  },
});
