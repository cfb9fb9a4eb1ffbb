import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganizationModel, startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { followHeaderPages, get, send, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small', seed: 21 });
});
afterAll(async () => {
  await sim.close();
});

const firstProject = () => {
  const p = sim.model.projectList().find((x) => x.state === 'wellFormed');
  if (!p) throw new Error('no project');
  return p;
};

describe('mutations are visible through the API', () => {
  it('creates, renames and deletes a project', async () => {
    const created = sim.mutate.createProject({ name: 'Zeta (new)', process: 'Scrum' });
    let names = (await followHeaderPages<{ name: string }>(sim, '/_apis/projects')).items.map((p) => p.name);
    expect(names).toContain('Zeta (new)');
    sim.mutate.updateProject(created.id, { name: 'Zeta renamed' });
    expect((await get(sim, `/_apis/projects/${created.id}`)).json<{ name: string; revision: number }>()).toMatchObject({ name: 'Zeta renamed', revision: 2 });
    expect((await get(sim, `/_apis/projects/Zeta%20renamed`)).status).toBe(200);
    sim.mutate.deleteProject(created.id);
    names = (await followHeaderPages<{ name: string }>(sim, '/_apis/projects')).items.map((p) => p.name);
    expect(names).not.toContain('Zeta renamed');
  });

  it('creates a repository and pushes a file to a new branch', async () => {
    const project = firstProject();
    const repo = sim.mutate.createRepository(project.id, { name: 'service (new)' });
    sim.mutate.push(repo.id, { branch: 'feature/x', files: { '/catalog-info.yaml': 'kind: Component\n' }, message: 'Add catalog info' });
    const refs = (await get(sim, `/_apis/git/repositories/${repo.id}/refs?filter=heads/`)).json<ListBody<{ name: string }>>().value.map((r) => r.name);
    expect(refs).toEqual(['refs/heads/feature/x', 'refs/heads/main']);
    expect(sim.model.files(repo.id, 'refs/heads/feature/x')?.some((f) => f.path === '/catalog-info.yaml')).toBe(true);
    expect(sim.model.files(repo.id)?.some((f) => f.path === '/catalog-info.yaml')).toBe(false);
  });

  it('moves a pull request through its statuses', async () => {
    const repo = [...sim.model.repositories.all()].find((r) => r.defaultBranch && !r.isDisabled);
    if (!repo) throw new Error('no repository');
    const pr = sim.mutate.createPullRequest(repo.id, { title: 'Add health checks', sourceRefName: 'refs/heads/health' });
    const active = (await get(sim, `/_apis/git/repositories/${repo.id}/pullrequests`)).json<ListBody<{ pullRequestId: number }>>().value.map((p) => p.pullRequestId);
    expect(active[0]).toBe(pr.id);
    sim.mutate.updatePullRequest(pr.id, { status: 'completed' });
    const body = (await get(sim, `/_apis/git/pullrequests/${pr.id}`)).json<{ status: string; closedDate: string }>();
    expect(body.status).toBe('completed');
    expect(Date.parse(body.closedDate)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('creates, updates and deletes work items (and restores them)', async () => {
    const project = firstProject();
    const item = sim.mutate.createWorkItem(project.id, { type: 'Bug', title: 'Login fails on Safari' });
    const q = { query: `SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'Login fails on Safari'` };
    const found = await get(sim, '/_apis/wit/wiql?api-version=7.1', { method: 'POST', body: q });
    expect(found.json<{ workItems: { id: number }[] }>().workItems.map((w) => w.id)).toEqual([item.id]);
    sim.mutate.updateWorkItem(item.id, { state: 'Active' });
    expect((await get(sim, `/_apis/wit/workitems/${item.id}`)).json<{ rev: number; fields: Record<string, unknown> }>()).toMatchObject({ rev: 2, fields: { 'System.State': 'Active' } });
    sim.mutate.deleteWorkItem(item.id);
    expect((await get(sim, `/_apis/wit/workitems/${item.id}`)).status).toBe(404);
    sim.mutate.restoreWorkItem(item.id);
    expect((await get(sim, `/_apis/wit/workitems/${item.id}`)).status).toBe(200);
  });

  it('runs a pipeline and completes it', async () => {
    const pipeline = [...sim.model.pipelines.all()][0];
    if (!pipeline) throw new Error('no pipeline');
    const build = sim.mutate.queueRun(pipeline.id);
    expect((await get(sim, `/${pipeline.projectId}/_apis/pipelines/${pipeline.id}/runs/${build.id}`)).json<{ state: string }>().state).toBe('inProgress');
    sim.mutate.setRunState(build.id, { status: 'completed', result: 'failed' });
    const run = (await get(sim, `/${pipeline.projectId}/_apis/pipelines/${pipeline.id}/runs/${build.id}`)).json<{ state: string; result: string }>();
    expect(run).toMatchObject({ state: 'completed', result: 'failed' });
  });

  it('drives mutations over the control API', async () => {
    const project = firstProject();
    const res = await send(sim, '/_sim/mutations', { method: 'POST', body: { op: 'createTeam', args: [project.id, { name: 'Remote Team' }] }, pat: null });
    expect(res.status).toBe(200);
    const teamId = res.json<{ result: { id: string } }>().result.id;
    expect(sim.model.teams.get(teamId)?.name).toBe('Remote Team');
    const bad = await send(sim, '/_sim/mutations', { method: 'POST', body: { op: 'publish', args: [] }, pat: null });
    expect(bad.status).toBe(400);
    const failing = await send(sim, '/_sim/mutations', { method: 'POST', body: { op: 'createTeam', args: ['nope', { name: 'x' }] }, pat: null });
    expect(failing.status).toBe(400);
    expect(failing.json<{ message: string }>().message).toContain('No project nope');
  });

  it('resets to the generated organization', async () => {
    const before = [...sim.model.teams.all()].length;
    sim.mutate.createTeam(firstProject().id, { name: 'Temporary' });
    expect([...sim.model.teams.all()].length).toBe(before + 1);
    const res = await send(sim, '/_sim/reset', { method: 'POST', pat: null });
    expect(res.status).toBe(200);
    expect([...sim.model.teams.all()].length).toBeLessThan(before + 1);
    expect(sim.model.teams.baseSize).toBe([...sim.model.teams.all()].length);
  });
});

describe('determinism', () => {
  it('generates the same organization for the same seed and reference time', () => {
    const referenceTime = Date.parse('2025-03-01T00:00:00Z');
    const a = new OrganizationModel({ org: 'o', seed: 99, scale: 'small', referenceTime });
    const b = new OrganizationModel({ org: 'o', seed: 99, scale: 'small', referenceTime });
    const c = new OrganizationModel({ org: 'o', seed: 100, scale: 'small', referenceTime });
    const dump = (m: OrganizationModel) =>
      JSON.stringify([m.projectList(), [...m.teams.all()], [...m.repositories.all()], [...m.branches.all()], [...m.pullRequests.all()], [...m.workItems.all()], [...m.builds.all()], [...m.releases.all()], [...m.alerts.all()]]);
    expect(dump(a)).toBe(dump(b));
    expect(dump(a)).not.toBe(dump(c));
  });

  it('regenerates the same record on every read (lazy generation is pure)', () => {
    const m = new OrganizationModel({ org: 'o', seed: 5, scale: 'medium' });
    expect(JSON.stringify(m.workItems.get(1234))).toBe(JSON.stringify(m.workItems.get(1234)));
    expect(m.workItems.get(10)).toBeUndefined(); // every tenth id is a gap
  });
});

describe('realistic data', () => {
  it('has PRs in every status with close dates, disabled repos and projects in other states', () => {
    const m = new OrganizationModel({ org: 'o', seed: 1, scale: 'medium' });
    const prs = [...m.pullRequests.all()];
    for (const status of ['active', 'completed', 'abandoned'] as const) expect(prs.some((p) => p.status === status)).toBe(true);
    expect(prs.filter((p) => p.status !== 'active').every((p) => p.closedDate !== null && p.closedDate >= p.creationDate)).toBe(true);
    expect([...m.repositories.all()].some((r) => r.isDisabled)).toBe(true);
    expect([...m.repositories.all()].some((r) => /[ ()]/.test(r.name))).toBe(true);
    expect(m.projectList().some((p) => p.state !== 'wellFormed')).toBe(true);
    expect(new Set([...m.workItems.all()].map((w) => w.type)).size).toBeGreaterThan(5);
  });
});
