/** What the simulator served, for tests and the benchmark. */
export interface CounterSnapshot {
  requests: number;
  byRoute: Record<string, number>;
  byIdentity: Record<string, number>;
  byStatus: Record<string, number>;
  byHost: Record<string, number>;
  bytesOut: number;
  /** Bytes of the answers a route served (its handler's answers; errors before routing count only in `bytesOut`). */
  bytesByRoute: Record<string, number>;
  throttled: number;
  delayed: number;
  delayedMs: number;
  rateLimitHeaders: number;
  faultsInjected: number;
  /** Answers the answer memo replayed (`--memo`) instead of making them afresh. */
  replayed: number;
  authFailures: number;
  webhookDeliveries: number;
  webhookFailures: number;
}

const bump = (map: Record<string, number>, key: string, by = 1) => {
  map[key] = (map[key] ?? 0) + by;
};

export class Counters {
  private data: CounterSnapshot = Counters.empty();

  static empty(): CounterSnapshot {
    return { requests: 0, byRoute: {}, byIdentity: {}, byStatus: {}, byHost: {}, bytesOut: 0, bytesByRoute: {}, throttled: 0, delayed: 0, delayedMs: 0, rateLimitHeaders: 0, faultsInjected: 0, replayed: 0, authFailures: 0, webhookDeliveries: 0, webhookFailures: 0 };
  }

  request(routeId: string, host: string): void {
    this.data.requests++;
    bump(this.data.byRoute, routeId);
    bump(this.data.byHost, host);
  }

  identity(key: string): void {
    bump(this.data.byIdentity, key);
  }

  status(status: number): void {
    bump(this.data.byStatus, String(status));
  }

  bytes(count: number, routeId?: string): void {
    this.data.bytesOut += count;
    if (routeId !== undefined) bump(this.data.bytesByRoute, routeId, count);
  }

  throttled(): void {
    this.data.throttled++;
  }

  delayed(ms: number): void {
    this.data.delayed++;
    this.data.delayedMs += ms;
  }

  rateLimitHeaders(): void {
    this.data.rateLimitHeaders++;
  }

  fault(): void {
    this.data.faultsInjected++;
  }

  replayed(): void {
    this.data.replayed++;
  }

  authFailure(): void {
    this.data.authFailures++;
  }

  webhook(ok: boolean): void {
    if (ok) this.data.webhookDeliveries++;
    else this.data.webhookFailures++;
  }

  snapshot(): CounterSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = Counters.empty();
  }
}
