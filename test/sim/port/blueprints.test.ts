import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PortSimulator } from '../../../sim/port/index';
import { projectBlueprint, repositoryBlueprint, startWithClient, type TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
beforeAll(async () => ({ sim, client } = await startWithClient()));
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const minimal = (overrides: Record<string, unknown> = {}) => ({ identifier: 'bp', title: 'Blueprint', schema: { properties: {} }, ...overrides });

describe('POST /v1/blueprints', () => {
  it('creates a blueprint (201) with defaults filled in, and GET returns it', async () => {
    const res = await client.post('/v1/blueprints', projectBlueprint);
    expect(res.status).toBe(201);
    const blueprint = res.body['blueprint'] as Record<string, unknown>;
    expect(blueprint).toMatchObject({ identifier: 'project', title: 'Project', relations: {}, mirrorProperties: {}, calculationProperties: {}, aggregationProperties: {} });
    expect(blueprint['createdAt']).toEqual(expect.any(String));
    const get = await client.get('/v1/blueprints/project');
    expect(get.status).toBe(200);
    expect(get.body['blueprint']).toEqual(blueprint);
  });

  it('answers 404 not_found for an unknown blueprint', async () => {
    const res = await client.get('/v1/blueprints/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ ok: false, error: 'not_found' });
  });

  it('refuses a duplicate identifier with 409 identifier_taken', async () => {
    await client.post('/v1/blueprints', projectBlueprint);
    const res = await client.post('/v1/blueprints', projectBlueprint);
    expect(res.status).toBe(409);
    expect(res.body['error']).toBe('identifier_taken');
  });

  it.each([
    ['a space in the identifier', minimal({ identifier: 'my bp' })],
    ['= in a blueprint identifier', minimal({ identifier: 'a=b' })],
    ['the identifier ".."', minimal({ identifier: '..' })],
    ['a 101-character identifier', minimal({ identifier: 'x'.repeat(101) })],
    ['an empty title', minimal({ title: '' })],
    ['a 101-character title', minimal({ title: 't'.repeat(101) })],
    ['a 201-character description', minimal({ description: 'd'.repeat(201) })],
    ['a missing schema', { identifier: 'bp', title: 'Blueprint' }],
    ['a property identifier with a dot', minimal({ schema: { properties: { 'a.b': { type: 'string' } } } })],
    ['an unknown property type', minimal({ schema: { properties: { a: { type: 'date' } } } })],
    ['an unknown property format', minimal({ schema: { properties: { a: { type: 'string', format: 'uuid' } } } })],
    ['a relation without target', minimal({ relations: { r: { many: false } } })],
    ['an unknown top-level key', minimal({ colour: 'red' })],
  ])('answers 422 for %s', async (_case, body) => {
    const res = await client.post('/v1/blueprints', body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ ok: false, error: 'bad_request', message: "The json provided does not match the route's schema" });
    expect(Array.isArray(res.body['details'])).toBe(true);
  });

  it('accepts Unicode letters and the identifier characters Port allows', async () => {
    expect((await client.post('/v1/blueprints', minimal({ identifier: 'Dépôt_1@a.b:c/d-e+f' }))).status).toBe(201);
    expect((await client.post('/v1/blueprints', minimal({ identifier: 'x'.repeat(100) }))).status).toBe(201);
  });

  it('refuses required names that are not properties (422 invalid_blueprint)', async () => {
    const res = await client.post('/v1/blueprints', minimal({ schema: { properties: { a: { type: 'string' } }, required: ['b'] } }));
    expect(res.status).toBe(422);
    expect(res.body['error']).toBe('invalid_blueprint');
    expect(String(res.body['message'])).toContain('"b"');
  });

  it('refuses a relation to a blueprint that does not exist (404), allows one to itself', async () => {
    const missing = await client.post('/v1/blueprints', repositoryBlueprint);
    expect(missing.status).toBe(404);
    expect(missing.body['error']).toBe('not_found');
    expect(String(missing.body['message'])).toContain('"project"');
    const self = await client.post('/v1/blueprints', minimal({ relations: { parent: { target: 'bp', many: false } } }));
    expect(self.status).toBe(201);
    expect((self.body['blueprint'] as { relations: unknown }).relations).toEqual({ parent: { target: 'bp', many: false, required: false } });
  });

  it('refuses a mirror property whose path does not start at a relation', async () => {
    await client.post('/v1/blueprints', projectBlueprint);
    const res = await client.post('/v1/blueprints', { ...repositoryBlueprint, mirrorProperties: { projectState: { path: 'nothing.state' } } });
    expect(res.status).toBe(422);
    const ok = await client.post('/v1/blueprints', { ...repositoryBlueprint, mirrorProperties: { projectState: { path: 'project.state' } } });
    expect(ok.status).toBe(201);
  });
});

describe('PATCH, PUT and DELETE /v1/blueprints/{id}', () => {
  it('PATCH replaces the given top-level keys and keeps the rest (Ocean stages bare → relations → full)', async () => {
    await client.post('/v1/blueprints', projectBlueprint);
    const { relations: _relations, ...bare } = repositoryBlueprint;
    expect((await client.post('/v1/blueprints', bare)).status).toBe(201);
    const res = await client.patch('/v1/blueprints/repository', { relations: repositoryBlueprint.relations });
    expect(res.status).toBe(200);
    const blueprint = res.body['blueprint'] as Record<string, unknown>;
    expect(Object.keys(blueprint['relations'] as object)).toEqual(['project', 'dependsOn']);
    expect(blueprint['title']).toBe('Repository');
    expect((blueprint['schema'] as { required: string[] }).required).toEqual(['url']);
  });

  it('PATCH refuses changing a property type and renaming through the body', async () => {
    await client.post('/v1/blueprints', projectBlueprint);
    const typeChange = await client.patch('/v1/blueprints/project', { schema: { properties: { url: { type: 'number' } } } });
    expect(typeChange.status).toBe(422);
    expect(String(typeChange.body['message'])).toContain('cannot be changed');
    expect((await client.patch('/v1/blueprints/project', { identifier: 'other' })).status).toBe(422);
    expect((await client.patch('/v1/blueprints/nope', { title: 'x' })).status).toBe(404);
  });

  it('PUT replaces the whole blueprint and 404s for an unknown one', async () => {
    await client.post('/v1/blueprints', projectBlueprint);
    const res = await client.put('/v1/blueprints/project', { identifier: 'project', title: 'Renamed', schema: { properties: {} } });
    expect(res.status).toBe(200);
    expect((res.body['blueprint'] as { schema: unknown }).schema).toEqual({ properties: {}, required: [] });
    expect((await client.put('/v1/blueprints/nope', { identifier: 'nope', title: 'x', schema: { properties: {} } })).status).toBe(404);
  });

  it('DELETE refuses a blueprint that still has entities or is a relation target (409), then deletes', async () => {
    await client.post('/v1/blueprints', projectBlueprint);
    await client.post('/v1/blueprints', repositoryBlueprint);
    const target = await client.delete('/v1/blueprints/project');
    expect(target.status).toBe(409);
    expect(target.body['error']).toBe('blueprint_is_relation_target');

    await client.post('/v1/blueprints/repository/entities', { identifier: 'r', properties: { url: 'https://x' } });
    const withEntities = await client.delete('/v1/blueprints/repository');
    expect(withEntities.status).toBe(409);
    expect(withEntities.body['error']).toBe('blueprint_has_entities');

    expect((await client.delete('/v1/blueprints/repository/entities/r')).status).toBe(200);
    expect((await client.delete('/v1/blueprints/repository')).body).toEqual({ ok: true });
    expect((await client.delete('/v1/blueprints/project')).status).toBe(200);
    expect((await client.get('/v1/blueprints/project')).status).toBe(404);
    expect(sim.blueprints()).toEqual([]);
  });
});
