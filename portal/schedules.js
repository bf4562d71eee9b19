/**
 * Scheduled exports on the Exports page: the caller's schedules in plain words ("every Monday at
 * 08:00") with their next run, and a form to create, edit and delete them in the user's own time
 * zone (sent as the schedule's IANA timeZone; the service keeps the cron and reads it in that zone).
 * Changing schedules needs the Customers.ReadWrite role; a read-only user sees them only.
 */
import { api, describeError } from './api.js';
import { byId, el, replace, time } from './dom.js';
import { exportContents, TIME_ZONE } from './exports.js';
import { t, tNodes, weekdayName } from './i18n.js';

/** @type {boolean} */
let canWrite = false;
/** @type {(id: string) => string} */
let resellerName = (id) => id;

/**
 * The cron of a plain-words schedule: at hh:mm, every day, on weekdays, on one day of the week or
 * one day of the month.
 * @param {{ frequency: string, time: string, weekday: string, monthDay: string }} choice
 */
export function cronOf(choice) {
  const [hours = '0', minutes = '0'] = choice.time.split(':');
  const at = `0 ${Number(minutes)} ${Number(hours)}`;
  switch (choice.frequency) {
    case 'weekdays':
      return `${at} * * 1-5`;
    case 'weekly':
      return `${at} * * ${Number(choice.weekday)}`;
    case 'monthly':
      return `${at} ${Number(choice.monthDay)} * *`;
    default:
      return `${at} * * *`;
  }
}

/** The form's choice back from a cron this page wrote; undefined for any other cron. @param {string} cron */
export function choiceOf(cron) {
  const match = /^0 (\d{1,2}) (\d{1,2}) (\*|\d{1,2}) \* (\*|1-5|[0-6])$/.exec(cron.trim());
  if (!match) return undefined;
  const [, minutes = '0', hours = '0', monthDay = '*', weekday = '*'] = match;
  const time = `${hours.padStart(2, '0')}:${minutes.padStart(2, '0')}`;
  if (monthDay !== '*' && weekday === '*') return { frequency: 'monthly', time, weekday: '1', monthDay };
  if (monthDay !== '*') return undefined;
  if (weekday === '*') return { frequency: 'daily', time, weekday: '1', monthDay: '1' };
  if (weekday === '1-5') return { frequency: 'weekdays', time, weekday: '1', monthDay: '1' };
  return { frequency: 'weekly', time, weekday, monthDay: '1' };
}

/** "every Monday at 08:00", in the page's language (the day's name from Intl). @param {string} cron */
export function cronInWords(cron) {
  const choice = choiceOf(cron);
  if (!choice) return t('schedules.asCron', { cron });
  switch (choice.frequency) {
    case 'weekdays':
      return t('schedules.everyWeekday', { time: choice.time });
    case 'weekly':
      return t('schedules.everyWeek', { day: weekdayName(Number(choice.weekday)), time: choice.time });
    case 'monthly':
      return t('schedules.everyMonth', { day: Number(choice.monthDay), time: choice.time });
    default:
      return t('schedules.everyDay', { time: choice.time });
  }
}

/**
 * @param {{ canWrite: boolean, resellers: Array<{id: string, name: string}>, resellerName: (id: string) => string }} options
 *   resellers: the form's choices (none for an indirect reseller, whose schedules are of its own customers)
 */
export function initSchedules(options) {
  canWrite = options.canWrite;
  resellerName = options.resellerName;
  const form = /** @type {HTMLFormElement} */ (byId('schedule-form'));
  form.hidden = !canWrite;
  byId('schedules-read-only').hidden = canWrite;
  byId('schedules-read-only').textContent = t('schedules.readOnly');
  byId('schedule-zone').textContent = t('schedules.inTimeZone', { zone: TIME_ZONE });
  // The days of the week in the page's language, Monday first as in the form's order.
  for (const option of /** @type {HTMLSelectElement} */ (byId('schedule-weekday')).options) option.textContent = weekdayName(Number(option.value));
  const reseller = /** @type {HTMLSelectElement} */ (byId('schedule-reseller'));
  for (const option of options.resellers) reseller.append(el('option', { value: option.id, text: option.name }));
  byId('schedule-reseller-field').hidden = options.resellers.length === 0;
  const syncFields = () => {
    const frequency = value('schedule-frequency');
    byId('schedule-weekday-field').hidden = frequency !== 'weekly';
    byId('schedule-monthday-field').hidden = frequency !== 'monthly';
    const type = value('schedule-type');
    byId('schedule-customers-fields').hidden = type !== 'customers';
  };
  byId('schedule-frequency').addEventListener('change', syncFields);
  byId('schedule-type').addEventListener('change', syncFields);
  byId('schedule-new').addEventListener('click', () => {
    form.reset();
    /** @type {HTMLInputElement} */ (byId('schedule-name')).readOnly = false;
    syncFields();
    byId('schedule-name').focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveSchedule().then(syncFields);
  });
  syncFields();
  return refreshSchedules();
}

/** @param {string} id */
function value(id) {
  return /** @type {HTMLInputElement | HTMLSelectElement} */ (byId(id)).value;
}

async function saveSchedule() {
  const status = byId('schedules-status');
  const name = value('schedule-name').trim();
  const type = value('schedule-type');
  /** @type {Record<string, unknown>} */
  const body = {
    type,
    format: value('schedule-format'),
    timeZone: TIME_ZONE,
    cron: cronOf({
      frequency: value('schedule-frequency'),
      time: value('schedule-time'),
      weekday: value('schedule-weekday'),
      monthDay: value('schedule-monthday'),
    }),
  };
  if (type === 'customers') {
    const search = value('schedule-search').trim();
    if (search) body.search = search;
    if (value('schedule-reseller')) body.resellerId = value('schedule-reseller');
    if (/** @type {HTMLInputElement} */ (byId('schedule-include-reseller')).checked) body.includeReseller = true;
  }
  try {
    await api(`/api/export-schedules/${encodeURIComponent(name)}`, { method: 'PUT', body });
    /** @type {HTMLFormElement} */ (byId('schedule-form')).reset();
    /** @type {HTMLInputElement} */ (byId('schedule-name')).readOnly = false;
    await refreshSchedules();
    status.textContent = t('schedules.saved', { name });
  } catch (error) {
    status.textContent = t('schedules.saveFailed', { reason: describeError(error) });
  }
}

export async function refreshSchedules() {
  const list = byId('schedules-list');
  const status = byId('schedules-status');
  try {
    /** @type {Array<any>} */
    const schedules = (await api('/api/export-schedules')).body.value;
    replace(list, ...schedules.map(scheduleItem));
    if (schedules.length === 0) status.textContent = t('schedules.none');
  } catch (error) {
    status.textContent = t('schedules.listFailed', { reason: describeError(error) });
  }
}

/**
 * A schedule in words: what it exports, when (in its time zone) and the file format.
 * @param {{ type: string, cron: string, timeZone?: string, format?: string, search?: string, resellerId?: string, includeReseller?: boolean }} schedule
 */
export function scheduleSummary(schedule) {
  return t(schedule.includeReseller ? 'schedules.summaryWithResellerColumns' : 'schedules.summary', {
    what: exportContents(schedule.type, schedule, resellerName),
    when: cronInWords(schedule.cron),
    zone: schedule.timeZone ?? 'UTC',
    format: String(schedule.format ?? 'csv').toUpperCase(),
  });
}

/** @param {any} schedule */
function scheduleItem(schedule) {
  const actions = canWrite
    ? el(
        'div',
        { class: 'export-actions' },
        el(
          'button',
          { type: 'button', 'aria-label': t('schedules.editLabel', { name: schedule.name }), onClick: () => editSchedule(schedule) },
          t('schedules.edit'),
        ),
        el(
          'button',
          { type: 'button', 'aria-label': t('schedules.deleteLabel', { name: schedule.name }), onClick: () => deleteSchedule(schedule.name) },
          t('schedules.delete'),
        ),
      )
    : null;
  return el(
    'li',
    { class: 'export schedule', 'data-schedule-name': schedule.name },
    el('div', { class: 'export-head' }, el('span', { class: 'export-file', text: schedule.name })),
    el('p', { class: 'export-meta schedule-when', text: scheduleSummary(schedule) }),
    el('p', { class: 'export-meta' }, ...tNodes('schedules.nextRun', { when: time(schedule.nextRunDateTime) })),
    actions,
  );
}

/** @param {any} schedule */
function editSchedule(schedule) {
  const set = (/** @type {string} */ id, /** @type {string} */ text) => {
    /** @type {HTMLInputElement | HTMLSelectElement} */ (byId(id)).value = text;
  };
  const name = /** @type {HTMLInputElement} */ (byId('schedule-name'));
  name.value = schedule.name;
  name.readOnly = true;
  set('schedule-type', schedule.type === 'activity' ? 'activity' : 'customers');
  set('schedule-format', schedule.format ?? 'csv');
  set('schedule-search', schedule.search ?? '');
  set('schedule-reseller', schedule.resellerId ?? '');
  /** @type {HTMLInputElement} */ (byId('schedule-include-reseller')).checked = Boolean(schedule.includeReseller);
  const choice = choiceOf(schedule.cron) ?? { frequency: 'daily', time: '08:00', weekday: '1', monthDay: '1' };
  set('schedule-frequency', choice.frequency);
  set('schedule-time', choice.time);
  set('schedule-weekday', choice.weekday);
  set('schedule-monthday', choice.monthDay);
  byId('schedule-frequency').dispatchEvent(new Event('change'));
  byId('schedule-type').dispatchEvent(new Event('change'));
  byId('schedules-status').textContent = t('schedules.editing', { name: schedule.name });
  byId('schedule-time').focus();
}

/** @param {string} name */
async function deleteSchedule(name) {
  const status = byId('schedules-status');
  try {
    await api(`/api/export-schedules/${encodeURIComponent(name)}`, { method: 'DELETE' });
    await refreshSchedules();
    status.textContent = t('schedules.deleted', { name });
  } catch (error) {
    status.textContent = t('schedules.deleteFailed', { reason: describeError(error) });
  }
}
