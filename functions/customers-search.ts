/** GET /api/customers: search the caller's customer list, paged. */
import { z } from 'zod';
import { customerCursor, customerFilter } from '../shared/customers/customer-service.js';
import { authorize } from '../shared/http/auth.js';
import { decodeContinuation, encodeContinuation, nextLink, queryFingerprint, topParameter } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonTextResponse } from '../shared/http/responses.js';
import { httpFunction } from '../shared/host/function-table.js';

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
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const query = parseQuery(request, querySchema);
    const filter = customerFilter(scope, query.search, query.resellerId);
    const fingerprint = queryFingerprint(['customers', scope.tenantId, filter?.resellerId, filter?.searchPrefix, filter?.idEquals]);
    const after = customerCursor(decodeContinuation(query.continuationToken, fingerprint));
    const page = filter ? await ctx.customers.searchCustomers(filter, query.top, after) : { rows: [] };
    const next = page.next ? nextLink(request, encodeContinuation(fingerprint, page.next), ctx.config.publicBaseUrl) : undefined;
    return jsonTextResponse(200, ctx.searchPages.page(page.rows, ctx.config.serviceLinks, next));
  },
});
