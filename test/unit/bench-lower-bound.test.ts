import { describe, expect, it } from 'vitest';
import { addRoutes, budgetBoundSeconds, fewestBulkWrites, latencyBound, lowerBound, mappingFanOutRequests, minimumTstu, scaledTstuModel } from '../../bench/lower-bound';
import type { MinimumRequests } from '../../bench/sim-control';

const minimum = (kinds: MinimumRequests['kinds']): MinimumRequests => ({ kinds, total: 0 });
const kind = (own: number, formula: string) => ({ own, byRoute: {}, dependsOn: [], formula });

describe('the benchmark lower bound (bench/lower-bound.ts)', () => {
  it('is requests × latency / concurrency on one side', () => {
    expect(latencyBound(1_600, 25, 16).seconds).toBeCloseTo(2.5);
    expect(latencyBound(0, 40, 16).seconds).toBe(0);
  });

  it('writes each blueprint in bulk requests of at most 20', () => {
    expect(fewestBulkWrites(new Map([['a', 20], ['b', 21], ['c', 1], ['d', 0]]))).toBe(1 + 2 + 1 + 0);
  });

  it('takes the slower side, and the budget when it is slower still', () => {
    const ado = latencyBound(1_600, 25, 16);
    const port = latencyBound(800, 40, 16);
    expect(lowerBound(ado, port)).toMatchObject({ seconds: 2.5, limitedBy: 'azure-devops' });
    const slowPort = latencyBound(2_000, 40, 16);
    expect(lowerBound(ado, slowPort)).toMatchObject({ seconds: 5, limitedBy: 'port' });
    const tstu = { cost: 800, budget: 200, windowMs: 10_000, seconds: budgetBoundSeconds(800, 200, 10_000) };
    expect(tstu.seconds).toBe(30);
    expect(lowerBound(ado, slowPort, tstu)).toMatchObject({ seconds: 30, limitedBy: 'tstu-budget' });
  });

  it('spends the first budget for free: a cost within the budget needs no waiting', () => {
    expect(budgetBoundSeconds(150, 200, 300_000)).toBe(0);
    expect(budgetBoundSeconds(400, 200, 300_000)).toBe(300);
  });

  it("prices each route's requests at that route's cost, and routes without one at the default", () => {
    const costs = { defaultCost: 0.05, routeCosts: { 'wit.wiql': 1, 'wit.workItemsBatch': 0.5, 'wiki.pagesBatch': 0.2 } };
    const requests = { 'wit.wiql': 2, 'wit.workItemsBatch': 200, 'wiki.pagesBatch': 4, 'core.projects.list': 1, 'git.refs.list': 99 };
    expect(minimumTstu(requests, costs)).toBeCloseTo(2 * 1 + 200 * 0.5 + 4 * 0.2 + 100 * 0.05);
    expect(minimumTstu({}, costs)).toBe(0);
  });

  it('scales every cost so the minimal requests cost the budgets asked for, and the delay per TSTU the other way', () => {
    const model = { budget: 200, defaultCost: 0.05, routeCosts: { 'wit.wiql': 1, 'wiki.pagesBatch': 0.2 }, delayPerTstuMs: 250 };
    const minimum = { 'wit.wiql': 2, 'wiki.pagesBatch': 5, 'git.refs.list': 60 };
    // Unscaled: 2 + 1 + 3 = 6 TSTUs; four budgets are 800, so every cost is multiplied by 800 / 6.
    const scaled = scaledTstuModel(model, minimum, 4);
    expect(minimumTstu(minimum, scaled)).toBeCloseTo(800);
    expect(scaled.routeCosts['wit.wiql']).toBeCloseTo(800 / 6);
    expect(scaled.defaultCost).toBeCloseTo((0.05 * 800) / 6);
    // One request over the budget is held as long as before: its cost times the delay per TSTU.
    expect((scaled.routeCosts['wit.wiql'] ?? 0) * scaled.delayPerTstuMs).toBeCloseTo(1 * 250);
  });

  it('adds request counts route by route', () => {
    expect(addRoutes({ 'git.items': 3, 'wit.wiql': 1 }, { 'git.items': 2, 'core.projects.get': 5 })).toEqual({ 'git.items': 5, 'wit.wiql': 1, 'core.projects.get': 5 });
  });

  it("counts the default mapping's fan-out from the simulator's per-project and per-repository figures", () => {
    const m = minimum({ iteration: kind(12, '1 per project'), file: kind(70, '1 per enabled non-empty repository and path') });
    expect(mappingFanOutRequests(m, { includedFiles: 1, defaultTeam: true, includeRepo: true })).toEqual({
      requests: 70 + 12 + 12,
      detail: { 'repository includedFiles': 70, 'project defaultTeam': 12, 'pipeline includeRepo': 12 },
      byRoute: { 'git.items': 70, 'core.projects.get': 12, 'build.definitions.list': 12 },
    });
    expect(() => mappingFanOutRequests(minimum({ iteration: kind(1, 'something else') }), { includedFiles: 0, defaultTeam: true, includeRepo: false })).toThrow(/no longer/);
  });
});
