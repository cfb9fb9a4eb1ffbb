import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AzureDevOpsResponseError } from '../../core/azure-devops/errors';
import { listPages, paging, type RawItem } from '../../core/azure-devops/paging';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { simulatorClient } from '../support/ado-client';

const PAT = 'paging-test-pat-000001';
let sim: AzureDevOpsSimulator;
const TEAMS = { path: '_apis/teams', apiVersion: '7.1-preview.3' };

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small' }, seed: 9, pat: PAT });
});
afterAll(async () => sim.close());
beforeEach(() => {
  sim.faults.clear();
  sim.resetCounters();
});

async function listAll(pageSize: number): Promise<RawItem[]> {
  const items: RawItem[] = [];
  for await (const page of listPages(simulatorClient(sim, PAT), TEAMS, paging.topSkip(pageSize))) items.push(...page);
  return items;
}

describe('$top/$skip paging', () => {
  it('reads every page until a short one', async () => {
    const teams = await listAll(2);
    const expected = sim.model.projectList().flatMap((project) => sim.model.teamsOf(project.id));
    expect(expected.length).toBeGreaterThan(4);
    expect(teams.map((team) => team['id']).sort()).toEqual(expected.map((team) => team.id).sort());
  });

  it('stops with an error, not a loop, when the service answers every $skip with the first page', async () => {
    sim.faults.add({ kind: 'ignore-skip', route: 'core.teams.all' });
    const failure = listAll(2);
    await expect(failure).rejects.toBeInstanceOf(AzureDevOpsResponseError);
    await expect(failure).rejects.toThrow('answered $skip=2 with the same page as before; the listing cannot be completed');
    expect(sim.counters().byRoute['core.teams.all']).toBe(2);
  });
});
