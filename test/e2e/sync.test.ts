import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasourceOf } from '../../core/version';
import { expectedCatalog } from '../support/default-catalog-oracle';
import { expectPortMatches } from '../support/port-assertions';
import { CLOUD_RESOLVE, runCli, startSimulators, type Simulators } from '../support/simulators';

describe('a full ONCE sync of a simulated organization (server URL form, Ocean variables only)', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 7 } });
  });
  afterAll(async () => sims.close());

  it('produces exactly the entities the default mapping implies, owned by the integration', async () => {
    const run = await runCli([], sims.env());
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sync succeeded');
    const expected = expectedCatalog(sims.ado, { now: Date.now() });
    expect([...expected.values()].reduce((n, m) => n + m.size, 0)).toBeGreaterThan(100);
    expectPortMatches(sims, expected);
    const { prefix, suffix } = datasourceOf('my-azure-devops-integration');
    for (const entity of sims.port.entities('azureDevopsRepository')) {
      expect(entity.datasource?.startsWith(prefix) && entity.datasource.endsWith(suffix)).toBe(true);
    }
    const integration = sims.port.integration('my-azure-devops-integration');
    expect(integration?.records.resyncStateHistory.at(-1)).toMatchObject({ status: 'completed' });
    // Set-up, the mapping check and reconciliation share what the run learned of each blueprint:
    // one read each (the ones it created, none).
    const reads = new Map<string, number>();
    for (const call of sims.port.calls()) if (call.method === 'GET' && /^\/v1\/blueprints\/[^/]+$/.test(call.path)) reads.set(call.path, (reads.get(call.path) ?? 0) + 1);
    expect(reads.size).toBeGreaterThan(10);
    expect([...reads].filter(([, count]) => count > 1)).toEqual([]);
  });

  it('writes nothing on a second run over an unchanged organization', async () => {
    sims.port.clearCalls();
    const run = await runCli([], sims.env());
    expect(run.code).toBe(0);
    const writes = sims.port.calls().filter((c) => /\/entities(\/bulk)?$|bulk\/entities\/delete/.test(c.path) && c.method === 'POST');
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([]);
    expect(run.stdout).toMatch(/0 upserted|unchanged/);
    // One listing of what the integration owns (one page here): everything in it was produced again,
    // so reconciliation does not read it a second time.
    expect(sims.port.calls().filter((c) => c.path === '/v1/blueprints/entities/datasource-entities')).toHaveLength(1);
  });

  it('converges after items are created, updated and deleted in Azure DevOps', async () => {
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const [firstItem, secondItem] = sims.ado.model.workItemsOf(project.id);
    sims.ado.mutate.updateWorkItem(firstItem!.id, { title: 'Renamed by the e2e test', state: 'Active' });
    sims.ado.mutate.deleteWorkItem(secondItem!.id);
    const repo = sims.ado.model.repositoriesOf(project.id).find((r) => !r.isDisabled)!;
    sims.ado.mutate.push(repo.id, { branch: 'refs/heads/feature/e2e', files: { 'e2e.txt': 'hello' } });
    const run = await runCli([], sims.env());
    expect(run.code).toBe(0);
    expectPortMatches(sims, expectedCatalog(sims.ado, { now: Date.now() }));
    expect(sims.port.entity('azureDevopsWorkItem', `${project.id}/${secondItem!.id}`)).toBeUndefined();
    expect(sims.port.entity('azureDevopsWorkItem', `${project.id}/${firstItem!.id}`)?.title).toBe('Renamed by the e2e test');
  });

  it('deletes nothing when a listing fails, and converges on the next clean run', async () => {
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const victim = sims.ado.model.workItemsOf(project.id)[0]!;
    sims.ado.mutate.deleteWorkItem(victim.id);
    const repo = sims.ado.model.repositoriesOf(project.id).find((r) => !r.isDisabled)!;
    const branch = sims.ado.model.branchesOf(repo.id).find((b) => b.name !== repo.defaultBranch) ?? sims.ado.model.branchesOf(repo.id)[0]!;
    sims.ado.mutate.deleteBranch(repo.id, branch.name);
    const before = sims.port.entities('azureDevopsWorkItem').length;
    const fault = sims.ado.faults.add({ route: 'git.refs.list', kind: 'status', status: 503, times: 1000 });
    const failed = await runCli([], sims.env());
    sims.ado.faults.clear(fault);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Deletions were skipped');
    expect(sims.port.entities('azureDevopsWorkItem').length).toBe(before);
    expect(sims.port.entity('azureDevopsWorkItem', `${project.id}/${victim.id}`)).toBeDefined();

    const clean = await runCli([], sims.env());
    expect(clean.code).toBe(0);
    expectPortMatches(sims, expectedCatalog(sims.ado, { now: Date.now() }));
  });
});

describe('the cloud URL form (dev.azure.com and its service hosts)', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 11 } });
  });
  afterAll(async () => sims.close());

  it('syncs through the derived service hosts (releases from vsrm)', async () => {
    const run = await runCli(CLOUD_RESOLVE, sims.env({}, { cloud: true }));
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    expectPortMatches(sims, expectedCatalog(sims.ado, { now: Date.now() }));
    const byHost = sims.ado.counters().byHost;
    expect(byHost.release, 'releases listed on the vsrm host').toBeGreaterThan(0);
    expect(byHost.core).toBeGreaterThan(0);
    expect(byHost.server ?? 0, 'no request used the Server form').toBe(0);
  });
});
