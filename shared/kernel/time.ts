/** Time: the clock use cases are given, and the one date-time format the API accepts. */
import { z } from 'zod';

/** What a use case asks the time of; tests pass their own. */
export type Clock = () => Date;

export const DAY_MILLISECONDS = 86_400_000;

/** An ISO 8601 date-time (with Z or an offset) or a date; the result is UTC ISO with milliseconds. */
export const isoDateTimeSchema = z
  .union([z.iso.datetime({ offset: true, local: false }), z.iso.date()], { error: 'must be an ISO 8601 date-time' })
  .transform((value) => new Date(value).toISOString());
