import { describe, expect, it } from 'vitest';
import { SendLedger } from '../../core/azure-devops/send-ledger';
import { RouteCosts, routeOf } from '../../core/azure-devops/route-costs';

describe('SendLedger', () => {
  it('counts sends and sums their costs after a time and between two times', () => {
    const ledger = new SendLedger();
    for (const [at, cost] of [[100, 1], [200, 2], [200, 3], [300, 4], [400, 5]] as const) ledger.record(at, 'GET x', cost, true);
    expect(ledger.countBetween(0)).toBe(5);
    expect(ledger.countBetween(200)).toBe(2);
    expect(ledger.countBetween(100, 300)).toBe(3);
    expect(ledger.countBetween(300, 100)).toBe(0);
    expect(ledger.usageBetween(200)).toBe(9);
    expect(ledger.usageBetween(400)).toBe(0);
    expect(ledger.usageBetween(100, 300)).toBe(2 + 3 + 4);
  });

  it('finds when enough of the window has left for one more send', () => {
    const ledger = new SendLedger();
    for (const at of [100, 200, 300]) ledger.record(at, 'GET x', 10, true);
    // Window of 1,000 from 0: 30 spent. A send of 5 under a cap of 40 fits now (at `since`).
    expect(ledger.roomAt(0, 1_000, 5, 40)).toBe(0);
    // A send of 15 needs the first send (10) to leave: at 100 + 1,000.
    expect(ledger.roomAt(0, 1_000, 15, 40)).toBe(1_100);
    // A send of 35 needs the first three... all of them: at 300 + 1,000.
    expect(ledger.roomAt(0, 1_000, 35, 40)).toBe(1_300);
    // More than the cap never fits.
    expect(ledger.roomAt(0, 1_000, 41, 40)).toBeUndefined();
  });

  it('charges what a reading shows beyond the estimates to the sends of routes not learned yet', () => {
    const ledger = new SendLedger();
    ledger.record(100, 'GET cheap', 2, true);
    ledger.record(110, 'POST wiql', 2, false);
    ledger.record(120, 'GET cheap', 2, true);
    ledger.record(130, 'GET cheap', 2, true);
    // The service counted the first three at 90 TSTUs: the WIQL cost 86, not 2.
    ledger.calibrate(0, 120, 90);
    expect(ledger.usageBetween(0)).toBe(92);
    // When the WIQL leaves the window, its cost leaves with it.
    expect(ledger.usageBetween(110)).toBe(4);
  });

  it('scales every send of the window when all routes are learned and the reading differs', () => {
    const ledger = new SendLedger();
    ledger.record(100, 'GET a', 2, true);
    ledger.record(200, 'GET b', 6, true);
    ledger.calibrate(0, 200, 16);
    expect(ledger.usageBetween(0)).toBe(16);
    expect(ledger.usageBetween(100)).toBe(12);
  });

  it('names the route of the newest send between two times', () => {
    const ledger = new SendLedger();
    ledger.record(100, 'GET a', 1, true);
    ledger.record(200, 'POST b', 1, true);
    expect(ledger.lastRouteBetween(100, 200)).toBe('POST b');
    expect(ledger.lastRouteBetween(0, 150)).toBe('GET a');
    expect(ledger.lastRouteBetween(200, 300)).toBeUndefined();
  });

  it('forgets old sends without changing what is counted after them', () => {
    const ledger = new SendLedger();
    for (let at = 1; at <= 5_000; at++) ledger.record(at, 'GET x', 1, true);
    ledger.forget(4_000);
    expect(ledger.countBetween(0)).toBe(1_000);
    expect(ledger.usageBetween(0)).toBe(1_000);
    ledger.record(6_000, 'GET x', 1, true);
    expect(ledger.countBetween(4_500)).toBe(501);
  });
});

describe('RouteCosts', () => {
  it('prices a route not learned yet at the fallback, and a learned one at what it was seen to cost', () => {
    const costs = new RouteCosts();
    costs.setFallback(4);
    expect(costs.estimate('POST wit/wiql')).toEqual({ cost: 4, learned: false });
    costs.learn('POST wit/wiql', 80);
    expect(costs.estimate('POST wit/wiql')).toEqual({ cost: 80, learned: true });
    costs.learn('POST wit/wiql', 82);
    expect(costs.estimate('POST wit/wiql').cost).toBe(81);
    // A fallback that is not a cost is ignored.
    costs.setFallback(Number.NaN);
    expect(costs.estimate('GET other').cost).toBe(4);
  });

  it('gives every read of one endpoint the same route, whatever the organization, project or ids', () => {
    const a = routeOf('GET', new URL('https://dev.azure.com/org/Fabrikam/_apis/git/repositories/3f1c2a9e-0000-4000-8000-000000000001/refs?api-version=7.1'));
    const b = routeOf('GET', new URL('https://dev.azure.com/other/Contoso%20Web/_apis/git/repositories/9a1c2a9e-0000-4000-8000-000000000002/refs'));
    expect(a).toBe('GET git/repositories/*/refs');
    expect(b).toBe(a);
    expect(routeOf('POST', new URL('https://dev.azure.com/org/_apis/wit/workitemsbatch'))).toBe('POST wit/workitemsbatch');
    expect(routeOf('GET', new URL('https://vssps.dev.azure.com/org/_apis/graph/memberships/aad.NzY5YjA0'))).toBe('GET graph/memberships/*');
    expect(routeOf('GET', new URL('https://dev.azure.com/org/P/_apis/build/builds/1234/timeline'))).toBe('GET build/builds/*/timeline');
  });
});
