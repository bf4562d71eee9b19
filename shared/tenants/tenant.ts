/**
 * Partners and indirect resellers, and the caller's scope. The scope comes only from the caller's
 * tenant id (looked up among the imported records), never from a query or a body.
 */
import { ServiceError, invalid } from '../errors.js';

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

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether the text is a GUID (8-4-4-4-12 hex digits, either case). */
export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** Ids that are GUIDs compare case-insensitively: they are stored and looked up in lower case. */
export function canonicalId(id: string): string {
  const trimmed = id.trim();
  return GUID.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}

/**
 * A tenant, customer or export id as the contract documents it: a GUID, returned in lower case.
 * Anything else is Invalid (400, code InvalidId) before any store call, so `..`, `/` or `#` never
 * reach a point read.
 */
export function guidId(value: string, target: string, what = 'The id'): string {
  const trimmed = value.trim();
  if (!GUID.test(trimmed)) throw invalid('InvalidId', `${what} must be a GUID (8-4-4-4-12 hexadecimal digits).`, target);
  return trimmed.toLowerCase();
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
  if (!GUID.test(principal.tenantId)) {
    throw new ServiceError('Unauthenticated', 'Unauthenticated', "x-ms-client-principal's tenant id is not a GUID.");
  }
  const tenant = await tenants.findTenant(principal.tenantId.toLowerCase());
  if (!tenant) {
    throw new ServiceError('Forbidden', 'Forbidden', "The caller's tenant is not a partner or reseller of this service.");
  }
  return tenant.type === 'partner'
    ? { partnerId: tenant.id, resellerId: null, tenantId: tenant.id, userName: principal.userName, canWrite }
    : { partnerId: tenant.partnerId, resellerId: tenant.id, tenantId: tenant.id, userName: principal.userName, canWrite };
}
