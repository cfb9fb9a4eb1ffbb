import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator, type CounterSnapshot, type MinimumRequests } from '../../../sim/azure-devops/index';
import { allRoutes } from '../../../sim/azure-devops/api/routes';
import { followHeaderPages, get, send, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', projects: 7 }, seed: 4 });
});
afterAll(async () => {
  await sim.close();
});

const control = (path: string, method = 'GET', body?: unknown) => send(sim, `/_sim/${path}`, { method, body, pat: null });

describe('control API (/_sim, no authentication)', () => {
  it('reports state and counters per route, identity, status and host, with bytes out', async () => {
    await control('counters/reset', 'POST');
    await get(sim, '/_apis/projects');
    await get(sim, '/_apis/projects', { host: `dev.azure.com:${sim.port}` });
    await get(sim, '/_apis/nothing');
    const counters = (await control('counters')).json<CounterSnapshot>();
    expect(counters.requests).toBe(3);
    expect(counters.byRoute['core.projects.list']).toBe(2);
    expect(counters.byStatus['404']).toBe(1);
    expect(counters.byHost).toMatchObject({ server: 2, core: 1 });
    expect(counters.bytesOut).toBeGreaterThan(100);
    // Only routed answers have a route: the 404 of an unknown path counts in bytesOut alone.
    expect(Object.keys(counters.bytesByRoute)).toEqual(['core.projects.list']);
    expect(counters.bytesByRoute['core.projects.list']).toBeGreaterThan(100);
    expect(counters.bytesByRoute['core.projects.list']).toBeLessThan(counters.bytesOut);
    const state = (await control('state')).json<{ org: string; serverUrl: string; throttle: unknown }>();
    expect(state).toMatchObject({ org: sim.org, serverUrl: sim.serverUrl, throttle: { enabled: false } });
  });

  it('adds and clears faults', async () => {
    const added = await control('faults', 'POST', { kind: 'status', status: 502, route: 'core.projects.list', times: 1 });
    expect(added.json<{ id: string }>().id).toMatch(/^fault-/);
    expect((await get(sim, '/_apis/projects')).status).toBe(502);
    expect((await get(sim, '/_apis/projects')).status).toBe(200);
    await control('faults', 'POST', { kind: 'status', route: 'core.projects.list' });
    expect((await control('faults')).json<unknown[]>()).toHaveLength(2);
    await control('faults', 'DELETE');
    expect((await get(sim, '/_apis/projects')).status).toBe(200);
    expect((await control('faults', 'POST', { kind: 'explode' })).status).toBe(400);
  });

  it('configures throttling and turns it off', async () => {
    const on = await control('throttle', 'PUT', { windowMs: 60_000, budget: 2, defaultCost: 1, headerThreshold: 0.5 });
    expect(on.json<{ budget: number }>().budget).toBe(2);
    await get(sim, '/_apis/projects');
    expect((await get(sim, '/_apis/projects')).header('x-ratelimit-limit')).toBe('2');
    await control('throttle', 'PUT', { enabled: false });
    expect((await get(sim, '/_apis/projects')).header('x-ratelimit-limit')).toBeUndefined();
  });

  it('manages credentials', async () => {
    await control('credentials', 'POST', { token: 'scoped', kind: 'bearer', projects: [sim.model.projectList().find((p) => p.state === 'wellFormed')?.id ?? ''], name: 'scoped-job' });
    const seen = (await get(sim, '/_apis/projects', { bearer: 'scoped' })).json<ListBody>().count;
    expect(seen).toBe(1);
    await control('credentials', 'POST', { token: 'scoped', mode: 'revoked' });
    expect((await get(sim, '/_apis/projects', { bearer: 'scoped' })).status).toBe(401);
  });

  it('sets latency and the concurrency limit', async () => {
    await control('latency', 'PUT', { ms: 80 });
    const start = Date.now();
    await get(sim, '/_apis/projects');
    expect(Date.now() - start).toBeGreaterThanOrEqual(75);
    await control('latency', 'PUT', { ms: 0 });
    expect((await control('concurrency', 'PUT', { limit: 0 })).status).toBe(400);
    expect((await control('concurrency', 'PUT', { limit: null })).status).toBe(200);
  });

  it('answers unknown control routes with 404 and a pointer', async () => {
    const res = await control('nope');
    expect(res.status).toBe(404);
    expect(res.json<{ message: string }>().message).toContain('control-api.ts');
  });
});

describe('minimum requests', () => {
  it('matches an ideal client for projects, repositories and refs', async () => {
    const minimum = (await control('minimum-requests')).json<MinimumRequests>();
    const wellFormed = sim.model.projectList().filter((p) => p.state === 'wellFormed').length;
    expect(minimum.kinds.project.own).toBe(Math.max(1, Math.ceil(wellFormed / 1000)));
    expect(minimum.kinds.repository.own).toBe(1);
    // An ideal client listing projects with the largest page really needs that many requests.
    await control('counters/reset', 'POST');
    const { pages } = await followHeaderPages(sim, '/_apis/projects?$top=1000');
    expect(pages).toBe(minimum.kinds.project.own);
    const total = Object.values(minimum.kinds).reduce((n, k) => n + k.own, 0);
    expect(minimum.total).toBe(total);
  });

  it('adds dependencies once for a subset of kinds', async () => {
    const all = (await control('minimum-requests')).json<MinimumRequests>();
    const subset = (await control('minimum-requests?kinds=branch,file')).json<{ selected: number; selectedByRoute: Record<string, number> }>();
    expect(subset.selected).toBe(all.kinds.branch.own + all.kinds.file.own + all.kinds.repository.own);
    expect(subset.selectedByRoute).toEqual({
      'git.refs.list': all.kinds.branch.own,
      'git.itemsBatch': all.kinds.file.own,
      'git.repositories.list': 1,
    });
    expect((await control('minimum-requests?kinds=nope')).status).toBe(400);
  });

  it('splits every kind by the routes its requests take, all of them routes the simulator serves', () => {
    const minimum = sim.minimumRequests();
    const served = new Set(allRoutes().map((r) => r.id));
    for (const [kind, entry] of Object.entries(minimum.kinds)) {
      expect(Object.values(entry.byRoute).reduce((a, b) => a + b, 0), kind).toBe(entry.own);
      for (const route of Object.keys(entry.byRoute)) expect(served.has(route), `${kind}: ${route}`).toBe(true);
    }
    expect(minimum.kinds['work-item'].byRoute['wit.wiql']).toBeGreaterThan(0);
    expect(minimum.kinds.wiki.byRoute['wiki.pagesBatch']).toBeGreaterThan(0);
  });

  it('counts top/skip pages with the extra empty page', async () => {
    const minimum = sim.minimumRequests();
    const teams = sim.model.projectList().filter((p) => p.state === 'wellFormed').flatMap((p) => sim.model.teamsOf(p.id));
    expect(minimum.kinds.team.own).toBe(Math.floor(teams.length / 1000) + 1);
    expect(minimum.kinds.member.own).toBe(teams.reduce((n, t) => n + Math.floor(t.memberIds.length / 1000) + 1, 0));
  });
});
