import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'medium', seed: 3 });
});
afterAll(async () => {
  await sim.close();
});

const churn = async (body: unknown) => {
  const response = await fetch(`http://127.0.0.1:${sim.port}/_sim/churn`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { changed: { workItems: number; pullRequests: number; newBuilds: number }; stride: number; message?: string } };
};

describe('POST /_sim/churn (the incremental benchmark)', () => {
  it('edits the given fraction of work items and active pull requests, and queues that share of new runs', async () => {
    const workItems = sim.model.workItems.count();
    const builds = sim.model.builds.count();
    const before = Date.now();
    const { status, body } = await churn({ fraction: 0.01, seed: 1 });
    expect(status).toBe(200);
    expect(body.stride).toBe(100);
    expect(body.changed.workItems).toBe(Math.ceil((workItems - 1) / 100));
    expect(body.changed.newBuilds).toBe(Math.round(builds * 0.01));
    expect(sim.model.builds.count()).toBe(builds + body.changed.newBuilds);
    const edited = [...sim.model.workItems.all()].filter((w) => w.changedDate >= before);
    expect(edited).toHaveLength(body.changed.workItems);
    expect(edited.every((w) => w.title.endsWith('(edited 1)'))).toBe(true);
    const prs = [...sim.model.pullRequests.all()].filter((pr) => pr.title.endsWith('(edited 1)'));
    expect(prs).toHaveLength(body.changed.pullRequests);
    expect(prs.every((pr) => pr.status === 'active')).toBe(true);
  });

  it('is deterministic: the same seed picks the same records after a reset', async () => {
    sim.reset();
    await churn({ fraction: 0.05, seed: 7 });
    const first = [...sim.model.workItems.all()].filter((w) => w.title.endsWith('(edited 7)')).map((w) => w.id);
    sim.reset();
    await churn({ fraction: 0.05, seed: 7 });
    const second = [...sim.model.workItems.all()].filter((w) => w.title.endsWith('(edited 7)')).map((w) => w.id);
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  it('refuses a fraction outside (0, 1]', async () => {
    const { status, body } = await churn({ fraction: 0 });
    expect(status).toBe(400);
    expect(body.message).toMatch(/fraction/);
  });
});
