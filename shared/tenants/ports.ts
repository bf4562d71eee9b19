/** What the tenant lookups need from a store (implemented in shared/store). */
import type { ResellerRecord, TenantRecord } from './tenant.js';

export interface TenantRepository {
  /** The partner or reseller whose id is this tenant id, if any. */
  findTenant(tenantId: string): Promise<TenantRecord | undefined>;
  /** A partner's indirect resellers, ordered by name; a partner has hundreds at most. */
  listResellers(partnerId: string): Promise<ResellerRecord[]>;
  upsertTenant(record: TenantRecord): Promise<void>;
  /** Every partner's id (the reconciliation walks them; thousands at most). */
  listPartnerIds(): Promise<string[]>;
}
