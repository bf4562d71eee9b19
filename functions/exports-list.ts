/** GET /api/exports: the caller's exports, newest first, paged. */
import { exportsListQuerySchema as querySchema } from '../shared/exports/contract.js';
import { httpFunction } from '../shared/host/function-table.js';
import { pagedList } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportsList = httpFunction({
  name: 'exports-list',
  methods: ['GET'],
  route: 'api/exports',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const query = parseQuery(request, querySchema);
    const body = await pagedList(
      request,
      services.links.publicBaseUrl,
      query.continuationToken,
      ['exports', scope.tenantId],
      (after) => services.exports.list(scope, query.top, after),
      (job) => services.exports.toResource(job),
    );
    return jsonResponse(200, body, { 'cache-control': 'no-store' });
  },
});
