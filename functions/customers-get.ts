/** GET /api/customers/{id}: one customer with its profiles, quick links and ETag. */
import { toCustomerDetail } from '../shared/customers/customer.js';
import { etagHeader, getCustomerInScope } from '../shared/customers/customer-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const customersGet = httpFunction({
  name: 'customers-get',
  methods: ['GET'],
  route: 'api/customers/{id}',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const customer = await getCustomerInScope(ctx, scope, pathParameter(request, 'id'));
    const body = toCustomerDetail({ ...customer, etag: etagHeader(customer.etag ?? '') }, ctx.config.serviceLinks);
    return jsonResponse(200, body, { etag: body.etag });
  },
});
