import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { cloudHost, followHeaderPages, get, type ListBody } from './helpers';

/** One organization with enough of everything to see every page limit (tiny elsewhere, so it stays fast). */
let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({
    scale: { base: 'tiny', projects: 130, repositories: 130, branches: 1300, pullRequests: 1250, pipelines: 130, builds: 600, releaseDefinitions: 2, releases: 230, teams: 140, users: 40 },
    seed: 3,
  });
});
afterAll(async () => {
  await sim.close();
});

const activeProjects = () => sim.model.projectList().filter((p) => p.state === 'wellFormed');

describe('projects (x-ms-continuationtoken, default 100)', () => {
  it('returns 100 by default with a token that counts the projects fetched', async () => {
    const res = await get(sim, '/_apis/projects');
    expect(res.json<ListBody>().count).toBe(100);
    expect(res.header('x-ms-continuationtoken')).toBe('100');
  });

  it('lists every project across pages, in the same order as the model', async () => {
    const { items, pages } = await followHeaderPages<{ id: string }>(sim, '/_apis/projects');
    expect(pages).toBe(2);
    expect(items.map((p) => p.id)).toEqual(activeProjects().map((p) => p.id));
  });

  it('caps $top at 1000 and omits the token on the last page', async () => {
    const res = await get(sim, '/_apis/projects?$top=5000');
    expect(res.json<ListBody>().count).toBe(activeProjects().length);
    expect(res.header('x-ms-continuationtoken')).toBeUndefined();
  });

  it('includes projects in other states only with stateFilter=all', async () => {
    const all = await followHeaderPages<{ state: string }>(sim, '/_apis/projects?stateFilter=all&$top=1000');
    expect(all.items.length).toBe(sim.model.projects.count());
    expect(all.items.some((p) => p.state !== 'wellFormed')).toBe(true);
  });
});

describe('teams and members ($top/$skip)', () => {
  it('pages all teams with $top/$skip and stops on a short page', async () => {
    const seen: string[] = [];
    for (let skip = 0; ; skip += 50) {
      const page = (await get(sim, `/_apis/teams?api-version=7.1-preview.3&$top=50&$skip=${skip}`)).json<ListBody<{ id: string }>>().value;
      seen.push(...page.map((t) => t.id));
      if (page.length < 50) break;
    }
    const expected = activeProjects().flatMap((p) => sim.model.teamsOf(p.id)).map((t) => t.id);
    expect(seen.sort()).toEqual(expected.sort());
    expect((await get(sim, '/_apis/teams?api-version=7.1-preview.3')).json<ListBody>().count).toBe(100);
  });

  it('pages team members', async () => {
    const team = activeProjects().flatMap((p) => sim.model.teamsOf(p.id)).find((t) => t.memberIds.length >= 3);
    if (!team) throw new Error('no team with 3 members');
    const first = (await get(sim, `/_apis/projects/${team.projectId}/teams/${team.id}/members?$top=2`)).json<ListBody<{ identity: { id: string } }>>();
    const rest = (await get(sim, `/_apis/projects/${team.projectId}/teams/${team.id}/members?$top=100&$skip=2`)).json<ListBody<{ identity: { id: string } }>>();
    expect([...first.value, ...rest.value].map((m) => m.identity.id)).toEqual(team.memberIds);
  });
});

describe('refs', () => {
  const busiest = () => [...sim.model.repositories.all()].filter((r) => r.defaultBranch && !r.isDisabled).sort((a, b) => sim.model.branchesOf(b.id).length - sim.model.branchesOf(a.id).length)[0];

  it('returns every ref without $top and without a token', async () => {
    const repo = busiest();
    if (!repo) throw new Error('no repository');
    const res = await get(sim, `/_apis/git/repositories/${repo.id}/refs?filter=heads/`);
    expect(res.json<ListBody>().count).toBe(sim.model.branchesOf(repo.id).length);
    expect(res.header('x-ms-continuationtoken')).toBeUndefined();
  });

  it('pages with $top and defaults to 100 when only a token is sent', async () => {
    const repo = busiest();
    if (!repo) throw new Error('no repository');
    const expected = sim.model.branchesOf(repo.id).map((b) => b.name);
    expect(expected.length).toBeGreaterThan(20);
    const first = await get(sim, `/_apis/git/repositories/${repo.id}/refs?$top=10`);
    expect(first.json<ListBody>().count).toBe(10);
    const token = first.header('x-ms-continuationtoken');
    expect(token).toBeDefined();
    const second = await get(sim, `/_apis/git/repositories/${repo.id}/refs?continuationToken=${encodeURIComponent(token ?? '')}`);
    expect(second.json<ListBody>().count).toBe(Math.min(100, expected.length - 10));
    const { items } = await followHeaderPages<{ name: string }>(sim, `/_apis/git/repositories/${repo.id}/refs?$top=7`);
    expect(items.map((r) => r.name)).toEqual(expected);
  });

  it('caps $top at 1000', async () => {
    const big = await startAzureDevOpsSimulator({ scale: { base: 'tiny', projects: 1, repositories: 1, branches: 1100 } });
    try {
      const repo = [...big.model.repositories.all()][0];
      const res = await get(big, `/_apis/git/repositories/${repo?.id ?? ''}/refs?$top=5000`);
      expect(res.json<ListBody>().count).toBe(1000);
      expect(res.header('x-ms-continuationtoken')).toBeDefined();
    } finally {
      await big.close();
    }
  });
});

describe('pull requests ($top/$skip, default 101, at most 1000)', () => {
  it('returns active ones by default, 101 at a time, newest first', async () => {
    const project = activeProjects().sort((a, b) => sim.model.repositoriesOf(b.id).length - sim.model.repositoriesOf(a.id).length)[0];
    if (!project) throw new Error('no project');
    const all = (await get(sim, `/${project.id}/_apis/git/pullrequests?searchCriteria.status=all&$top=1000`)).json<ListBody<{ pullRequestId: number; status: string }>>().value;
    const ids = all.map((p) => p.pullRequestId);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const active = (await get(sim, `/${project.id}/_apis/git/pullrequests`)).json<ListBody<{ status: string }>>().value;
    expect(active.every((p) => p.status === 'active')).toBe(true);
  });

  it('defaults to 101 and clamps $top to 1000', async () => {
    const one = await startAzureDevOpsSimulator({ scale: { base: 'tiny', projects: 1, repositories: 1, pullRequests: 1100 } });
    try {
      const repo = [...one.model.repositories.all()][0];
      const path = `/_apis/git/repositories/${repo?.id ?? ''}/pullrequests?searchCriteria.status=all`;
      expect((await get(one, path)).json<ListBody>().count).toBe(101);
      expect((await get(one, `${path}&$top=5000`)).json<ListBody>().count).toBe(1000);
      const rest = (await get(one, `${path}&$top=1000&$skip=1000`)).json<ListBody<{ pullRequestId: number }>>();
      expect(rest.count).toBe(100);
      expect(rest.value.at(-1)?.pullRequestId).toBe(1);
    } finally {
      await one.close();
    }
  });
});

describe('builds, pipelines, definitions (x-ms-continuationtoken)', () => {
  it('pages builds with a timestamp-like token and returns each build once', async () => {
    const project = activeProjects().sort((a, b) => sim.model.buildsOfProject(b.id).length - sim.model.buildsOfProject(a.id).length)[0];
    if (!project) throw new Error('no project');
    const expected = sim.model.buildsOfProject(project.id).map((b) => b.id).sort((a, b) => b - a);
    const first = await get(sim, `/${project.id}/_apis/build/builds?$top=3`);
    expect(first.header('x-ms-continuationtoken')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const { items } = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/build/builds?$top=3&queryOrder=queueTimeDescending`);
    expect(items.map((b) => b.id)).toEqual(expected);
    const ascending = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/build/builds?$top=4&queryOrder=queueTimeAscending`);
    expect(ascending.items.map((b) => b.id)).toEqual([...expected].reverse());
  });

  it('pages pipelines and build definitions', async () => {
    const project = activeProjects().sort((a, b) => sim.model.pipelinesOf(b.id).length - sim.model.pipelinesOf(a.id).length)[0];
    if (!project) throw new Error('no project');
    const expected = sim.model.pipelinesOf(project.id).map((p) => p.id).sort((a, b) => a - b);
    const pipelines = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/pipelines?$top=1`);
    expect(pipelines.items.map((p) => p.id).sort((a, b) => a - b)).toEqual(expected);
    expect(pipelines.pages).toBe(expected.length);
    const definitions = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/build/definitions?$top=1`);
    expect(definitions.items.map((p) => p.id).sort((a, b) => a - b)).toEqual(expected);
  });
});

describe('releases (default 50, max 100)', () => {
  it('pages on vsrm with an id token', async () => {
    const project = activeProjects().sort((a, b) => sim.model.releasesOfProject(b.id).length - sim.model.releasesOfProject(a.id).length)[0];
    if (!project) throw new Error('no project');
    const expected = sim.model.releasesOfProject(project.id).map((r) => r.id).sort((a, b) => b - a);
    expect(expected.length).toBeGreaterThan(100);
    const host = cloudHost(sim, 'vsrm');
    expect((await get(sim, `/${project.id}/_apis/release/releases`, { host })).json<ListBody>().count).toBe(50);
    expect((await get(sim, `/${project.id}/_apis/release/releases?$top=500`, { host })).json<ListBody>().count).toBe(100);
    const { items } = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/release/releases?$top=100`, { host });
    expect(items.map((r) => r.id)).toEqual(expected);
  });
});

describe('pipeline runs (top 10,000, no paging)', () => {
  it('returns at most 10,000 runs and no token', async () => {
    const one = await startAzureDevOpsSimulator({ scale: { base: 'tiny', projects: 1, repositories: 1, pipelines: 1, builds: 10_050 } });
    try {
      const pipeline = [...one.model.pipelines.all()][0];
      if (!pipeline) throw new Error('no pipeline');
      const res = await get(one, `/${pipeline.projectId}/_apis/pipelines/${pipeline.id}/runs`);
      const body = res.json<ListBody<{ id: number }>>();
      expect(body.count).toBe(10_000);
      expect(body.value[0]?.id).toBe(10_050);
      expect(res.header('x-ms-continuationtoken')).toBeUndefined();
    } finally {
      await one.close();
    }
  });
});
