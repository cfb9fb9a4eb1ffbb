/**
 * After throttling, the limiter must go back to full speed: a run that once read
 * `X-RateLimit-Remaining` near zero must not stay paced for the rest of its life once the service
 * stops sending rate-limit headers (usage fell below the stage-1 threshold, azure-devops-api.md §3.1).
 */
import { describe, expect, it } from 'vitest';
import { IdentityRateLimiter } from '../../core/azure-devops/rate-limiter';
import { virtualClock } from '../support/virtual-clock';

function fakeClock(start = 1_700_000_000_000) {
  const clock = { t: start, slept: [] as number[] };
  return { clock, deps: { now: () => clock.t, sleep: async (ms: number) => void (clock.slept.push(ms), (clock.t += ms)) } };
}

describe('rate limiter recovery', () => {
  it('stops pacing once the reading it paced by has reset and the service sends no more headers', async () => {
    const { clock, deps } = fakeClock();
    const limiter = new IdentityRateLimiter(1, deps);
    const resetEpoch = clock.t / 1000 + 2;
    // Nearly out of budget with the window resetting in 2 s: the limiter spaces requests ~1 s apart.
    for (const remaining of [4, 3, 2]) {
      await limiter.schedule(async () => limiter.observe(200, { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetEpoch) }));
    }
    expect(clock.slept.length, 'paced while the budget was short').toBeGreaterThan(0);

    // The budget is back: responses carry no headers. Requests keep coming, each taking 50 ms.
    let sleptAfterRecovery = 0;
    for (let i = 0; i < 40; i++) {
      const before = clock.slept.length;
      await limiter.schedule(async () => {
        clock.t += 50;
        limiter.observe(200, {});
      });
      if (clock.t / 1000 > resetEpoch + 1) sleptAfterRecovery += clock.slept.slice(before).reduce((a, b) => a + b, 0);
    }
    expect(sleptAfterRecovery, 'waits after the window reset and the headers stopped').toBe(0);
  });

  it('keeps pacing while the service keeps reporting a short budget', async () => {
    const { clock, deps } = fakeClock();
    const limiter = new IdentityRateLimiter(1, deps);
    for (let i = 0; i < 10; i++) {
      await limiter.schedule(async () => {
        clock.t += 50;
        // Each reading resets a window 10 s ahead with little left: still short of budget.
        limiter.observe(200, { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': String(Math.ceil(clock.t / 1000) + 10) });
      });
    }
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBeGreaterThan(5_000);
  });
});

describe('rate limiter recovery with every slot queued', () => {
  it('lets queued requests go when the reading expires instead of keeping the old spacing', async () => {
    const clock = virtualClock();
    const limiter = new IdentityRateLimiter(8, clock.deps);
    const start = clock.now();
    // One request left until a reset 1 s away: the limiter spaces requests 1 s apart…
    await clock.run(limiter.schedule(async () => limiter.observe(200, { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(start / 1000 + 1) })));
    // …and six requests queue at once. Each takes 5 s to answer, so no answer can say the budget is back.
    await clock.run(
      Promise.all(
        Array.from({ length: 6 }, () =>
          limiter.schedule(async () => {
            await clock.deps.sleep(5_000);
            limiter.observe(200, {});
          }),
        ),
      ),
    );
    // Kept 1 s apart the last would start at 5 s and end at 10 s; the budget is back after the 1 s reset.
    expect(clock.now() - start).toBeLessThanOrEqual(6_000);
  });
});
