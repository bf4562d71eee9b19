/** GET /api/me: the caller (tenant, partner or reseller, user name, roles), so a client can shape itself. */

import { httpFunction } from '../shared/host/function-table.js';
import { identifyCaller } from '../shared/http/auth.js';
import { jsonResponse } from '../shared/http/responses.js';

export const meGet = httpFunction({
  name: 'me-get',
  methods: ['GET'],
  route: 'api/me',
  async handler(request, _context, ctx) {
    return jsonResponse(200, await identifyCaller(request, ctx), { 'cache-control': 'no-store' });
  },
});
