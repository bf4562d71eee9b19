/** GET /api/openapi.json: the OpenAPI 3.1 document of every endpoint. Anonymous. */

import { httpFunction } from '../shared/host/function-table.js';
import { openApiDocument } from '../shared/http/openapi.js';
import { jsonResponse } from '../shared/http/responses.js';

export const openapiGet = httpFunction({
  name: 'openapi-get',
  methods: ['GET'],
  route: 'api/openapi.json',
  async handler() {
    return jsonResponse(200, openApiDocument());
  },
});
