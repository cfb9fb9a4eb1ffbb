/**
 * Round times are taken on Port's clock: the sweep of earlier layouts compares them with the
 * `updatedAt` Port stamps, so a shard whose agent clock runs fast must not move the sweep past
 * what another writer wrote after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfProject } from '../../core/shards/partition';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { PortSimulator } from '../../sim/port';
import { CLOUD_RESOLVE, runCli } from '../support/simulators';
import { environment, prepareCatalog, PREPARED, projectsByShard, startAzureDevOps, startPort, sync } from './harness';

describe('a shard whose agent clock runs 10 minutes fast', () => {
  let ado: AzureDevOpsSimulator;
  let port: PortSimulator;
  beforeAll(async () => {
    ado = await startAzureDevOps();
    port = await startPort();
    prepareCatalog(port);
  });
  afterAll(async () => Promise.all([ado?.close(), port?.close()]));

  it('does not let the sweep delete a work item an unsharded run wrote after it', async () => {
    for (const shard of ['0/2', '1/2']) {
      const round = await sync(ado, port, shard, [], PREPARED);
      expect(round.code, round.stdout + round.stderr).toBe(0);
    }
    const fast = { now: () => new Date(Date.now() + 10 * 60_000) };
    const skewed = await runCli([...CLOUD_RESOLVE, '--shard', '1/2'], environment(ado, port, '1-of-2', PREPARED), fast);
    expect(skewed.code, skewed.stdout).toBe(0);

    const project = projectsByShard(ado, 2, shardOfProject).get(1)![0]!;
    const item = ado.mutate.createWorkItem(project, { type: 'Task', title: 'created after shard 1 ran' });
    const unsharded = await sync(ado, port, undefined, ['--kinds', 'work-item'], PREPARED);
    expect(unsharded.code, unsharded.stdout).toBe(0);
    expect(port.entity('azureDevopsWorkItem', `${project}/${item.id}`)).toBeDefined();

    const shardZero = await sync(ado, port, '0/2', [], PREPARED);
    expect(shardZero.code, shardZero.stdout).toBe(0);
    expect(port.entity('azureDevopsWorkItem', `${project}/${item.id}`), 'the work item still exists in Azure DevOps').toBeDefined();
  });
});
