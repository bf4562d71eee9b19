/** GET /api/exports: the caller's exports, newest first, paged. */
import { z } from 'zod';
import { exportResource } from '../shared/exports/export-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { pagedList, topParameter } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

const querySchema = z.object({ top: topParameter(100, 20), continuationToken: z.string().optional() });

export const exportsList = httpFunction({
  name: 'exports-list',
  methods: ['GET'],
  route: 'api/exports',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const query = parseQuery(request, querySchema);
    const body = await pagedList(
      request,
      query.continuationToken,
      ['exports', scope.tenantId],
      (after) => ctx.exportJobs.listExports(scope.partnerId, scope.tenantId, query.top, after),
      (job) => exportResource(ctx, job),
    );
    return jsonResponse(200, body, { 'cache-control': 'no-store' });
  },
});
