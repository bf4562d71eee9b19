/**
 * Partners and indirect resellers, and the caller's scope. The scope comes only from the caller's
 * tenant id (looked up among the imported records), never from a query or a body.
 */
import { ServiceError } from '../errors.js';

export interface PartnerRecord {
  type: 'partner';
  id: string;
  name: string;
}

export interface ResellerRecord {
  type: 'reseller';
  id: string;
  partnerId: string;
  name: string;
}

export type TenantRecord = PartnerRecord | ResellerRecord;

export interface TenantRepository {
  /** The partner or reseller whose id is this tenant id, if any. */
  findTenant(tenantId: string): Promise<TenantRecord | undefined>;
  /** A partner's indirect resellers, ordered by name; a partner has hundreds at most. */
  listResellers(partnerId: string): Promise<ResellerRecord[]>;
  upsertTenant(record: TenantRecord): Promise<void>;
  /** Every partner's id (the reconciliation walks them; thousands at most). */
  listPartnerIds(): Promise<string[]>;
}

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
  canWrite: boolean;
}

/** Ids that are GUIDs compare case-insensitively: they are stored and looked up in lower case. */
export function canonicalId(id: string): string {
  const trimmed = id.trim();
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}

/**
 * Resolves the caller's scope and checks the role the operation needs.
 * Unknown tenant or missing role: Forbidden (403).
 */
export async function resolveScope(principal: Principal, required: Role, tenants: Pick<TenantRepository, 'findTenant'>): Promise<Scope> {
  const canRead = principal.roles.includes('Customers.Read') || principal.roles.includes('Customers.ReadWrite');
  const canWrite = principal.roles.includes('Customers.ReadWrite');
  if (required === 'Customers.ReadWrite' ? !canWrite : !canRead) {
    throw new ServiceError('Forbidden', 'Forbidden', `The caller does not have the ${required} role.`);
  }
  const tenant = await tenants.findTenant(canonicalId(principal.tenantId));
  if (!tenant) {
    throw new ServiceError('Forbidden', 'Forbidden', "The caller's tenant is not a partner or reseller of this service.");
  }
  return tenant.type === 'partner'
    ? { partnerId: tenant.id, resellerId: null, tenantId: tenant.id, userName: principal.userName, canWrite }
    : { partnerId: tenant.partnerId, resellerId: tenant.id, tenantId: tenant.id, userName: principal.userName, canWrite };
}
