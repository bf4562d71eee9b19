/** POST /api/exports/{id}:cancel: cancel a queued or running export; 409 when it has already ended. */
import { httpFunction } from '../shared/host/function-table.js';
import { pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportsCancel = httpFunction({
  name: 'exports-cancel',
  methods: ['POST'],
  route: 'api/exports/{id}:cancel',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const job = await services.exports.cancel(scope, pathParameter(request, 'id'));
    return jsonResponse(200, await services.exports.toResource(job));
  },
});
