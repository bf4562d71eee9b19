/** GET /api/exports/{id}: one of the caller's exports, with a download link minted now when ready. */
import { exportResource, getExportInScope } from '../shared/exports/export-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportsGet = httpFunction({
  name: 'exports-get',
  methods: ['GET'],
  route: 'api/exports/{id}',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const job = await getExportInScope(ctx, scope, pathParameter(request, 'id'));
    const resource = await exportResource(ctx, job);
    const finished = ['Succeeded', 'Failed', 'Canceled'].includes(job.status);
    return jsonResponse(200, resource, { 'cache-control': 'no-store', ...(finished ? {} : { 'retry-after': '2' }) });
  },
});
