/** GET /api/export-schedules/{name}: one of the caller's schedules. */
import { parseScheduleName, toScheduleResource } from '../shared/exports/schedules.js';
import { httpFunction } from '../shared/host/function-table.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportSchedulesGet = httpFunction({
  name: 'export-schedules-get',
  methods: ['GET'],
  route: 'api/export-schedules/{name}',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    return jsonResponse(200, toScheduleResource(await services.schedules.get(scope, parseScheduleName(request.params.name))));
  },
});
