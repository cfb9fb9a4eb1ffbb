/**
 * The deletion guard (docs/running.md, "When entities are deleted"): nothing leaves Port unless
 * the run proved it gone. Incomplete listings hold their blueprints, filters hold what they leave
 * out, the threshold holds mass deletions, and plan mode writes nothing at all.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPortAppConfig } from '../../core/kinds/defaults';
import { startSimulators, type Simulators } from '../support/simulators';
import { deleteCalls, deleteSomeObjects, expectConverged, expectNothingDeleted, oracle, oracleMapping, snapshot, sync, writeCalls, startConverged } from './harness';

/** Identifiers in Port that the organization no longer has, per blueprint. */
function staleInPort(sims: Simulators): string[] {
  const expected = oracle(sims);
  const out: string[] = [];
  for (const [blueprint, identifiers] of snapshot(sims)) {
    for (const identifier of identifiers) if (!expected.get(blueprint)?.has(identifier)) out.push(`${blueprint}/${identifier}`);
  }
  return out.sort();
}

describe('the deletion guard', () => {
  let sims: Simulators;
  const M = ['--mapping', oracleMapping()];
  beforeAll(async () => {
    sims = await startConverged({ seed: 61, scale: { base: 'tiny', workItems: 60 } });
  });
  afterAll(async () => sims?.close());

  it('holds a blueprint whose listing skipped a part, and still reconciles the others', async () => {
    const model = sims.ado.model;
    const team = model
      .projectList()
      .flatMap((p) => model.teamsOf(p.id))
      .find((t) => t.iterationIds.length > 0 && model.boardsOf(t.id).length > 0)!;
    const boards = model.boardsOf(team.id).map((b) => b.id);
    deleteSomeObjects(sims);
    const staleBefore = staleInPort(sims);
    expect(staleBefore.some((s) => s.startsWith('azureDevopsWorkItem/'))).toBe(true);
    // The team has iterations, so its boards answering 500 is not "no boards": the listing is incomplete.
    const fault = sims.ado.faults.add({ kind: 'status', status: 500, route: 'work.boards.list', path: `${team.id}/_apis/work/boards` });
    const run = await sync(sims, M);
    sims.ado.faults.clear(fault);

    for (const id of boards) expect(sims.port.entity('azureDevopsBoard', id), `board ${id} of the team whose boards failed`).toBeDefined();
    expect(sims.port.entities('azureDevopsColumn').some((c) => boards.some((b) => c.identifier.startsWith(`${b}/`)))).toBe(true);
    expect(run.stdout).toMatch(/board #\d+: incomplete listing: the boards of team/);
    expect(run.stdout).toMatch(/azureDevopsBoard: .*kept, resource board #\d+: listing incomplete/);
    // Work items and branches were listed whole: their stale entities went.
    expect(staleInPort(sims).filter((s) => /^azureDevops(WorkItem|Branch)\//.test(s))).toEqual([]);

    const clean = await sync(sims, M);
    expect(clean.code).toBe(0);
    expectConverged(sims);
  });

  it('holds the blueprints of kinds left out with --kinds', async () => {
    const model = sims.ado.model;
    const project = model.projectList().find((p) => p.state === 'wellFormed' && model.repositoriesOf(p.id).length > 0)!;
    const repository = model.repositoriesOf(project.id)[0]!;
    const item = model.workItemsOf(project.id)[0]!;
    sims.ado.mutate.deleteRepository(repository.id);
    sims.ado.mutate.deleteWorkItem(item.id);
    const run = await sync(sims, [...M, '--kinds', 'work-item']);
    expect(run.code, run.stdout).toBe(0);
    expect(sims.port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`), 'listed kind: reconciled').toBeUndefined();
    expect(sims.port.entity('azureDevopsRepository', repository.id), 'kind left out: held').toBeDefined();
    expect(run.stdout).toContain("kind 'repository' is left out by the kinds filter");

    const clean = await sync(sims, M);
    expect(clean.code).toBe(0);
    expectConverged(sims);
  });

  it('deletes nothing when a projects filter is set', async () => {
    const model = sims.ado.model;
    const [kept, other] = model.projectList().filter((p) => p.state === 'wellFormed');
    const item = model.workItemsOf(kept!.id)[0]!;
    sims.ado.mutate.deleteWorkItem(item.id);
    const before = snapshot(sims);
    sims.port.clearCalls();
    const run = await sync(sims, [...M, '--projects', kept!.name]);
    expect(run.code, run.stdout).toBe(0);
    expectNothingDeleted(sims, before);
    expect(run.stdout).toContain('a projects filter is set');
    // The other project's entities are untouched, not deleted as "not listed".
    for (const repository of model.repositoriesOf(other!.id)) expect(sims.port.entity('azureDevopsRepository', repository.id)).toBeDefined();

    const clean = await sync(sims, M);
    expect(clean.code).toBe(0);
    expectConverged(sims);
  });

  it('plan mode writes nothing and says what would be created, updated and deleted', async () => {
    const model = sims.ado.model;
    deleteSomeObjects(sims);
    for (const project of model.projectList()) for (const item of model.workItemsOf(project.id).slice(0, 3)) sims.ado.mutate.updateWorkItem(item.id, { title: `${item.title} (planned)` });
    const stale = staleInPort(sims);
    expect(stale.length).toBeGreaterThan(0);
    const before = snapshot(sims);
    sims.port.clearCalls();
    const run = await sync(sims, [...M, '--plan']);
    expect(run.code, run.stdout).toBe(0);
    expect(writeCalls(sims), 'writes in plan mode').toEqual([]);
    expectNothingDeleted(sims, before);
    expect(sims.port.entities('azureDevopsWorkItem').filter((e) => e.title?.endsWith('(planned)'))).toEqual([]);
    const planned = /azureDevopsWorkItem\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(run.stdout);
    expect(planned, run.stdout).not.toBeNull();
    expect(Number(planned![2]), 'work items to update').toBe(model.projectList().reduce((n, p) => n + Math.min(3, model.workItemsOf(p.id).length), 0));
    expect(Number(planned![4]), 'work items to delete').toBe(stale.filter((s) => s.startsWith('azureDevopsWorkItem/')).length);

    const clean = await sync(sims, M);
    expect(clean.code).toBe(0);
    expectConverged(sims);
  });

  it('holds deletions above entityDeletionThreshold, and applies them within it', async () => {
    const model = sims.ado.model;
    const victim = model.projectList().filter((p) => p.state === 'wellFormed')[0]!;
    sims.ado.mutate.deleteProject(victim.id);
    const share = (() => {
      const expected = oracle(sims);
      const all = [...snapshot(sims)].reduce((n, [, ids]) => n + ids.size, 0);
      const gone = [...snapshot(sims)].reduce((n, [bp, ids]) => n + [...ids].filter((id) => !expected.get(bp)?.has(id)).length, 0);
      return gone / all;
    })();
    expect(share).toBeGreaterThan(0.1);
    const before = snapshot(sims);
    sims.port.clearCalls();
    const strict = await sync(sims, ['--mapping', oracleMapping({ entityDeletionThreshold: share / 2 })]);
    expect(strict.stdout).toMatch(/Deletions were skipped: deletion guard: \d+ of \d+ owned entities/);
    expectNothingDeleted(sims, before);

    const lenient = await sync(sims, ['--mapping', oracleMapping({ entityDeletionThreshold: Math.min(1, share * 2) })]);
    expect(lenient.code, lenient.stdout).toBe(0);
    expect(deleteCalls(sims).length).toBeGreaterThan(0);
    expectConverged(sims);
  });
});

describe('a mapping that writes work items only', () => {
  let sims: Simulators;
  const workItems = () => structuredClone(defaultPortAppConfig('server').resources.filter((r) => r.kind === 'work-item'));
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 73, scale: { base: 'tiny', workItems: 40 } } });
  });
  afterAll(async () => sims?.close());

  it('keeps the bare projects createMissingRelatedEntities made, and so the work items that relate to them', async () => {
    // The work items relate to projects no resource produces: Port creates them bare, owned by the integration.
    const mapping = oracleMapping({ resources: workItems() });
    const first = await sync(sims, ['--mapping', mapping]);
    expect(first.code, first.stderr).toBe(0);
    const projects = sims.port.entities('azureDevopsProject');
    expect(projects.length).toBeGreaterThan(0);
    const count = sims.port.entities('azureDevopsWorkItem').length;
    expect(count).toBeGreaterThan(0);
    sims.port.clearCalls();

    const second = await sync(sims, ['--mapping', mapping]);
    expect(second.code, second.stdout).toBe(0);
    // Deleting a bare project as "not produced" would take every work item with it (deleteDependentEntities).
    expect(deleteCalls(sims)).toEqual([]);
    expect(sims.port.entities('azureDevopsProject').length).toBe(projects.length);
    expect(sims.port.entities('azureDevopsWorkItem').length).toBe(count);
  });

  it('keeps those bare projects when --kinds leaves the work items out: deleting them would take the held work items along', async () => {
    // Repositories without their project relation, beside the work items: the projects are bare targets of the work items only.
    const repositories = structuredClone(defaultPortAppConfig('server').resources.filter((r) => r.kind === 'repository'));
    for (const r of repositories) delete (r.port.entity.mappings as { relations?: unknown }).relations;
    const mapping = oracleMapping({ resources: [...workItems(), ...repositories] });
    const first = await sync(sims, ['--mapping', mapping]);
    expect(first.code, first.stderr).toBe(0);
    const projects = sims.port.entities('azureDevopsProject').length;
    const count = sims.port.entities('azureDevopsWorkItem').length;
    expect(projects).toBeGreaterThan(0);
    expect(count).toBeGreaterThan(0);
    sims.port.clearCalls();

    const run = await sync(sims, ['--mapping', mapping, '--kinds', 'repository']);
    expect(run.code, run.stdout).toBe(0);
    expect(deleteCalls(sims)).toEqual([]);
    expect(sims.port.entities('azureDevopsProject').length).toBe(projects);
    expect(sims.port.entities('azureDevopsWorkItem').length).toBe(count);
    expect(run.stdout).toMatch(/azureDevopsProject: \d+ stale entities kept, kept entities of azureDevopsWorkItem, which is held, may relate to them/);
  });

  it('counts the entities the run rewrote among those the integration owned: a few deletions go through', async () => {
    sims.port.reset();
    // No relations this time: the integration owns work items and nothing else.
    const resources = workItems();
    for (const resource of resources) delete (resource.port.entity.mappings as { relations?: unknown }).relations;
    const mapping = oracleMapping({ resources });
    const first = await sync(sims, ['--mapping', mapping]);
    expect(first.code, first.stderr).toBe(0);

    // Every work item changes (rewritten, so Port's "updated before the run started" listing no
    // longer shows them) and two are gone: 2 of the ~40 owned, far below the threshold.
    const model = sims.ado.model;
    const items = model.projectList().flatMap((p) => model.workItemsOf(p.id).map((w) => ({ id: w.id, title: w.title, projectId: p.id })));
    for (const item of items) sims.ado.mutate.updateWorkItem(item.id, { title: `${item.title} (rewritten)` });
    const gone = items.slice(0, 2);
    for (const item of gone) sims.ado.mutate.deleteWorkItem(item.id);
    const run = await sync(sims, ['--mapping', mapping]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).not.toContain('deletion guard');
    for (const item of gone) expect(sims.port.entity('azureDevopsWorkItem', `${item.projectId}/${item.id}`)).toBeUndefined();
    expect(sims.port.entities('azureDevopsWorkItem').length).toBe(items.length - gone.length);
  });
});

describe('the deletion guard when the organization suddenly looks empty', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 67, scale: 'tiny' } });
    const first = await sync(sims);
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(async () => sims?.close());

  it('keeps the catalog (default threshold 0.9), and a plan of it fails', async () => {
    // Every project gone at once: far more likely a broken credential or API than a real org change.
    for (const project of sims.ado.model.projectList()) sims.ado.mutate.deleteProject(project.id);
    const before = snapshot(sims);
    sims.port.clearCalls();
    const plan = await sync(sims, ['--plan']);
    expect(plan.code, plan.stdout).toBe(1);
    expect(plan.stderr).toMatch(/Plan: deletion guard: \d+ of \d+ owned entities \(100\.0%\) would be deleted/);

    const run = await sync(sims);
    expect(run.stdout).toMatch(/Deletions were skipped: deletion guard/);
    expectNothingDeleted(sims, before);
  });
});

describe('a listing at a service cap', () => {
  let sims: Simulators;
  let mapping: string;
  beforeAll(async () => {
    // One pipeline with more runs than the runs API returns (its newest 10,000).
    sims = await startSimulators({ ado: { seed: 71, scale: { base: 'tiny', pipelines: 1, builds: 10_040 } } });
    mapping = join(mkdtempSync(join(tmpdir(), 'runs-cap-')), 'port-app-config.yml');
    // One run in a hundred keeps Port small; the listing still reads every run the API gives.
    writeFileSync(
      mapping,
      stringify({
        resources: [
          {
            kind: 'pipeline-run',
            selector: { query: '.id % 100 == 0' },
            port: { entity: { mappings: { identifier: '.__project.id + "/" + (.__pipeline.id | tostring) + "/" + (.id | tostring)', blueprint: '"azureDevopsPipelineRun"' } } },
          },
        ],
      }),
    );
  });
  afterAll(async () => sims?.close());

  it('holds its blueprint: runs older than the cap stay in Port', async () => {
    const pipeline = sims.ado.model.projectList().flatMap((p) => sims.ado.model.pipelinesOf(p.id))[0]!;
    const runs = sims.ado.model.buildsOfPipeline(pipeline.id);
    expect(runs.length).toBeGreaterThan(10_000);
    // A run Port knows from earlier (written by this integration) that the API no longer returns:
    // past the cap, the sync cannot tell an old run from a deleted one.
    const old = `${pipeline.projectId}/${pipeline.id}/99999900`;
    sims.port.seed.blueprint({ identifier: 'azureDevopsPipelineRun', title: 'Pipeline run', schema: { properties: {}, required: [] }, relations: {} });
    sims.port.seed.entities('azureDevopsPipelineRun', [{ identifier: old }], { datasource: 'port-ocean/azure-devops/0.1.0/my-azure-devops-integration/exporter' });
    const run = await sync(sims, ['--mapping', mapping, '--kinds', 'pipeline-run']);
    expect(run.stdout).toMatch(/pipeline-run #0: incomplete listing: pipeline '.*' has at least 10000 runs/);
    expect(sims.port.entity('azureDevopsPipelineRun', old), 'a run the cap may hide').toBeDefined();
    expect(run.stdout).toMatch(/azureDevopsPipelineRun: 1 stale entity kept, resource pipeline-run #0: listing incomplete/);
    expect(sims.port.entities('azureDevopsPipelineRun').length).toBeGreaterThan(50);
  });
});

describe('counting deletions', () => {
  let sims: Simulators;
  const M = ['--mapping', oracleMapping()];
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 79, scale: { base: 'tiny', workItems: 20 } } });
  });
  afterAll(async () => sims?.close());

  it('counts each deletion once, though three resources write the repository blueprint', async () => {
    const model = sims.ado.model;
    expect((await sync(sims, M)).code).toBe(0);
    const repository = model.projectList().flatMap((p) => model.repositoriesOf(p.id))[0]!;
    sims.ado.mutate.deleteRepository(repository.id);
    sims.port.clearCalls();
    const summaryPath = join(mkdtempSync(join(tmpdir(), 'deletion-count-')), 'summary.json');
    const run = await sync(sims, [...M, '--summary', summaryPath]);
    expect(run.code, run.stdout).toBe(0);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { resources: { kind: string; blueprints: string[]; deleted: number }[]; deletions: { blueprints: { blueprint: string; deleted: number }[] } };
    expect(deleteCalls(sims).length).toBeGreaterThan(0);
    // What Port answered it deleted, per blueprint.
    const deleted = new Map(summary.deletions.blueprints.map((b) => [b.blueprint, b.deleted]));
    expect(deleted.get('azureDevopsRepository')).toBe(1);
    const writers = summary.resources.filter((r) => r.blueprints.includes('azureDevopsRepository'));
    expect(writers.length).toBeGreaterThan(1);
    expect(writers.reduce((n, r) => n + r.deleted, 0)).toBe(1);
    const written = new Set(summary.resources.flatMap((r) => r.blueprints));
    const expected = [...deleted].filter(([blueprint]) => written.has(blueprint)).reduce((n, [, count]) => n + count, 0);
    expect(summary.resources.reduce((n, r) => n + r.deleted, 0)).toBe(expected);
  });

  it('lists the blueprint the run writes nothing to, and counts its deletions in the total a pipeline gates on', async () => {
    sims.port.reset();
    const resources = structuredClone(defaultPortAppConfig('server').resources.filter((r) => r.kind === 'work-item' || r.kind === 'repository'));
    for (const r of resources) delete (r.port.entity.mappings as { relations?: unknown }).relations;
    const mapping = oracleMapping({ resources });
    expect((await sync(sims, ['--mapping', mapping])).code).toBe(0);
    const repositories = sims.port.entities('azureDevopsRepository').length;
    expect(repositories).toBeGreaterThan(0);
    for (const project of sims.ado.model.projectList()) for (const repository of sims.ado.model.repositoriesOf(project.id)) sims.ado.mutate.deleteRepository(repository.id);

    const summaryPath = join(mkdtempSync(join(tmpdir(), 'plan-deletions-')), 'summary.json');
    const plan = await sync(sims, ['--mapping', mapping, '--plan', '--summary', summaryPath]);
    expect(plan.code, plan.stdout).toBe(0);
    const row = /azureDevopsRepository\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(plan.stdout);
    expect(row, plan.stdout).not.toBeNull();
    expect(Number(row![4]), 'repositories to delete').toBe(repositories);
    // The rows a pipeline's `deleted` output adds up.
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { plan: { blueprint: string; delete: number }[] };
    expect(summary.plan.find((p) => p.blueprint === 'azureDevopsRepository')?.delete).toBe(repositories);

    const run = await sync(sims, ['--mapping', mapping]);
    expect(run.code, run.stdout).toBe(0);
    expect(sims.port.entities('azureDevopsRepository')).toEqual([]);
  });
});
