import { epochSeconds } from '../model/dates';

/**
 * The TSTU model of Azure DevOps rate limiting (azure-devops-api.md §3.1–3.2, rate-limits.md):
 * every request costs some TSTUs; an identity has a budget per sliding window (200 per 5 minutes).
 *
 * - Stage 1 (usage ≥ `headerThreshold` × budget): `X-RateLimit-Resource/Limit/Remaining/Reset` are
 *   sent, before any delay, so a client can slow down in time.
 * - Stage 2 (usage > budget): the request is delayed and still answered 200, with
 *   `X-RateLimit-Delay` (seconds, 3 decimals) and `Retry-After`.
 * - Stage 3 (usage > `blockThreshold` × budget): 429 with `TF400733` and `Retry-After`. Blocked
 *   requests cost nothing, so a client that waits recovers.
 */
export interface ThrottleConfig {
  /** Sliding window length. Default 300,000 ms; tests scale it down (e.g. 2,000 ms). */
  windowMs: number;
  /** TSTUs per identity per window. Default 200. */
  budget: number;
  /** Fraction of the budget from which the rate-limit headers are sent. Default 0.5. */
  headerThreshold: number;
  /** Usage (as a multiple of the budget) above which requests are blocked. Default 1.5. */
  blockThreshold: number;
  /** Cost of a request whose route has no entry in `routeCosts`. Default 0.05. */
  defaultCost: number;
  /** Cost per route id (`wit.wiql`, `wit.workItemsBatch`, …). */
  routeCosts: Record<string, number>;
  /** Delay per TSTU over budget. Default 250 ms. */
  delayPerTstuMs: number;
  /** Longest delay (the service delays up to 30 s). Default 30,000 ms. */
  maxDelayMs: number;
  /** `X-RateLimit-Resource` value. */
  resource: string;
}

export const DEFAULT_THROTTLE: ThrottleConfig = {
  windowMs: 300_000,
  budget: 200,
  headerThreshold: 0.5,
  blockThreshold: 1.5,
  defaultCost: 0.05,
  // WIQL and work-item batches are the expensive calls (integration-bestpractices.md).
  routeCosts: { 'wit.wiql': 1, 'wit.workItemsBatch': 0.5, 'wit.workItems.list': 0.5, 'git.itemsBatch': 0.3, 'wiki.pagesBatch': 0.2, 'graph.subjectLookup': 0.2 },
  delayPerTstuMs: 250,
  maxDelayMs: 30_000,
  resource: 'Core.TSTU',
};

export type ThrottleStage = 'none' | 'headers' | 'delay' | 'block';

export interface ThrottleDecision {
  stage: ThrottleStage;
  headers: Record<string, string>;
  delayMs: number;
  usage: number;
}

interface Usage {
  entries: { at: number; cost: number }[];
  total: number;
}

export class Throttle {
  private config: ThrottleConfig | undefined;
  private readonly usage = new Map<string, Usage>();

  constructor(config: Partial<ThrottleConfig> | undefined | false) {
    this.configure(config);
  }

  get settings(): ThrottleConfig | undefined {
    return this.config;
  }

  /** Replaces the configuration (undefined/false turns throttling off) and forgets past usage. */
  configure(config: Partial<ThrottleConfig> | undefined | false): void {
    this.config = config ? { ...DEFAULT_THROTTLE, ...config, routeCosts: { ...DEFAULT_THROTTLE.routeCosts, ...(config.routeCosts ?? {}) } } : undefined;
    this.usage.clear();
  }

  reset(): void {
    this.usage.clear();
  }

  costOf(routeId: string): number {
    return this.config?.routeCosts[routeId] ?? this.config?.defaultCost ?? 0;
  }

  /** Current usage of an identity (TSTUs in the window). */
  usageOf(identity: string, now = Date.now()): number {
    const u = this.usage.get(identity);
    if (!u || !this.config) return 0;
    this.prune(u, now, this.config.windowMs);
    return u.total;
  }

  evaluate(identity: string, routeId: string, now = Date.now()): ThrottleDecision {
    const config = this.config;
    if (!config) return { stage: 'none', headers: {}, delayMs: 0, usage: 0 };
    const u = this.usage.get(identity) ?? { entries: [], total: 0 };
    this.usage.set(identity, u);
    this.prune(u, now, config.windowMs);
    const cost = this.costOf(routeId);
    const projected = u.total + cost;
    if (projected > config.budget * config.blockThreshold) {
      const retry = this.secondsUntil(u, now, config, config.budget - cost);
      return { stage: 'block', delayMs: 0, usage: u.total, headers: { ...this.limitHeaders(u, now, config, 0), 'Retry-After': String(retry) } };
    }
    u.entries.push({ at: now, cost });
    u.total += cost;
    if (u.total > config.budget) {
      const delayMs = Math.min(config.maxDelayMs, Math.round((u.total - config.budget) * config.delayPerTstuMs));
      // Retry-After counts from the answer (RFC 6585), which leaves only after the delay, and
      // promises room for one more request like this one, as a block's does.
      const retry = this.secondsUntil(u, now + delayMs, config, config.budget - cost);
      return {
        stage: 'delay',
        delayMs,
        usage: u.total,
        headers: { ...this.limitHeaders(u, now, config, 0), 'X-RateLimit-Delay': (delayMs / 1000).toFixed(3), 'Retry-After': String(retry) },
      };
    }
    if (u.total >= config.budget * config.headerThreshold) {
      return { stage: 'headers', delayMs: 0, usage: u.total, headers: this.limitHeaders(u, now, config, Math.max(0, Math.floor(config.budget - u.total))) };
    }
    return { stage: 'none', delayMs: 0, usage: u.total, headers: {} };
  }

  private limitHeaders(u: Usage, now: number, config: ThrottleConfig, remaining: number): Record<string, string> {
    const newest = u.entries[u.entries.length - 1]?.at ?? now;
    return {
      'X-RateLimit-Resource': config.resource,
      'X-RateLimit-Limit': String(config.budget),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(epochSeconds(newest + config.windowMs)),
    };
  }

  /** Whole seconds until usage falls to `target` as old entries leave the window (at least 1). */
  private secondsUntil(u: Usage, now: number, config: ThrottleConfig, target: number): number {
    let total = u.total;
    for (const entry of u.entries) {
      if (total <= target) break;
      total -= entry.cost;
      if (total <= target) return Math.max(1, Math.ceil((entry.at + config.windowMs - now) / 1000));
    }
    return 1;
  }

  private prune(u: Usage, now: number, windowMs: number): void {
    let drop = 0;
    while (drop < u.entries.length && (u.entries[drop]?.at ?? 0) <= now - windowMs) {
      u.total -= u.entries[drop]?.cost ?? 0;
      drop++;
    }
    if (drop > 0) u.entries.splice(0, drop);
    if (u.entries.length === 0) u.total = 0;
  }
}
