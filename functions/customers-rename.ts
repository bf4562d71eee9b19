/** PATCH /api/customers/{id}/billing-profile: rename the Bill-to company name (If-Match required). */
import { renameBodySchema as bodySchema } from '../shared/customers/contract.js';
import { httpFunction } from '../shared/host/function-table.js';
import { parseJsonBody, pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { ServiceError } from '../shared/kernel/errors.js';

export const customersRename = httpFunction({
  name: 'customers-rename',
  methods: ['PATCH'],
  route: 'api/customers/{id}/billing-profile',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request, 'Customers.ReadWrite');
    const customerId = pathParameter(request, 'id');
    const body = await parseJsonBody(request, bodySchema);
    const ifMatch = request.headers.get('if-match');
    if (!ifMatch?.trim()) {
      throw new ServiceError('PreconditionRequired', 'PreconditionRequired', 'Send If-Match with the ETag of the customer you read.', 'If-Match');
    }
    const renamed = await services.customers.rename(scope, customerId, body.companyName, ifMatch);
    const detail = services.customers.toDetail(renamed);
    return jsonResponse(200, detail, { etag: detail.etag });
  },
});
