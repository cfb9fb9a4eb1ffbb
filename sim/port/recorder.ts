import type { Counters, RecordedCall } from './model';

/** Every API call the simulator answered, and running totals, for tests and the benchmark. */
export class CallRecorder {
  calls: RecordedCall[] = [];
  counters: Counters = emptyCounters();

  record(call: RecordedCall): void {
    this.calls.push(call);
    const c = this.counters;
    c.requests++;
    const route = call.route ?? `${call.method} (no route)`;
    c.requestsByRoute[route] = (c.requestsByRoute[route] ?? 0) + 1;
    c.statuses[String(call.status)] = (c.statuses[String(call.status)] ?? 0) + 1;
    c.bytesIn += call.requestBytes;
    c.bytesOut += call.responseBytes;
    if (call.status === 429) c.rateLimited++;
    if (call.faultId) c.faultsFired++;
  }

  reset(): void {
    this.calls = [];
    this.counters = emptyCounters();
  }
}

function emptyCounters(): Counters {
  return { requests: 0, requestsByRoute: {}, statuses: {}, bytesIn: 0, bytesOut: 0, rateLimited: 0, faultsFired: 0, peakInFlight: 0, peakQueued: 0 };
}

/** Optional cap on requests handled at once; the rest wait in FIFO order (for the benchmark). */
export class ConcurrencyGate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number | undefined,
    private readonly counters: () => Counters,
  ) {}

  async enter(): Promise<void> {
    if (this.limit !== undefined && this.inFlight >= this.limit) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        const c = this.counters();
        c.peakQueued = Math.max(c.peakQueued, this.waiting.length);
      });
    } else {
      this.inFlight++;
    }
    const c = this.counters();
    c.peakInFlight = Math.max(c.peakInFlight, this.inFlight);
  }

  leave(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so inFlight stays the same.
    if (next) next();
    else this.inFlight--;
  }
}
