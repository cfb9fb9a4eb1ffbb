/**
 * How long an answer still has to wait to have taken `latencyMs` since the simulator let the
 * request through (`since`, a `performance.now()` reading). The simulator's own work counts toward
 * the latency instead of adding to it: it runs on the client's cores, which a real service does
 * not, and the benchmark's lower bound prices every answer at the latency alone.
 */
export function latencyLeft(latencyMs: number, since: number, now: number): number {
  return Math.max(0, latencyMs - (now - since));
}

/** Waits out {@link latencyLeft}. */
export async function waitOutLatency(latencyMs: number, since: number): Promise<void> {
  const left = latencyLeft(latencyMs, since, performance.now());
  if (left > 0) await new Promise<void>((resolve) => setTimeout(resolve, left));
}
