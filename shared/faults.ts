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
  private readonly armed = new Map<FaultPoint, number>();

  /** Arms a fault: the `afterHits`-th next time the point is reached (1 = the next), it throws. */
  arm(point: FaultPoint, afterHits = 1): void {
    this.armed.set(point, afterHits);
  }

  disarm(): void {
    this.armed.clear();
  }

  hit(point: FaultPoint): void {
    const remaining = this.armed.get(point);
    if (remaining === undefined) return;
    if (remaining > 1) {
      this.armed.set(point, remaining - 1);
      return;
    }
    this.armed.delete(point);
    throw new Error(`Injected crash at ${point}`);
  }
}
