/**
 * The limiter against the simulator's model of Azure DevOps rate limiting (sliding window, stage-1
 * headers from half the budget, delays above it, 429 above 1.5×), on a virtual clock: a sync that
 * costs four budgets must finish close to the time the budget allows, without being delayed or
 * blocked. Spreading `Remaining` until `Reset` alone settles at half the budget per window (about
 * 2× the bound); knowing when its own sends leave the window lets the limiter use nearly all of it.
 */
import { describe, expect, it } from 'vitest';
import { IdentityRateLimiter } from '../../core/azure-devops/rate-limiter';
import { Throttle } from '../../sim/azure-devops/server/throttle';
import { virtualClock } from '../support/virtual-clock';

const WINDOW_MS = 10_000;
const BUDGET = 200;
const LATENCY_MS = 25;

type Outcome = { seconds: number; delayed: number; blocked: number; sent: number };

/** Sends `costs.length` requests (each route's cost given) through the limiter, 8 at a time, against the model. */
async function syncAgainstModel(costs: number[], options: { spentBefore?: number; delayPerTstuMs?: number } = {}): Promise<Outcome> {
  const clock = virtualClock();
  const routeCosts = Object.fromEntries(costs.map((c) => [`cost-${c}`, c]));
  const service = new Throttle({ windowMs: WINDOW_MS, budget: BUDGET, routeCosts, defaultCost: 1, ...(options.delayPerTstuMs === undefined ? {} : { delayPerTstuMs: options.delayPerTstuMs }) });
  const start = clock.now();
  // Another client of the same identity spent part of the budget just before the run.
  for (let i = 0; i < (options.spentBefore ?? 0); i++) service.evaluate('pat', 'cost-1', start - 1_000);
  const limiter = new IdentityRateLimiter(8, clock.deps);
  const outcome = { delayed: 0, blocked: 0, sent: 0 };

  const request = async (cost: number): Promise<void> => {
    for (;;) {
      let sentAt = 0;
      const answer = await limiter.schedule(async (at) => {
        sentAt = at;
        outcome.sent++;
        await clock.deps.sleep(LATENCY_MS / 2);
        const decision = service.evaluate('pat', `cost-${cost}`, clock.now());
        await clock.deps.sleep(LATENCY_MS / 2 + decision.delayMs);
        return decision;
      }, undefined, `cost-${cost}`);
      const status = answer.stage === 'block' ? 429 : 200;
      limiter.observe(status, Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k.toLowerCase(), v])), sentAt);
      if (answer.stage === 'delay') outcome.delayed++;
      if (status !== 429) return;
      outcome.blocked++;
    }
  };
  // A sync's order: the costs come in the order given, at most 8 in flight.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < costs.length) await request(costs[next++]!);
  };
  await clock.run(Promise.all(Array.from({ length: 8 }, worker)));
  return { ...outcome, seconds: (clock.now() - start) / 1000 };
}

/** The budget bound: the first budget is free, every further one needs a window to pass. */
function budgetBoundSeconds(total: number): number {
  return ((total - BUDGET) / BUDGET) * (WINDOW_MS / 1000);
}

describe('IdentityRateLimiter against a sliding-window budget', () => {
  it('spends a sync of nearly four budgets within 1.3× of the budget bound, never delayed or blocked', async () => {
    // The bound assumes every TSTU of every window is spent. The limiter keeps a twentieth of the
    // budget for what it cannot see, so a sync of exactly four budgets needs a fifth window.
    const costs = Array.from({ length: 750 }, () => 1);
    const outcome = await syncAgainstModel(costs);
    expect(outcome.blocked).toBe(0);
    expect(outcome.delayed).toBe(0);
    expect(outcome.seconds).toBeGreaterThanOrEqual(budgetBoundSeconds(750));
    expect(outcome.seconds).toBeLessThanOrEqual(1.3 * budgetBoundSeconds(750));
  });

  it('keeps to the budget when routes cost different amounts', async () => {
    // Cheap listings with runs of expensive batches between them, as a work-item resource does.
    const costs = Array.from({ length: 1_200 }, (_, i) => (Math.floor(i / 100) % 3 === 2 ? 2 : 0.5));
    const total = costs.reduce((a, b) => a + b, 0);
    const outcome = await syncAgainstModel(costs);
    expect(outcome.blocked).toBe(0);
    expect(outcome.delayed).toBeLessThanOrEqual(costs.length * 0.02);
    expect(outcome.seconds).toBeLessThanOrEqual(1.3 * budgetBoundSeconds(total));
  });

  it('uses the whole budget again once the expensive requests of a burst have left the window', async () => {
    // A small organization under the benchmark's scaled costs: a WIQL (40 % of the budget) and a
    // work-item batch go out in the first burst, among cheap listings; everything after is cheap.
    // Averaging the first window's cost over its requests would price every later request at twice
    // its cost, and leave half of each later window unspent.
    const costs = [3.8, 3.8, 83, 3.8, 3.8, 3.8, 41.5, ...Array.from({ length: 160 }, () => 3.8)];
    const total = costs.reduce((a, b) => a + b, 0);
    const outcome = await syncAgainstModel(costs, { delayPerTstuMs: 3 });
    expect(outcome.blocked).toBe(0);
    expect(outcome.seconds).toBeLessThanOrEqual(1.3 * budgetBoundSeconds(total));
  });

  it('is not blocked when another client already spent most of the budget', async () => {
    const costs = Array.from({ length: 400 }, () => 1);
    const outcome = await syncAgainstModel(costs, { spentBefore: 150 });
    expect(outcome.blocked).toBe(0);
    expect(outcome.sent).toBe(400);
    // The other client's 150 leave the window a second into the run; ours then pays 400 − 200.
    expect(outcome.seconds).toBeLessThanOrEqual(2 * budgetBoundSeconds(400 + 150));
  });
});
