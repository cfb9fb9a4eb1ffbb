import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { Throttle } from '../../../sim/azure-devops/server/throttle';
import { basic, get, PAT, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small' });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.throttle.configure(false);
});

describe('throttling (TSTU model, scaled down)', () => {
  it('sends rate-limit headers, then delays, then blocks with 429 TF400733', async () => {
    // Budget 10 TSTU, 1 TSTU per request: headers from 5, delays above 10, blocked above 15. The
    // window is long enough that nothing slides out during the test, however slow the machine.
    sim.throttle.configure({ windowMs: 60_000, budget: 10, defaultCost: 1, headerThreshold: 0.5, blockThreshold: 1.5, delayPerTstuMs: 20, maxDelayMs: 200 });
    const stages: string[] = [];
    let sawDelayHeader: string | undefined;
    let blocked: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 1; i <= 17; i++) {
      const res = await get(sim, '/_apis/projects');
      if (res.status === 429) {
        blocked = res;
        stages.push('block');
        break;
      }
      expect(res.status).toBe(200);
      if (res.header('x-ratelimit-delay')) {
        sawDelayHeader = res.header('x-ratelimit-delay');
        stages.push('delay');
      } else if (res.header('x-ratelimit-limit')) stages.push('headers');
      else stages.push('none');
    }
    expect(stages.slice(0, 4)).toEqual(['none', 'none', 'none', 'none']);
    expect(stages.indexOf('headers')).toBe(4);
    expect(stages.indexOf('delay')).toBeGreaterThan(stages.lastIndexOf('headers'));
    expect(stages.at(-1)).toBe('block');
    expect(sawDelayHeader).toMatch(/^\d+\.\d{3}$/);
    expect(blocked?.json<{ message: string; typeKey: string }>().message).toMatch(/^TF400733: /);
    expect(Number(blocked?.header('retry-after'))).toBeGreaterThanOrEqual(1);
    const counters = sim.counters();
    expect(counters.throttled).toBeGreaterThanOrEqual(1);
    expect(counters.delayed).toBeGreaterThanOrEqual(1);
  });

  it('sends Limit, Remaining and Reset before any delay', async () => {
    sim.throttle.configure({ windowMs: 60_000, budget: 4, defaultCost: 1, headerThreshold: 0.5 });
    await get(sim, '/_apis/projects');
    const res = await get(sim, '/_apis/projects');
    expect(res.header('x-ratelimit-limit')).toBe('4');
    expect(res.header('x-ratelimit-remaining')).toBe('2');
    expect(res.header('x-ratelimit-resource')).toBeDefined();
    const reset = Number(res.header('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(res.header('x-ratelimit-delay')).toBeUndefined();
  });

  it('recovers after the Retry-After it announced', async () => {
    sim.throttle.configure({ windowMs: 1_000, budget: 2, defaultCost: 1, blockThreshold: 1.5 });
    let blocked: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 20 && !blocked; i++) {
      const res = await get(sim, '/_apis/projects');
      if (res.status === 429) blocked = res;
    }
    expect(blocked?.status).toBe(429);
    const retryAfter = Number(blocked?.header('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await get(sim, '/_apis/projects')).status).toBe(200);
  });

  it('counts the Retry-After of a delayed answer from when the answer leaves, and leaves room for one more request', () => {
    const throttle = new Throttle({ windowMs: 10_000, budget: 2, defaultCost: 1, delayPerTstuMs: 3_000, maxDelayMs: 30_000 });
    throttle.evaluate('id', 'core.projects.list', 0);
    throttle.evaluate('id', 'core.projects.list', 1_000);
    const delayed = throttle.evaluate('id', 'core.projects.list', 2_000);
    // One TSTU over: held 3 s, so the answer leaves at 5 s. One more request fits when the
    // second leaves the window, at 11 s: 6 s after the answer.
    expect(delayed.stage).toBe('delay');
    expect(delayed.delayMs).toBe(3_000);
    expect(delayed.headers['Retry-After']).toBe('6');
  });

  it('weighs WIQL more than a plain GET and keeps identities apart', async () => {
    sim.throttle.configure({ windowMs: 60_000, budget: 100 });
    sim.resetCounters();
    await get(sim, '/_apis/projects', { pat: 'first' });
    const [key] = Object.keys(sim.counters().byIdentity);
    if (!key) throw new Error('no identity counted');
    const afterGet = sim.throttle.usageOf(key);
    expect(afterGet).toBeCloseTo(sim.throttle.settings?.defaultCost ?? 0);
    await get(sim, '/_apis/wit/wiql?api-version=7.1', { method: 'POST', body: { query: 'SELECT [System.Id] FROM WorkItems' }, pat: 'first' });
    expect(sim.throttle.usageOf(key) - afterGet).toBeCloseTo(sim.throttle.settings?.routeCosts['wit.wiql'] ?? 0);
    expect(sim.throttle.settings?.routeCosts['wit.wiql']).toBeGreaterThan(sim.throttle.settings?.defaultCost ?? 1);
    const before = sim.throttle.usageOf(key);
    await get(sim, '/_apis/projects', { pat: 'second' });
    expect(sim.throttle.usageOf(key)).toBe(before);
  });
});

const parses = (text: string | undefined) => {
  try {
    JSON.parse(text ?? '');
    return true;
  } catch {
    return false;
  }
};

function rawGet(path: string, timeoutMs: number): Promise<{ status?: number; error?: string; body?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: sim.port, path, headers: { Authorization: basic(PAT), Host: `127.0.0.1:${sim.port}` }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
      res.on('aborted', () => resolve({ status: res.statusCode, error: 'aborted' }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

describe('faults', () => {
  const repoPath = () => {
    const repo = [...sim.model.repositories.all()].find((r) => r.defaultBranch && !r.isDisabled);
    return `/_apis/git/repositories/${repo?.id ?? ''}/refs`;
  };

  it('answers a 5xx for a route a given number of times', async () => {
    sim.faults.add({ kind: 'status', status: 503, route: 'git.refs.list', times: 2 });
    expect((await get(sim, repoPath())).status).toBe(503);
    expect((await get(sim, repoPath())).status).toBe(503);
    expect((await get(sim, repoPath())).status).toBe(200);
    expect((await get(sim, '/_apis/projects')).status).toBe(200);
  });

  it('can skip the first matching requests', async () => {
    sim.faults.add({ kind: 'status', status: 500, route: 'core.projects.list', skip: 1, times: 1 });
    expect((await get(sim, '/_apis/projects')).status).toBe(200);
    expect((await get(sim, '/_apis/projects')).status).toBe(500);
  });

  it('adds latency', async () => {
    sim.faults.add({ kind: 'latency', latencyMs: 150, route: 'core.projects.list', times: 1 });
    const start = Date.now();
    expect((await get(sim, '/_apis/projects')).status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('resets the connection', async () => {
    sim.faults.add({ kind: 'reset', route: 'core.projects.list', times: 1 });
    const result = await rawGet(`/${sim.org}/_apis/projects`, 5_000);
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/socket hang up|ECONNRESET/);
  });

  it('never answers (timeout)', async () => {
    sim.faults.add({ kind: 'timeout', route: 'core.projects.list', times: 1 });
    const result = await rawGet(`/${sim.org}/_apis/projects`, 300);
    expect(result.error).toBe('client timeout');
  });

  it('truncates the body', async () => {
    sim.faults.add({ kind: 'truncate', route: 'core.projects.list', times: 1 });
    const result = await rawGet(`/${sim.org}/_apis/projects`, 5_000);
    // Either the client sees the connection drop, or it gets a body that does not parse.
    expect(result.error !== undefined || !parses(result.body)).toBe(true);
  });

  it('repeats the continuation token it was given', async () => {
    sim.faults.add({ kind: 'repeat-token', route: 'git.refs.list' });
    const first = await get(sim, `${repoPath()}?$top=1`);
    const token = first.header('x-ms-continuationtoken');
    expect(token).toBeDefined();
    const second = await get(sim, `${repoPath()}?$top=1&continuationToken=${encodeURIComponent(token ?? '')}`);
    expect(second.header('x-ms-continuationtoken')).toBe(token);
    const third = await get(sim, `${repoPath()}?$top=1&continuationToken=${encodeURIComponent(token ?? '')}`);
    expect(third.header('x-ms-continuationtoken')).toBe(token);
    expect(third.json<ListBody>().value).toEqual(second.json<ListBody>().value);
  });

  it('counts injected faults', () => {
    expect(sim.counters().faultsInjected).toBeGreaterThan(0);
  });
});

describe('concurrency limit per identity', () => {
  it('makes requests beyond the limit wait', async () => {
    sim.setMaxConcurrentRequests(2);
    sim.setLatency(150);
    sim.resetCounters();
    try {
      await Promise.all(Array.from({ length: 6 }, () => get(sim, '/_apis/projects')));
      expect(Math.max(...Object.values(sim.concurrencyPeaks()))).toBe(2);
    } finally {
      sim.setMaxConcurrentRequests(undefined);
      sim.setLatency(0);
    }
  });
});
