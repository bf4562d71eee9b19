/** GET /api/exports: the caller's exports, newest first, paged. */
import { z } from 'zod';
import { exportResource } from '../shared/exports/export-service.js';
import { ServiceError } from '../shared/errors.js';
import { authorize } from '../shared/http/auth.js';
import { decodeContinuation, encodeContinuation, nextLink, queryFingerprint, topParameter } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { httpFunction } from '../shared/host/function-table.js';

const querySchema = z.object({ top: topParameter(100, 20), continuationToken: z.string().optional() });

export const exportsList = httpFunction({
  name: 'exports-list',
  methods: ['GET'],
  route: 'api/exports',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const query = parseQuery(request, querySchema);
    const fingerprint = queryFingerprint(['exports', scope.tenantId]);
    const after = decodeContinuation(query.continuationToken, fingerprint);
    if (after && (after.length !== 2 || after.some((part) => typeof part !== 'string'))) {
      throw new ServiceError('Invalid', 'InvalidContinuationToken', 'continuationToken is malformed.', 'continuationToken');
    }
    const page = await ctx.exportJobs.listExports(scope.partnerId, scope.tenantId, query.top, after);
    const value = await Promise.all(page.rows.map((job) => exportResource(ctx, job)));
    return jsonResponse(
      200,
      {
        value,
        ...(page.next ? { nextLink: nextLink(request, encodeContinuation(fingerprint, page.next), ctx.config.publicBaseUrl) } : {}),
      },
      { 'cache-control': 'no-store' },
    );
  },
});
