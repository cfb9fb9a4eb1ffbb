/**
 * Convergence soak: rounds of random creates, updates, renames and deletes in the simulated
 * organization (a fixed seed), each followed by a sync; after every round Port must hold exactly
 * what the default mapping implies for the organization as it is, computed independently from the
 * simulator's model (test/support/default-catalog-oracle.ts).
 *
 * CI runs 20 rounds. By hand: `SOAK_ROUNDS=300 SOAK_SEED=7 npx vitest run test/reliability/convergence-soak.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { expectConverged, oracleMapping, sync } from './harness';

const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 20);
const SEED = Number(process.env.SOAK_SEED ?? 20_240_501);
/** The default mapping's resources for the kinds the oracle models: Port must equal its catalog exactly. */
const MAPPING = ['--mapping', oracleMapping()];

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Mutation = { name: string; apply: () => string | undefined };

function mutations(sims: Simulators, rnd: () => number): Mutation[] {
  const model = sims.ado.model;
  const mutate = sims.ado.mutate;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}-${Math.floor(rnd() * 1e6)}`;
  const pick = <T>(items: readonly T[]): T | undefined => (items.length === 0 ? undefined : items[Math.floor(rnd() * items.length)]);
  const projects = () => model.projectList().filter((p) => p.state === 'wellFormed');
  const repositories = () => projects().flatMap((p) => model.repositoriesOf(p.id));
  const enabled = () => repositories().filter((r) => !r.isDisabled && r.defaultBranch);
  const workItems = () => projects().flatMap((p) => model.workItemsOf(p.id));
  const pipelines = () => projects().flatMap((p) => model.pipelinesOf(p.id));
  const teams = () => projects().flatMap((p) => model.teamsOf(p.id));

  return [
    { name: 'create work item', apply: () => { const p = pick(projects()); if (!p) return; const w = mutate.createWorkItem(p.id, { type: 'Task', title: unique('task') }); return `work item ${w.id}`; } },
    { name: 'rename work item', apply: () => { const w = pick(workItems()); if (!w) return; mutate.updateWorkItem(w.id, { title: unique('renamed') }); return `work item ${w.id}`; } },
    { name: 'move work item to another state', apply: () => { const w = pick(workItems()); const other = w && pick(workItems().filter((o) => o.type === w.type && o.projectId === w.projectId && o.state !== w.state)); if (!w || !other) return; mutate.updateWorkItem(w.id, { state: other.state }); return `work item ${w.id} → ${other.state}`; } },
    { name: 'delete work item', apply: () => { const w = pick(workItems()); if (!w) return; mutate.deleteWorkItem(w.id); return `work item ${w.id}`; } },
    { name: 'create repository', apply: () => { const p = pick(projects()); if (!p) return; const r = mutate.createRepository(p.id, { name: unique('repo') }); return `repository ${r.name}`; } },
    { name: 'rename repository', apply: () => { const r = pick(repositories()); if (!r) return; mutate.updateRepository(r.id, { name: unique('renamed-repo') }); return `repository ${r.id}`; } },
    { name: 'disable or enable repository', apply: () => { const r = pick(repositories()); if (!r) return; mutate.updateRepository(r.id, { isDisabled: !r.isDisabled }); return `repository ${r.id} disabled=${!r.isDisabled}`; } },
    {
      name: 'delete repository',
      apply: () => {
        // Pipelines that build it go first: a pipeline pointing at a deleted repository is a dangling relation, not this test's subject.
        const r = pick(repositories().filter((x) => model.repositoriesOf(x.projectId).length > 1 && !pipelines().some((pl) => pl.repositoryId === x.id)));
        if (!r) return;
        mutate.deleteRepository(r.id);
        return `repository ${r.id}`;
      },
    },
    { name: 'push a new branch', apply: () => { const r = pick(enabled()); if (!r) return; const branch = `feature/${unique('b')}`; mutate.push(r.id, { branch, files: { [`${branch}.txt`]: 'x' } }); return `${r.name} ${branch}`; } },
    { name: 'push to a branch', apply: () => { const r = pick(enabled()); const b = r && pick(model.branchesOf(r.id)); if (!r || !b) return; mutate.push(r.id, { branch: b.name, files: { 'soak.txt': unique('content') } }); return `${r.name} ${b.name}`; } },
    { name: 'delete branch', apply: () => { const r = pick(enabled()); const b = r && pick(model.branchesOf(r.id).filter((x) => x.name !== r.defaultBranch)); if (!r || !b) return; mutate.deleteBranch(r.id, b.name); return `${r.name} ${b.name}`; } },
    {
      name: 'open pull request',
      apply: () => {
        const r = pick(enabled());
        const b = r && pick(model.branchesOf(r.id).filter((x) => x.name !== r.defaultBranch));
        if (!r || !b) return;
        const pr = mutate.createPullRequest(r.id, { title: unique('pr'), sourceRefName: b.name });
        return `pull request ${pr.id}`;
      },
    },
    {
      name: 'complete, abandon or retitle pull request',
      apply: () => {
        const pr = pick(enabled().flatMap((r) => model.pullRequestsOf(r.id)).filter((p) => p.status === 'active'));
        if (!pr) return;
        const choice = rnd();
        mutate.updatePullRequest(pr.id, choice < 0.4 ? { status: 'completed' } : choice < 0.7 ? { status: 'abandoned' } : { title: unique('retitled') });
        return `pull request ${pr.id}`;
      },
    },
    { name: 'create team', apply: () => { const p = pick(projects()); if (!p) return; const members = [...model.users.all()].slice(0, 1 + Math.floor(rnd() * 3)).map((u) => u.id); const t = mutate.createTeam(p.id, { name: unique('team'), memberIds: members }); return `team ${t.name}`; } },
    { name: 'rename team', apply: () => { const t = pick(teams()); if (!t) return; mutate.updateTeam(t.id, { name: unique('renamed-team') }); return `team ${t.id}`; } },
    { name: 'change team members', apply: () => { const t = pick(teams()); const u = pick([...model.users.all()]); if (!t || !u) return; mutate.updateTeam(t.id, { memberIds: t.memberIds.includes(u.id) ? t.memberIds.filter((m) => m !== u.id) : [...t.memberIds, u.id] }); return `team ${t.id}`; } },
    { name: 'delete team', apply: () => { const t = pick(teams().filter((x) => !x.isDefault)); if (!t) return; mutate.deleteTeam(t.id); return `team ${t.id}`; } },
    { name: 'create pipeline', apply: () => { const r = pick(enabled()); if (!r) return; const pl = mutate.createPipeline(r.projectId, { name: unique('pipeline'), repositoryId: r.id }); return `pipeline ${pl.id}`; } },
    { name: 'rename pipeline', apply: () => { const pl = pick(pipelines()); if (!pl) return; mutate.updatePipeline(pl.id, { name: unique('renamed-pipeline') }); return `pipeline ${pl.id}`; } },
    {
      name: 'delete pipeline',
      apply: () => {
        const pl = pick(pipelines());
        if (!pl) return;
        // Deleting a pipeline deletes its runs in Azure DevOps (the simulator's mutation keeps them).
        for (const build of model.buildsOfPipeline(pl.id)) model.builds.delete(build.id);
        mutate.deletePipeline(pl.id);
        return `pipeline ${pl.id}`;
      },
    },
    {
      name: 'run pipeline',
      apply: () => {
        const pl = pick(pipelines());
        if (!pl) return;
        const run = mutate.queueRun(pl.id);
        if (rnd() < 0.6) mutate.setRunState(run.id, { status: 'completed', result: rnd() < 0.7 ? 'succeeded' : 'failed' });
        return `run ${run.id}`;
      },
    },
    {
      name: 'create or abandon release',
      apply: () => {
        const p = pick(projects());
        const definition = p && pick(model.releaseDefinitionsOf(p.id));
        if (!p || !definition) return;
        const active = model.releasesOfProject(p.id).filter((r) => r.status === 'active');
        if (rnd() < 0.5 && active.length > 0) {
          const release = pick(active)!;
          mutate.abandonRelease(release.id);
          return `release ${release.id} abandoned`;
        }
        return `release ${mutate.createRelease(p.id, definition.id).id}`;
      },
    },
    { name: 'create project', apply: () => { if (projects().length >= 4) return; const p = mutate.createProject({ name: unique('Project') }); return `project ${p.name}`; } },
    { name: 'rename project', apply: () => { const p = pick(projects()); if (!p) return; mutate.updateProject(p.id, { name: unique('Renamed Project') }); return `project ${p.id}`; } },
    { name: 'delete project', apply: () => { if (projects().length <= 2) return; const p = pick(projects()); if (!p) return; mutate.deleteProject(p.id); return `project ${p.id}`; } },
  ];
}

describe(`convergence soak (${ROUNDS} rounds, seed ${SEED})`, () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: SEED % 1000, scale: { base: 'tiny', workItems: 30, repositories: 5, branches: 12, pullRequests: 10, pipelines: 3, builds: 8, releases: 4 } } });
    const first = await sync(sims, MAPPING);
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    expectConverged(sims);
  });
  afterAll(async () => sims?.close());

  it('Port equals what the mapping implies after every round', async () => {
    const rnd = random(SEED);
    const menu = mutations(sims, rnd);
    const history: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const applied: string[] = [];
      const count = 2 + Math.floor(rnd() * 5);
      for (let i = 0; i < count; i++) {
        const mutation = menu[Math.floor(rnd() * menu.length)]!;
        const what = mutation.apply();
        if (what) applied.push(`${mutation.name}: ${what}`);
      }
      history.push(`round ${round}: ${applied.join('; ')}`);
      const run = await sync(sims, MAPPING);
      const context = `${history.join('\n')}\n\n${run.stdout}\n${run.stderr}`;
      expect(run.code, context).toBe(0);
      expect(run.stdout, context).not.toContain('Deletions were skipped');
      try {
        expectConverged(sims);
      } catch (error) {
        throw new Error(`after ${history.at(-1)}:\n${error instanceof Error ? error.message : String(error)}\n\n${context}`);
      }
    }
  }, 60_000 + ROUNDS * 15_000);
});
