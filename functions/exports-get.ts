/** GET /api/exports/{id}: one of the caller's exports, with a download link minted now when ready. */
import { httpFunction } from '../shared/host/function-table.js';
import { pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportsGet = httpFunction({
  name: 'exports-get',
  methods: ['GET'],
  route: 'api/exports/{id}',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const job = await services.exports.getInScope(scope, pathParameter(request, 'id'));
    const resource = await services.exports.toResource(job);
    const finished = ['Succeeded', 'Failed', 'Canceled'].includes(job.status);
    return jsonResponse(200, resource, { 'cache-control': 'no-store', ...(finished ? {} : { 'retry-after': '2' }) });
  },
});
