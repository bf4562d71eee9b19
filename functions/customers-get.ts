/** GET /api/customers/{id}: one customer with its profiles, quick links and ETag. */
import { httpFunction } from '../shared/host/function-table.js';
import { pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const customersGet = httpFunction({
  name: 'customers-get',
  methods: ['GET'],
  route: 'api/customers/{id}',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const customer = await services.customers.getInScope(scope, pathParameter(request, 'id'));
    const body = services.customers.toDetail(customer);
    return jsonResponse(200, body, { etag: body.etag });
  },
});
