/** Export jobs and schedules in Cosmos DB, in the partner's partition, with ETag-guarded updates. */
import type { Container } from '@azure/cosmos';
import type { ExportJob, ExportSchedule } from '../exports/export-job.js';
import type { ExportRepository, TenantSet } from '../exports/ports.js';
import type { Cursor, Page } from '../kernel/page.js';
import { type CosmosSystemProperties, cosmosStatus, queryKeysetPage } from './cosmos.js';

function withEtag<T extends { etag?: string }>(stored: T & CosmosSystemProperties): T {
  const { _etag, _ts, _rid, _self, _attachments, ...record } = stored;
  return { ...(record as unknown as T), etag: _etag ?? '' };
}

function body<T extends { etag?: string }>(record: T): Omit<T, 'etag'> {
  const { etag: _etag, ...rest } = record;
  return rest;
}

export class CosmosExportRepository implements ExportRepository {
  constructor(private readonly container: Container) {}

  async createExport(job: ExportJob): Promise<{ job: ExportJob; created: boolean }> {
    try {
      const { resource } = await this.container.items.create(body(job));
      return { job: withEtag(resource as ExportJob & CosmosSystemProperties), created: true };
    } catch (err) {
      if (cosmosStatus(err) !== 409) throw err;
      const existing = await this.getExport(job.partnerId, job.id);
      if (!existing) throw err;
      return { job: existing, created: false };
    }
  }

  async getExport(partnerId: string, exportId: string): Promise<ExportJob | undefined> {
    const { resource } = await this.container.item(exportId, partnerId).read<ExportJob & CosmosSystemProperties>();
    return resource?.kind === 'export' && resource.id === exportId && resource.partnerId === partnerId ? withEtag(resource) : undefined;
  }

  async replaceExport(job: ExportJob): Promise<ExportJob | 'PreconditionFailed'> {
    return this.replace(job);
  }

  async listExports(partnerId: string, scopeTenantId: string, top: number, after?: Cursor): Promise<Page<ExportJob>> {
    const page = await queryKeysetPage<ExportJob & CosmosSystemProperties>(
      this.container,
      {
        partitionKey: partnerId,
        select: '*',
        where: ['c.partnerId = @partnerId', "c.kind = 'export'", 'c.scopeTenantId = @scopeTenantId'],
        parameters: [
          { name: '@partnerId', value: partnerId },
          { name: '@scopeTenantId', value: scopeTenantId },
        ],
        leadingOrder: ['kind', 'scopeTenantId'],
        keyset: ['createdDateTime', 'id'],
        descending: true,
      },
      top,
      after,
    );
    return { ...page, rows: page.rows.map((resource) => withEtag<ExportJob>(resource)) };
  }

  async listStaleExports(before: string, limit: number): Promise<ExportJob[]> {
    const { resources } = await this.container.items
      .query<ExportJob & CosmosSystemProperties>({
        query: `SELECT TOP ${limit} * FROM c WHERE c.kind = 'export' AND ((c.status = 'NotStarted' AND c.createdDateTime < @before) OR (c.status = 'Running' AND c.lastUpdatedDateTime < @before))`,
        parameters: [{ name: '@before', value: before }],
      })
      .fetchAll();
    return resources.map((resource) => withEtag<ExportJob>(resource));
  }

  async getSchedule(partnerId: string, scheduleId: string): Promise<ExportSchedule | undefined> {
    const { resource } = await this.container.item(scheduleId, partnerId).read<ExportSchedule & CosmosSystemProperties>();
    return resource?.kind === 'schedule' && resource.id === scheduleId && resource.partnerId === partnerId ? withEtag(resource) : undefined;
  }

  async upsertSchedule(schedule: ExportSchedule): Promise<ExportSchedule> {
    const { resource } = await this.container.items.upsert<ExportSchedule>(body(schedule));
    return withEtag(resource as ExportSchedule & CosmosSystemProperties);
  }

  async replaceSchedule(schedule: ExportSchedule): Promise<ExportSchedule | 'PreconditionFailed'> {
    return this.replace(schedule);
  }

  async deleteSchedule(partnerId: string, scheduleId: string): Promise<boolean> {
    try {
      await this.container.item(scheduleId, partnerId).delete();
      return true;
    } catch (err) {
      if (cosmosStatus(err) === 404) return false;
      throw err;
    }
  }

  async listSchedules(partnerId: string, scopeTenantId: string): Promise<ExportSchedule[]> {
    const { resources } = await this.container.items
      .query<ExportSchedule & CosmosSystemProperties>(
        {
          query:
            "SELECT * FROM c WHERE c.partnerId = @partnerId AND c.kind = 'schedule' AND c.scopeTenantId = @scopeTenantId ORDER BY c.kind ASC, c.scopeTenantId ASC, c.name ASC, c.id ASC",
          parameters: [
            { name: '@partnerId', value: partnerId },
            { name: '@scopeTenantId', value: scopeTenantId },
          ],
        },
        { partitionKey: partnerId },
      )
      .fetchAll();
    return resources.map((resource) => withEtag<ExportSchedule>(resource));
  }

  async listDueSchedules(now: string, limit: number, after?: [string, string]): Promise<ExportSchedule[]> {
    const parameters = [{ name: '@now', value: now }];
    let keyset = '';
    if (after) {
      keyset = ' AND (c.nextRunDateTime > @afterDue OR (c.nextRunDateTime = @afterDue AND c.id > @afterId))';
      parameters.push({ name: '@afterDue', value: after[0] }, { name: '@afterId', value: after[1] });
    }
    const { resources } = await this.container.items
      .query<ExportSchedule & CosmosSystemProperties>({
        query: `SELECT TOP ${limit} * FROM c WHERE c.kind = 'schedule' AND c.nextRunDateTime <= @now${keyset} ORDER BY c.kind ASC, c.nextRunDateTime ASC, c.id ASC`,
        parameters,
      })
      .fetchAll();
    return resources.map((resource) => withEtag<ExportSchedule>(resource));
  }

  async getTenantSet(partnerId: string, setId: string): Promise<TenantSet> {
    const { resource } = await this.container.item(setId, partnerId).read<TenantSet & { kind: string } & CosmosSystemProperties>();
    if (resource?.kind !== 'tenantSet' || resource.id !== setId || resource.partnerId !== partnerId) return { partnerId, id: setId, entries: [] };
    return { partnerId, id: setId, entries: resource.entries ?? [], etag: resource._etag ?? '' };
  }

  async saveTenantSet(set: TenantSet): Promise<boolean> {
    const document = { kind: 'tenantSet', id: set.id, partnerId: set.partnerId, entries: set.entries };
    try {
      if (set.etag === undefined) await this.container.items.create(document);
      else await this.container.item(set.id, set.partnerId).replace(document, { accessCondition: { type: 'IfMatch', condition: set.etag } });
      return true;
    } catch (err) {
      const status = cosmosStatus(err);
      if (status === 409 || status === 412 || status === 404) return false;
      throw err;
    }
  }

  async exportStatuses(partnerId: string, exportIds: string[]): Promise<Map<string, ExportJob['status']>> {
    if (exportIds.length === 0) return new Map();
    const { resources } = await this.container.items
      .query<{ id: string; status: ExportJob['status'] }>(
        {
          query: "SELECT c.id, c.status FROM c WHERE c.partnerId = @partnerId AND c.kind = 'export' AND ARRAY_CONTAINS(@ids, c.id)",
          parameters: [
            { name: '@partnerId', value: partnerId },
            { name: '@ids', value: exportIds },
          ],
        },
        { partitionKey: partnerId },
      )
      .fetchAll();
    return new Map(resources.map((row) => [row.id, row.status]));
  }

  async existingScheduleIds(partnerId: string, scheduleIds: string[]): Promise<Set<string>> {
    if (scheduleIds.length === 0) return new Set();
    const { resources } = await this.container.items
      .query<{ id: string }>(
        {
          query: "SELECT c.id FROM c WHERE c.partnerId = @partnerId AND c.kind = 'schedule' AND ARRAY_CONTAINS(@ids, c.id)",
          parameters: [
            { name: '@partnerId', value: partnerId },
            { name: '@ids', value: scheduleIds },
          ],
        },
        { partitionKey: partnerId },
      )
      .fetchAll();
    return new Set(resources.map((row) => row.id));
  }

  private async replace<T extends { id: string; partnerId: string; etag?: string }>(record: T): Promise<T | 'PreconditionFailed'> {
    try {
      const { resource } = await this.container
        .item(record.id, record.partnerId)
        .replace<T>(body(record) as T, { accessCondition: { type: 'IfMatch', condition: record.etag ?? '' } });
      return withEtag(resource as T & CosmosSystemProperties);
    } catch (err) {
      if (cosmosStatus(err) === 412 || cosmosStatus(err) === 404) return 'PreconditionFailed';
      throw err;
    }
  }
}
