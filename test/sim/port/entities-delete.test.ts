import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PortSimulator } from '../../../sim/port/index';
import { projectBlueprint, repositoryBlueprint, startWithClient, type TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
beforeAll(async () => ({ sim, client } = await startWithClient()));
afterAll(() => sim.close());

const branchBlueprint = {
  identifier: 'branch',
  title: 'Branch',
  schema: { properties: {} },
  relations: { repository: { target: 'repository', required: false, many: false } },
};

/** p1 ← r1 ← b1 (chain), p2 alone, r2 with no relations. */
beforeEach(() => {
  sim.reset();
  sim.seed.blueprints([projectBlueprint, repositoryBlueprint, branchBlueprint]);
  sim.seed.entities('project', [{ identifier: 'p1' }, { identifier: 'p2' }]);
  sim.seed.entities('repository', [
    { identifier: 'r1', properties: { url: 'https://r1' }, relations: { project: 'p1' } },
    { identifier: 'r2', properties: { url: 'https://r2' } },
  ]);
  sim.seed.entities('branch', [{ identifier: 'b1', relations: { repository: 'r1' } }]);
});

const ids = (blueprint: string) => sim.entities(blueprint).map((e) => e.identifier);

describe('DELETE /v1/blueprints/{bp}/entities/{id}', () => {
  it('deletes an entity nobody relates to and answers 404 for one that does not exist', async () => {
    const res = await client.delete('/v1/blueprints/project/entities/p2');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(ids('project')).toEqual(['p1']);
    const again = await client.delete('/v1/blueprints/project/entities/p2');
    expect(again.status).toBe(404);
    expect(again.body['error']).toBe('not_found');
  });

  it('refuses to delete an entity with dependents unless delete_dependents=true, which removes them transitively', async () => {
    const refused = await client.delete('/v1/blueprints/project/entities/p1', { query: { delete_dependents: false } });
    expect(refused.status).toBe(409);
    expect(refused.body['error']).toBe('has_dependents');
    expect(String(refused.body['message'])).toContain('repository/r1');
    expect(ids('project')).toEqual(['p1', 'p2']);

    const cascade = await client.delete('/v1/blueprints/project/entities/p1', { query: { delete_dependents: true } });
    expect(cascade.status).toBe(200);
    expect(ids('project')).toEqual(['p2']);
    expect(ids('repository')).toEqual(['r2']);
    expect(ids('branch')).toEqual([]);
  });

  it('decodes identifiers with / and other allowed characters from the path', async () => {
    sim.seed.entities('repository', [{ identifier: 'org/proj:repo=1', properties: { url: 'https://x' } }]);
    const res = await client.delete(`/v1/blueprints/repository/entities/${encodeURIComponent('org/proj:repo=1')}`);
    expect(res.status).toBe(200);
    expect(ids('repository')).not.toContain('org/proj:repo=1');
  });
});

describe('POST /v1/blueprints/{bp}/bulk/entities/delete', () => {
  it('deletes the listed entities and reports those it deleted (unknown ids are skipped)', async () => {
    const res = await client.post('/v1/blueprints/repository/bulk/entities/delete', { entities: ['r2', 'ghost'] }, { query: { delete_dependents: false } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, deletedEntities: ['r2'] });
    expect(ids('repository')).toEqual(['r1']);
  });

  it('deletes nothing when any listed entity has dependents and delete_dependents=false', async () => {
    const res = await client.post('/v1/blueprints/repository/bulk/entities/delete', { entities: ['r2', 'r1'] }, { query: { delete_dependents: false } });
    expect(res.status).toBe(409);
    expect(res.body['error']).toBe('has_dependents');
    expect(ids('repository')).toEqual(['r1', 'r2']);
  });

  it('does not count dependents that are deleted in the same request', async () => {
    sim.seed.blueprint({ identifier: 'node', title: 'Node', schema: { properties: {} }, relations: { parent: { target: 'node', required: false, many: false } } });
    sim.seed.entities('node', [{ identifier: 'root' }, { identifier: 'child', relations: { parent: 'root' } }, { identifier: 'other' }]);
    const res = await client.post('/v1/blueprints/node/bulk/entities/delete', { entities: ['root', 'child'] }, { query: { delete_dependents: false } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, deletedEntities: ['root', 'child'] });
    expect(ids('node')).toEqual(['other']);
  });

  it('with delete_dependents=true deletes the dependents of every listed entity but lists only the requested ones', async () => {
    const res = await client.post('/v1/blueprints/project/bulk/entities/delete', { entities: ['p1', 'p2'] }, { query: { delete_dependents: true } });
    expect(res.body).toEqual({ ok: true, deletedEntities: ['p1', 'p2'] });
    expect(ids('repository')).toEqual(['r2']);
    expect(ids('branch')).toEqual([]);
  });

  it('takes 100 ids and refuses 101 or none with the route schema 422', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `x${i}`);
    expect((await client.post('/v1/blueprints/project/bulk/entities/delete', { entities: hundred }, { query: { delete_dependents: false } })).status).toBe(200);
    const over = await client.post('/v1/blueprints/project/bulk/entities/delete', { entities: [...hundred, 'p2'] }, { query: { delete_dependents: false } });
    expect(over.status).toBe(422);
    expect(ids('project')).toContain('p2');
    expect((await client.post('/v1/blueprints/project/bulk/entities/delete', { entities: [] })).status).toBe(422);
    expect((await client.post('/v1/blueprints/nope/bulk/entities/delete', { entities: ['a'] })).status).toBe(404);
  });
});
