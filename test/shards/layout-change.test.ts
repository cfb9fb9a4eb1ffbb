/**
 * What a shard that fails does (nothing destructive), and what a change of the shard count does:
 * 3 shards become 2, and after one full round of the new layout Port holds exactly what one job
 * would produce, with nothing missing at any point in between.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfProject } from '../../core/shards/partition';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { InspectedEntity, PortSimulator } from '../../sim/port';
import { catalog, combine, differences, missingFrom, owners, projectsByShard, startAzureDevOps, startPort, sync } from './harness';

const SUMMARIES = mkdtempSync(join(tmpdir(), 'shard-summaries-'));
/** `--summary <file>`, a file per run, as each CI job writes its own. */
const summary = (name: string) => join(SUMMARIES, `${name}.json`);
const listedIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { resources: { listed: number }[] }).resources.reduce((n, r) => n + r.listed, 0);

const deletions = (port: PortSimulator) => port.calls().filter((c) => c.method === 'POST' && c.path.endsWith('/bulk/entities/delete'));
const workItemKey = (projectId: string, id: number) => `azureDevopsWorkItem/${projectId}/${id}`;

/** Every entity a shard owns, exactly as Port stores it (timestamps and datasource included). */
function ownedBy(port: PortSimulator, shard: string): InspectedEntity[] {
  const owner = owners(port);
  return port
    .entities()
    .filter((e) => owner.get(`${e.blueprint}/${e.identifier}`) === shard)
    .sort((a, b) => `${a.blueprint}/${a.identifier}`.localeCompare(`${b.blueprint}/${b.identifier}`));
}

describe('a failed shard, then a change from 3 shards to 2', () => {
  let ado: AzureDevOpsSimulator;
  let single: PortSimulator;
  let sharded: PortSimulator;
  let onShard1: string;
  let onShard2: string;
  let goneOn1: number;
  let goneOn2: number;

  beforeAll(async () => {
    ado = await startAzureDevOps();
    [single, sharded] = await Promise.all([startPort(), startPort()]);
    const projects = projectsByShard(ado, 3, shardOfProject);
    onShard1 = projects.get(1)![0]!;
    onShard2 = projects.get(2)![0]!;
    // The first round as CI runs it: all jobs at once against an empty Port. Shards 1 and 2 wait
    // for shard 0 to register the integration and create the blueprints, then run alongside it.
    const [one, ...shards] = await Promise.all([
      sync(ado, single, undefined),
      ...[0, 1, 2].map((i) => sync(ado, sharded, `${i}/3`, ['--summary', summary(`first-${i}-of-3`)])),
    ]);
    expect(one.code, one.stdout).toBe(0);
    for (const run of shards) expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(shards[1]!.stdout + shards[1]!.stderr).toMatch(/Waiting for shard 0\/3 to/);
    expect(differences(catalog(sharded), catalog(single))).toEqual([]);
  }, 120_000);
  afterAll(async () => Promise.all([ado.close(), single.close(), sharded.close()]));

  it("deletes nothing when it fails, and leaves the other shards' entities exactly as they were", { timeout: 60_000 }, async () => {
    goneOn1 = ado.model.workItemsOf(onShard1)[0]!.id;
    goneOn2 = ado.model.workItemsOf(onShard2)[0]!.id;
    ado.mutate.deleteWorkItem(goneOn1);
    ado.mutate.deleteWorkItem(goneOn2);
    const before0 = ownedBy(sharded, '0/3');
    const before2 = ownedBy(sharded, '2/3');
    expect(before0.length).toBeGreaterThan(0);
    expect(before2.length).toBeGreaterThan(0);

    // Shard 1 cannot list the work items of one of its projects: its run is not clean.
    const fault = ado.faults.add({ kind: 'status', status: 400, route: 'wit.wiql', path: onShard1 });
    sharded.clearCalls();
    const failed = await sync(ado, sharded, '1/3', ['--summary', summary('failed-1-of-3')]);
    ado.faults.clear(fault);

    expect(failed.code, failed.stdout).toBe(1);
    expect(failed.stdout).toMatch(/^Shard 1\/3: Sync finished with failures/);
    expect(failed.stdout).toMatch(/Not counted towards the round: work-item #\d+ did not sync completely/);
    expect(deletions(sharded)).toEqual([]);
    // Its own stale work item stays until a clean run proves it gone; nobody else's entity was touched.
    expect(catalog(sharded).has(workItemKey(onShard1, goneOn1))).toBe(true);
    expect(ownedBy(sharded, '0/3')).toEqual(before0);
    expect(ownedBy(sharded, '2/3')).toEqual(before2);

    // Shard 2 is unaffected by shard 1's failure: its clean run deletes its own stale work item, and only that.
    sharded.clearCalls();
    const clean = await sync(ado, sharded, '2/3');
    expect(clean.code, clean.stdout).toBe(0);
    expect(deletions(sharded).map((c) => c.path)).toEqual(['/v1/blueprints/azureDevopsWorkItem/bulk/entities/delete']);
    expect(catalog(sharded).has(workItemKey(onShard2, goneOn2))).toBe(false);
    expect(catalog(sharded).has(workItemKey(onShard1, goneOn1))).toBe(true);

    // The documented final job sees the round as partial, and says which shard failed.
    const combined = await combine([summary('first-0-of-3'), summary('failed-1-of-3'), summary('first-2-of-3')]);
    expect(combined).toMatchObject({ status: 'partial', shards: 3, reported: [0, 1, 2], missing: [], notSuccessful: ['1/3: partial'] });
    expect((await combine([summary('first-0-of-3'), summary('first-1-of-3'), summary('first-2-of-3')])).status).toBe('success');
  });

  it('converges to what one job produces after one round of 2 shards, losing nothing on the way', { timeout: 90_000 }, async () => {
    expect([...projectsByShard(ado, 2, shardOfProject).keys()].sort()).toEqual([0, 1]);
    expect((await sync(ado, single, undefined, ['--summary', summary('single')])).code).toBe(0);
    const expected = catalog(single);
    expect(expected.has(workItemKey(onShard1, goneOn1))).toBe(false);

    // Half a round of the new layout: shard 0/2 takes over its projects from shards of 3; nothing is
    // deleted, since the projects still owned by the old layout may be ones shard 1/2 is about to take.
    sharded.clearCalls();
    const first = await sync(ado, sharded, '0/2');
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toMatch(/Entities of earlier shard layouts: not swept \(waiting for a first clean run of shard 1\/2\)/);
    expect(deletions(sharded)).toEqual([]);
    expect(missingFrom(catalog(sharded), expected)).toEqual([]);

    // A plan of the last shard writes nothing: no entity, and no record of a clean run either.
    sharded.clearCalls();
    const plan = await sync(ado, sharded, '1/2', ['--plan']);
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toMatch(/^Shard 1\/2: Plan succeeded/);
    expect(sharded.calls().filter((c) => c.method !== 'GET' && !/\/(auth\/access_token|entities\/search|datasource-entities)$/.test(c.path)).map((c) => `${c.method} ${c.path}`)).toEqual([]);

    // The round completes: the leftovers of the old layout (shard 1/3's stale work item) are swept.
    sharded.clearCalls();
    const second = await sync(ado, sharded, '1/2');
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/Entities of earlier shard layouts \(last written before [^)]+\): 1 of 1 deleted\./);
    expect(differences(catalog(sharded), expected)).toEqual([]);
    const shardsNow = new Set(owners(sharded).values());
    expect(shardsNow).toEqual(new Set(['0/2', '1/2']));
    for (const project of ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
      expect(owners(sharded).get(`azureDevopsProject/${project.id}`)).toBe(`${shardOfProject(project.id, 2)}/2`);
    }

    // A second round of the same layout neither writes nor deletes anything.
    sharded.clearCalls();
    for (const i of [1, 0]) expect((await sync(ado, sharded, `${i}/2`, ['--summary', summary(`again-${i}-of-2`)])).code).toBe(0);
    expect(sharded.calls().filter((c) => c.method === 'POST' && /\/entities(\/bulk)?$|\/bulk\/entities\/delete$/.test(c.path))).toEqual([]);
    expect(differences(catalog(sharded), expected)).toEqual([]);

    // The final job: both shards reported and succeeded, and between them listed what one job listed.
    const combined = await combine([summary('again-0-of-2'), summary('again-1-of-2')]);
    expect(combined).toMatchObject({ status: 'success', shards: 2, reported: [0, 1], missing: [], notSuccessful: [], upserted: 0, deleted: 0 });
    expect(combined.listed).toBe(listedIn(summary('single')));
    expect(await combine([summary('again-0-of-2')])).toMatchObject({ status: 'partial', missing: [1] });
    // Summaries of two layouts never add up to a round.
    expect((await combine([summary('again-0-of-2'), summary('again-1-of-2'), summary('first-2-of-3')])).status).toBe('partial');
  });
});
