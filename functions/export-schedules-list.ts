/** GET /api/export-schedules: the caller's schedules, by name. */
import { toScheduleResource } from '../shared/exports/schedules.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportSchedulesList = httpFunction({
  name: 'export-schedules-list',
  methods: ['GET'],
  route: 'api/export-schedules',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const schedules = await ctx.exportJobs.listSchedules(scope.partnerId, scope.tenantId);
    return jsonResponse(200, { value: schedules.map(toScheduleResource) });
  },
});
