/**
 * Partners and resellers in Cosmos DB. Both lookups are cached briefly per process (they rarely
 * change, and every request needs the caller's tenant): the caller's tenant is a point read, and a
 * partner's resellers are a cross-partition query (tenants are partitioned by their own id), which
 * would otherwise fan out to every partition on each request.
 */
import type { Container } from '@azure/cosmos';
import { foldText } from '../kernel/text.js';
import type { TenantRepository } from '../tenants/ports.js';
import type { ResellerRecord, TenantRecord } from '../tenants/tenant.js';

const CACHE_MILLISECONDS = 30_000;
/** Entries a cache may hold before it starts over (a process serves a bounded set of partners). */
const CACHE_ENTRIES = 10_000;

/** Values by key for CACHE_MILLISECONDS. */
class ShortLivedCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached && cached.expires > Date.now()) return cached.value;
    const value = await load();
    if (this.entries.size >= CACHE_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, expires: Date.now() + CACHE_MILLISECONDS });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export class CosmosTenantRepository implements TenantRepository {
  private readonly tenants = new ShortLivedCache<TenantRecord | undefined>();
  private readonly resellers = new ShortLivedCache<ResellerRecord[]>();

  constructor(private readonly container: Container) {}

  findTenant(tenantId: string): Promise<TenantRecord | undefined> {
    return this.tenants.get(tenantId, async () => {
      const { resource } = await this.container.item(tenantId, tenantId).read<TenantRecord>();
      // A point read answers whatever the id names; only a partner or reseller document with
      // exactly this id counts (ids are GUIDs before they get here, and this holds even if not).
      return isTenantDocument(resource, tenantId) ? toTenant(resource) : undefined;
    });
  }

  listResellers(partnerId: string): Promise<ResellerRecord[]> {
    return this.resellers.get(partnerId, async () => {
      const { resources } = await this.container.items
        .query<ResellerRecord>({
          query:
            "SELECT c.type, c.id, c.partnerId, c.name FROM c WHERE c.type = 'reseller' AND c.partnerId = @partnerId ORDER BY c.type ASC, c.partnerId ASC, c.sortKey ASC, c.id ASC",
          parameters: [{ name: '@partnerId', value: partnerId }],
        })
        .fetchAll();
      return resources.map((r) => ({ type: 'reseller', id: r.id, partnerId: r.partnerId, name: r.name }));
    });
  }

  async listPartnerIds(): Promise<string[]> {
    const { resources } = await this.container.items.query<string>("SELECT VALUE c.id FROM c WHERE c.type = 'partner'").fetchAll();
    return resources;
  }

  async upsertTenant(record: TenantRecord): Promise<void> {
    await this.container.items.upsert({ ...record, sortKey: foldText(record.name) });
    this.tenants.delete(record.id);
    if (record.type === 'reseller') this.resellers.delete(record.partnerId);
  }
}

function isTenantDocument(resource: unknown, tenantId: string): resource is TenantRecord {
  if (typeof resource !== 'object' || resource === null) return false;
  const document = resource as Partial<TenantRecord>;
  if (document.id !== tenantId || typeof document.name !== 'string') return false;
  return document.type === 'partner' || (document.type === 'reseller' && typeof document.partnerId === 'string');
}

function toTenant(stored: TenantRecord): TenantRecord {
  return stored.type === 'reseller'
    ? { type: 'reseller', id: stored.id, partnerId: stored.partnerId, name: stored.name }
    : { type: 'partner', id: stored.id, name: stored.name };
}
