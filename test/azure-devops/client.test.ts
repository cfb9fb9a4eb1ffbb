import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AzureDevOpsNotFoundError } from '../../core/azure-devops/errors';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { simulatorClient } from '../support/ado-client';

const PAT = 'client-test-pat-000001';
let sim: AzureDevOpsSimulator;
const client = () => simulatorClient(sim, PAT);

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small' }, seed: 5, pat: PAT });
});
afterAll(async () => sim.close());
beforeEach(() => sim.faults.clear());

describe('AzureDevOpsClient', () => {
  it('sends a write again after a 429, which the service blocked before running it', async () => {
    const fault = sim.faults.add({ kind: 'status', status: 429, method: 'DELETE', times: 1 });
    const started = Date.now();
    // The second attempt reaches the service, which knows no such subscription.
    await expect(client().request({ method: 'DELETE', path: '_apis/hooks/subscriptions/00000000-0000-0000-0000-000000000001', apiVersion: '7.1' })).rejects.toBeInstanceOf(AzureDevOpsNotFoundError);
    expect(sim.faults.list().find((f) => f.id === fault)?.applied).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the simulator's Retry-After: 1
  });

  it('does not send a write again after a 503 (it may have run)', async () => {
    sim.faults.add({ kind: 'status', status: 503, method: 'DELETE', times: 1 });
    await expect(client().request({ method: 'DELETE', path: '_apis/hooks/subscriptions/00000000-0000-0000-0000-000000000001', apiVersion: '7.1' })).rejects.toMatchObject({ status: 503 });
  });

  it('gives a 500 its second chance after a dropped connection: the two failures are counted apart', async () => {
    sim.faults.add({ kind: 'reset', route: 'core.projects.list', times: 1 });
    sim.faults.add({ kind: 'status', status: 500, route: 'core.projects.list', skip: 1, times: 1 });
    const fast = { throttledAttempts: 3, transientAttempts: 5, serverErrorAttempts: 2, baseDelaySeconds: 0.01, maxDelaySeconds: 0.01 };
    const response = await simulatorClient(sim, PAT, { retry: fast }).request({ path: '_apis/projects', apiVersion: '7.1' });
    expect((response.body as { value: unknown[] }).value.length).toBeGreaterThan(0);
    expect(sim.faults.list().map((f) => f.applied)).toEqual([1, 1]);
  });

  it('counts the bytes it read, not the characters they decode to', async () => {
    const c = client();
    const teams = sim.model.projectList().flatMap((project) => sim.model.teamsOf(project.id).map((team) => ({ project, team })));
    let checked = 0;
    for (const { project, team } of teams) {
      const before = c.metrics.bytesIn;
      const response = await c.request({ path: `_apis/projects/${project.id}/teams/${team.id}/members`, apiVersion: '7.1' });
      const text = JSON.stringify(response.body);
      // The simulator writes compact JSON, so re-serializing gives back the bytes it sent.
      expect(c.metrics.bytesIn - before).toBe(Buffer.byteLength(text, 'utf8'));
      if (Buffer.byteLength(text, 'utf8') > text.length) checked++;
    }
    expect(checked).toBeGreaterThan(0); // answers with accented names, where bytes outnumber characters
  });
});
