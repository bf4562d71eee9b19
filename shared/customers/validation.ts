/**
 * Validation rules for customer fields shared by the API and the importer.
 *
 * Names a person can read: a name is shown in lists, files and activity records, where a reader
 * must see what is stored. So a name may not contain
 * - bidirectional embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069), which
 *   reorder what is shown (the "Trojan Source" spoof, CVE-2021-42574; Unicode UAX #9);
 * - unpaired UTF-16 surrogates, which are not Unicode text at all (a file would carry U+FFFD);
 * - more than MAX_COMBINING_MARKS combining marks on one character (stacked marks draw over
 *   neighbouring lines and hide the letters; Vietnamese, Hebrew or Indic text needs at most 3 or 4);
 * and it must have at least one visible character: not only format characters (\p{Cf}),
 * default-ignorable ones (zero-width space and joiners, fillers, variation selectors), spaces and
 * marks (Unicode UAX #31 and UTS #39 describe these as invisible or confusable).
 */
import { z } from 'zod';

/** Control characters (C0, DEL, C1) and the Unicode line/paragraph separators. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
const VISIBLE = /[^\p{Cf}\p{Default_Ignorable_Code_Point}\p{Z}\s\p{M}]/u;
export const MAX_COMBINING_MARKS = 4;
const TOO_MANY_MARKS = new RegExp(`\\p{M}{${MAX_COMBINING_MARKS + 1},}`, 'u');

/** The first readability rule a name breaks, as a message naming the rule; undefined when it breaks none. */
export function unreadableNameProblem(name: string): string | undefined {
  if (UNPAIRED_SURROGATE.test(name)) return 'must not contain unpaired surrogates (it is not valid Unicode text)';
  if (BIDI_CONTROLS.test(name)) return 'must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)';
  if (!VISIBLE.test(name)) return 'must contain a visible character, not only format, zero-width or combining characters';
  if (TOO_MANY_MARKS.test(name)) return `must not have more than ${MAX_COMBINING_MARKS} combining marks on one character`;
  return undefined;
}

/** A zod check of the readability rules, each failure with its own message. */
export function readableName(value: string, context: z.RefinementCtx): void {
  const problem = unreadableNameProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
}

/** A company name: trimmed, 1 to 255 characters, no control characters, readable. */
export const companyNameSchema = z
  .string({ error: 'must be a string' })
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .refine((value) => [...value].length <= 255, 'must be at most 255 characters')
      .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters')
      .superRefine(readableName),
  );
