/** GET /api/activity: the activity log, newest first, paged (last 30 days by default, 90 at most). */

import { toActivity } from '../shared/activity/activity.js';
import { activityQuerySchema as querySchema } from '../shared/activity/contract.js';
import { httpFunction } from '../shared/host/function-table.js';
import { pagedList } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';

export const activityList = httpFunction({
  name: 'activity-list',
  methods: ['GET'],
  route: 'api/activity',
  async handler(request, _context, services) {
    const scope = await services.auth.scope(request);
    const query = parseQuery(request, querySchema);
    const filter = services.activity.filter(scope, query);
    // The range is part of the fingerprint, and a default range ("the last 30 days") is fixed by the
    // first page: the next link carries it, so a page read minutes later loses no record at its start.
    const body = await pagedList(
      request,
      services.links.publicBaseUrl,
      query.continuationToken,
      ['activity', scope.tenantId, filter.customerId, filter.operation, filter.from, filter.to],
      (after) => services.activity.list(filter, query.top, after),
      toActivity,
      { from: filter.from, to: filter.to },
    );
    return jsonResponse(200, body);
  },
});
