/** GET /api/customers: search the caller's customer list, paged. */
import { z } from 'zod';
import { CUSTOMER_SORTS, type CustomerRow } from '../shared/customers/customer.js';
import { customerCount } from '../shared/customers/customer-counts.js';
import { customerCursor, customerFilter } from '../shared/customers/customer-service.js';
import type { Page } from '../shared/customers/ports.js';
import { authorize } from '../shared/http/auth.js';
import { decodeContinuation, encodeContinuation, nextLink, queryFingerprint, topParameter } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonTextResponse } from '../shared/http/responses.js';
import { httpFunction } from '../shared/host/function-table.js';

const querySchema = z.object({
  search: z.string().max(256, 'must be at most 256 characters').optional(),
  resellerId: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  sort: z.enum(CUSTOMER_SORTS, { error: `must be one of ${CUSTOMER_SORTS.join(', ')}` }).default('companyName'),
  top: topParameter(1000, 100),
  count: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  continuationToken: z.string().optional(),
});

const emptyPage: Page<CustomerRow> = { rows: [] };

export const customersSearch = httpFunction({
  name: 'customers-search',
  methods: ['GET'],
  route: 'api/customers',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const query = parseQuery(request, querySchema);
    const filter = customerFilter(scope, query.search, query.resellerId);
    // The sort is part of the fingerprint: a token carries a position in one order only.
    const fingerprint = queryFingerprint(['customers', scope.tenantId, filter?.resellerId, filter?.searchPrefix, filter?.idEquals, query.sort]);
    const after = customerCursor(decodeContinuation(query.continuationToken, fingerprint));
    const [page, count] = await Promise.all([
      filter ? ctx.customers.searchCustomers(filter, query.top, after, query.sort) : emptyPage,
      query.count === 'true' ? customerCount(ctx, filter) : undefined,
    ]);
    const next = page.next ? nextLink(request, encodeContinuation(fingerprint, page.next)) : undefined;
    return jsonTextResponse(200, ctx.searchPages.page(page.rows, ctx.config.serviceLinks, next, count));
  },
});
