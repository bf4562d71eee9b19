/** Activity log use cases: the date range rules and the scope of a query. */
import { z } from 'zod';
import { invalid } from '../errors.js';
import type { Cursor } from '../http/paging.js';
import { type Scope, guidId } from '../tenants/tenant.js';
import { ServiceError } from '../errors.js';
import { type ActivityFilter, DEFAULT_ACTIVITY_RANGE_DAYS } from './activity.js';

const DAY_MILLISECONDS = 86_400_000;

/** An ISO 8601 date-time (with Z or an offset) or a date; the result is UTC ISO with milliseconds. */
export const isoDateTimeSchema = z
  .union([z.iso.datetime({ offset: true, local: false }), z.iso.date()], { error: 'must be an ISO 8601 date-time' })
  .transform((value) => new Date(value).toISOString());

/**
 * The effective range: defaults to the `defaultDays` before `to` (now when absent); `from` after
 * `to` or a range longer than `maxDays` is Invalid.
 */
export function activityRange(now: Date, from: string | undefined, to: string | undefined, maxDays: number): { from: string; to: string } {
  const toDate = to ? new Date(to) : now;
  const fromDate = from ? new Date(from) : new Date(toDate.getTime() - DEFAULT_ACTIVITY_RANGE_DAYS * DAY_MILLISECONDS);
  if (fromDate.getTime() > toDate.getTime()) throw invalid('InvalidDateRange', '"from" must not be after "to".', 'from');
  if (toDate.getTime() - fromDate.getTime() > maxDays * DAY_MILLISECONDS) {
    throw invalid('InvalidDateRange', `The range from "from" to "to" must be at most ${maxDays} days.`, 'to');
  }
  return { from: fromDate.toISOString(), to: toDate.toISOString() };
}

export function activityFilter(
  scope: Scope,
  range: { from: string; to: string },
  customerId: string | undefined,
  operation: string | undefined,
): ActivityFilter {
  return {
    partnerId: scope.partnerId,
    ...(scope.resellerId ? { resellerId: scope.resellerId } : {}),
    ...range,
    ...(customerId ? { customerId: guidId(customerId, 'customerId', 'customerId') } : {}),
    ...(operation ? { operation } : {}),
  };
}

/** Cursor shape of an activity page: [dateTime, id]. */
export function activityCursor(cursor: Cursor | undefined): Cursor | undefined {
  if (cursor && (cursor.length !== 2 || cursor.some((part) => typeof part !== 'string'))) {
    throw new ServiceError('Invalid', 'InvalidContinuationToken', 'continuationToken is malformed.', 'continuationToken');
  }
  return cursor;
}
