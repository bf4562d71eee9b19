/** GET /api/resellers: the caller's indirect resellers (a reseller sees only itself). */

import { httpFunction } from '../shared/host/function-table.js';
import { jsonResponse } from '../shared/http/responses.js';

export const resellersList = httpFunction({
  name: 'resellers-list',
  methods: ['GET'],
  route: 'api/resellers',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const visible = await services.tenants.visibleResellers(scope);
    return jsonResponse(200, { value: visible.map((reseller) => ({ id: reseller.id, name: reseller.name })) });
  },
});
