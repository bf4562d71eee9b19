/** GET /api/me: the caller (tenant, partner or reseller, user name, roles), so a client can shape itself. */

import { httpFunction } from '../shared/host/function-table.js';
import { jsonResponse } from '../shared/http/responses.js';

export const meGet = httpFunction({
  name: 'me-get',
  methods: ['GET'],
  route: 'api/me',
  async handler(request, _context, services) {
    return jsonResponse(200, await services.auth.caller(request), { 'cache-control': 'no-store' });
  },
});
