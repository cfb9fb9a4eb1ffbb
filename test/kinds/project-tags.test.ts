import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ParentListings } from '../../core/kinds/parents';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { simulatorClient } from '../support/ado-client';

/** excludedTags: a project with an excluded tag is left out; an answer that cannot be read is never taken for "no tags". */
const PAT = 'project-tags-pat-0001';
let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'tiny' }, seed: 43, pat: PAT });
});
afterAll(async () => sim.close());
beforeEach(() => sim.faults.clear());

const listings = () => new ParentListings(simulatorClient(sim, PAT), { include: [], excludedTags: ['Archived'] }, { projects: 4 });

describe('excludedTags', () => {
  it('leaves out a project tagged with an excluded tag, whatever its case', async () => {
    const [tagged, ...others] = sim.model.projectList().filter((p) => p.state === 'wellFormed');
    sim.mutate.updateProject(tagged!.id, { tags: ['archived'] });
    try {
      const names = (await listings().projects()).map((p) => p.name);
      expect(names).not.toContain(tagged!.name);
      expect(others.length).toBeGreaterThan(0);
      expect(names).toEqual(expect.arrayContaining(others.map((p) => p.name)));
    } finally {
      sim.mutate.updateProject(tagged!.id, { tags: [] });
    }
  });

  it('fails the listing when a project\'s properties come back in a shape it cannot read', async () => {
    sim.faults.add({ kind: 'body', route: 'core.projects.properties', body: { count: 1, value: 'Microsoft.TeamFoundation.Project.Tag.archived' }, times: 1 });
    await expect(listings().projects()).rejects.toThrow(/The properties of project .+ came back without a list of properties, so excludedTags cannot be applied\./);
  });
});
