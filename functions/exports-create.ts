/** POST /api/exports: start an export; 202 with Operation-Location and Retry-After. */

import { exportRequestSchema } from '../shared/exports/contract.js';
import { httpFunction } from '../shared/host/function-table.js';
import { parseJsonBody } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { invalid } from '../shared/kernel/errors.js';

export const exportsCreate = httpFunction({
  name: 'exports-create',
  methods: ['POST'],
  route: 'api/exports',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const body = await parseJsonBody(request, exportRequestSchema);
    const repeatabilityId = request.headers.get('repeatability-request-id')?.trim();
    if (repeatabilityId !== undefined && !/^[\x21-\x7e]{1,128}$/.test(repeatabilityId)) {
      throw invalid('InvalidHeader', 'Repeatability-Request-ID must be 1 to 128 visible ASCII characters.', 'Repeatability-Request-ID');
    }
    const { job } = await services.exports.start(scope, body, repeatabilityId ? { repeatabilityId } : {});
    const location = services.links.to(`/api/exports/${job.id}`);
    return jsonResponse(202, await services.exports.toResource(job), {
      'operation-location': location,
      'retry-after': '2',
      ...(repeatabilityId ? { 'repeatability-result': 'accepted' } : {}),
    });
  },
});
