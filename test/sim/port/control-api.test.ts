import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortSimulator } from '../../../sim/port/index';
import { OCEAN_UA, projectBlueprint, startWithClient, type TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
beforeAll(async () => ({ sim, client } = await startWithClient()));
afterAll(() => sim.close());

/** /_sim needs no token: a benchmark in another process only knows the URL. */
async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, sim.baseUrl), {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('/_sim control API over HTTP', () => {
  it('seeds blueprints and entities with a datasource and updatedAt, visible in /_sim/state and /_sim/entities', async () => {
    await control('POST', '/_sim/reset');
    expect((await control('POST', '/_sim/seed/blueprints', { blueprints: [projectBlueprint] })).status).toBe(200);
    const seeded = await control('POST', '/_sim/seed/entities', {
      blueprint: 'project',
      entities: [{ identifier: 'p1', title: 'One' }],
      datasource: OCEAN_UA,
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(seeded.status).toBe(200);
    const state = (await control('GET', '/_sim/state')).body['state'] as { blueprints: { identifier: string }[]; entities: Record<string, { identifier: string; datasource: string; updatedAt: string }[]> };
    expect(state.blueprints.map((b) => b.identifier)).toEqual(['project']);
    expect(state.entities['project']).toMatchObject([{ identifier: 'p1', datasource: OCEAN_UA, updatedAt: '2025-01-01T00:00:00.000Z' }]);
    const listed = await control('GET', '/_sim/entities?blueprint=project');
    expect(listed.body['entities']).toMatchObject([{ identifier: 'p1', title: 'One' }]);
    const bad = await control('POST', '/_sim/seed/entities', { blueprint: 'project', entities: [{ identifier: 'p2', properties: { nope: 1 } }] });
    expect(bad.status).toBe(422);
  });

  it('records calls with method, path, query, status, user agent, sizes and time; counts them per route', async () => {
    await control('DELETE', '/_sim/calls');
    await client.post('/v1/blueprints/project/entities/bulk', { entities: [{ identifier: 'p9' }] }, { query: { upsert: true, merge: true } });
    await client.get('/v1/blueprints/nope');
    const calls = (await control('GET', '/_sim/calls')).body['calls'] as Record<string, unknown>[];
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/v1/blueprints/project/entities/bulk',
      query: { upsert: 'true', merge: 'true' },
      route: 'POST /v1/blueprints/:blueprint/entities/bulk',
      status: 200,
      userAgent: OCEAN_UA,
    });
    expect(calls[0]?.['requestBytes']).toBe(JSON.stringify({ entities: [{ identifier: 'p9' }] }).length);
    expect(calls[0]?.['responseBytes']).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(String(calls[0]?.['timestamp'])))).toBe(false);
    expect(calls[1]).toMatchObject({ method: 'GET', status: 404 });
    const filtered = (await control('GET', '/_sim/calls?method=GET')).body['calls'] as unknown[];
    expect(filtered).toHaveLength(1);

    const counters = (await control('GET', '/_sim/counters')).body['counters'] as Record<string, Record<string, number> | number>;
    expect(counters['requests']).toBe(2);
    expect(counters['requestsByRoute']).toEqual({ 'POST /v1/blueprints/:blueprint/entities/bulk': 1, 'GET /v1/blueprints/:identifier': 1 });
    expect(counters['statuses']).toEqual({ '200': 1, '404': 1 });
    expect(counters['bytesIn']).toBeGreaterThan(0);
  });

  it('injects, lists and clears faults', async () => {
    const created = await control('POST', '/_sim/faults', { method: 'GET', path: '/v1/organization', status: 503, times: 1 });
    expect(created.status).toBe(201);
    expect((created.body['fault'] as { id: string }).id).toMatch(/^fault-/);
    expect((await client.get('/v1/organization')).status).toBe(503);
    const listed = (await control('GET', '/_sim/faults')).body['faults'] as { fired: number }[];
    expect(listed[0]?.fired).toBe(1);
    await control('POST', '/_sim/faults', { path: '/v1/organization', status: 500 });
    expect((await control('DELETE', '/_sim/faults')).status).toBe(200);
    expect((await client.get('/v1/organization')).status).toBe(200);
    expect((await control('POST', '/_sim/faults', { path: 'no-slash', status: 500 })).status).toBe(422);
    expect((await control('POST', '/_sim/faults', { path: '/x', status: 418 })).status).toBe(422);
  });

  it('expires tokens and resets state over HTTP', async () => {
    expect((await control('POST', '/_sim/expire-tokens')).status).toBe(200);
    expect((await client.get('/v1/organization')).status).toBe(401);
    await client.login();
    expect((await control('POST', '/_sim/reset')).status).toBe(200);
    const state = (await control('GET', '/_sim/state')).body['state'] as { blueprints: unknown[]; counters: { requests: number } };
    expect(state.blueprints).toEqual([]);
    expect(state.counters.requests).toBe(0);
    expect((await client.get('/v1/organization')).status).toBe(200);
  });

  it('shows an integration with its resync history, examples and cursors', async () => {
    await control('POST', '/_sim/seed/integrations', { installationId: 'int-1', installationAppType: 'azure-devops', version: '1.0.0' });
    await client.patch('/v1/integration/int-1/resync-state', { status: 'running', intervalInMinuets: null });
    const res = await control('GET', '/_sim/integrations/int-1');
    expect(res.body['integration']).toMatchObject({ installationId: 'int-1', resyncState: { status: 'running' }, records: { resyncStateHistory: [{ status: 'running', intervalInMinuets: null }] } });
    expect((await control('GET', '/_sim/integrations/none')).status).toBe(404);
  });

  it('answers 404 for an unknown control route and needs no token anywhere under /_sim', async () => {
    expect((await control('GET', '/_sim/nope')).status).toBe(404);
    expect((await control('GET', '/_sim/blueprints')).status).toBe(200);
  });
});

describe('in-process inspection', () => {
  it('returns copies, so tests cannot corrupt the store by accident', () => {
    sim.reset();
    sim.seed.blueprint(projectBlueprint);
    sim.seed.entities('project', [{ identifier: 'p1', properties: { revision: 1 } }]);
    const copy = sim.entity('project', 'p1');
    if (copy) copy.properties['revision'] = 99;
    expect(sim.entity('project', 'p1')?.properties['revision']).toBe(1);
  });

  it('seed.entities throws the Port error for an invalid entity', () => {
    sim.reset();
    sim.seed.blueprint(projectBlueprint);
    expect(() => sim.seed.entities('project', [{ identifier: 'p1', properties: { state: 'bogus' } }])).toThrow(/must be one of/);
    expect(() => sim.seed.entities('nope', [{ identifier: 'x' }])).toThrow(/not found/);
  });
});
