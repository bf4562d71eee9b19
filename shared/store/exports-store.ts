/** Export jobs and schedules in Cosmos DB, in the partner's partition, with ETag-guarded updates. */
import type { Container } from '@azure/cosmos';
import type { ExportJob, ExportSchedule } from '../exports/export-job.js';
import type { ExportRepository } from '../exports/ports.js';
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
    return resource?.kind === 'export' ? withEtag(resource) : undefined;
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
    return resource?.kind === 'schedule' ? withEtag(resource) : undefined;
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

  async listDueSchedules(now: string, limit: number): Promise<ExportSchedule[]> {
    const { resources } = await this.container.items
      .query<ExportSchedule & CosmosSystemProperties>({
        query: `SELECT TOP ${limit} * FROM c WHERE c.kind = 'schedule' AND c.nextRunDateTime <= @now`,
        parameters: [{ name: '@now', value: now }],
      })
      .fetchAll();
    return resources.map((resource) => withEtag<ExportSchedule>(resource));
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
