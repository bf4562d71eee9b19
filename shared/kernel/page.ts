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
