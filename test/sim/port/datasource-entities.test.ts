import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortSimulator } from '../../../sim/port/index';
import { OCEAN_UA, projectBlueprint, startWithClient, type TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
const PREFIX = 'port-ocean/azure-devops/';
const SUFFIX = '/my-azure-devops-integration/exporter';

beforeAll(async () => {
  ({ sim, client } = await startWithClient());
  sim.seed.blueprint(projectBlueprint);
  sim.seed.blueprint({ identifier: 'team', title: 'Team', schema: { properties: {} } });
  // Seven owned entities over two blueprints, last updated at known times; three not owned.
  const owned = (n: number) => Array.from({ length: n }, (_, i) => ({ identifier: `p${i}` }));
  sim.seed.entities('project', owned(5), { datasource: OCEAN_UA, updatedAt: '2026-01-01T00:00:00.000Z' });
  sim.seed.entities('team', [{ identifier: 't0' }], { datasource: 'port-ocean/azure-devops/0.11.0/my-azure-devops-integration/exporter', updatedAt: '2026-01-02T00:00:00.000Z' });
  sim.seed.entities('team', [{ identifier: 't1' }], { datasource: OCEAN_UA, updatedAt: '2026-03-01T00:00:00.000Z' });
  sim.seed.entities('team', [{ identifier: 'gitops' }], { datasource: 'port-ocean/azure-devops/0.12.2/my-azure-devops-integration/gitops' });
  sim.seed.entities('team', [{ identifier: 'other' }], { datasource: 'port-ocean/azure-devops/0.12.2/someone-else/exporter' });
  sim.seed.entities('team', [{ identifier: 'ui' }]);
});
afterAll(() => sim.close());

type Page = { entities: { identifier: string; blueprint: string }[]; next: string | null };
async function page(body: Record<string, unknown>): Promise<Page> {
  const res = await client.post('/v1/blueprints/entities/datasource-entities', body);
  expect(res.status, res.text).toBe(200);
  expect(res.body['ok']).toBe(true);
  return res.body as unknown as Page;
}

describe('POST /v1/blueprints/entities/datasource-entities', () => {
  it('lists only the entities whose datasource has the prefix and suffix, whatever the version between', async () => {
    const all = await page({ datasource_prefix: PREFIX, datasource_suffix: SUFFIX, limit: 5000 });
    expect(all.entities).toEqual([
      ...['p0', 'p1', 'p2', 'p3', 'p4'].map((identifier) => ({ identifier, blueprint: 'project' })),
      { identifier: 't0', blueprint: 'team' },
      { identifier: 't1', blueprint: 'team' },
    ]);
    expect(all.next).toBeNull();
  });

  it('pages with limit, next and from, in a stable order with no overlap', async () => {
    const seen: string[] = [];
    let from: string | null = null;
    let pages = 0;
    do {
      const p: Page = await page({ datasource_prefix: PREFIX, datasource_suffix: SUFFIX, limit: 3, ...(from ? { from } : {}) });
      seen.push(...p.entities.map((e) => e.identifier));
      from = p.next;
      pages++;
    } while (from && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 't0', 't1']);
  });

  it('lists in creation order across blueprints, an update keeping its place', async () => {
    const ua = 'port-ocean/azure-devops/0.12.2/interleaved/exporter';
    sim.seed.entities('project', [{ identifier: 'i0' }], { datasource: ua });
    sim.seed.entities('team', [{ identifier: 'i1' }], { datasource: ua });
    sim.seed.entities('project', [{ identifier: 'i2' }], { datasource: ua });
    sim.seed.entities('team', [{ identifier: 'i3' }], { datasource: ua });
    sim.seed.entities('project', [{ identifier: 'i0', title: 'updated' }], { datasource: ua });
    const seen: string[] = [];
    let from: string | null = null;
    do {
      const p: Page = await page({ datasource_prefix: PREFIX, datasource_suffix: '/interleaved/exporter', limit: 3, ...(from ? { from } : {}) });
      seen.push(...p.entities.map((e) => e.identifier));
      from = p.next;
    } while (from);
    expect(seen).toEqual(['i0', 'i1', 'i2', 'i3']);
  });

  it('answers next = null when the last page is exactly full', async () => {
    const first = await page({ datasource_prefix: PREFIX, datasource_suffix: SUFFIX, limit: 7 });
    expect(first.entities).toHaveLength(7);
    expect(first.next).toBeNull();
  });

  it('leaves out entities updated after `before`', async () => {
    const p = await page({ datasource_prefix: PREFIX, datasource_suffix: SUFFIX, limit: 100, before: '2026-02-01T00:00:00.000Z' });
    expect(p.entities.map((e) => e.identifier)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 't0']);
    const edge = await page({ datasource_prefix: PREFIX, datasource_suffix: SUFFIX, limit: 100, before: '2026-01-01T00:00:00.000Z' });
    expect(edge.entities).toHaveLength(5);
  });

  it('does not list entities written during the run when before is the run start', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    await client.post('/v1/blueprints/team/entities', { identifier: 'fresh' });
    const p = await page({ datasource_prefix: PREFIX, datasource_suffix: SUFFIX, limit: 100, before: start });
    expect(p.entities.map((e) => e.identifier)).not.toContain('fresh');
    const withoutBefore = await page({ datasource_prefix: PREFIX, datasource_suffix: SUFFIX, limit: 100 });
    expect(withoutBefore.entities.map((e) => e.identifier)).toContain('fresh');
  });

  it('answers 422 for a bad limit, a bad before or a cursor it did not issue', async () => {
    for (const body of [{ limit: 0 }, { limit: 'many' }, { limit: 10, before: 'not a date' }, { limit: 10, from: 'garbage' }]) {
      const res = await client.post('/v1/blueprints/entities/datasource-entities', { datasource_prefix: PREFIX, ...body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
  });
});
