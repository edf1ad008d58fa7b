/**
 * Coalesces concurrent loads of the same key in this process: while one load is in flight, every
 * other caller waits for its result instead of starting its own (no stampede on a cold cache).
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, load: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const p = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }
}
