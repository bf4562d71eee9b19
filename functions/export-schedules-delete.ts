/** DELETE /api/export-schedules/{name}: 204; a schedule the caller does not have is 404. */
import { parseScheduleName } from '../shared/exports/schedules.js';
import { httpFunction } from '../shared/host/function-table.js';

export const exportSchedulesDelete = httpFunction({
  name: 'export-schedules-delete',
  methods: ['DELETE'],
  route: 'api/export-schedules/{name}',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request, 'Customers.ReadWrite');
    await services.schedules.delete(scope, parseScheduleName(request.params.name));
    return { status: 204 };
  },
});
