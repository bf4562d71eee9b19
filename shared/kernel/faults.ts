/**
 * Named points where a test can make the process "crash" (throw) between two writes, to prove that
 * recovery works. In production no fault is ever armed and `hit` does nothing.
 */
export type FaultPoint =
  | 'rename.afterActivityPending'
  | 'rename.afterCustomerWrite'
  | 'customers.afterWrite'
  | 'export.afterBlockStaged'
  | 'export.beforeCommit';

export class FaultInjector {
  private readonly armed = new Map<FaultPoint, { remaining: number; times: number }>();
  private readonly thrown = new Map<FaultPoint, number>();

  /**
   * Arms a fault: the `afterHits`-th next time the point is reached (1 = the next), it throws, and
   * keeps throwing at every hit for `times` hits in all (Infinity: until disarmed).
   */
  arm(point: FaultPoint, afterHits = 1, times = 1): void {
    this.armed.set(point, { remaining: afterHits, times });
  }

  /** Disarms every fault and forgets how many were thrown. */
  disarm(): void {
    this.armed.clear();
    this.thrown.clear();
  }

  /** How many times the point threw since the last disarm (so a test knows its crash happened). */
  thrownCount(point: FaultPoint): number {
    return this.thrown.get(point) ?? 0;
  }

  hit(point: FaultPoint): void {
    const fault = this.armed.get(point);
    if (fault === undefined) return;
    if (fault.remaining > 1) {
      fault.remaining -= 1;
      return;
    }
    fault.times -= 1;
    if (fault.times <= 0) this.armed.delete(point);
    this.thrown.set(point, this.thrownCount(point) + 1);
    throw new Error(`Injected crash at ${point}`);
  }
}
