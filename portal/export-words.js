/**
 * Every sentence the export and schedule parts of the portal show, in one place, so a translation
 * can replace this table as a whole (English here). Functions take the values a sentence holds.
 */
import { plural } from './dom.js';

export const WORDS = {
  /** @type {Record<string, string>} */
  types: { customers: 'Customers', subscriptions: 'Subscriptions', activity: 'Activity' },
  /** @type {Record<string, string>} */
  statuses: { NotStarted: 'Queued', Running: 'Running', Succeeded: 'Ready', Failed: 'Failed', Canceled: 'Canceled' },
  download: 'Download',
  dismiss: 'Dismiss',
  cancel: 'Cancel',
  retry: 'Retry',
  refresh: 'Refresh',
  starting: 'Starting the export…',
  /** @param {string} fileName */
  started: (fileName) => `Export started: ${fileName}. You will be told here when it is ready.`,
  /** @param {string} reason */
  notStarted: (reason) => `The export did not start. ${reason}`,
  /** @param {string} fileName */
  ready: (fileName) => `Your export is ready: ${fileName}`,
  /** @param {string} fileName */
  readyDownloading: (fileName) => `Your export is ready and downloading: ${fileName}`,
  /** @param {string} fileName @param {string} status */
  ended: (fileName, status) => `Your export ${status === 'Canceled' ? 'was canceled' : 'failed'}: ${fileName}`,
  nothingToExport: 'Nothing to export: no customers match.',
  noSubscriptionsToExport: 'Nothing to export: this customer has no subscriptions you can see.',
  noActivityToExport: 'Nothing to export: no activity in these dates. Choose other dates and Show activity.',
  /** @param {string} name */
  scheduled: (name) => `Scheduled: ${name}`,
  /** @param {string} user */
  requestedBy: (user) => `Asked by ${user}`,
  allCustomers: 'all customers',
  /** @param {string} text */
  matching: (text) => `matching “${text}”`,
  /** @param {string} name */
  ofReseller: (name) => `of ${name}`,
  oneCustomer: 'of one customer',
  /** @param {string} from @param {string} to */
  range: (from, to) => `from ${from} to ${to}`,
  withReseller: 'with reseller columns',
  /** @param {number} rows @param {number | undefined} expected */
  progress: (rows, expected) =>
    expected === undefined
      ? `${plural(rows, 'row', 'rows')} so far`
      : `${rows.toLocaleString()} of ${plural(expected, 'row', 'rows')} (${percent(rows, expected)}%)`,
  /** @param {number} seconds */
  timeLeft: (seconds) => (seconds < 60 ? `about ${Math.max(1, Math.round(seconds))} s left` : `about ${Math.round(seconds / 60)} min left`),
  /** @param {number} rows */
  rows: (rows) => plural(rows, 'row', 'rows'),
  expiresLabel: 'File kept until ',
  openExports: 'Open Exports',
  noExports: 'No exports yet. Export customers, subscriptions or activity and they appear here.',
  /** @param {number} count */
  inProgress: (count) => `${plural(count, 'export', 'exports')} in progress.`,
  /** @param {number} count */
  recent: (count) => `${plural(count, 'recent export', 'recent exports')}.`,
  listFailed: 'Exports could not be listed.',
  renewFailed: 'The download link could not be renewed.',
  cancelFailed: 'The export could not be canceled.',
  retryFailed: 'The export could not be started again.',
  // Schedules
  schedulesReadOnly: 'Your role is read-only: you can see the schedules but not change them. Ask an admin for the Customers.ReadWrite role.',
  noSchedules: 'No scheduled exports yet.',
  /** @param {string} when */
  nextRun: (when) => `Next run: ${when}`,
  edit: 'Edit',
  delete: 'Delete',
  save: 'Save schedule',
  /** @param {string} name */
  saved: (name) => `Schedule “${name}” saved.`,
  /** @param {string} name */
  deleted: (name) => `Schedule “${name}” deleted.`,
  scheduleFailed: 'The schedule was not saved.',
  deleteFailed: 'The schedule could not be deleted.',
  schedulesFailed: 'Schedules could not be listed.',
  /** @param {string} name */
  editing: (name) => `Editing “${name}”.`,
  /** @param {string} zone */
  inTimeZone: (zone) => `Times are in your time zone, ${zone}.`,
  daysOfWeek: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  /** @param {string} time */
  everyDay: (time) => `every day at ${time}`,
  /** @param {string} time */
  everyWeekday: (time) => `every weekday (Monday to Friday) at ${time}`,
  /** @param {string} day @param {string} time */
  everyWeek: (day, time) => `every ${day} at ${time}`,
  /** @param {number} day @param {string} time */
  everyMonth: (day, time) => `on day ${day} of every month at ${time}`,
  /** @param {string} cron */
  asCron: (cron) => `on the schedule ${cron}`,
};

/** @param {number} rows @param {number} expected */
function percent(rows, expected) {
  return expected > 0 ? Math.min(100, Math.floor((rows / expected) * 100)) : 100;
}
