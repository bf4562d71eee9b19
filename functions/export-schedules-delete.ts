/** DELETE /api/export-schedules/{name}: 204; a schedule the caller does not have is 404. */
import { deleteSchedule } from '../shared/exports/schedules.js';
import { authorize } from '../shared/http/auth.js';
import { httpFunction } from '../shared/host/function-table.js';
import { scheduleName } from './export-schedules-put.js';

export const exportSchedulesDelete = httpFunction({
  name: 'export-schedules-delete',
  methods: ['DELETE'],
  route: 'api/export-schedules/{name}',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx, 'Customers.ReadWrite');
    await deleteSchedule(ctx, scope, scheduleName(request.params.name));
    return { status: 204 };
  },
});
