/** GET /api/export-schedules/{name}: one of the caller's schedules. */
import { getSchedule, parseScheduleName, toScheduleResource } from '../shared/exports/schedules.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportSchedulesGet = httpFunction({
  name: 'export-schedules-get',
  methods: ['GET'],
  route: 'api/export-schedules/{name}',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    return jsonResponse(200, toScheduleResource(await getSchedule(ctx, scope, parseScheduleName(request.params.name))));
  },
});
