/** GET /api/activity: the activity log, newest first, paged (last 30 days by default, 90 at most). */
import { z } from 'zod';
import { MAX_ACTIVITY_RANGE_DAYS, toActivity } from '../shared/activity/activity.js';
import { activityFilter, activityRange } from '../shared/activity/activity-service.js';
import { httpFunction } from '../shared/host/function-table.js';
import { authorize } from '../shared/http/auth.js';
import { pagedList, topParameter } from '../shared/http/paging.js';
import { parseQuery } from '../shared/http/request.js';
import { jsonResponse } from '../shared/http/responses.js';
import { isoDateTimeSchema } from '../shared/kernel/time.js';

const querySchema = z.object({
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  customerId: z.string().min(1).max(128).optional(),
  operation: z
    .string()
    .regex(/^[A-Za-z]{1,64}$/, 'must be an operation name such as UpdateCustomerCompanyName')
    .optional(),
  top: topParameter(1000, 100),
  continuationToken: z.string().optional(),
});

export const activityList = httpFunction({
  name: 'activity-list',
  methods: ['GET'],
  route: 'api/activity',
  async handler(request, _context, ctx) {
    const scope = await authorize(request, ctx);
    const query = parseQuery(request, querySchema);
    const range = activityRange(ctx.now(), query.from, query.to, MAX_ACTIVITY_RANGE_DAYS);
    const filter = activityFilter(scope, range, query.customerId, query.operation);
    // The range is part of the fingerprint: a default range ("last 30 days") is fixed by the first page.
    const body = await pagedList(
      request,
      query.continuationToken,
      ['activity', scope.tenantId, filter.customerId, filter.operation, query.from ?? '', query.to ?? ''],
      (after) => ctx.activity.listActivity(filter, query.top, after),
      toActivity,
    );
    return jsonResponse(200, body);
  },
});
