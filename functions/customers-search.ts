/** GET /api/customers: search the caller's customer list, paged. */
import { z } from 'zod';
import { CUSTOMER_SORTS, toCustomerRow } from '../shared/customers/customer.js';
import { customerCount } from '../shared/customers/customer-counts.js';
import { customerFilter } from '../shared/customers/customer-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { pagedList, topParameter } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

const querySchema = z.object({
  search: z.string().max(256, 'must be at most 256 characters').optional(),
  resellerId: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  sort: z.enum(CUSTOMER_SORTS, { error: `must be one of ${CUSTOMER_SORTS.join(', ')}` }).default('companyName'),
  top: topParameter(1000, 100),
  count: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  continuationToken: z.string().optional(),
});

export const customersSearch = httpFunction({
  name: 'customers-search',
  methods: ['GET'],
  route: 'api/customers',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const query = parseQuery(request, querySchema);
    const filter = customerFilter(scope, query.search, query.resellerId);
    const [body, count] = await Promise.all([
      pagedList(
        request,
        query.continuationToken,
        // The sort is part of what a token is bound to: it carries a position in one order only.
        ['customers', scope.tenantId, filter?.resellerId, filter?.searchPrefix, filter?.idEquals, query.sort],
        async (after) => (filter ? ctx.customers.searchCustomers(filter, query.top, after, query.sort) : { rows: [] }),
        (row) => toCustomerRow(row, ctx.config.serviceLinks),
      ),
      query.count === 'true' ? customerCount(ctx, filter) : undefined,
    ]);
    return jsonResponse(200, count ? { ...body, ...count } : body);
  },
});
