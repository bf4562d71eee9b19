/**
 * Catch-all under /api: a path no function serves is 404, a known path with another method is 405
 * (with Allow), both in the contract's error format. The most specific route wins, on both hosts.
 */

import { type HttpFunctionEntry, httpFunction } from '../shared/host/function-table.js';
import { matchRoute } from '../shared/host/routes.js';
import { errorResponse } from '../shared/http/responses.js';
import { ServiceError } from '../shared/kernel/errors.js';

export function apiFallback(entries: readonly HttpFunctionEntry[]): HttpFunctionEntry {
  return httpFunction({
    name: 'api-fallback',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
    route: 'api/{*path}',
    async handler(request) {
      const path = new URL(request.url).pathname;
      const allowed = entries.filter((entry) => matchRoute(entry.route, path)).flatMap((entry) => entry.methods);
      if (allowed.length === 0) {
        return errorResponse(new ServiceError('NotFound', 'NotFound', `There is no API at ${path}.`));
      }
      const response = errorResponse(
        new ServiceError('MethodNotAllowed', 'MethodNotAllowed', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`),
      );
      return { ...response, headers: { ...(response.headers as Record<string, string>), allow: allowed.join(', ') } };
    },
  });
}
