import { describe, expect, it } from 'vitest';
import { SendLedger } from '../../core/azure-devops/send-ledger';

describe('SendLedger', () => {
  it('counts the sends after a time and finds the k-th oldest of them', () => {
    const ledger = new SendLedger();
    for (const at of [100, 200, 200, 300, 400]) ledger.record(at);
    expect(ledger.countAfter(0)).toBe(5);
    expect(ledger.countAfter(200)).toBe(2);
    expect(ledger.countAfter(400)).toBe(0);
    expect(ledger.nthAfter(100, 1)).toBe(200);
    expect(ledger.nthAfter(100, 3)).toBe(300);
    expect(ledger.nthAfter(100, 5)).toBeUndefined();
    expect(ledger.nthAfter(100, 0)).toBeUndefined();
  });

  it('forgets old sends without changing what is counted after them', () => {
    const ledger = new SendLedger();
    for (let at = 1; at <= 5_000; at++) ledger.record(at);
    ledger.forget(4_000);
    expect(ledger.countAfter(0)).toBe(1_000);
    expect(ledger.nthAfter(0, 1)).toBe(4_001);
    ledger.record(6_000);
    expect(ledger.countAfter(4_500)).toBe(501);
  });
});
