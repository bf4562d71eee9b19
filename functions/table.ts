/**
 * The function table: every function of the app, registered by both hosts from this one list. The
 * order here does not matter to routing: the host orders HTTP routes by function name (see
 * shared/host/routes.ts), and no route may shadow another (`shadowedRoutes`).
 */
import type { FunctionEntry, HttpFunctionEntry } from '../shared/host/function-table.js';
import { activityList } from './activity-list.js';
import { customersGet } from './customers-get.js';
import { customersRename } from './customers-rename.js';
import { customersSearch } from './customers-search.js';
import { exportScheduler } from './export-scheduler.js';
import { exportSchedulesDelete } from './export-schedules-delete.js';
import { exportSchedulesGet } from './export-schedules-get.js';
import { exportSchedulesList } from './export-schedules-list.js';
import { exportSchedulesPut } from './export-schedules-put.js';
import { exportsCancel } from './exports-cancel.js';
import { exportsCreate } from './exports-create.js';
import { exportsGet } from './exports-get.js';
import { exportsList } from './exports-list.js';
import { exportsPoison } from './exports-poison.js';
import { exportsWorker } from './exports-worker.js';
import { healthGet } from './health-get.js';
import { maintenanceReconcile } from './maintenance-reconcile.js';
import { meGet } from './me-get.js';
import { openapiGet } from './openapi-get.js';
import { portalGet } from './portal-get.js';
import { resellersList } from './resellers-list.js';
import { subscriptionsList } from './subscriptions-list.js';
import { apiFallback } from './zz-api-fallback.js';

const apiFunctions: HttpFunctionEntry[] = [
  healthGet,
  openapiGet,
  meGet,
  customersSearch,
  customersGet,
  customersRename,
  subscriptionsList,
  resellersList,
  activityList,
  exportsCreate,
  exportsList,
  exportsGet,
  exportsCancel,
  exportSchedulesPut,
  exportSchedulesList,
  exportSchedulesGet,
  exportSchedulesDelete,
];

export const functionTable: readonly FunctionEntry[] = [
  ...apiFunctions,
  apiFallback(apiFunctions),
  portalGet,
  exportsWorker,
  exportsPoison,
  exportScheduler,
  maintenanceReconcile,
];
