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
import { errorResponse, methodNotAllowedResponse } from '../shared/http/responses.js';
import { ServiceError } from '../shared/kernel/errors.js';

/**
 * Whether the entry serves this path. A `{name}` segment also matches `id:action` on the host, but
 * no id or name of this API holds a colon: such a segment is an action (`{id}:cancel`), served only
 * by the entry that spells the action out, so `/api/exports/<id>:retry` is 404, not GET's 405.
 */
function servesPath(entry: HttpFunctionEntry, path: string): boolean {
  const params = matchRoute(entry.route, path);
  return params !== undefined && !Object.values(params).some((value) => value.includes(':'));
}

export function apiFallback(entries: readonly HttpFunctionEntry[]): HttpFunctionEntry {
  return httpFunction({
    name: 'zz-api-fallback',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
    // At least one segment after api/, so that it cannot overlap the portal's `{file?}` (`/api`).
    route: 'api/{resource}/{*rest}',
    // It only says that no API is there (404) or which methods are (405): no caller needed.
    anonymous: true,
    async handler(request) {
      const path = new URL(request.url).pathname;
      const allowed = entries.filter((entry) => servesPath(entry, path)).flatMap((entry) => entry.methods);
      if (allowed.length === 0) {
        return errorResponse(new ServiceError('NotFound', 'NotFound', `There is no API at ${path}.`));
      }
      return methodNotAllowedResponse(request.method, path, allowed);
    },
  });
}
