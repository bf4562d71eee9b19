/** GET /api/customers: search the caller's customer list, paged. */
import { z } from 'zod';
import { customerFilter } from '../shared/customers/customer-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { pagedList, topParameter } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

const querySchema = z.object({
  search: z.string().max(256, 'must be at most 256 characters').optional(),
  resellerId: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  top: topParameter(1000, 100),
  continuationToken: z.string().optional(),
});

export const customersSearch = httpFunction({
  name: 'customers-search',
  methods: ['GET'],
  route: 'api/customers',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const query = parseQuery(request, querySchema);
    const filter = customerFilter(scope, query.search, query.resellerId);
    const body = await pagedList(
      request,
      services.links.publicBaseUrl,
      query.continuationToken,
      ['customers', scope.tenantId, filter?.resellerId, filter?.searchPrefix, filter?.idEquals],
      (after) => services.customers.search(filter, query.top, after),
      (row) => services.customers.toRow(row),
    );
    return jsonResponse(200, body);
  },
});
