/** PUT /api/export-schedules/{name}: create (201) or replace (200) a scheduled export. */
import { z } from 'zod';
import { parseScheduleName, toScheduleResource } from '../shared/exports/schedules.js';
import { httpFunction } from '../shared/host/function-table.js';
import { parseJsonBody } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const exportSchedulesPut = httpFunction({
  name: 'export-schedules-put',
  methods: ['PUT'],
  route: 'api/export-schedules/{name}',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request, 'Customers.ReadWrite');
    const name = parseScheduleName(request.params.name);
    const body = await parseJsonBody(request, z.record(z.string(), z.unknown()));
    const { schedule, created } = await services.schedules.put(scope, name, body);
    const location = services.links.to(`/api/export-schedules/${encodeURIComponent(schedule.name)}`);
    return jsonResponse(created ? 201 : 200, toScheduleResource(schedule), created ? { location } : {});
  },
});
