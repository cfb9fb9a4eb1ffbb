import { describe, expect, it } from 'vitest';
import type { Datasource } from '../../core/port/entities';
import { ProducedEntities } from '../../core/sync/produced';
import { reconcile, type ReconcileInput } from '../../core/sync/reconcile';
import { MemoryReporter } from '../../core/sync/reporter';

type Owned = { identifier: string; blueprint: string };

const DATASOURCE: Datasource = { prefix: 'port-ocean/azure-devops/', suffix: '/my-integration/exporter' };

/** Port's owned listing in pages of 5,000, and a delete route that records what it was asked. */
function port(owned: Owned[]) {
  const deleted: { blueprint: string; identifiers: string[] }[] = [];
  const entities: ReconcileInput['entities'] = {
    async *owned() {
      for (let start = 0; start < owned.length; start += 5000) yield owned.slice(start, start + 5000);
    },
    async delete(blueprint, identifiers) {
      deleted.push({ blueprint, identifiers: [...identifiers] });
      return [...identifiers];
    },
  };
  return { entities, deleted };
}

/** `count` entities of one blueprint, identified `${prefix}0`, `${prefix}1`, … */
function many(blueprint: string, count: number, prefix: string): Owned[] {
  return Array.from({ length: count }, (_, i) => ({ identifier: `${prefix}${i}`, blueprint }));
}

function input(entities: ReconcileInput['entities'], produced: ProducedEntities, threshold = 0.9): ReconcileInput {
  return {
    entities,
    datasource: DATASOURCE,
    produced,
    before: '2026-11-27T00:00:00Z',
    threshold,
    deleteDependents: false,
    blockedBecause: undefined,
    mode: 'sync',
    reporter: new MemoryReporter(),
  };
}

describe('reconcile', () => {
  it('keeps what held entities may relate to: bare targets are not deleted from under a held blueprint', async () => {
    // --kinds repository: the work items are held, and the projects exist only as the bare targets
    // of their relations (createMissingRelatedEntities). Deleting the projects would take the work
    // items with them; the releases' definitions, which nothing held relates to, still go.
    const produced = new ProducedEntities();
    produced.add('azureDevopsRepository', 'p1/a');
    produced.hold('azureDevopsWorkItem', "kind 'work-item' is left out by the kinds filter");
    const owned = [
      ...many('azureDevopsWorkItem', 40, 'p1/'),
      { identifier: 'p1', blueprint: 'azureDevopsProject' },
      { identifier: 'p1/a', blueprint: 'azureDevopsRepository' },
      { identifier: 'org', blueprint: 'azureDevopsOrganization' },
      { identifier: 'd1', blueprint: 'azureDevopsReleaseDefinition' },
    ];
    const relations: Record<string, Record<string, string>> = {
      azureDevopsWorkItem: { project: 'azureDevopsProject', parent: 'azureDevopsWorkItem' },
      azureDevopsProject: { organization: 'azureDevopsOrganization' },
      azureDevopsRepository: { project: 'azureDevopsProject' },
    };
    const { entities, deleted } = port(owned);

    const report = await reconcile({ ...input(entities, produced), relationTargets: async (blueprint) => relations[blueprint] ?? {} });

    expect(deleted).toEqual([{ blueprint: 'azureDevopsReleaseDefinition', identifiers: ['d1'] }]);
    expect(report.blueprints.map((b) => [b.blueprint, b.stale, b.deleted, b.held])).toEqual([
      ['azureDevopsOrganization', 1, 0, 'kept entities of azureDevopsProject, which is held, may relate to them'],
      ['azureDevopsProject', 1, 0, 'kept entities of azureDevopsWorkItem, which is held, may relate to them'],
      ['azureDevopsReleaseDefinition', 1, 1, undefined],
      ['azureDevopsWorkItem', 40, 0, "kind 'work-item' is left out by the kinds filter"],
    ]);
  });

  it('deletes nothing when what a blueprint relates to cannot be read, and says why', async () => {
    const produced = new ProducedEntities();
    produced.add('azureDevopsRepository', 'p1/a');
    produced.addReferences('azureDevopsRepository', { project: 'p1' });
    const { entities, deleted } = port([
      { identifier: 'p1/a', blueprint: 'azureDevopsRepository' },
      { identifier: 'd1', blueprint: 'azureDevopsReleaseDefinition' },
    ]);

    const report = await reconcile({
      ...input(entities, produced),
      relationTargets: () => Promise.reject(new Error('Port answered GET /v1/blueprints/azureDevopsRepository with something other than a blueprint.')),
    });

    expect(deleted).toEqual([]);
    expect(report.skipped).toMatch(/could not be listed \(Port answered GET \/v1\/blueprints\/azureDevopsRepository with something other than a blueprint\.\); nothing is deleted/);
  });

  it('counts a held blueprint whole, with samples, and deletes only from the others', async () => {
    // A kinds filter left the work items out: every one of the 200,000 Port holds is "stale" but held.
    const workItems = many('azureDevopsWorkItem', 200_000, 'p1/');
    const repositories = ['p1/a', 'p1/b', 'p1/gone'].map((identifier) => ({ identifier, blueprint: 'azureDevopsRepository' }));
    const produced = new ProducedEntities();
    produced.add('azureDevopsRepository', 'p1/a');
    produced.add('azureDevopsRepository', 'p1/b');
    produced.hold('azureDevopsWorkItem', "kind 'work-item' is left out by the kinds filter");
    const { entities, deleted } = port([...workItems.slice(0, 100_000), ...repositories, ...workItems.slice(100_000)]);

    const report = await reconcile(input(entities, produced));

    expect(report.owned).toBe(200_003);
    expect(report.blueprints).toEqual([
      { blueprint: 'azureDevopsRepository', stale: 1, deleted: 1, held: undefined, samples: ['p1/gone'] },
      { blueprint: 'azureDevopsWorkItem', stale: 200_000, deleted: 0, held: "kind 'work-item' is left out by the kinds filter", samples: ['p1/0', 'p1/1', 'p1/2', 'p1/3', 'p1/4'] },
    ]);
    expect(deleted).toEqual([{ blueprint: 'azureDevopsRepository', identifiers: ['p1/gone'] }]);
  });

  it('deletes every stale entity of a blueprint, in one list per blueprint, in blueprint order', async () => {
    const owned = [...many('azureDevopsBranch', 12_000, 'b'), ...many('azureDevopsProject', 2, 'p')];
    const produced = new ProducedEntities();
    for (let i = 0; i < 12_000; i += 2) produced.add('azureDevopsBranch', `b${i}`);
    produced.add('azureDevopsProject', 'p0');
    const { entities, deleted } = port(owned);

    const report = await reconcile(input(entities, produced));

    expect(report.blueprints.map((b) => [b.blueprint, b.stale, b.deleted])).toEqual([
      ['azureDevopsBranch', 6_000, 6_000],
      ['azureDevopsProject', 1, 1],
    ]);
    expect(deleted.map((d) => d.blueprint)).toEqual(['azureDevopsBranch', 'azureDevopsProject']);
    expect(deleted[0]?.identifiers).toEqual(Array.from({ length: 6_000 }, (_, i) => `b${2 * i + 1}`));
  });

  it('leaves held blueprints out of the deletion guard and out of what sharded runs check', async () => {
    const owned = [...many('azureDevopsWorkItem', 1_000, 'w'), ...many('azureDevopsRepository', 2, 'r')];
    const produced = new ProducedEntities();
    produced.add('azureDevopsRepository', 'r0');
    produced.hold('azureDevopsWorkItem', 'held');
    const { entities, deleted } = port(owned);
    const asked: string[][] = [];
    const report = await reconcile({
      ...input(entities, produced, 0.01),
      referencedElsewhere: async (deletable) => {
        asked.push([...deletable.keys()]);
        return new Map();
      },
    });

    // The 1,000 held work items are neither deletions nor part of the share: 1 of 2 repositories is 50 %.
    expect(report.guardTripped).toBe(true);
    expect(report.skipped).toBe('deletion guard: 1 of 2 owned entities (50.0%) would be deleted, above entityDeletionThreshold 0.01 (1000 more are held and not counted)');
    expect(asked).toEqual([['azureDevopsRepository']]);
    expect(deleted).toEqual([]);

    const within = await reconcile({ ...input(port(owned).entities, produced, 0.5) });
    expect(within.guardTripped).toBe(false);
    expect(within.blueprints.find((b) => b.blueprint === 'azureDevopsRepository')?.deleted).toBe(1);
  });

  it('trips the deletion guard when a kind lists empty beside a large held one', async () => {
    // --kinds repository, and the repositories listing answers an empty list (a token that lost access).
    const owned = [...many('azureDevopsWorkItem', 200_000, 'w'), ...many('azureDevopsRepository', 2_000, 'r')];
    const produced = new ProducedEntities();
    produced.hold('azureDevopsWorkItem', "kind 'work-item' is left out by the kinds filter");
    const { entities, deleted } = port(owned);

    const report = await reconcile(input(entities, produced));

    expect(report.guardTripped).toBe(true);
    expect(deleted).toEqual([]);
  });
});
