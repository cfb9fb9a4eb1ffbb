import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PortSimulator } from '../../../sim/port/index';
import { OCEAN_UA, projectBlueprint, repositoryBlueprint, startWithClient, type TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
beforeAll(async () => ({ sim, client } = await startWithClient()));
afterAll(() => sim.close());
beforeEach(async () => {
  sim.reset();
  sim.seed.blueprints([projectBlueprint, repositoryBlueprint]);
  await Promise.resolve();
});

const repo = (identifier: string, extra: Record<string, unknown> = {}) => ({
  identifier,
  title: identifier.toUpperCase(),
  blueprint: 'repository',
  properties: { url: `https://dev.azure.com/org/p/_git/${identifier}` },
  ...extra,
});
const bulk = (entities: unknown[], query: Record<string, string | boolean> = { upsert: true }) =>
  client.post('/v1/blueprints/repository/entities/bulk', { entities }, { query });

describe('POST /v1/blueprints/{bp}/entities (single)', () => {
  it('creates (201), refuses an existing identifier without upsert (409), updates with upsert (200)', async () => {
    const created = await client.post('/v1/blueprints/repository/entities', repo('r1'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ok: true, entity: { identifier: 'r1', blueprint: 'repository', title: 'R1' } });

    const conflict = await client.post('/v1/blueprints/repository/entities', repo('r1'));
    expect(conflict.status).toBe(409);
    expect(conflict.body['error']).toBe('identifier_taken');

    const updated = await client.post('/v1/blueprints/repository/entities', repo('r1', { title: 'New' }), { query: { upsert: true } });
    expect(updated.status).toBe(200);
    expect(sim.entity('repository', 'r1')?.title).toBe('New');
  });

  it('answers 404 not_found for an unknown blueprint and for a missing related entity', async () => {
    expect((await client.post('/v1/blueprints/nope/entities', repo('r1'))).status).toBe(404);
    const missing = await client.post('/v1/blueprints/repository/entities', repo('r1', { relations: { project: 'ghost' } }), { query: { upsert: true } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, error: 'not_found' });
    expect(String(missing.body['message'])).toContain('ghost');
    expect(sim.entity('repository', 'r1')).toBeUndefined();
  });

  it('stores nothing with validation_only=true but still validates', async () => {
    const ok = await client.post('/v1/blueprints/repository/entities', repo('r1'), { query: { validation_only: true } });
    expect(ok.status).toBe(200);
    expect(sim.entities('repository')).toEqual([]);
    const bad = await client.post('/v1/blueprints/repository/entities', repo('r1', { properties: { url: 'not a url' } }), { query: { validation_only: true } });
    expect(bad.status).toBe(422);
  });

  it('generates an identifier when none is given', async () => {
    const res = await client.post('/v1/blueprints/repository/entities', { properties: { url: 'https://x' } });
    expect(res.status).toBe(201);
    expect((res.body['entity'] as { identifier: string }).identifier).toMatch(/^e_[0-9a-f]{16}$/);
  });

  it('answers 422 for a boolean query parameter that is not true/false', async () => {
    const res = await client.post('/v1/blueprints/repository/entities', repo('r1'), { query: { upsert: 'yes' } });
    expect(res.status).toBe(422);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await client.post('/v1/blueprints/repository/entities', undefined, { rawBody: '{"identifier": ' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, error: 'bad_request' });
  });
});

describe('POST /v1/blueprints/{bp}/entities/bulk', () => {
  it('answers 200 with one result per index when every entity succeeds', async () => {
    await client.post('/v1/blueprints/repository/entities', repo('r0'));
    const res = await bulk([repo('r0'), repo('r1'), repo('r2')]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      entities: [
        { identifier: 'r0', index: 0, created: false },
        { identifier: 'r1', index: 1, created: true },
        { identifier: 'r2', index: 2, created: true },
      ],
      errors: [],
    });
    expect(sim.entities('repository').map((e) => e.identifier)).toEqual(['r0', 'r1', 'r2']);
  });

  it('answers 207 with per-index errors and stores the entities that passed', async () => {
    const res = await bulk([
      repo('ok1'),
      repo('badType', { properties: { url: 'https://x', size: 'big' } }),
      repo('unknownProp', { properties: { url: 'https://x', colour: 'red' } }),
      repo('noUrl', { properties: {} }),
      repo('missingTarget', { relations: { project: 'ghost' } }),
      repo('ok2'),
    ]);
    expect(res.status).toBe(207);
    expect(res.body['entities']).toEqual([
      { identifier: 'ok1', index: 0, created: true },
      { identifier: 'ok2', index: 5, created: true },
    ]);
    const errors = res.body['errors'] as { identifier: string; index: number; statusCode: number; error: string; message: string }[];
    expect(errors.map(({ identifier, index, statusCode, error }) => ({ identifier, index, statusCode, error }))).toEqual([
      { identifier: 'badType', index: 1, statusCode: 422, error: 'blueprint_schema_mismatch' },
      { identifier: 'unknownProp', index: 2, statusCode: 422, error: 'blueprint_schema_mismatch' },
      { identifier: 'noUrl', index: 3, statusCode: 422, error: 'blueprint_schema_mismatch' },
      { identifier: 'missingTarget', index: 4, statusCode: 404, error: 'not_found' },
    ]);
    expect(errors[0]?.message).toContain('size');
    expect(sim.entities('repository').map((e) => e.identifier)).toEqual(['ok1', 'ok2']);
  });

  it('takes 20 entities and refuses 21 (and 0) with the route schema 422, storing nothing', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => repo(`r${i}`));
    expect((await bulk(twenty)).status).toBe(200);
    sim.reset();
    sim.seed.blueprints([projectBlueprint, repositoryBlueprint]);
    const res = await bulk([...twenty, repo('r20')]);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ ok: false, error: 'bad_request', message: "The json provided does not match the route's schema" });
    expect(sim.entities('repository')).toEqual([]);
    expect((await bulk([])).status).toBe(422);
  });

  it('refuses a body over 1 MiB with 413 request_too_large, storing nothing', async () => {
    const big = 'x'.repeat(60 * 1024);
    const entities = Array.from({ length: 18 }, (_, i) => repo(`r${i}`, { properties: { url: 'https://x', description: big } }));
    const res = await bulk(entities);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ ok: false, error: 'request_too_large' });
    expect(sim.entities('repository')).toEqual([]);
    // Just under the limit is fine.
    const under = await bulk(entities.slice(0, 15));
    expect(under.status).toBe(200);
  });

  it('fails the whole request (422) when one entity breaks the route schema: bad identifier, number identifier, >1000 chars', async () => {
    for (const identifier of ['has space', 42, '.', 'x'.repeat(1001)]) {
      const res = await bulk([repo('fine'), { ...repo('x'), identifier }]);
      expect(res.status, String(identifier)).toBe(422);
      expect(JSON.stringify(res.body['details'])).toContain('entities.1.identifier');
    }
    expect(sim.entities('repository')).toEqual([]);
    expect((await bulk([repo('ünïcødé:a/b=c+d@e'), repo('y'.repeat(1000))])).status).toBe(200);
  });

  it('checks formats, enums, arrays and objects against the blueprint schema; null means unset', async () => {
    const cases: [Record<string, unknown>, boolean][] = [
      [{ lastPush: '2024-05-01T10:20:30.1234567Z' }, true],
      [{ lastPush: '2024-05-01T10:20:30+02:00' }, true],
      [{ lastPush: '2024-05-01' }, false],
      [{ lastPush: 'yesterday' }, false],
      [{ owner: 'dev@contoso.com' }, true],
      [{ owner: 'dev' }, false],
      [{ url: 'notaurl' }, false],
      [{ isDisabled: 'false' }, false],
      [{ topics: ['a', 'b'] }, true],
      [{ topics: ['a', 1] }, false],
      [{ meta: { a: 1 } }, true],
      [{ meta: [1] }, false],
      [{ size: null, owner: null }, true],
    ];
    for (const [properties, ok] of cases) {
      const res = await bulk([repo('r', { properties: { url: 'https://x', ...properties } })]);
      expect(res.status, JSON.stringify(properties)).toBe(ok ? 200 : 207);
    }
    await client.post('/v1/blueprints/project/entities', { identifier: 'p', properties: { state: 'wellFormed' } }, { query: { upsert: true } });
    const badEnum = await client.post('/v1/blueprints/project/entities', { identifier: 'p', properties: { state: 'gone' } }, { query: { upsert: true } });
    expect(badEnum.status).toBe(422);
    expect(badEnum.body['error']).toBe('blueprint_schema_mismatch');
    expect(sim.entity('repository', 'r')?.properties).toEqual({ url: 'https://x' });
  });

  it('merge=true merges properties and relations into the stored entity; merge=false replaces them', async () => {
    sim.seed.entities('project', [{ identifier: 'p1' }, { identifier: 'p2' }]);
    await bulk([repo('r', { properties: { url: 'https://a', size: 1, owner: 'a@b.co' }, relations: { project: 'p1', dependsOn: ['p1'] }, icon: 'Git', team: 'alpha' })]);

    await bulk([{ identifier: 'r', properties: { size: 2, owner: null }, relations: { dependsOn: ['p2'] } }], { upsert: true, merge: true });
    let stored = sim.entity('repository', 'r');
    expect(stored?.properties).toEqual({ url: 'https://a', size: 2 });
    expect(stored?.relations).toEqual({ project: 'p1', dependsOn: ['p2'] });
    expect(stored?.title).toBe('R');
    expect(stored?.icon).toBe('Git');
    expect(stored?.team).toEqual(['alpha']);

    await bulk([{ identifier: 'r', properties: { url: 'https://b' } }], { upsert: true, merge: false });
    stored = sim.entity('repository', 'r');
    expect(stored?.properties).toEqual({ url: 'https://b' });
    expect(stored?.relations).toEqual({});
    expect(stored?.title).toBeNull();
    expect(stored?.team).toEqual([]);
  });

  it('create_missing_related_entities=true creates bare targets with the writer as datasource; false fails the entity with 404', async () => {
    const failed = await bulk([repo('r1', { relations: { project: 'p-new', dependsOn: ['p-a', 'p-b'] } })], { upsert: true, create_missing_related_entities: false });
    expect(failed.status).toBe(207);
    expect(failed.body['errors']).toMatchObject([{ identifier: 'r1', index: 0, statusCode: 404, error: 'not_found' }]);
    expect(sim.entities('project')).toEqual([]);

    const created = await bulk([repo('r1', { relations: { project: 'p-new', dependsOn: ['p-a', 'p-b'] } })], { upsert: true, create_missing_related_entities: true });
    expect(created.status).toBe(200);
    expect(sim.entities('project').map((e) => [e.identifier, e.datasource, e.title])).toEqual([
      ['p-new', OCEAN_UA, null],
      ['p-a', OCEAN_UA, null],
      ['p-b', OCEAN_UA, null],
    ]);
    expect(sim.entity('repository', 'r1')?.relations).toEqual({ project: 'p-new', dependsOn: ['p-a', 'p-b'] });
  });

  it('enforces relation cardinality and known relation keys', async () => {
    sim.seed.entities('project', [{ identifier: 'p1' }, { identifier: 'p2' }]);
    const res = await bulk([
      repo('arrayToSingle', { relations: { project: ['p1', 'p2'] } }),
      repo('stringToMany', { relations: { dependsOn: 'p1' } }),
      repo('unknownRelation', { relations: { owner: 'p1' } }),
      repo('nullClears', { relations: { project: null, dependsOn: [] } }),
    ]);
    expect(res.status).toBe(207);
    expect((res.body['errors'] as { identifier: string; error: string }[]).map((e) => [e.identifier, e.error])).toEqual([
      ['arrayToSingle', 'relation_many_violation'],
      ['stringToMany', 'blueprint_schema_mismatch'],
      ['unknownRelation', 'blueprint_schema_mismatch'],
    ]);
    expect(sim.entity('repository', 'nullClears')?.relations).toEqual({});
  });

  it('refuses an entity without a required relation (422 required_relation)', async () => {
    sim.seed.blueprint({ identifier: 'column', title: 'Column', schema: { properties: {} }, relations: { project: { target: 'project', required: true, many: false } } });
    const res = await client.post('/v1/blueprints/column/entities/bulk', { entities: [{ identifier: 'c1' }] }, { query: { upsert: true } });
    expect(res.status).toBe(207);
    expect(res.body['errors']).toMatchObject([{ identifier: 'c1', statusCode: 422, error: 'required_relation' }]);
  });

  it('resolves a search-query identifier to the one matching entity, and reports "unknown" when none matches', async () => {
    sim.seed.entities('repository', [repo('r1', { properties: { url: 'https://one', size: 1 } }), repo('r2', { properties: { url: 'https://two', size: 1 } })]);
    const byUrl = { combinator: 'and', rules: [{ property: 'url', operator: '=', value: 'https://two' }] };
    const res = await bulk([{ identifier: byUrl, properties: { size: 5 } }], { upsert: true, merge: true });
    expect(res.status).toBe(200);
    expect(res.body['entities']).toEqual([{ identifier: 'r2', index: 0, created: false }]);
    expect(sim.entity('repository', 'r2')?.properties['size']).toBe(5);

    const none = await bulk([{ identifier: { combinator: 'and', rules: [{ property: '$identifier', operator: 'in', value: ['zzz'] }] }, properties: { size: 1 } }]);
    expect(none.status).toBe(207);
    expect(none.body['errors']).toMatchObject([{ identifier: 'unknown', index: 0 }]);

    const two = await bulk([{ identifier: { combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: 'repository' }] }, properties: {} }]);
    expect(two.body['errors']).toMatchObject([{ identifier: 'unknown', index: 0 }]);

    const badOperator = await bulk([{ identifier: { combinator: 'and', rules: [{ property: 'url', operator: 'beginsWith', value: 'x' }] } }]);
    expect(badOperator.status).toBe(422);
  });

  it('resolves search-query relations against the target blueprint', async () => {
    sim.seed.entities('project', [{ identifier: 'p1', title: 'Alpha' }, { identifier: 'p2', title: 'Beta' }, { identifier: 'p3', title: 'Alphabet' }]);
    const res = await bulk([
      repo('r1', {
        relations: {
          project: { combinator: 'and', rules: [{ property: '$title', operator: '=', value: 'Beta' }] },
          dependsOn: { combinator: 'and', rules: [{ property: '$title', operator: 'contains', value: 'Alpha' }] },
        },
      }),
      repo('r2', { relations: { project: { combinator: 'and', rules: [{ property: '$title', operator: '=', value: 'Nope' }] } } }),
    ]);
    expect(res.status).toBe(207);
    expect(sim.entity('repository', 'r1')?.relations).toEqual({ project: 'p2', dependsOn: ['p1', 'p3'] });
    expect(res.body['errors']).toMatchObject([{ identifier: 'r2', statusCode: 404 }]);
  });

  it('records the User-Agent as datasource on every write, keeps createdAt and moves updatedAt even for identical content', async () => {
    await bulk([repo('r1')]);
    const first = sim.entity('repository', 'r1');
    expect(first?.datasource).toBe(OCEAN_UA);
    await new Promise((r) => setTimeout(r, 5));
    const otherUa = 'port-ocean/azure-devops/0.13.0/my-azure-devops-integration/exporter';
    await client.post('/v1/blueprints/repository/entities/bulk', { entities: [repo('r1')] }, { query: { upsert: true }, userAgent: otherUa });
    const second = sim.entity('repository', 'r1');
    expect(second?.datasource).toBe(otherUa);
    expect(second?.createdAt).toBe(first?.createdAt);
    expect(Date.parse(second?.updatedAt ?? '')).toBeGreaterThan(Date.parse(first?.updatedAt ?? ''));
    expect({ ...second, updatedAt: undefined, datasource: undefined }).toEqual({ ...first, updatedAt: undefined, datasource: undefined });
  });

  it('lets later entities of one batch relate to earlier ones', async () => {
    sim.seed.blueprint({ identifier: 'node', title: 'Node', schema: { properties: {} }, relations: { parent: { target: 'node', required: false, many: false } } });
    const res = await client.post(
      '/v1/blueprints/node/entities/bulk',
      { entities: [{ identifier: 'root' }, { identifier: 'child', relations: { parent: 'root' } }, { identifier: 'self', relations: { parent: 'self' } }] },
      { query: { upsert: true } },
    );
    expect(res.status).toBe(200);
  });

  it('lists a blueprint\'s entities with GET and reads one', async () => {
    await bulk([repo('r1'), repo('r2')]);
    const list = await client.get('/v1/blueprints/repository/entities');
    expect((list.body['entities'] as { identifier: string }[]).map((e) => e.identifier)).toEqual(['r1', 'r2']);
    const one = await client.get('/v1/blueprints/repository/entities/r2');
    expect(one.body['entity']).toMatchObject({ identifier: 'r2', properties: { url: expect.stringContaining('r2') as unknown } });
    expect(one.body['entity']).not.toHaveProperty('datasource');
    expect((await client.get('/v1/blueprints/repository/entities/r9')).status).toBe(404);
  });
});
