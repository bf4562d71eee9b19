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
