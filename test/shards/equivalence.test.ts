import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfProject } from '../../core/shards/partition';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { PortSimulator } from '../../sim/port';
import { catalog, differences, owners, prepareCatalog, PREPARED, projectsByShard, round, startAzureDevOps, startPort, sync } from './harness';

const writes = (port: PortSimulator) =>
  port.calls().filter((c) => c.method === 'POST' && (/\/entities(\/bulk)?$/.test(c.path) || c.path.endsWith('/bulk/entities/delete')));

describe('one job and three shards over the same organization', () => {
  let ado: AzureDevOpsSimulator;
  let single: PortSimulator;
  let forward: PortSimulator;
  let backward: PortSimulator;
  // A user nothing else refers to, who leaves the organization in the last test.
  let leaver: { id: string; principalName: string };
  beforeAll(async () => {
    ado = await startAzureDevOps();
    leaver = ado.mutate.createUser({ displayName: 'Temporary Contractor', mailAddress: 'contractor@example.com' });
    [single, forward, backward] = await Promise.all([startPort(), startPort(), startPort()]);
    prepareCatalog(backward);
  });
  afterAll(async () => Promise.all([ado.close(), single.close(), forward.close(), backward.close()]));

  it('produce exactly the same Port state, whichever shard runs first', { timeout: 180_000 }, async () => {
    expect([...projectsByShard(ado, 3, shardOfProject).keys()].sort()).toEqual([0, 1, 2]);
    const one = await sync(ado, single, undefined);
    expect(one.code, one.stderr).toBe(0);
    // Shard 0 first: groups relate to projects of shards 1 and 2, which do not exist yet.
    for (const run of await round(ado, forward, 3, [0, 1, 2])) expect(run.code, run.stderr).toBe(0);
    // Shard 0 last: the others' entities are in place before the organization-level kinds.
    for (const run of await round(ado, backward, 3, [2, 1, 0], PREPARED)) expect(run.code, run.stderr).toBe(0);

    const expected = catalog(single);
    expect(expected.size).toBeGreaterThan(200);
    expect(differences(catalog(forward), expected)).toEqual([]);
    expect(differences(catalog(backward), expected)).toEqual([]);
  });

  it("leaves each entity owned by the shard of its project, and the organization's by shard 0", () => {
    for (const port of [forward, backward]) {
      const owner = owners(port);
      for (const project of ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
        expect(owner.get(`azureDevopsProject/${project.id}`), project.name).toBe(`${shardOfProject(project.id, 3)}/3`);
      }
      for (const [key, shard] of owner) {
        if (/^azureDevops(User|Group|GroupMember)\//.test(key)) expect(shard, key).toBe('0/3');
        else expect(['0/3', '1/3', '2/3'], key).toContain(shard);
      }
      const byShard = new Set(owner.values());
      expect(byShard).toEqual(new Set(['0/3', '1/3', '2/3']));
    }
  });

  it('names the shard in the summary', async () => {
    const run = await sync(ado, forward, '1/3');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Shard 1\/3: Sync succeeded/);
    expect(run.stdout).toMatch(/This is shard 1 of 3 \(0-based\): \d+ of 5 projects\./);
    expect(run.stdout).toContain('Left to shard 0 (organization-level): user #3, group #4, group-member #5.');
  });

  it('writes nothing on a second round over an unchanged organization: ownership is stable', { timeout: 120_000 }, async () => {
    forward.clearCalls();
    for (const run of await round(ado, forward, 3, [1, 0, 2])) expect(run.code).toBe(0);
    expect(writes(forward).map((c) => `${c.method} ${c.path}`)).toEqual([]);
  });

  it('converges like one job after items are created, changed and deleted in Azure DevOps', { timeout: 120_000 }, async () => {
    const projects = projectsByShard(ado, 3, shardOfProject);
    const onShard1 = projects.get(1)![0]!;
    const onShard2 = projects.get(2)![0]!;
    const [kept, gone] = ado.model.workItemsOf(onShard1);
    ado.mutate.updateWorkItem(kept!.id, { title: 'Renamed while sharded' });
    ado.mutate.deleteWorkItem(gone!.id);
    const repository = ado.model.repositoriesOf(onShard2).find((r) => !r.isDisabled)!;
    ado.mutate.push(repository.id, { branch: 'refs/heads/feature/shards', files: { 'shards.txt': 'hello' } });
    ado.mutate.deleteUser(leaver.id);

    const one = await sync(ado, single, undefined);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    for (const run of await round(ado, forward, 3, [2, 0, 1])) expect(run.code, run.stdout).toBe(0);
    const expected = catalog(single);
    expect(expected.has(`azureDevopsWorkItem/${onShard1}/${gone!.id}`)).toBe(false);
    expect([...expected.keys()].some((key) => key.startsWith('azureDevopsUser/') && key.endsWith(leaver.principalName.toLowerCase()))).toBe(false);
    expect(differences(catalog(forward), expected)).toEqual([]);
  });
});
