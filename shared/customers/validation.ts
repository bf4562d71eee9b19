/** Validation rules for customer fields shared by the API and the importer. */
import { z } from 'zod';

/** Control characters (C0, DEL, C1) and the Unicode line/paragraph separators. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A company name: trimmed, 1 to 255 characters, no control characters. */
export const companyNameSchema = z
  .string({ error: 'must be a string' })
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .refine((value) => [...value].length <= 255, 'must be at most 255 characters')
      .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters'),
  );
