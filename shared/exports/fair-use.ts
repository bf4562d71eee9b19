/**
 * Fair use per tenant. One tenant must not crowd out the others, so each tenant has
 * - at most `activeExportsPerTenant` exports queued or running (beyond it POST /api/exports is 429),
 * - at most `runningExportsPerTenant` exports being written at once: a worker that picks up a
 *   message for a tenant already at its share puts the message back for a moment and takes the
 *   next, so another tenant's export behind a flood starts at once (fair pickup across tenants),
 * - at most `schedulesPerTenant` export schedules.
 *
 * Each limit is a small set of ids in one document per tenant, changed with its ETag, so
 * concurrent requests cannot overshoot it. An entry whose export ended (or whose schedule is gone)
 * is dropped when the set is full; so is one whose owner crashed before creating it, once it is
 * older than RESERVATION_GRACE_MILLISECONDS. Running entries expire on their own.
 */
import { invalid, ServiceError } from '../kernel/errors.js';
import type { Clock } from '../kernel/time.js';
import type { Scope } from '../tenants/scope.js';
import type { ExportJob } from './export-job.js';
import type { ExportRepository, TenantSet } from './ports.js';

/** How long a reserved id may exist in a set before the thing it reserves does. */
const RESERVATION_GRACE_MILLISECONDS = 60_000;
/** Attempts to change a set that other requests keep changing; then the caller is told to retry. */
const SET_ATTEMPTS = 50;
/** Seconds a deferred export message stays invisible before a worker looks at it again. */
export const DEFER_SECONDS = 2;

/** The limits (config.ts: EXPORT_ACTIVE_PER_TENANT, EXPORT_RUNNING_PER_TENANT, EXPORT_SCHEDULES_PER_TENANT). */
export interface FairUseSettings {
  activeExportsPerTenant: number;
  runningExportsPerTenant: number;
  schedulesPerTenant: number;
  /** How long a running place is held at most: a slice's length (EXPORT_SLICE_SECONDS) and a minute. */
  sliceSeconds: number;
}

const activeSetId = (tenantId: string) => `export-slots-${tenantId}`;
const runningSetId = (tenantId: string) => `export-running-${tenantId}`;
const scheduleSetId = (tenantId: string) => `schedule-slots-${tenantId}`;

export class FairUse {
  constructor(
    private readonly ports: { exportJobs: ExportRepository; clock: Clock },
    readonly settings: FairUseSettings,
  ) {}

  /** Reserves a place for a new export of the tenant; TooManyRequests (429) when it has its fill. */
  async admitExport(scope: Scope, exportId: string): Promise<void> {
    const limit = this.settings.activeExportsPerTenant;
    const grace = new Date(this.ports.clock().getTime() - RESERVATION_GRACE_MILLISECONDS).toISOString();
    const admitted = await this.reserve(scope.partnerId, activeSetId(scope.tenantId), exportId, limit, async (entries) => {
      const statuses = await this.ports.exportJobs.exportStatuses(
        scope.partnerId,
        entries.map((entry) => entry.id),
      );
      return entries.filter((entry) => {
        const status = statuses.get(entry.id);
        return status === undefined ? entry.at > grace : status === 'NotStarted' || status === 'Running';
      });
    });
    if (!admitted) {
      throw new ServiceError(
        'TooManyRequests',
        'TooManyExports',
        `This tenant already has ${limit} exports queued or running, the most it may have at once. Try again when one has finished.`,
      );
    }
  }

  /**
   * Takes one of the tenant's running places for a slice of this export, for as long as a slice may
   * last. False when the tenant's other exports hold them all: the caller defers the message.
   */
  startRunning(job: ExportJob): Promise<boolean> {
    const now = this.ports.clock();
    const until = new Date(now.getTime() + (this.settings.sliceSeconds + 60) * 1000).toISOString();
    return this.reserve(
      job.partnerId,
      runningSetId(job.scopeTenantId),
      job.id,
      this.settings.runningExportsPerTenant,
      async (entries) => entries.filter((entry) => entry.at > now.toISOString()),
      until,
    );
  }

  /** Gives the running place back when a slice ends, however it ends. */
  stopRunning(job: Pick<ExportJob, 'id' | 'partnerId' | 'scopeTenantId'>): Promise<void> {
    return this.release(job.partnerId, runningSetId(job.scopeTenantId), job.id);
  }

  /** Reserves a place for a new schedule of the tenant; Invalid (400) when it has its fill. */
  async admitSchedule(scope: Scope, scheduleId: string): Promise<void> {
    const limit = this.settings.schedulesPerTenant;
    const grace = new Date(this.ports.clock().getTime() - RESERVATION_GRACE_MILLISECONDS).toISOString();
    const admitted = await this.reserve(scope.partnerId, scheduleSetId(scope.tenantId), scheduleId, limit, async (entries) => {
      const existing = await this.ports.exportJobs.existingScheduleIds(
        scope.partnerId,
        entries.map((entry) => entry.id),
      );
      return entries.filter((entry) => existing.has(entry.id) || entry.at > grace);
    });
    if (!admitted) {
      throw invalid('TooManySchedules', `This tenant already has ${limit} export schedules, the most it may have. Delete one first.`, 'name');
    }
  }

  /** Frees a deleted schedule's place. */
  releaseSchedule(scope: Scope, scheduleId: string): Promise<void> {
    return this.release(scope.partnerId, scheduleSetId(scope.tenantId), scheduleId);
  }

  /**
   * Adds `entryId` to a tenant's set unless it already holds `limit` entries that are still held
   * (`stillHeld` answers which of them are). Returns false when the set is full.
   */
  private async reserve(
    partnerId: string,
    setId: string,
    entryId: string,
    limit: number,
    stillHeld: (entries: TenantSet['entries']) => Promise<TenantSet['entries']>,
    at = this.ports.clock().toISOString(),
  ): Promise<boolean> {
    for (let attempt = 0; attempt < SET_ATTEMPTS; attempt += 1) {
      const set = await this.ports.exportJobs.getTenantSet(partnerId, setId);
      let entries = set.entries.filter((entry) => entry.id !== entryId);
      if (entries.length >= limit) entries = await stillHeld(entries);
      if (entries.length >= limit) return false;
      if (await this.ports.exportJobs.saveTenantSet({ ...set, entries: [...entries, { id: entryId, at }] })) return true;
    }
    return false;
  }

  /** Removes `entryId` from a tenant's set (nothing to do when it is not there). */
  private async release(partnerId: string, setId: string, entryId: string): Promise<void> {
    for (let attempt = 0; attempt < SET_ATTEMPTS; attempt += 1) {
      const set = await this.ports.exportJobs.getTenantSet(partnerId, setId);
      if (!set.entries.some((entry) => entry.id === entryId)) return;
      if (await this.ports.exportJobs.saveTenantSet({ ...set, entries: set.entries.filter((entry) => entry.id !== entryId) })) return;
    }
  }
}
