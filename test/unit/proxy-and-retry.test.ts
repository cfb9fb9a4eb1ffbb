import { describe, expect, it } from 'vitest';
import { backoffSeconds, resetAfterSeconds, retryAfterSeconds, sleep } from '../../core/http/retry';
import { bypassesProxy } from '../../core/http/transport';

describe('bypassesProxy (NO_PROXY)', () => {
  const url = (u: string) => new URL(u);
  it.each([
    ['https://dev.azure.com/org', 'dev.azure.com', true],
    ['https://vsrm.dev.azure.com/org', '.dev.azure.com', true],
    ['https://vsrm.dev.azure.com/org', 'dev.azure.com', true],
    ['https://notdev.azure.com/org', 'dev.azure.com', false],
    ['https://api.port.io/v1', 'dev.azure.com, api.port.io', true],
    ['http://127.0.0.1:8080/x', '127.0.0.1:8080', true],
    ['http://127.0.0.1:9090/x', '127.0.0.1:8080', false],
    ['https://anything.example', '*', true],
    ['https://anything.example', '', false],
  ])('%s with NO_PROXY=%s → %s', (target, noProxy, expected) => {
    expect(bypassesProxy(url(target), noProxy)).toBe(expected);
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('12')).toBe(12);
    expect(retryAfterSeconds(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3);
    expect(retryAfterSeconds(undefined)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });

  it('reads x-ratelimit-reset as an epoch, or small values as seconds', () => {
    const now = 1_700_000_000_000;
    expect(resetAfterSeconds(String(now / 1000 + 30), now)).toBeCloseTo(30);
    expect(resetAfterSeconds('45', now)).toBe(45);
  });

  it('backs off exponentially within ±20 % and never beyond the cap', () => {
    expect(backoffSeconds(1, 1, 60, () => 0.5)).toBe(1);
    expect(backoffSeconds(4, 1, 60, () => 0.5)).toBe(8);
    expect(backoffSeconds(20, 1, 60, () => 1)).toBe(60);
    expect(backoffSeconds(20, 1, 60, () => 0)).toBeCloseTo(48);
  });

  it('stops a sleep at once when its signal has already aborted, and when it aborts later', async () => {
    const aborted = AbortSignal.abort(new Error('deadline passed'));
    const started = Date.now();
    await expect(sleep(5_000, aborted)).rejects.toThrow('deadline passed');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopping')), 20);
    await expect(sleep(5_000, controller.signal)).rejects.toThrow('stopping');
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
