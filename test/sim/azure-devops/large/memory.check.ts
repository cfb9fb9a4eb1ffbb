import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository, startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../../sim/azure-devops/index';
import { followHeaderPages, get, type ListBody } from '../helpers';

/**
 * Memory sanity for the `large` organization (40 projects, 2,000 repositories, 40,000 pull
 * requests, 200,000 work items, …): the simulator must generate and serve it lazily, staying
 * within a few hundred MB. Not part of the timed suite; see vitest.config.ts beside this file.
 */

let sim: AzureDevOpsSimulator;
const MB = 1024 * 1024;
const LIMIT_MB = 600;

function report(label: string): number {
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`${label}: rss ${Math.round(rss / MB)} MB, heap ${Math.round(heapUsed / MB)} MB\n`);
  return rss / MB;
}

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'large' });
  report('started');
});
afterAll(async () => {
  await sim.close();
});

describe('large organization', () => {
  it('has the promised size', () => {
    const m = sim.model;
    expect(m.projects.count()).toBeGreaterThanOrEqual(40);
    expect(m.repositories.count()).toBeGreaterThanOrEqual(2000);
    expect(m.branches.count()).toBeGreaterThanOrEqual(20_000);
    expect(m.pullRequests.baseSize).toBeGreaterThanOrEqual(40_000);
    expect(m.workItems.baseSize).toBeGreaterThanOrEqual(200_000);
    expect(m.builds.baseSize).toBeGreaterThanOrEqual(20_000);
    expect(m.pipelines.count()).toBeGreaterThanOrEqual(2000);
    expect(m.releases.baseSize).toBeGreaterThanOrEqual(5000);
    expect(m.users.count()).toBeGreaterThanOrEqual(2000);
    expect(m.teams.count()).toBeGreaterThanOrEqual(200);
  });

  it('serves full listings and stays within the memory budget', async () => {
    const projects = (await followHeaderPages<{ id: string }>(sim, '/_apis/projects?$top=1000')).items;
    let prs = 0;
    let workItems = 0;
    for (const project of projects) {
      const res = await get(sim, `/${project.id}/_apis/git/pullrequests?searchCriteria.status=all&$top=1000`);
      prs += res.json<ListBody>().count;
      const wiql = await get(sim, `/${project.id}/_apis/wit/wiql?api-version=7.1&$top=19999`, { method: 'POST', body: { query: "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project ORDER BY [System.Id]" } });
      const ids = wiql.json<{ workItems: { id: number }[] }>().workItems.map((w) => w.id);
      workItems += ids.length;
      for (let i = 0; i < Math.min(ids.length, 600); i += 200) {
        const batch = await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: ids.slice(i, i + 200), $expand: 'all' } });
        expect(batch.status).toBe(200);
      }
      await followHeaderPages(sim, `/${project.id}/_apis/build/builds?$top=5000`);
    }
    const repos = [...sim.model.repositories.all()].filter(isActiveRepository).slice(0, 300);
    for (const repo of repos) await get(sim, `/_apis/git/repositories/${repo.id}/refs?filter=heads/`);
    expect(prs).toBeGreaterThan(0);
    expect(workItems).toBeGreaterThan(100_000);
    const rss = report('after listings');
    expect(rss).toBeLessThan(LIMIT_MB);
  });
});
