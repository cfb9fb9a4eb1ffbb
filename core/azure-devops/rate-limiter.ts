import pLimit, { type LimitFunction } from 'p-limit';
import { MAX_RETRY_AFTER_SECONDS, resetAfterSeconds, retryAfterSeconds, sleep, throttleSeconds } from '../http/retry';
import { ActiveTime } from '../util/wall-clock';
import { RouteCosts } from './route-costs';
import { SendLedger } from './send-ledger';

export type RateLimiterStats = {
  /** Responses the server delayed (stage 2: `X-RateLimit-Delay`). */
  delayedResponses: number;
  /** Responses blocked with 429 (stage 3). */
  blockedResponses: number;
};

/** Share of `X-RateLimit-Limit` the pacing aims to keep in use: the rest absorbs requests in flight and costs that vary by route. */
const TARGET_SHARE = 0.95;
/** The service's sliding window (azure-devops-api.md §3.1), until its headers say otherwise. */
const DEFAULT_WINDOW_MS = 300_000;
/**
 * A `Reset − sent` shorter than this is a clock disagreement, not a window: `Reset` at or before
 * the send would otherwise shrink the window to nothing and switch the window rule off for the run.
 */
const MIN_WINDOW_MS = 1_000;

/** A reading of the window's usage, placed at the send of the request it answered. */
type UsageReading = { sentAt: number; usage: number };

/**
 * One limiter per Azure DevOps identity (a PAT or a bearer token), shared by every request the run
 * makes with it, because the service budgets TSTUs per identity over a sliding five minutes
 * (azure-devops-api.md §3.1). It paces from the `X-RateLimit-*` headers the service sends *before*
 * it starts delaying, so a run slows down instead of being blocked:
 * - stage 1 (`Limit`/`Remaining`/`Reset`): keep the usage in the window under the limit. The
 *   limiter remembers when it sent each request, on which route, and what it cost: each route's
 *   cost is learned where one request is the only difference between two readings, and every
 *   reading re-balances the window's sends to the usage it reports. So it knows when spent budget
 *   leaves the window and can be spent again, and what the next request will take of it.
 *   It is never slower than spreading what `Remaining` says is left until `Reset`, which is safe
 *   even when other clients share the identity;
 * - stage 2 (delayed 200 with `X-RateLimit-Delay` and `Retry-After`): pause everyone for Retry-After;
 * - stage 3 (429 with `Retry-After`): pause everyone, and the caller retries.
 */
export class IdentityRateLimiter {
  readonly stats: RateLimiterStats = { delayedResponses: 0, blockedResponses: 0 };
  /** Wall-clock time during which requests waited on throttling (our pacing and pauses, plus server delays). */
  readonly throttled: ActiveTime;
  private readonly slots: LimitFunction;
  private readonly sends = new SendLedger();
  private readonly routeCosts = new RouteCosts();
  private lastUsage: UsageReading | undefined;
  private pausedUntil = 0;
  /** `X-RateLimit-Limit` of the latest stage-1 reading; undefined once the window it described has reset. */
  private limit: number | undefined;
  /** The window length, as the tightest `Reset − sent` any reading allowed (never shorter than the real one); until a reading, the service's. */
  private measuredWindowMs: number | undefined;
  /** The spread rule: `Remaining` over the time until `Reset`, at the observed cost per request. */
  private nextStartAt = 0;
  private spacingMs = 0;
  private costEstimate = 1;
  private lastRemaining: number | undefined;
  /** When the budget the current pacing was computed from resets (the reading's `X-RateLimit-Reset`). */
  private pacingUntil = 0;
  private responsesSinceReading = 0;

  constructor(
    maxConcurrent: number,
    private readonly clock: { now: () => number; sleep: (ms: number, signal?: AbortSignal) => Promise<void> } = { now: Date.now, sleep },
  ) {
    this.slots = pLimit(maxConcurrent);
    this.throttled = new ActiveTime(clock.now);
  }

  get concurrency(): number {
    return this.slots.concurrency;
  }

  /**
   * Runs `send` when a slot is free and pacing allows; `send` gets the time it was let go, which the
   * caller hands back to `observe` with the response's headers.
   * `throttledAlso` receives the same waits, so a caller can attribute them (to a kind, say).
   * Once `signal` aborts, a request still waiting for its turn gives its slot up and rejects
   * (unsent, so the pacing does not count it).
   */
  schedule<T>(send: (sentAt: number) => Promise<T>, throttledAlso?: ActiveTime, route = '', signal?: AbortSignal): Promise<T> {
    return this.slots(async () => send(await this.waitForTurn(route, throttledAlso, signal)));
  }

  /**
   * Feeds one response's status and (lower-cased) headers back into the pacing. `sentAt` is the
   * time `schedule` let its request go (now, when unknown).
   */
  observe(status: number, headers: Record<string, string>, sentAt?: number): void {
    const now = this.clock.now();
    this.responsesSinceReading++;
    const delay = Number(headers['x-ratelimit-delay']);
    if (Number.isFinite(delay) && delay > 0) {
      this.stats.delayedResponses++;
      this.throttled.add(delay * 1000);
    }
    const retryAfter = retryAfterSeconds(headers['retry-after'], now);
    if (status === 429) {
      this.stats.blockedResponses++;
      // At least MIN_THROTTLE_SECONDS, even with `Retry-After: 0`: retrying at once would be blocked again.
      this.pauseFor(throttleSeconds(headers, 30, now), now);
    } else if (retryAfter !== undefined && retryAfter > 0) {
      this.pauseFor(retryAfter, now);
    }

    const remaining = Number(headers['x-ratelimit-remaining']);
    const resetIn = resetAfterSeconds(headers['x-ratelimit-reset'], now);
    if (!Number.isFinite(remaining) || headers['x-ratelimit-remaining'] === undefined) {
      // Below the stage-1 threshold the service sends no headers: run at full speed, once the
      // window the last reading described has reset (before that, a header-less answer may come
      // from a host that does not report, while the budget is still short).
      if (this.spacingMs > 0 && (now >= this.pacingUntil || now > this.nextStartAt + 5_000)) {
        this.limit = undefined;
        this.spacingMs = 0;
      }
      return;
    }
    if (this.lastRemaining !== undefined && remaining < this.lastRemaining && this.responsesSinceReading > 0) {
      const sample = (this.lastRemaining - remaining) / this.responsesSinceReading;
      this.costEstimate = this.costEstimate * 0.7 + sample * 0.3;
    }
    this.lastRemaining = remaining;
    this.responsesSinceReading = 0;
    const resetMs = Math.max(1_000, (resetIn ?? DEFAULT_WINDOW_MS / 1000) * 1000);
    this.spacingMs = resetMs / Math.max(1, remaining / Math.max(this.costEstimate, 0.01));
    this.pacingUntil = now + resetMs;

    // `Reset` is when usage would be back to zero: at least a window after this request was
    // counted, which was after it was sent. So `Reset − sent` bounds the window from above.
    if (resetIn !== undefined) {
      const bound = now + resetIn * 1000 - (sentAt ?? now);
      if (bound >= MIN_WINDOW_MS) this.measuredWindowMs = Math.min(this.measuredWindowMs ?? bound, bound);
    }
    const limit = Number(headers['x-ratelimit-limit']);
    if (Number.isFinite(limit) && limit > 0) {
      this.limit = limit;
      this.account(limit, remaining, sentAt ?? now);
    }
  }

  /**
   * Squares the ledger with the usage the service reported when this request reached it: the
   * sends it had surely counted are those of the window up to this one (others sent at the same
   * moment may have reached it later). `Remaining` is 0 whenever usage is over the limit, so such
   * a reading says only "at least the limit" and teaches no route's cost.
   */
  private account(limit: number, remaining: number, sentAt: number): void {
    const windowOpen = sentAt - this.windowMs;
    const exact = remaining > 0;
    const usage = exact ? limit - remaining : Math.max(limit, this.sends.usageBetween(windowOpen, sentAt));
    const previous = this.lastUsage;
    if (exact && previous && sentAt > previous.sentAt) {
      // One request between two readings, and none left the window between them: the usage
      // grew by exactly what that request cost.
      const route = this.sends.lastRouteBetween(previous.sentAt, sentAt);
      if (route !== undefined && this.sends.countBetween(previous.sentAt, sentAt) === 1 && this.sends.countBetween(previous.sentAt - this.windowMs, windowOpen) === 0) {
        this.routeCosts.learn(route, usage - previous.usage);
      }
    }
    this.sends.calibrate(windowOpen, sentAt, usage);
    this.routeCosts.setFallback(usage / Math.max(1, this.sends.countBetween(windowOpen, sentAt)));
    if (!previous || sentAt >= previous.sentAt) this.lastUsage = exact ? { sentAt, usage } : undefined;
  }

  private get windowMs(): number {
    return this.measuredWindowMs ?? DEFAULT_WINDOW_MS;
  }

  private pauseFor(seconds: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(seconds, MAX_RETRY_AFTER_SECONDS) * 1000);
  }

  /** Pacing holds from a stage-1 reading until its reset; past that the budget is back, even when no answer has said so. */
  private pacing(now: number): boolean {
    return this.spacingMs > 0 && now < this.pacingUntil;
  }

  /** When the next request may go, by the latest reading: the earlier of the window rule and the spread rule. */
  private pacedStart(now: number, cost: number): number {
    if (!this.pacing(now)) return now;
    const spread = Math.min(this.nextStartAt, this.pacingUntil);
    return this.limit === undefined ? spread : Math.min(spread, this.windowStart(now, cost, this.limit));
  }

  /** The earliest time at which a send of this cost keeps the window's usage under the target. */
  private windowStart(now: number, cost: number, limit: number): number {
    const at = this.sends.roomAt(now - this.windowMs, this.windowMs, cost, limit * TARGET_SHARE);
    return at === undefined ? this.pacingUntil : Math.min(Math.max(now, at), this.pacingUntil);
  }

  private async waitForTurn(route: string, throttledAlso?: ActiveTime, signal?: AbortSignal): Promise<number> {
    let waiting = false;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.clock.now();
        const { cost, learned } = this.routeCosts.estimate(route);
        const startAt = Math.max(this.pausedUntil, this.pacedStart(now, cost));
        if (startAt <= now) {
          this.nextStartAt = this.pacing(now) ? Math.max(now, this.nextStartAt) + this.spacingMs : now;
          this.sends.record(now, route, cost, learned);
          this.sends.forget(now - Math.max(this.windowMs, DEFAULT_WINDOW_MS));
          return now;
        }
        if (!waiting) {
          waiting = true;
          this.throttled.begin();
          throttledAlso?.begin();
        }
        await this.clock.sleep(startAt - now, signal);
      }
    } finally {
      if (waiting) {
        this.throttled.end();
        throttledAlso?.end();
      }
    }
  }
}
