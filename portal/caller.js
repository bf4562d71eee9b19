/**
 * The signed-in caller (GET /api/me), read once at start by app.js. Views ask it what to offer:
 * a read-only user gets no Rename and no schedule editing, an indirect reseller no reseller filter,
 * each with a short note instead. Until it is known (or when /api/me fails), nothing that changes
 * data is offered: the service would refuse it anyway.
 */

/** @typedef {{tenantId: string, tenantType: 'partner' | 'reseller', tenantName: string, userName: string, roles: string[]}} Caller */

/** @type {Caller | null} */
let current = null;

/** @param {Caller | null} caller */
export function setCaller(caller) {
  current = caller;
}

/** @returns {Caller | null} */
export function caller() {
  return current;
}

/** Whether the caller may rename customers and manage export schedules (Customers.ReadWrite). */
export function canWrite() {
  return current?.roles.includes('Customers.ReadWrite') ?? false;
}

/** Whether the caller is an indirect reseller (it sees only its own customers). */
export function isReseller() {
  return current?.tenantType === 'reseller';
}
