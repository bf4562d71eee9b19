/** PATCH /api/customers/{id}/billing-profile: rename the Bill-to company name (If-Match required). */
import { z } from 'zod';
import { toCustomerDetail } from '../shared/customers/customer.js';
import { etagHeader, renameCustomer } from '../shared/customers/customer-service.js';
import { companyNameSchema } from '../shared/customers/validation.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { parseJsonBody, pathParameter } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { ServiceError } from '../shared/kernel/errors.js';

const bodySchema = z.object({ companyName: companyNameSchema });

export const customersRename = httpFunction({
  name: 'customers-rename',
  methods: ['PATCH'],
  route: 'api/customers/{id}/billing-profile',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx, 'Customers.ReadWrite');
    const customerId = pathParameter(request, 'id');
    const body = await parseJsonBody(request, bodySchema);
    const ifMatch = request.headers.get('if-match');
    if (!ifMatch?.trim()) {
      throw new ServiceError('PreconditionRequired', 'PreconditionRequired', 'Send If-Match with the ETag of the customer you read.', 'If-Match');
    }
    const renamed = await renameCustomer(ctx, scope, customerId, body.companyName, ifMatch);
    const detail = toCustomerDetail({ ...renamed, etag: etagHeader(renamed.etag ?? '') }, ctx.config.serviceLinks);
    return jsonResponse(200, detail, { etag: detail.etag });
  },
});
