/** GET /api/exports/{id}: one of the caller's exports, with a download link minted now when ready. */
import { httpFunction } from '../shared/host/function-table.js';
import { pathParameter } from '../shared/http/request.js';
import { jsonResponse, methodNotAllowedResponse } from '../shared/http/responses.js';

export const exportsGet = httpFunction({
  name: 'exports-get',
  methods: ['GET'],
  route: 'api/exports/{id}',
  async handler(request, _context, services) {
    // The host gives GET `/api/exports/<id>:cancel` to this route (a `{id}` segment takes a colon
    // too): that path is the cancel action, which only POST serves.
    if (/:cancel$/i.test(request.params.id ?? '')) return methodNotAllowedResponse(request.method, new URL(request.url).pathname, ['POST']);
    const scope = await services.auth.scope(request);
    const job = await services.exports.getInScope(scope, pathParameter(request, 'id'));
    const resource = await services.exports.toResource(job);
    const finished = ['Succeeded', 'Failed', 'Canceled'].includes(job.status);
    return jsonResponse(200, resource, { 'cache-control': 'no-store', ...(finished ? {} : { 'retry-after': '2' }) });
  },
});
