/** POST /api/exports/{id}:cancel: cancel a queued or running export; 409 when it has already ended. */
import { cancelExport, exportResource } from '../shared/exports/export-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportsCancel = httpFunction({
  name: 'exports-cancel',
  methods: ['POST'],
  route: 'api/exports/{id}:cancel',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const job = await cancelExport(ctx, scope, pathParameter(request, 'id'));
    return jsonResponse(200, await exportResource(ctx, job));
  },
});
