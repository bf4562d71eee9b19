/** GET /api/me: the caller as the service sees it (tenant, its kind and name, user, roles). */

import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { parsePrincipal } from '../shared/http/principal.js';
import { jsonResponse } from '../shared/http/responses.js';

const ROLES = ['Customers.Read', 'Customers.ReadWrite'];

export const meGet = httpFunction({
  name: 'me-get',
  methods: ['GET'],
  route: 'api/me',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const principal = parsePrincipal(request.headers.get('x-ms-client-principal') ?? ctx.config.localDevPrincipal);
    const tenant = await ctx.tenants.findTenant(scope.tenantId);
    return jsonResponse(200, {
      tenantId: scope.tenantId,
      tenantType: scope.resellerId ? 'reseller' : 'partner',
      tenantName: tenant?.name ?? '',
      userName: scope.userName,
      roles: principal.roles.filter((role) => ROLES.includes(role)),
    });
  },
});
