/**
 * The "changed since" filters incremental runs rely on (docs/incremental.md), each checked against
 * the organization model: the simulator must return exactly the items the filter admits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { cloudHost, followHeaderPages, get, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small', seed: 21 });
});
afterAll(async () => {
  await sim.close();
});

const DAY = 86_400_000;
const projects = () => sim.model.projectList().filter((p) => p.state === 'wellFormed');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('releases: minCreatedTime and releaseIdFilter', () => {
  it('lists only the releases created at or after minCreatedTime, following continuation tokens', async () => {
    const project = projects().find((p) => sim.model.releasesOfProject(p.id).length >= 4)!;
    const releases = sim.model.releasesOfProject(project.id);
    const since = median(releases.map((r) => r.createdOn));
    const { items } = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/release/releases?minCreatedTime=${new Date(since).toISOString()}&$top=2&api-version=7.1`, { host: cloudHost(sim, 'vsrm') });
    const expected = releases.filter((r) => r.createdOn >= since).map((r) => r.id).sort((a, b) => b - a);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(releases.length);
    expect(items.map((r) => r.id)).toEqual(expected);
  });

  it('lists the releases named by releaseIdFilter, and a release created by a mutation after the cursor', async () => {
    const project = projects().find((p) => sim.model.releaseDefinitionsOf(p.id).length > 0)!;
    const before = Date.now();
    const created = sim.mutate.createRelease(project.id, sim.model.releaseDefinitionsOf(project.id)[0]!.id);
    const recent = (await get(sim, `/${project.id}/_apis/release/releases?minCreatedTime=${new Date(before).toISOString()}&api-version=7.1`, { host: cloudHost(sim, 'vsrm') })).json<ListBody<{ id: number }>>().value;
    expect(recent.map((r) => r.id)).toEqual([created.id]);
    const older = sim.model.releasesOfProject(project.id).filter((r) => r.id !== created.id).slice(0, 2).map((r) => r.id);
    const named = (await get(sim, `/${project.id}/_apis/release/releases?releaseIdFilter=${older.join(',')}&api-version=7.1`, { host: cloudHost(sim, 'vsrm') })).json<ListBody<{ id: number }>>().value;
    expect(named.map((r) => r.id).sort()).toEqual([...older].sort());
  });
});

describe('releases without a project in the URL', () => {
  it('lists the releases of every visible project created at or after minCreatedTime, each with its projectReference', async () => {
    const all = projects().flatMap((p) => sim.model.releasesOfProject(p.id));
    const since = median(all.map((r) => r.createdOn));
    const { items } = await followHeaderPages<{ id: number; projectReference: { id: string } }>(sim, `/_apis/release/releases?minCreatedTime=${new Date(since).toISOString()}&$top=3&api-version=7.1`, { host: cloudHost(sim, 'vsrm') });
    const expected = all.filter((r) => r.createdOn >= since);
    expect(new Set(expected.map((r) => r.projectId)).size).toBeGreaterThan(1);
    expect(items.map((r) => r.id).sort((a, b) => a - b)).toEqual(expected.map((r) => r.id).sort((a, b) => a - b));
    for (const item of items) expect(item.projectReference.id).toBe(sim.model.releases.get(item.id)?.projectId);
  });
});

describe('release deployments: minModifiedTime', () => {
  it('lists only the deployments modified at or after minModifiedTime, and one a redeploy touched', async () => {
    const project = projects().find((p) => sim.model.releaseDeploymentsOfProject(p.id).length >= 4)!;
    const deployments = sim.model.releaseDeploymentsOfProject(project.id);
    const since = median(deployments.map((d) => d.lastModifiedOn));
    const path = `/${project.id}/_apis/release/deployments?minModifiedTime=${new Date(since).toISOString()}&$top=3&api-version=7.1`;
    const { items } = await followHeaderPages<{ id: number }>(sim, path, { host: cloudHost(sim, 'vsrm') });
    const expected = deployments.filter((d) => d.lastModifiedOn >= since).map((d) => d.id).sort();
    expect(expected.length).toBeLessThan(deployments.length);
    expect(items.map((d) => d.id).sort()).toEqual(expected);

    const now = Date.now();
    const release = sim.model.releasesOfProject(project.id).find((r) => r.environments.length > 0)!;
    sim.mutate.deployRelease(release.id, release.environments[0]!.id, 'succeeded');
    const touched = (await followHeaderPages<{ release: { id: number } }>(sim, `/${project.id}/_apis/release/deployments?minModifiedTime=${new Date(now).toISOString()}&api-version=7.1`, { host: cloudHost(sim, 'vsrm') })).items;
    expect(touched.map((d) => d.release.id)).toEqual([release.id]);
  });
});

describe('builds: minTime on the field of queryOrder', () => {
  it.each([
    ['queueTimeDescending', 'queueTime'],
    ['startTimeDescending', 'startTime'],
    ['finishTimeDescending', 'finishTime'],
  ] as const)('%s filters on %s', async (queryOrder, field) => {
    const project = projects().find((p) => sim.model.buildsOfProject(p.id).length >= 4)!;
    const builds = sim.model.buildsOfProject(project.id);
    const since = median(builds.map((b) => b[field] ?? 0).filter((t) => t > 0));
    const { items } = await followHeaderPages<{ id: number }>(sim, `/${project.id}/_apis/build/builds?queryOrder=${queryOrder}&minTime=${new Date(since).toISOString()}&$top=5&api-version=7.1`);
    const expected = builds.filter((b) => b[field] !== null && b[field] >= since).map((b) => b.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((b) => b.id).sort()).toEqual(expected);
  });

  it('finds a build queued before the cursor that finished after it only through the finish-time order', async () => {
    const project = projects().find((p) => sim.model.pipelinesOf(p.id).length > 0)!;
    const run = sim.mutate.queueRun(sim.model.pipelinesOf(project.id)[0]!.id);
    const cursor = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    sim.mutate.setRunState(run.id, { status: 'completed', result: 'succeeded' });
    const list = async (queryOrder: string) => (await get(sim, `/${project.id}/_apis/build/builds?queryOrder=${queryOrder}&minTime=${new Date(cursor).toISOString()}&api-version=7.1`)).json<ListBody<{ id: number }>>().value.map((b) => b.id);
    expect(await list('queueTimeDescending')).not.toContain(run.id);
    expect(await list('finishTimeDescending')).toContain(run.id);
  });
});

describe('builds: lastChangedDate', () => {
  it('moves when the build is queued, when a stage or job of its timeline moves, and when it finishes', async () => {
    const project = projects().find((p) => sim.model.pipelinesOf(p.id).length > 0)!;
    const lastChanged = async (id: number) => Date.parse((await get(sim, `/${project.id}/_apis/build/builds/${id}?api-version=7.1`)).json<{ lastChangedDate: string }>().lastChangedDate);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const before = Date.now();
    const run = sim.mutate.queueRun(sim.model.pipelinesOf(project.id)[0]!.id);
    const queued = await lastChanged(run.id);
    expect(queued).toBeGreaterThanOrEqual(before);
    await pause();
    const stage = (sim.model.timeline(run.id) ?? []).find((r) => r.type === 'Stage' && r.state !== 'completed')!;
    sim.mutate.setStageState(run.id, stage.name, 'inProgress');
    const staged = await lastChanged(run.id);
    expect(staged).toBeGreaterThan(queued);
    await pause();
    sim.mutate.setJobState(run.id, stage.name, 'completed', 'succeeded');
    const jobbed = await lastChanged(run.id);
    expect(jobbed).toBeGreaterThan(staged);
    await pause();
    sim.mutate.setRunState(run.id, { status: 'completed', result: 'succeeded' });
    expect(await lastChanged(run.id)).toBeGreaterThan(jobbed);
    // Queue and start times stay where they were: only lastChangedDate tells the stage moved.
    expect(sim.model.builds.get(run.id)?.queueTime).toBe(run.queueTime);
  });
});

describe('pull requests: closed time range', () => {
  it('lists the pull requests completed at or after minTime with queryTimeRangeType=closed, and a newly completed one', async () => {
    const project = projects().find((p) => sim.model.repositoriesOf(p.id).some((r) => sim.model.pullRequestsOf(r.id).some((pr) => pr.status === 'active')))!;
    const repository = sim.model.repositoriesOf(project.id).find((r) => sim.model.pullRequestsOf(r.id).some((pr) => pr.status === 'active'))!;
    const pr = sim.model.pullRequestsOf(repository.id).find((p) => p.status === 'active')!;
    const now = Date.now();
    sim.mutate.updatePullRequest(pr.id, { status: 'completed' });
    const path = `/${project.id}/_apis/git/pullrequests?searchCriteria.status=completed&searchCriteria.queryTimeRangeType=closed&searchCriteria.minTime=${new Date(now).toISOString()}&api-version=7.1`;
    const listed = (await get(sim, path)).json<ListBody<{ pullRequestId: number }>>().value;
    expect(listed.map((p) => p.pullRequestId)).toEqual([pr.id]);
    const week = (await get(sim, path.replace(new Date(now).toISOString(), new Date(now - 30 * DAY).toISOString()))).json<ListBody<{ pullRequestId: number; closedDate: string }>>().value;
    expect(week.every((p) => Date.parse(p.closedDate) >= now - 30 * DAY)).toBe(true);
    expect(week.map((p) => p.pullRequestId)).toContain(pr.id);
  });

  it('lists completed and abandoned ones together with status=all and a closed range, never an active one', async () => {
    const since = sim.model.now - 60 * DAY;
    const active = projects().flatMap((p) => sim.model.repositoriesOf(p.id)).flatMap((r) => sim.model.pullRequestsOf(r.id)).find((p) => p.status === 'active')!;
    sim.mutate.updatePullRequest(active.id, { status: 'abandoned' });
    const statuses = new Set<string>();
    for (const project of projects()) {
      const all = sim.model.repositoriesOf(project.id).flatMap((r) => sim.model.pullRequestsOf(r.id));
      const path = `/${project.id}/_apis/git/pullrequests?searchCriteria.status=all&searchCriteria.queryTimeRangeType=closed&searchCriteria.minTime=${new Date(since).toISOString()}&$top=1000&api-version=7.1`;
      const listed = (await get(sim, path)).json<ListBody<{ pullRequestId: number; status: string }>>().value;
      const expected = all.filter((p) => p.closedDate !== null && p.closedDate >= since).map((p) => p.id);
      expect(listed.map((p) => p.pullRequestId).sort((a, b) => a - b), project.name).toEqual([...expected].sort((a, b) => a - b));
      for (const p of listed) statuses.add(p.status);
    }
    expect(statuses).toEqual(new Set(['completed', 'abandoned']));
  });
});
