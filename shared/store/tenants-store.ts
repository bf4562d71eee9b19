/** Partners and resellers in Cosmos DB, one point read per caller (cached briefly: they rarely change). */
import type { Container } from '@azure/cosmos';
import { foldText } from '../customers/search-keys.js';
import type { ResellerRecord, TenantRecord, TenantRepository } from '../tenants/tenant.js';

const CACHE_MILLISECONDS = 30_000;

export class CosmosTenantRepository implements TenantRepository {
  private readonly cache = new Map<string, { record: TenantRecord | undefined; expires: number }>();

  constructor(private readonly container: Container) {}

  async findTenant(tenantId: string): Promise<TenantRecord | undefined> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.expires > Date.now()) return cached.record;
    const { resource } = await this.container.item(tenantId, tenantId).read<TenantRecord>();
    const record = resource ? toTenant(resource) : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenantId, { record, expires: Date.now() + CACHE_MILLISECONDS });
    return record;
  }

  async listResellers(partnerId: string): Promise<ResellerRecord[]> {
    const { resources } = await this.container.items
      .query<ResellerRecord>({
        query: "SELECT c.type, c.id, c.partnerId, c.name FROM c WHERE c.type = 'reseller' AND c.partnerId = @partnerId ORDER BY c.sortKey ASC, c.id ASC",
        parameters: [{ name: '@partnerId', value: partnerId }],
      })
      .fetchAll();
    return resources.map((r) => ({ type: 'reseller', id: r.id, partnerId: r.partnerId, name: r.name }));
  }

  async listPartnerIds(): Promise<string[]> {
    const { resources } = await this.container.items.query<string>("SELECT VALUE c.id FROM c WHERE c.type = 'partner'").fetchAll();
    return resources;
  }

  async upsertTenant(record: TenantRecord): Promise<void> {
    await this.container.items.upsert({ ...record, sortKey: foldText(record.name) });
    this.cache.delete(record.id);
  }
}

function toTenant(stored: TenantRecord): TenantRecord {
  return stored.type === 'reseller'
    ? { type: 'reseller', id: stored.id, partnerId: stored.partnerId, name: stored.name }
    : { type: 'partner', id: stored.id, name: stored.name };
}
