import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortSimulator } from '../../../sim/port/index';
import { OCEAN_UA, projectBlueprint, repositoryBlueprint, startWithClient, type TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
const GITOPS_UA = 'port-ocean/azure-devops/0.12.2/my-azure-devops-integration/gitops';
const OTHER_UA = 'port-ocean/azure-devops/0.12.2/another-integration/exporter';

beforeAll(async () => {
  ({ sim, client } = await startWithClient());
  sim.seed.blueprints([projectBlueprint, repositoryBlueprint]);
  sim.seed.entities('project', [{ identifier: 'p1', title: 'Alpha' }], { datasource: OCEAN_UA });
  sim.seed.entities(
    'repository',
    [
      { identifier: 'api', title: 'API service', team: ['platform'], properties: { url: 'https://x/api', size: 10, topics: ['go', 'web'] }, relations: { project: 'p1' } },
      { identifier: 'web', title: 'Web app', team: ['frontend', 'platform'], properties: { url: 'https://x/web', size: 200 } },
    ],
    { datasource: OCEAN_UA },
  );
  sim.seed.entities('repository', [{ identifier: 'docs', title: 'Docs', properties: { url: 'https://x/docs', size: 5 } }], { datasource: GITOPS_UA });
  sim.seed.entities('repository', [{ identifier: 'infra', title: 'Infra', properties: { url: 'https://x/infra' } }], { datasource: OTHER_UA });
  sim.seed.entities('repository', [{ identifier: 'manual', title: 'Manual', properties: { url: 'https://x/manual' } }]);
});
afterAll(() => sim.close());

async function search(rules: unknown[], combinator = 'and', query: Record<string, string | string[]> = {}): Promise<string[]> {
  const res = await client.post('/v1/entities/search', { combinator, rules }, { query });
  expect(res.status, res.text).toBe(200);
  return (res.body['entities'] as { identifier: string }[]).map((e) => e.identifier);
}

describe('POST /v1/entities/search', () => {
  it('finds the entities an Ocean-style diff query asks for: $identifier in, $blueprint =, $datasource contains ×2', async () => {
    const found = await search([
      { property: '$identifier', operator: 'in', value: ['api', 'web', 'docs', 'infra', 'nope'] },
      { property: '$blueprint', operator: '=', value: 'repository' },
      { property: '$datasource', operator: 'contains', value: 'port-ocean/azure-devops/' },
      { property: '$datasource', operator: 'contains', value: '/my-azure-devops-integration/exporter' },
    ]);
    expect(found).toEqual(['api', 'web']);
  });

  it('supports =, !=, beginsWith, endsWith, contains on strings and plain or properties.x ids', async () => {
    expect(await search([{ property: '$title', operator: '=', value: 'Docs' }])).toEqual(['docs']);
    expect(await search([{ property: '$blueprint', operator: '=', value: 'repository' }, { property: '$identifier', operator: '!=', value: 'api' }])).toEqual(['web', 'docs', 'infra', 'manual']);
    expect(await search([{ property: '$identifier', operator: 'beginsWith', value: 'in' }])).toEqual(['infra']);
    expect(await search([{ property: 'url', operator: 'endsWith', value: '/web' }])).toEqual(['web']);
    expect(await search([{ property: 'properties.url', operator: 'contains', value: 'x/do' }])).toEqual(['docs']);
    expect(await search([{ property: 'size', operator: '>=', value: 10 }])).toEqual(['api', 'web']);
    expect(await search([{ property: 'size', operator: '<', value: 10 }])).toEqual(['docs']);
  });

  it('treats arrays ($team, array properties, many relations) as "contains the element"', async () => {
    expect(await search([{ property: '$team', operator: '=', value: 'platform' }])).toEqual(['api', 'web']);
    expect(await search([{ property: '$team', operator: 'in', value: ['frontend'] }])).toEqual(['web']);
    expect(await search([{ property: 'topics', operator: 'contains', value: 'web' }])).toEqual(['api']);
    expect(await search([{ property: 'project', operator: '=', value: 'p1' }])).toEqual(['api']);
  });

  it('nests combinators and handles empty checks', async () => {
    const found = await search(
      [
        { property: '$identifier', operator: '=', value: 'docs' },
        { combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: 'project' }, { property: '$title', operator: '=', value: 'Alpha' }] },
      ],
      'or',
    );
    expect(found).toEqual(['p1', 'docs']);
    expect(await search([{ property: '$blueprint', operator: '=', value: 'repository' }, { property: '$datasource', operator: 'isEmpty' }])).toEqual(['manual']);
    expect(await search([{ property: '$blueprint', operator: '=', value: 'repository' }, { property: 'size', operator: 'isNotEmpty' }])).toEqual(['api', 'web', 'docs']);
  });

  it('returns only the fields named by include (repeatable), minus exclude', async () => {
    const res = await client.post(
      '/v1/entities/search',
      { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'api' }] },
      { query: { include: ['blueprint', 'identifier', 'title', 'properties.size', 'relations.project'], exclude_calculated_properties: 'true' } },
    );
    expect(res.body['entities']).toEqual([{ blueprint: 'repository', identifier: 'api', title: 'API service', properties: { size: 10 }, relations: { project: 'p1' } }]);

    const full = await client.post('/v1/entities/search', { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'api' }] }, { query: { exclude: ['properties.topics', 'createdBy'] } });
    const entity = (full.body['entities'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(entity['properties']).toEqual({ url: 'https://x/api', size: 10 });
    expect(entity).not.toHaveProperty('createdBy');
    expect(entity).toHaveProperty('updatedAt');
    expect(entity).not.toHaveProperty('datasource');
  });

  it('answers 422 for a malformed query or an unknown operator', async () => {
    expect((await client.post('/v1/entities/search', { rules: [] })).status).toBe(422);
    expect((await client.post('/v1/entities/search', { combinator: 'xor', rules: [] })).status).toBe(422);
    const unknown = await client.post('/v1/entities/search', { combinator: 'and', rules: [{ property: '$title', operator: 'like', value: 'x' }] });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body['details'])).toContain('rules.0.operator');
    expect((await client.post('/v1/entities/search', { combinator: 'and', rules: [{ property: '$identifier', operator: 'in', value: 'api' }] })).status).toBe(422);
  });
});

describe('search operators the simulator does not implement', () => {
  it('says so with a 422 instead of returning wrong results', async () => {
    for (const rule of [
      { operator: 'relatedTo', blueprint: 'project', value: 'p1' },
      { propertySchema: { type: 'string' }, operator: '=', value: 'x' },
      { property: 'x', operator: 'isExpired' },
    ]) {
      const res = await client.post('/v1/entities/search', { combinator: 'and', rules: [rule] });
      expect(res.status, JSON.stringify(rule)).toBe(422);
      expect(String(res.body['message'])).toContain('not implemented by the simulator');
    }
  });
});
