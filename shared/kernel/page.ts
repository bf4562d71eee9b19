/**
 * Keyset paging, from the store to the response: a page of rows and the position after its last
 * row. Every list in the service is ordered by two text fields (a sort key or a date, then the id),
 * so a position is those two values.
 */
import { z } from 'zod';

/** The keyset position after which the next page starts: the last row's two sort values. */
export type Cursor = [string, string];

export const cursorSchema = z.tuple([z.string(), z.string()]);

export interface Page<T> {
  rows: T[];
  /** Position after the last row, present when more rows may follow. */
  next?: Cursor;
}

/**
 * Every row after a cursor, in pages read one after another by a single store query (one query plan,
 * then one request a page). Each page carries the cursor of its last row, so a reader can stop after
 * any page and resume later with a new stream from that cursor.
 */
export type PageStream<T> = AsyncIterable<{ rows: T[]; cursor: Cursor }>;

/** `top` in a query string: a whole number from 1 to `max`, `fallback` when absent. */
export const topParameter = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, `must be 1 to ${max}`).max(max, `must be 1 to ${max}`))
    .optional()
    .transform((value) => value ?? fallback)
    .meta({ description: `Page size, 1 to ${max}.`, override: { type: 'integer', minimum: 1, maximum: max, default: fallback, pattern: undefined } });

/** `continuationToken` in a query string: opaque, from the previous page's `nextLink`. */
export const continuationTokenParameter = z.string().optional().meta({ description: "Opaque token from the previous page's nextLink." });

/** A page of a list as the contract shows it. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    value: z.array(item),
    nextLink: z.string().optional().meta({
      format: 'uri-reference',
      description:
        "Absent on the last page. Absolute from the service's configured public base URL, or relative when none is set; never built from the Host header.",
    }),
  });
