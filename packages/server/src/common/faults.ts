/**
 * Failure injection for tests of atomicity (US-004 TC-PAY-009/301: "a failure during issuance rolls
 * everything back"). Armed only when NODE_ENV=test; in any other mode `check` does nothing.
 */
export class TransientFailure extends Error {
  constructor(point: string) {
    super(`injected failure at ${point}`);
  }
}

export class FaultInjector {
  private readonly armed = new Map<string, number>();

  constructor(private readonly enabled: boolean) {}

  /** Makes the next `times` passes through `point` fail. */
  arm(point: string, times = 1): void {
    if (this.enabled) this.armed.set(point, (this.armed.get(point) ?? 0) + times);
  }

  /** Throws a TransientFailure if `point` is armed (or `requested` names it, in test mode). */
  check(point: string, requested?: string | null): void {
    if (!this.enabled) return;
    const left = this.armed.get(point) ?? 0;
    if (left > 0) {
      this.armed.set(point, left - 1);
      throw new TransientFailure(point);
    }
    if (requested === point) throw new TransientFailure(point);
  }
}
