import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPortSimulator, type PortSimulator } from '../../../sim/port/index';
import { projectBlueprint, startWithClient, TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
beforeAll(async () => ({ sim, client } = await startWithClient()));
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  sim.seed.blueprint(projectBlueprint);
});

const upsert = (identifier: string) => client.post('/v1/blueprints/project/entities/bulk', { entities: [{ identifier }] }, { query: { upsert: true } });

describe('injected faults', () => {
  it('429 with Retry-After, counted as rate-limited, stores nothing; the next call goes through', async () => {
    sim.injectFault({ method: 'POST', path: '/v1/blueprints/*/entities/bulk', status: 429, retryAfterSeconds: 7, times: 1 });
    const limited = await upsert('a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toMatchObject({ ok: false, error: 'rate_limit_exceeded' });
    expect(sim.entities('project')).toEqual([]);
    expect((await upsert('a')).status).toBe(200);
    expect(sim.counters().rateLimited).toBe(1);
    expect(sim.calls({ path: '/v1/blueprints/project/entities/bulk' }).map((c) => c.status)).toEqual([429, 200]);
  });

  it('429 with x-ratelimit-reset as epoch seconds', async () => {
    sim.injectFault({ path: '/v1/entities/search', status: 429, rateLimitResetSeconds: 30 });
    const before = Math.floor(Date.now() / 1000);
    const res = await client.post('/v1/entities/search', { combinator: 'and', rules: [] });
    expect(res.status).toBe(429);
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(before + 30);
    expect(reset).toBeLessThan(before + 300);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('500 answers Port-style JSON; 502/503/504 answer a gateway HTML page unless JSON is asked for', async () => {
    sim.injectFault({ path: '/v1/blueprints/project', status: 500, times: 1 });
    const e500 = await client.get('/v1/blueprints/project');
    expect(e500.status).toBe(500);
    expect(e500.body).toMatchObject({ ok: false, error: 'internal_error' });
    for (const status of [502, 503, 504] as const) {
      sim.injectFault({ path: '/v1/blueprints/project', status, times: 1 });
      const res = await client.get('/v1/blueprints/project');
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain(`<h1>${status}`);
    }
    sim.injectFault({ path: '/v1/blueprints/project', status: 503, bodyFormat: 'json', times: 1 });
    expect((await client.get('/v1/blueprints/project')).body['ok']).toBe(false);
    expect((await client.get('/v1/blueprints/project')).status).toBe(200);
  });

  it('applied: the route stores its change, then the fault answers; the retry finds it done', async () => {
    sim.injectFault({ method: 'POST', path: '/v1/blueprints/*/entities/bulk', status: 504, applied: true, times: 1 });
    const timedOut = await upsert('a');
    expect(timedOut.status).toBe(504);
    expect(sim.entities('project').map((e) => e.identifier)).toEqual(['a']);
    sim.injectFault({ method: 'POST', path: '/v1/blueprints/*/bulk/entities/delete', status: 502, applied: true, times: 1 });
    expect((await client.post('/v1/blueprints/project/bulk/entities/delete', { entities: ['a'] })).status).toBe(502);
    expect(sim.entities('project')).toEqual([]);
    expect((await client.post('/v1/blueprints/project/bulk/entities/delete', { entities: ['a'] })).body).toMatchObject({ ok: true, deletedEntities: [] });
    expect(() => sim.injectFault({ path: '/v1/entities/search', latencyMs: 5, applied: true })).toThrow(/applied/);
  });

  it('413 on demand, for a request that would otherwise fit', async () => {
    sim.injectFault({ path: '/v1/blueprints/project/entities/bulk', status: 413, times: 1 });
    const res = await upsert('a');
    expect(res.status).toBe(413);
    expect(res.body['error']).toBe('request_too_large');
  });

  it('fires on every Nth matching request only', async () => {
    sim.injectFault({ path: '/v1/organization', status: 503, everyNth: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await client.get('/v1/organization')).status);
    expect(statuses).toEqual([200, 200, 503, 200, 200, 503, 200]);
    expect(sim.faults()[0]).toMatchObject({ matched: 7, fired: 2 });
  });

  it('matches the method and the glob; ** spans segments', async () => {
    sim.injectFault({ method: 'DELETE', path: '/v1/**', status: 502 });
    expect((await client.get('/v1/blueprints/project')).status).toBe(200);
    expect((await client.delete('/v1/blueprints/project/entities/x')).status).toBe(502);
    sim.clearFaults();
    expect((await client.delete('/v1/blueprints/project/entities/x')).status).toBe(404);
  });

  it('adds latency after normal handling', async () => {
    sim.injectFault({ path: '/v1/organization', latencyMs: 150, times: 1 });
    const t0 = performance.now();
    const res = await client.get('/v1/organization');
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('drops the connection without an answer', async () => {
    sim.injectFault({ path: '/v1/organization', resetConnection: true, times: 1 });
    await expect(fetch(new URL('/v1/organization', sim.baseUrl), { headers: { authorization: `Bearer ${client.token}` } })).rejects.toThrow();
    expect((await client.get('/v1/organization')).status).toBe(200);
  });

  it('refuses a rule with nothing to do', () => {
    expect(() => sim.injectFault({ path: '/v1/organization' })).toThrow(/status, a latencyMs or resetConnection/);
  });
});

describe('latencyMs and maxConcurrentRequests options', () => {
  it('delays every API answer by latencyMs and queues requests above the cap', async () => {
    const slow = await startPortSimulator({ latencyMs: 40, maxConcurrentRequests: 2 });
    try {
      const c = new TestClient(slow);
      await c.login();
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: 6 }, () => c.get('/v1/organization')));
      expect(results.every((r) => r.status === 200)).toBe(true);
      // Six requests, two at a time, 40 ms each: at least three rounds.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
      const counters = slow.counters();
      expect(counters.peakInFlight).toBe(2);
      expect(counters.peakQueued).toBeGreaterThanOrEqual(1);
    } finally {
      await slow.close();
    }
  });
});
