/** DELETE /api/export-schedules/{name}: 204; a schedule the caller does not have is 404. */
import { deleteSchedule, parseScheduleName } from '../shared/exports/schedules.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';

export const exportSchedulesDelete = httpFunction({
  name: 'export-schedules-delete',
  methods: ['DELETE'],
  route: 'api/export-schedules/{name}',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx, 'Customers.ReadWrite');
    await deleteSchedule(ctx, scope, parseScheduleName(request.params.name));
    return { status: 204 };
  },
});
