import pLimit, { type LimitFunction } from 'p-limit';
import { resetAfterSeconds, retryAfterSeconds, sleep } from '../http/retry';
import { ActiveTime } from '../util/wall-clock';

export type RateLimiterStats = {
  /** Responses the server delayed (stage 2: `X-RateLimit-Delay`). */
  delayedResponses: number;
  /** Responses blocked with 429 (stage 3). */
  blockedResponses: number;
};

/**
 * One limiter per Azure DevOps identity (a PAT or a bearer token), shared by every request the run
 * makes with it, because the service budgets TSTUs per identity over a sliding five minutes
 * (azure-devops-api.md §3.1). It paces from the `X-RateLimit-*` headers the service sends *before*
 * it starts delaying, so a run slows down instead of being blocked:
 * - stage 1 (`Limit`/`Remaining`/`Reset`): spread the remaining budget until the reset time,
 *   using the observed cost per request;
 * - stage 2 (delayed 200 with `X-RateLimit-Delay` and `Retry-After`): pause everyone for Retry-After;
 * - stage 3 (429 with `Retry-After`): pause everyone, and the caller retries.
 */
export class IdentityRateLimiter {
  readonly stats: RateLimiterStats = { delayedResponses: 0, blockedResponses: 0 };
  /** Wall-clock time during which requests waited on throttling (our pacing and pauses, plus server delays). */
  readonly throttled: ActiveTime;
  private readonly slots: LimitFunction;
  private pausedUntil = 0;
  private nextStartAt = 0;
  private spacingMs = 0;
  private costEstimate = 1;
  private lastRemaining: number | undefined;
  /** When the budget the current pacing was computed from resets (the reading's `X-RateLimit-Reset`). */
  private pacingUntil = 0;
  private responsesSinceReading = 0;

  constructor(
    maxConcurrent: number,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> } = { now: Date.now, sleep: (ms) => sleep(ms) },
  ) {
    this.slots = pLimit(maxConcurrent);
    this.throttled = new ActiveTime(clock.now);
  }

  get concurrency(): number {
    return this.slots.concurrency;
  }

  /**
   * Runs `send` when a slot is free and pacing allows; the response headers feed back via `observe`.
   * `throttledAlso` receives the same waits, so a caller can attribute them (to a kind, say).
   */
  schedule<T>(send: () => Promise<T>, throttledAlso?: ActiveTime): Promise<T> {
    return this.slots(async () => {
      await this.waitForTurn(throttledAlso);
      return send();
    });
  }

  /** Feeds one response's status and (lower-cased) headers back into the pacing. */
  observe(status: number, headers: Record<string, string>): void {
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
      this.pauseFor(retryAfter ?? resetAfterSeconds(headers['x-ratelimit-reset'], now) ?? 30, now);
    } else if (retryAfter !== undefined && retryAfter > 0) {
      this.pauseFor(retryAfter, now);
    }

    const remaining = Number(headers['x-ratelimit-remaining']);
    const resetIn = resetAfterSeconds(headers['x-ratelimit-reset'], now);
    if (!Number.isFinite(remaining) || headers['x-ratelimit-remaining'] === undefined) {
      // Below the stage-1 threshold the service sends no headers: run at full speed, once the
      // window the last reading described has reset (before that, a header-less answer may come
      // from a host that does not report, while the budget is still short).
      if (this.spacingMs > 0 && (now >= this.pacingUntil || now > this.nextStartAt + 5_000)) this.spacingMs = 0;
      return;
    }
    if (this.lastRemaining !== undefined && remaining < this.lastRemaining && this.responsesSinceReading > 0) {
      const sample = (this.lastRemaining - remaining) / this.responsesSinceReading;
      this.costEstimate = this.costEstimate * 0.7 + sample * 0.3;
    }
    this.lastRemaining = remaining;
    this.responsesSinceReading = 0;
    const windowMs = Math.max(1_000, (resetIn ?? 300) * 1000);
    const requestsLeft = Math.max(1, remaining / Math.max(this.costEstimate, 0.01));
    this.spacingMs = windowMs / requestsLeft;
    this.pacingUntil = now + windowMs;
  }

  private pauseFor(seconds: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + seconds * 1000);
  }

  private async waitForTurn(throttledAlso?: ActiveTime): Promise<void> {
    let waiting = false;
    try {
      for (;;) {
        const now = this.clock.now();
        // Pacing spreads a reading's budget until its reset; past that the budget is back, even
        // when every slot is queued here and no answer has arrived to say so.
        const pacing = this.spacingMs > 0 && now < this.pacingUntil;
        const startAt = Math.max(this.pausedUntil, pacing ? Math.min(this.nextStartAt, this.pacingUntil) : 0);
        if (startAt <= now) {
          this.nextStartAt = pacing ? Math.max(now, this.nextStartAt) + this.spacingMs : now;
          return;
        }
        if (!waiting) {
          waiting = true;
          this.throttled.begin();
          throttledAlso?.begin();
        }
        await this.clock.sleep(startAt - now);
      }
    } finally {
      if (waiting) {
        this.throttled.end();
        throttledAlso?.end();
      }
    }
  }
}
