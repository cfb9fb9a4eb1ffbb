import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository, startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { cloudHost, followHeaderPages, get, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', pullRequests: 300, builds: 120 }, seed: 5 });
});
afterAll(async () => {
  await sim.close();
});

const projects = () => sim.model.projectList().filter((p) => p.state === 'wellFormed');
const busiestRepo = () => [...sim.model.repositories.all()].filter(isActiveRepository).sort((a, b) => sim.model.pullRequestsOf(b.id).length - sim.model.pullRequestsOf(a.id).length)[0];

describe('projects and teams', () => {
  it('returns a project with capabilities and its default team', async () => {
    const project = projects()[0];
    if (!project) throw new Error('no project');
    const body = (await get(sim, `/_apis/projects/${encodeURIComponent(project.name)}?includeCapabilities=true`)).json<{ id: string; capabilities: { processTemplate: { templateName: string } }; defaultTeam: { id: string } }>();
    expect(body.id).toBe(project.id);
    expect(body.capabilities.processTemplate.templateName).toBe(project.process);
    expect(body.defaultTeam.id).toBe(project.defaultTeamId);
  });

  it('filters project properties by key with wildcards', async () => {
    const project = projects().find((p) => p.tags.length > 0) ?? projects()[0];
    if (!project) throw new Error('no project');
    const res = await get(sim, `/_apis/projects/${project.id}/properties?api-version=7.1-preview.1&keys=Microsoft.TeamFoundation.Project.Tag.*`);
    const names = res.json<ListBody<{ name: string }>>().value.map((p) => p.name);
    expect(names).toEqual(project.tags.map((t) => `Microsoft.TeamFoundation.Project.Tag.${t}`));
    const process = (await get(sim, `/_apis/projects/${project.id}/properties?api-version=7.1-preview.1&keys=System.Process%20Template`)).json<ListBody<{ value: string }>>();
    expect(process.value[0]?.value).toBe(project.process);
  });

  it('lists a project’s teams and a team’s members', async () => {
    const project = projects()[0];
    if (!project) throw new Error('no project');
    const teams = (await get(sim, `/_apis/projects/${project.id}/teams`)).json<ListBody<{ id: string; projectId: string; identityUrl: string }>>().value;
    expect(teams.map((t) => t.id).sort()).toEqual(sim.model.teamsOf(project.id).map((t) => t.id).sort());
    expect(teams[0]?.identityUrl).toContain('/_apis/Identities/');
  });

  it('answers the pre-flight with the authenticated identity', async () => {
    const body = (await get(sim, '/_apis/connectionData', { host: cloudHost(sim) })).json<{ authenticatedUser: { id: string; providerDisplayName: string }; instanceId: string }>();
    expect(body.authenticatedUser.id).toBe(sim.model.owner()?.id);
    expect(body.instanceId).toBe(sim.model.id);
  });
});

describe('repositories, refs, pull requests, policies', () => {
  it('lists repositories including disabled ones, and hides the empty repository’s default branch', async () => {
    const all = (await get(sim, '/_apis/git/repositories')).json<ListBody<{ id: string; isDisabled: boolean; defaultBranch?: string }>>().value;
    expect(all.map((r) => r.id).sort()).toEqual([...sim.model.repositories.all()].filter((r) => sim.model.projects.get(r.projectId)?.state === 'wellFormed').map((r) => r.id).sort());
    const disabled = [...sim.model.repositories.all()].find((r) => r.isDisabled);
    if (disabled) {
      expect(all.find((r) => r.id === disabled.id)?.isDisabled).toBe(true);
      expect((await get(sim, `/_apis/git/repositories/${disabled.id}/refs`)).status).toBe(404);
    }
  });

  it('gets a repository by name within its project', async () => {
    const repo = busiestRepo();
    if (!repo) throw new Error('no repository');
    const res = await get(sim, `/${repo.projectId}/_apis/git/repositories/${encodeURIComponent(repo.name)}`);
    expect(res.json<{ id: string }>().id).toBe(repo.id);
    expect((await get(sim, `/_apis/git/repositories/${encodeURIComponent(repo.name)}`)).status).toBe(404);
  });

  it('filters pull requests by status and closed time', async () => {
    const repo = busiestRepo();
    if (!repo) throw new Error('no repository');
    const prs = sim.model.pullRequestsOf(repo.id);
    const minTime = new Date(sim.model.now - 60 * 86_400_000).toISOString();
    const path = `/_apis/git/repositories/${repo.id}/pullrequests?searchCriteria.status=completed&searchCriteria.queryTimeRangeType=closed&searchCriteria.minTime=${minTime}&$top=1000`;
    const res = (await get(sim, path)).json<ListBody<{ pullRequestId: number; closedDate: string }>>().value;
    const expected = prs.filter((p) => p.status === 'completed' && p.closedDate !== null && p.closedDate >= Date.parse(minTime)).map((p) => p.id).sort((a, b) => b - a);
    expect(res.map((p) => p.pullRequestId)).toEqual(expected);
    expect(res[0]?.closedDate).toMatch(/\.\d{7}Z$/);
    const abandoned = (await get(sim, `/_apis/git/repositories/${repo.id}/pullrequests?searchCriteria.status=abandoned&$top=1000`)).json<ListBody<{ pullRequestId: number }>>().value;
    expect(abandoned.map((p) => p.pullRequestId).sort((a, b) => a - b)).toEqual(prs.filter((p) => p.status === 'abandoned').map((p) => p.id).sort((a, b) => a - b));
    expect((await get(sim, `/_apis/git/repositories/${repo.id}/pullrequests?searchCriteria.status=bogus`)).status).toBe(400);
  });

  it('gets a pull request by id at organization level', async () => {
    const pr = sim.model.pullRequests.get(1);
    if (!pr) throw new Error('no PR');
    const body = (await get(sim, '/_apis/git/pullrequests/1')).json<{ pullRequestId: number; repository: { id: string } }>();
    expect(body).toMatchObject({ pullRequestId: 1, repository: { id: pr.repositoryId } });
    expect((await get(sim, '/_apis/git/pullrequests/999999')).status).toBe(404);
  });

  it('returns the policies that apply to a repository’s default branch', async () => {
    const project = projects().find((p) => sim.model.policies.children(p.id).length > 1);
    if (!project) throw new Error('no project with policies');
    const policy = sim.model.policies.children(project.id).find((p) => p.scopes[0]?.repositoryId);
    const repo = sim.model.repositories.get(policy?.scopes[0]?.repositoryId ?? '');
    if (!repo) throw new Error('no repository policy');
    const res = (await get(sim, `/${project.id}/_apis/git/policy/configurations?repositoryId=${repo.id}&refName=${repo.defaultBranch ?? ''}`)).json<ListBody<{ id: number; settings: { scope: { repositoryId: string | null }[] } }>>().value;
    const expected = sim.model.policies
      .children(project.id)
      .filter((p) => p.scopes.some((s) => (s.repositoryId === null || s.repositoryId === repo.id) && (s.matchKind === 'DefaultBranch' || s.refName === repo.defaultBranch)))
      .map((p) => p.id)
      .sort((a, b) => a - b);
    expect(res.map((p) => p.id)).toEqual(expected);
    const paged = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/git/policy/configurations?$top=1`);
    expect(paged.items.map((p) => p.id)).toEqual(sim.model.policies.children(project.id).map((p) => p.id).sort((a, b) => a - b));
  });
});

describe('pipelines, runs, builds, timelines', () => {
  const project = () => projects().sort((a, b) => sim.model.buildsOfProject(b.id).length - sim.model.buildsOfProject(a.id).length)[0];

  it('lists runs of a pipeline newest first and gets one with its resources', async () => {
    const p = project();
    const pipeline = sim.model.pipelinesOf(p?.id ?? '').find((x) => sim.model.buildsOfPipeline(x.id).length > 0);
    if (!pipeline) throw new Error('no pipeline with runs');
    const runs = (await get(sim, `/${pipeline.projectId}/_apis/pipelines/${pipeline.id}/runs`)).json<ListBody<{ id: number; state: string; pipeline: { id: number } }>>().value;
    expect(runs.map((r) => r.id)).toEqual(sim.model.buildsOfPipeline(pipeline.id).map((b) => b.id).sort((a, b) => b - a));
    expect(runs[0]?.pipeline.id).toBe(pipeline.id);
    const one = (await get(sim, `/${pipeline.projectId}/_apis/pipelines/${pipeline.id}/runs/${runs[0]?.id ?? 0}`)).json<{ resources: { repositories: { self: { refName: string } } } }>();
    expect(one.resources.repositories.self.refName).toMatch(/^refs\//);
  });

  it('filters builds by minTime on the finish time with queryOrder=finishTimeDescending', async () => {
    const p = project();
    if (!p) throw new Error('no project');
    const minTime = sim.model.now - 100 * 86_400_000;
    const { items } = await followHeaderPages<{ id: number; finishTime: string }>(sim, `/${p.id}/_apis/build/builds?queryOrder=finishTimeDescending&minTime=${new Date(minTime).toISOString()}&$top=10`);
    const expected = sim.model.buildsOfProject(p.id).filter((b) => b.finishTime !== null && b.finishTime >= minTime).sort((a, b) => (b.finishTime ?? 0) - (a.finishTime ?? 0)).map((b) => b.id);
    expect(items.map((b) => b.id)).toEqual(expected);
  });

  it('filters builds by definition and status', async () => {
    const p = project();
    const pipeline = sim.model.pipelinesOf(p?.id ?? '')[0];
    if (!p || !pipeline) throw new Error('no pipeline');
    const res = (await get(sim, `/${p.id}/_apis/build/builds?definitions=${pipeline.id}&statusFilter=completed`)).json<ListBody<{ id: number; definition: { id: number } }>>().value;
    expect(res.map((b) => b.id).sort((a, b) => a - b)).toEqual(sim.model.buildsOfPipeline(pipeline.id).filter((b) => b.status === 'completed').map((b) => b.id).sort((a, b) => a - b));
  });

  it('returns a build’s timeline with stages, phases, jobs and tasks', async () => {
    const build = sim.model.buildsOfProject(project()?.id ?? '').find((b) => b.result === 'failed') ?? sim.model.buildsOfProject(project()?.id ?? '')[0];
    if (!build) throw new Error('no build');
    const body = (await get(sim, `/${build.projectId}/_apis/build/builds/${build.id}/timeline`)).json<{ records: { type: string; name: string; result: string | null; parentId: string | null }[] }>();
    const stages = body.records.filter((r) => r.type === 'Stage');
    expect(stages.map((s) => s.name)).toEqual(build.stageNames);
    expect(body.records.some((r) => r.type === 'Job')).toBe(true);
    if (build.result === 'failed') expect(stages.some((s) => s.result === 'failed')).toBe(true);
  });

  it('returns a build definition with its repository', async () => {
    const pipeline = sim.model.pipelinesOf(project()?.id ?? '').find((x) => x.repositoryId !== null);
    if (!pipeline) throw new Error('no pipeline with a repository');
    const body = (await get(sim, `/${pipeline.projectId}/_apis/build/definitions/${pipeline.id}`)).json<{ id: number; repository: { id: string } }>();
    expect(body).toMatchObject({ id: pipeline.id, repository: { id: pipeline.repositoryId } });
  });
});

describe('releases', () => {
  it('filters by definition and expands environments', async () => {
    const project = projects().find((p) => sim.model.releasesOfProject(p.id).length > 0);
    const definition = sim.model.releaseDefinitionsOf(project?.id ?? '')[0];
    if (!project || !definition) throw new Error('no release definition');
    const res = (await get(sim, `/${project.id}/_apis/release/releases?definitionId=${definition.id}&$expand=environments&$top=100`, { host: cloudHost(sim, 'vsrm') })).json<ListBody<{ id: number; environments: { name: string }[] }>>().value;
    expect(res.map((r) => r.id)).toEqual(sim.model.releases.children(`${project.id}|${definition.id}`).map((r) => r.id).sort((a, b) => b - a).slice(0, 100));
    expect(res[0]?.environments.map((e) => e.name)).toEqual(definition.environments.map((e) => e.name));
  });
});
