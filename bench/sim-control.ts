import { z } from 'zod';

/**
 * The simulators' control APIs (`/_sim/…`), driven over HTTP because each simulator runs in its
 * own process (docs/simulators/azure-devops.md and port.md, "Control API").
 */

async function call<T>(schema: z.ZodType<T>, url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  const parsed = schema.safeParse(text ? JSON.parse(text) : undefined);
  if (!parsed.success) throw new Error(`${init.method ?? 'GET'} ${url} answered an unexpected body: ${parsed.error.message}`);
  return parsed.data;
}

const adoCounters = z.looseObject({
  requests: z.number(),
  byRoute: z.record(z.string(), z.number()),
  byStatus: z.record(z.string(), z.number()),
  bytesOut: z.number(),
  bytesByRoute: z.record(z.string(), z.number()),
  throttled: z.number(),
  delayed: z.number(),
  delayedMs: z.number(),
  rateLimitHeaders: z.number(),
  /** Absent from simulators before the answer memo. */
  replayed: z.number().optional(),
});
export type AdoCounters = z.infer<typeof adoCounters>;

const kindMinimum = z.object({ own: z.number(), byRoute: z.record(z.string(), z.number()), dependsOn: z.array(z.string()), formula: z.string() });
const minimumRequests = z.object({ kinds: z.record(z.string(), kindMinimum), total: z.number(), selected: z.number().optional(), selectedByRoute: z.record(z.string(), z.number()).optional() });
export type MinimumRequests = z.infer<typeof minimumRequests>;

const throttleSettings = z.union([
  z.object({ enabled: z.literal(false) }),
  z.looseObject({ windowMs: z.number(), budget: z.number(), defaultCost: z.number(), routeCosts: z.record(z.string(), z.number()), delayPerTstuMs: z.number() }),
]);
export type ThrottleSettings = z.infer<typeof throttleSettings>;
export type ThrottleConfig = { windowMs: number; budget: number; defaultCost: number; routeCosts: Record<string, number>; delayPerTstuMs: number };

const churnResult = z.object({
  fraction: z.number(),
  seed: z.number(),
  stride: z.number(),
  changed: z.object({ workItems: z.number(), pullRequests: z.number(), newBuilds: z.number() }),
});
export type ChurnResult = z.infer<typeof churnResult>;

export class AzureDevOpsSimControl {
  /** `root` is the simulator's origin (`http://127.0.0.1:PORT`). */
  constructor(readonly root: string) {}

  counters(): Promise<AdoCounters> {
    return call(adoCounters, `${this.root}/_sim/counters`);
  }

  async resetCounters(): Promise<void> {
    await call(z.unknown(), `${this.root}/_sim/counters/reset`, { method: 'POST' });
  }

  /** The fewest requests an ideal client needs per kind, and for the given kinds with their parents once. */
  minimumRequests(kinds: readonly string[]): Promise<MinimumRequests> {
    return call(minimumRequests, `${this.root}/_sim/minimum-requests?kinds=${encodeURIComponent(kinds.join(','))}`);
  }

  async setConcurrency(limit: number | null): Promise<void> {
    await call(z.unknown(), `${this.root}/_sim/concurrency`, { method: 'PUT', body: JSON.stringify({ limit }) });
  }

  async setLatency(ms: number): Promise<void> {
    await call(z.unknown(), `${this.root}/_sim/latency`, { method: 'PUT', body: JSON.stringify({ ms }) });
  }

  /** Turns the TSTU model on with these settings (or off with `false`); usage starts from zero. */
  async throttle(config: Partial<ThrottleConfig> | false): Promise<ThrottleSettings> {
    return call(throttleSettings, `${this.root}/_sim/throttle`, { method: 'PUT', body: JSON.stringify(config === false ? { enabled: false } : config) });
  }

  throttleSettings(): Promise<ThrottleSettings> {
    return call(throttleSettings, `${this.root}/_sim/throttle`);
  }

  /** Accepts another PAT as its own identity (its own concurrency cap and TSTU budget). */
  async addPat(token: string, name: string): Promise<void> {
    await call(z.unknown(), `${this.root}/_sim/credentials`, { method: 'POST', body: JSON.stringify({ token, kind: 'pat', name }) });
  }

  /** Edits `fraction` of the work items and active pull requests and queues that share of new runs (seeded). */
  churn(fraction: number, seed: number): Promise<ChurnResult> {
    return call(churnResult, `${this.root}/_sim/churn`, { method: 'POST', body: JSON.stringify({ fraction, seed }) });
  }

  /** Regenerates the organization (same seed, same data), clears counters, faults, throttle usage. */
  async reset(): Promise<void> {
    await call(z.unknown(), `${this.root}/_sim/reset`, { method: 'POST' });
  }
}

const portCounters = z.looseObject({
  requests: z.number(),
  requestsByRoute: z.record(z.string(), z.number()),
  statuses: z.record(z.string(), z.number()),
  bytesIn: z.number(),
  bytesOut: z.number(),
  rateLimited: z.number(),
  peakInFlight: z.number(),
  peakQueued: z.number(),
});
export type PortCounters = z.infer<typeof portCounters>;

export class PortSimControl {
  constructor(
    readonly baseUrl: string,
    private readonly credentials: { clientId: string; clientSecret: string },
  ) {}

  async counters(): Promise<PortCounters> {
    return (await call(z.object({ counters: portCounters }), `${this.baseUrl}/_sim/counters`)).counters;
  }

  /** Forgets every blueprint, entity, integration, call and counter. */
  async reset(): Promise<void> {
    await call(z.unknown(), `${this.baseUrl}/_sim/reset`, { method: 'POST' });
  }

  /**
   * Entities stored per blueprint (those written by an integration), read through Port's own
   * light listing (`datasource-entities`: identifier and blueprint only), so counting the large
   * organization's entities moves kilobytes per thousand, not whole entities.
   */
  async entityCounts(): Promise<Map<string, number>> {
    const { accessToken } = await call(z.object({ accessToken: z.string() }), `${this.baseUrl}/v1/auth/access_token`, {
      method: 'POST',
      body: JSON.stringify(this.credentials),
    });
    const page = z.object({ entities: z.array(z.object({ blueprint: z.string() })), next: z.string().nullish() });
    const counts = new Map<string, number>();
    let from: string | undefined;
    for (;;) {
      const body = await call(page, `${this.baseUrl}/v1/blueprints/entities/datasource-entities`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ datasource_prefix: '', datasource_suffix: '', limit: 10_000, ...(from ? { from } : {}) }),
      });
      for (const { blueprint } of body.entities) counts.set(blueprint, (counts.get(blueprint) ?? 0) + 1);
      if (!body.next) return counts;
      from = body.next;
    }
  }
}
