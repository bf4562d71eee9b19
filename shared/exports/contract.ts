/**
 * The export resources and requests of the public contract, as schemas: the OpenAPI document is
 * generated from them, and the types of export-job.ts flow from them (a filter is one of three
 * shapes, told apart by the export's type).
 */
import { z } from 'zod';
import { continuationTokenParameter, topParameter } from '../kernel/page.js';
import { isoDateTimeSchema } from '../kernel/time.js';
import { canonicalTimeZone } from './export-text.js';

const optionalId = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** An IANA time zone, kept in its canonical spelling. */
export const timeZoneSchema = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine(
    (value) => {
      try {
        canonicalTimeZone(value);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"' },
  )
  .transform((value) => canonicalTimeZone(value))
  .meta({ description: 'IANA time zone of the file name (and of activity dates; for a schedule, of its cron too); UTC by default.' });

/**
 * What every export body may carry: the file format, and the time zone the file name's date and
 * time (and an activity file's dates) are written in.
 */
const presentation = {
  format: z.enum(EXPORT_FORMATS, { error: 'must be "csv" or "xlsx"' }).optional().meta({ description: 'csv (default) or xlsx.' }),
  timeZone: timeZoneSchema.optional(),
};

const customersRequest = z.strictObject({
  type: z.literal('customers'),
  search: z.string().max(256, 'must be at most 256 characters').optional(),
  resellerId: optionalId.optional(),
  includeReseller: z.boolean({ error: 'must be true or false' }).optional().meta({ description: 'Adds the columns Reseller ID and Reseller name.' }),
  ...presentation,
});
const subscriptionsRequest = z.strictObject({ type: z.literal('subscriptions'), customerId: optionalId, ...presentation });
const activityRequest = z.strictObject({
  type: z.literal('activity'),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  customerId: optionalId.optional(),
  ...presentation,
});
const TYPE_ERROR = { error: 'must be "customers", "subscriptions" or "activity"' };

/** The body of POST /api/exports. Unknown fields are refused. */
export const exportRequestSchema = z.discriminatedUnion('type', [customersRequest, subscriptionsRequest, activityRequest], TYPE_ERROR);
export type ExportRequest = z.infer<typeof exportRequestSchema>;
export type ExportType = ExportRequest['type'];

/** The body of PUT /api/export-schedules/{name}: an export request plus a 6-field NCRONTAB, read in its timeZone. */
export const scheduleRequestSchema = (() => {
  const cron = z.string().meta({ description: '6-field NCRONTAB, read in timeZone (UTC by default).' });
  return z.discriminatedUnion('type', [customersRequest.extend({ cron }), subscriptionsRequest.extend({ cron }), activityRequest.extend({ cron })], TYPE_ERROR);
})();

/** What an export covers, as its resource shows it: only what was asked for, by type. */
const exportFilterSchemas = {
  customers: z.object({
    search: z.string().optional(),
    resellerId: z.string().optional(),
    includeReseller: z.boolean().optional(),
    timeZone: z.string().optional(),
  }),
  subscriptions: z.object({ customerId: z.string(), timeZone: z.string().optional() }),
  activity: z.object({ from: z.string(), to: z.string(), customerId: z.string().optional(), timeZone: z.string().optional() }),
};
export type ExportFilterOf<T extends ExportType> = z.output<(typeof exportFilterSchemas)[T]>;
/** An export's type and its filter, which go together. */
export type ExportKind = { [T in ExportType]: { type: T; filter: ExportFilterOf<T> } }[ExportType];

const EXPORT_STATUSES = ['NotStarted', 'Running', 'Succeeded', 'Failed', 'Canceled'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

const exportFields = {
  id: z.string(),
  format: z.enum(EXPORT_FORMATS),
  status: z.enum(EXPORT_STATUSES),
  rowCount: z.number().int(),
  expectedRowCount: z.number().int().optional().meta({ description: 'The rows the file will hold, counted when the export starts.' }),
  requestedBy: z.string().meta({ description: "The user who asked for it, or the schedule's name." }),
  createdDateTime: z.string(),
  lastUpdatedDateTime: z.string(),
  completedDateTime: z.string().optional(),
  fileName: z.string(),
  downloadUrl: z.url().optional().meta({ description: 'When Succeeded: a read-only link to the file, minted at this request, valid an hour at most.' }),
  downloadUrlExpiresDateTime: z.string().optional(),
  fileExpiresDateTime: z.string().optional(),
  scheduleName: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
};

export const exportSchema = z
  .discriminatedUnion('type', [
    z.object({ ...exportFields, type: z.literal('customers'), filter: exportFilterSchemas.customers }),
    z.object({ ...exportFields, type: z.literal('subscriptions'), filter: exportFilterSchemas.subscriptions }),
    z.object({ ...exportFields, type: z.literal('activity'), filter: exportFilterSchemas.activity }),
  ])
  .meta({ id: 'Export' });
export type ExportResource = z.output<typeof exportSchema>;

/** GET /api/exports */
export const exportsListQuerySchema = z.object({ top: topParameter(100, 20), continuationToken: continuationTokenParameter });

const scheduleFields = {
  name: z.string(),
  cron: z.string(),
  nextRunDateTime: z.string(),
  lastRunDateTime: z.string().optional(),
  lastExportId: z.string().optional(),
  createdBy: z.string(),
  createdDateTime: z.string(),
  lastUpdatedDateTime: z.string(),
};

export const exportScheduleSchema = z
  .discriminatedUnion('type', [
    customersRequest.extend(scheduleFields),
    subscriptionsRequest.extend(scheduleFields),
    z.strictObject({ ...activityRequest.shape, from: z.string().optional(), to: z.string().optional(), ...scheduleFields }),
  ])
  .meta({ id: 'ExportSchedule' });
export type ExportScheduleResource = z.output<typeof exportScheduleSchema>;

/** GET /api/export-schedules */
export const exportSchedulesSchema = z.object({ value: z.array(exportScheduleSchema) });
