/** GET /api/resellers: the caller's indirect resellers (a reseller sees only itself). */

import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { jsonResponse } from '../shared/http/responses.js';

export const resellersList = httpFunction({
  name: 'resellers-list',
  methods: ['GET'],
  route: 'api/resellers',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const resellers = await ctx.tenants.listResellers(scope.partnerId);
    const visible = scope.resellerId ? resellers.filter((reseller) => reseller.id === scope.resellerId) : resellers;
    return jsonResponse(200, { value: visible.map((reseller) => ({ id: reseller.id, name: reseller.name })) });
  },
});
