/**
 * The caller's scope: all of a partner's data, or one reseller's share of its provider's. It comes
 * only from the caller's tenant id (looked up among the imported records), never from a query or a
 * body.
 */
import { ServiceError } from '../kernel/errors.js';
import { isGuid } from '../kernel/ids.js';
import type { TenantRepository } from './ports.js';
import type { ResellerRecord, TenantRecord } from './tenant.js';

export type Role = 'Customers.Read' | 'Customers.ReadWrite';

export interface Principal {
  tenantId: string;
  userName: string;
  roles: string[];
}

/** What a caller may see: all of a partner's data, or one reseller's share of its provider's. */
export interface Scope {
  partnerId: string;
  /** Set when the caller is an indirect reseller: it sees only rows with this resellerId. */
  resellerId: string | null;
  /** The caller's own tenant id: exports and schedules belong to it. */
  tenantId: string;
  userName: string;
}

/** Whether a row of this reseller (null: the partner's own) is within the scope. */
export function inScope(scope: Pick<Scope, 'resellerId'>, rowResellerId: string | null): boolean {
  return scope.resellerId === null || rowResellerId === scope.resellerId;
}

/**
 * The caller's tenant, once the principal has the role the operation needs.
 * Unknown tenant or missing role: Forbidden (403).
 */
async function callerTenant(principal: Principal, required: Role, tenants: Pick<TenantRepository, 'findTenant'>): Promise<TenantRecord> {
  const canRead = principal.roles.includes('Customers.Read') || principal.roles.includes('Customers.ReadWrite');
  const canWrite = principal.roles.includes('Customers.ReadWrite');
  if (required === 'Customers.ReadWrite' ? !canWrite : !canRead) {
    throw new ServiceError('Forbidden', 'Forbidden', `The caller does not have the ${required} role.`);
  }
  // Entra tenant ids are GUIDs; anything else ('..', '/', '#') never reaches a point read.
  if (!isGuid(principal.tenantId)) throw new ServiceError('Unauthenticated', 'Unauthenticated', "The caller's tenant id is not a GUID.");
  const tenant = await tenants.findTenant(principal.tenantId.toLowerCase());
  if (!tenant) {
    throw new ServiceError('Forbidden', 'Forbidden', "The caller's tenant is not a partner or reseller of this service.");
  }
  return tenant;
}

/** Resolves the caller's scope (see callerTenant). */
async function resolveScope(principal: Principal, required: Role, tenants: Pick<TenantRepository, 'findTenant'>): Promise<Scope> {
  const tenant = await callerTenant(principal, required, tenants);
  return tenant.type === 'partner'
    ? { partnerId: tenant.id, resellerId: null, tenantId: tenant.id, userName: principal.userName }
    : { partnerId: tenant.partnerId, resellerId: tenant.id, tenantId: tenant.id, userName: principal.userName };
}

/** Who the caller is, as `GET /api/me` shows it: a client (the portal) shapes itself to it. */
export interface Caller {
  tenantId: string;
  tenantType: 'partner' | 'reseller';
  tenantName: string;
  userName: string;
  /** The service's roles the caller holds (other roles in the principal are left out). */
  roles: Role[];
}

const ROLES: readonly Role[] = ['Customers.Read', 'Customers.ReadWrite'];

/** The caller behind a principal: its tenant and roles. Unknown tenant or no role: Forbidden (403), as for every call. */
export async function describeCaller(principal: Principal, tenants: Pick<TenantRepository, 'findTenant'>): Promise<Caller> {
  const tenant = await callerTenant(principal, 'Customers.Read', tenants);
  return {
    tenantId: tenant.id,
    tenantType: tenant.type,
    tenantName: tenant.name,
    userName: principal.userName,
    roles: ROLES.filter((role) => principal.roles.includes(role)),
  };
}

export class TenantService {
  constructor(private readonly ports: { tenants: TenantRepository }) {}

  /** The caller's scope, when it has the role; Forbidden otherwise. */
  scopeOf(principal: Principal, required: Role): Promise<Scope> {
    return resolveScope(principal, required, this.ports.tenants);
  }

  /** Who the caller is (GET /api/me); Forbidden like `scopeOf` with the read role. */
  callerOf(principal: Principal): Promise<Caller> {
    return describeCaller(principal, this.ports.tenants);
  }

  /** The indirect resellers a scope sees: all of a partner's, or a reseller itself. */
  async visibleResellers(scope: Scope): Promise<ResellerRecord[]> {
    const resellers = await this.ports.tenants.listResellers(scope.partnerId);
    return scope.resellerId ? resellers.filter((reseller) => reseller.id === scope.resellerId) : resellers;
  }
}
