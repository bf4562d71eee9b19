/** Who the caller is, as `GET /api/me` shows it: a client (the portal) shapes itself to it. */
import { ServiceError } from '../kernel/errors.js';
import type { TenantRepository } from './ports.js';
import { type Principal, type Role, resolveScope } from './scope.js';

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
  const scope = await resolveScope(principal, 'Customers.Read', tenants);
  const tenant = await tenants.findTenant(scope.tenantId);
  if (!tenant) throw new ServiceError('Forbidden', 'Forbidden', "The caller's tenant is not a partner or reseller of this service.");
  return {
    tenantId: tenant.id,
    tenantType: tenant.type,
    tenantName: tenant.name,
    userName: principal.userName,
    roles: ROLES.filter((role) => principal.roles.includes(role)),
  };
}
