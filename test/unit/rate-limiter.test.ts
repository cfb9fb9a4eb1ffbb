import { describe, expect, it } from 'vitest';
import { IdentityRateLimiter } from '../../core/azure-devops/rate-limiter';

/** A clock that only moves when the limiter sleeps, so pacing decisions are exact. */
function fakeClock(start = 1_700_000_000_000) {
  const clock = { t: start, slept: [] as number[] };
  return {
    clock,
    deps: {
      now: () => clock.t,
      sleep: async (ms: number) => {
        clock.slept.push(ms);
        clock.t += ms;
      },
    },
  };
}

describe('IdentityRateLimiter', () => {
  it('runs at full speed while the service sends no rate-limit headers', async () => {
    const { clock, deps } = fakeClock();
    const limiter = new IdentityRateLimiter(4, deps);
    for (let i = 0; i < 10; i++) {
      await limiter.schedule(async () => limiter.observe(200, {}));
    }
    expect(clock.slept).toEqual([]);
    expect(limiter.throttled.milliseconds).toBe(0);
  });

  it('spreads the remaining budget until the reset once stage-1 headers appear', async () => {
    const { clock, deps } = fakeClock();
    const limiter = new IdentityRateLimiter(1, deps);
    const resetEpoch = clock.t / 1000 + 60; // a minute away
    // Remaining falls by one TSTU per request: 30 requests' worth of budget left for 60 s.
    let remaining = 31;
    for (let i = 0; i < 6; i++) {
      await limiter.schedule(async () => {
        remaining--;
        limiter.observe(200, { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetEpoch) });
      });
    }
    expect(clock.slept.length).toBeGreaterThan(0);
    // ~60 s over ~25 requests ≈ 2.4 s apart; anything near-zero would mean no pacing at all.
    expect(Math.min(...clock.slept)).toBeGreaterThan(1_000);
    expect(limiter.throttled.milliseconds).toBeGreaterThan(1_000);
  });

  it('pauses every request for Retry-After after a 429', async () => {
    const { clock, deps } = fakeClock();
    const limiter = new IdentityRateLimiter(2, deps);
    await limiter.schedule(async () => limiter.observe(429, { 'retry-after': '7' }));
    const before = clock.t;
    await limiter.schedule(async () => limiter.observe(200, {}));
    expect(clock.t - before).toBe(7_000);
    expect(limiter.stats.blockedResponses).toBe(1);
  });

  it('honours Retry-After on a delayed 200 and counts the server delay as throttling', async () => {
    const { clock, deps } = fakeClock();
    const limiter = new IdentityRateLimiter(2, deps);
    await limiter.schedule(async () => limiter.observe(200, { 'x-ratelimit-delay': '1.500', 'retry-after': '3' }));
    const before = clock.t;
    await limiter.schedule(async () => limiter.observe(200, {}));
    expect(clock.t - before).toBe(3_000);
    expect(limiter.stats.delayedResponses).toBe(1);
    expect(limiter.throttled.milliseconds).toBe(1_500 + 3_000);
  });

  it('never lets more than the cap run at once', async () => {
    const limiter = new IdentityRateLimiter(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.schedule(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('holds a Retry-After of an hour for five minutes at most, and a 429 with Retry-After: 0 for a second', async () => {
    const { clock, deps } = fakeClock();
    const limiter = new IdentityRateLimiter(1, deps);
    await limiter.schedule(async () => limiter.observe(503, { 'retry-after': '3600' }));
    await limiter.schedule(async () => limiter.observe(200, {}));
    expect(clock.slept).toEqual([300_000]);
    await limiter.schedule(async () => limiter.observe(429, { 'retry-after': '0' }));
    await limiter.schedule(async () => limiter.observe(200, {}));
    expect(clock.slept).toEqual([300_000, 1_000]);
  });

  it('paces as usual when one reading puts the reset at its send (a clock ahead of the service)', async () => {
    const paced = async (firstResetOffsetSeconds: number) => {
      const { clock, deps } = fakeClock();
      const limiter = new IdentityRateLimiter(1, deps);
      let remaining = 30;
      for (let i = 0; i < 40; i++) {
        await limiter.schedule(async () => {
          remaining = Math.max(1, remaining - 1);
          const resetAt = Math.floor(clock.t / 1000) + (i === 0 ? firstResetOffsetSeconds : 300);
          limiter.observe(200, { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetAt) });
        });
      }
      return clock.slept.reduce((a, b) => a + b, 0);
    };
    const normal = await paced(300);
    expect(normal).toBeGreaterThan(300_000);
    // Reset at the send time: taken as the window's length (nothing), it left the window rule off for
    // the run, so the limiter paced by the spread rule alone: no wait over the first 20 requests, then
    // twice the waiting over 40.
    expect(Math.abs((await paced(0)) - normal)).toBeLessThan(normal * 0.1);
  });

  it('gives up its turn when the request is aborted while it waits, without sending it', async () => {
    const limiter = new IdentityRateLimiter(1);
    await limiter.schedule(async () => limiter.observe(429, { 'retry-after': '5' }));
    const controller = new AbortController();
    let sent = false;
    const started = Date.now();
    const waiting = limiter.schedule(async () => {
      sent = true;
    }, undefined, 'route', controller.signal);
    setTimeout(() => controller.abort(new Error('event deadline passed')), 50);
    await expect(waiting).rejects.toThrow('event deadline passed');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sent).toBe(false);
    // An already aborted request never waits.
    await expect(limiter.schedule(async () => undefined, undefined, 'route', AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});

