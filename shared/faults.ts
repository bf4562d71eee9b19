/**
 * Named points where a test can make the process "crash" (throw) between two writes, to prove that
 * recovery works. In production no fault is ever armed and `hit` does nothing.
 */
export type FaultPoint =
  | 'rename.afterActivityPending'
  | 'rename.afterCustomerWrite'
  | 'export.afterBlockStaged'
  | 'export.beforeCommit';

export class FaultInjector {
  private readonly armed = new Map<FaultPoint, { remaining: number; times: number }>();

  /**
   * Arms a fault: the `afterHits`-th next time the point is reached (1 = the next), it throws, and
   * keeps throwing at every hit for `times` hits in all (Infinity: until disarmed).
   */
  arm(point: FaultPoint, afterHits = 1, times = 1): void {
    this.armed.set(point, { remaining: afterHits, times });
  }

  disarm(): void {
    this.armed.clear();
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
    throw new Error(`Injected crash at ${point}`);
  }
}
