/**
 * At most N requests in flight per identity; the rest wait in arrival order (the simulator's
 * stand-in for the service serializing one caller's load).
 */
export class ConcurrencyLimiter {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly peak = new Map<string, number>();

  constructor(private limit: number | undefined) {}

  setLimit(limit: number | undefined): void {
    this.limit = limit;
  }

  /** Highest number of concurrent requests seen per identity. */
  peaks(): Record<string, number> {
    return Object.fromEntries(this.peak);
  }

  resetPeaks(): void {
    this.peak.clear();
  }

  async acquire(key: string): Promise<() => void> {
    const limit = this.limit;
    if (limit !== undefined && (this.running.get(key) ?? 0) >= limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(key) ?? [];
        queue.push(resolve);
        this.waiting.set(key, queue);
      });
    }
    const now = (this.running.get(key) ?? 0) + 1;
    this.running.set(key, now);
    this.peak.set(key, Math.max(this.peak.get(key) ?? 0, now));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running.set(key, (this.running.get(key) ?? 1) - 1);
      const next = this.waiting.get(key)?.shift();
      if (next) next();
    };
  }
}
