/** GET /api/export-schedules: the caller's schedules, by name. */
import { toScheduleResource } from '../shared/exports/schedules.js';
import { httpFunction } from '../shared/host/function-table.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportSchedulesList = httpFunction({
  name: 'export-schedules-list',
  methods: ['GET'],
  route: 'api/export-schedules',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const schedules = await services.schedules.list(scope);
    return jsonResponse(200, { value: schedules.map(toScheduleResource) });
  },
});
