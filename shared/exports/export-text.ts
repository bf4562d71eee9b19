/**
 * How an export reads to a person: local dates and times in an IANA time zone, activity
 * operations in words, activity details as text, and file names that say what is inside.
 * The words here are the file's own content (in English, as the column headers are); they sit in
 * one table each so a later translation can replace them together.
 */
import { invalid } from '../kernel/errors.js';

/** A date and time in a time zone, in parts: `2026-11-26`, `08:40:12`. */
export interface LocalDateTime {
  date: string;
  time: string;
}

/**
 * The canonical name of an IANA time zone (`europe/berlin` → `Europe/Berlin`), or Invalid naming
 * `target`. UTC is always accepted.
 */
export function canonicalTimeZone(timeZone: string, target = 'timeZone'): string {
  const trimmed = timeZone.trim();
  // Names only (Area/Location, UTC): offsets such as "+01:00" are not IANA zones.
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(trimmed)) {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
    } catch {
      // not a zone this runtime knows
    }
  }
  throw invalid('InvalidTimeZone', `${target} must be an IANA time zone such as "Europe/Berlin" or "UTC".`, target);
}

/** Turns instants into local `yyyy-mm-dd` and `hh:mm:ss` in one time zone; build once, use per row. */
export function localDateTimeFormatter(timeZone: string): (instant: Date) => LocalDateTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (instant) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
    return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
  };
}

/**
 * The wall-clock time in `timeZone` as a Date whose UTC fields hold it: what a spreadsheet cell
 * shows as that local time (a workbook has no time zones).
 */
export function wallClock(instant: Date, toLocal: (instant: Date) => LocalDateTime): Date {
  const { date, time } = toLocal(instant);
  return new Date(`${date}T${time}.000Z`);
}

/** Activity operations in words; one that is not listed is spelled out from its PascalCase name. */
export const OPERATION_WORDS: Record<string, string> = {
  UpdateCustomerCompanyName: 'Rename customer',
  ExportCustomers: 'Export customers',
  ExportSubscriptions: 'Export subscriptions',
  ExportActivity: 'Export activity',
  UpdateExportSchedule: 'Change export schedule',
};

/** `SomeNewOperation` → `Some new operation`. */
function pascalToWords(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

export function operationInWords(operation: string): string {
  return OPERATION_WORDS[operation] ?? pascalToWords(operation);
}

/** Labels of detail fields; others are spelled out from their camelCase name. */
const DETAIL_LABELS: Record<string, string> = {
  oldCompanyName: 'Old name',
  newCompanyName: 'New name',
  exportId: 'Export ID',
  fileName: 'File',
  rowCount: 'Rows',
  scheduleName: 'Schedule',
  resellerId: 'Reseller ID',
  customerId: 'Customer ID',
  includeReseller: 'With reseller',
  timeZone: 'Time zone',
  cron: 'Cron',
};

function detailLabel(key: string): string {
  return DETAIL_LABELS[key] ?? pascalToWords(key);
}

function detailValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(detailValue).join(', ');
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .filter(([, nested]) => nested !== undefined && nested !== null && nested !== '')
      .map(([key, nested]) => `${detailLabel(key)} ${detailValue(nested)}`);
    return inner.length > 0 ? inner.join(', ') : 'none';
  }
  return String(value);
}

/**
 * An activity record's details as one line of text: a rename reads `"Old" → "New"`, anything
 * else `Label: value; Label: value`, nested objects inline.
 */
export function detailsAsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object' || Array.isArray(details)) return detailValue(details);
  const record = details as Record<string, unknown>;
  if (typeof record.oldCompanyName === 'string' && typeof record.newCompanyName === 'string' && Object.keys(record).length === 2) {
    return `Renamed "${record.oldCompanyName}" to "${record.newCompanyName}"`;
  }
  return Object.entries(record)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${detailLabel(key)}: ${detailValue(value)}`)
    .join('; ');
}

/** What a file name is made of, before it is made safe. */
export interface FileNameParts {
  /** `Customers`, `Subscriptions`, `Activity`. */
  title: string;
  /** The filter in a few words: a search, a customer or reseller name, a date range. */
  about: string[];
  /** When it was asked for, in the requester's time zone. */
  created: Date;
  timeZone: string;
  extension: 'csv' | 'xlsx';
}

/** Characters Windows, macOS or a browser refuse in a file name, and control characters. */
const UNSAFE_IN_FILE_NAME = /[\\/:*?"<>|\p{Cc}\p{Cf}]+/gu;
const MAX_PART_CHARACTERS = 60;

function safePart(text: string): string {
  const cleaned = text.replace(UNSAFE_IN_FILE_NAME, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  const characters = Array.from(cleaned);
  return characters.length > MAX_PART_CHARACTERS
    ? `${characters
        .slice(0, MAX_PART_CHARACTERS - 1)
        .join('')
        .trimEnd()}…`
    : cleaned;
}

/**
 * `Customers - contoso - Reseller A - 2026-11-26 0840.csv`: what is inside and when, in local time.
 * Safe on Windows, macOS and Linux; any script is kept (the download header carries it as UTF-8).
 */
export function descriptiveFileName(parts: FileNameParts): string {
  const { date, time } = localDateTimeFormatter(parts.timeZone)(parts.created);
  const about = parts.about.map(safePart).filter(Boolean);
  return [parts.title, ...about, `${date} ${time.slice(0, 5).replace(':', '')}`].join(' - ') + `.${parts.extension}`;
}

/**
 * `attachment; filename="<ASCII>"; filename*=UTF-8''<name>` (RFC 6266 and RFC 8187): every
 * browser takes the UTF-8 name; the ASCII one (accents dropped, other letters as `_`) is for the rest.
 */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
