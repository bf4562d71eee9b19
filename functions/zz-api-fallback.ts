/**
 * Under /api/<something>: a path no function serves is 404, a known path with another method is
 * 405 (with Allow), both in the contract's error format.
 *
 * Its route overlaps every API route, so it must be the last one the host tries. The host tries
 * routes in the order of the function names (ordinal, ignoring case; see shared/host/routes.ts),
 * hence the name: "zz-" sorts after every other function. `shadowedRoutes` (run by the local
 * runner at start and by the function table test) fails if any function ever sorts after it.
 */

import { type HttpFunctionEntry, httpFunction } from '../shared/host/function-table.js';
import { matchRoute } from '../shared/host/routes.js';
import { errorResponse } from '../shared/http/responses.js';
import { ServiceError } from '../shared/kernel/errors.js';

export function apiFallback(entries: readonly HttpFunctionEntry[]): HttpFunctionEntry {
  return httpFunction({
    name: 'zz-api-fallback',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
    // At least one segment after api/, so that it cannot overlap the portal's `{file?}` (`/api`).
    route: 'api/{resource}/{*rest}',
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
