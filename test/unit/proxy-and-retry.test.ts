import { describe, expect, it } from 'vitest';
import { backoffSeconds, MAX_RETRY_AFTER_SECONDS, MIN_THROTTLE_SECONDS, resetAfterSeconds, retryAfterSeconds, sleep, throttleSeconds } from '../../core/http/retry';
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

  it('holds a throttled request for what the service asks, at least a second, at most five minutes', () => {
    const now = 1_700_000_000_000;
    expect(throttleSeconds({ 'retry-after': '7' }, 30, now)).toBe(7);
    expect(throttleSeconds({ 'x-ratelimit-reset': String(now / 1000 + 12) }, 30, now)).toBeCloseTo(12);
    // Retry-After wins over the reset; nothing asked: the caller's fallback.
    expect(throttleSeconds({ 'retry-after': '3', 'x-ratelimit-reset': String(now / 1000 + 12) }, 30, now)).toBe(3);
    expect(throttleSeconds({}, 30, now)).toBe(30);
    // A reset at or before the agent's clock, and Retry-After: 0, are not "retry at once".
    expect(throttleSeconds({ 'x-ratelimit-reset': String(now / 1000 - 2) }, 30, now)).toBe(MIN_THROTTLE_SECONDS);
    expect(throttleSeconds({ 'retry-after': '0' }, 30, now)).toBe(MIN_THROTTLE_SECONDS);
    expect(throttleSeconds({}, 0.01, now)).toBe(MIN_THROTTLE_SECONDS);
    expect(throttleSeconds({ 'retry-after': '3600' }, 30, now)).toBe(MAX_RETRY_AFTER_SECONDS);
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
