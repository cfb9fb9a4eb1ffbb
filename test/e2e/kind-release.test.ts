import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

/** The pattern for a per-kind test: sync one kind in both URL forms, compare with the simulator's model. */
describe.each([{ cloud: false }, { cloud: true }])('kind release (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 21 } });
  });
  afterAll(async () => sims.close());

  it('syncs every release of every well-formed project, from the release host', async () => {
    const run = await syncKinds(sims, ['release'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    for (const project of sims.ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
      for (const release of sims.ado.model.releasesOfProject(project.id)) {
        expected.set(`${project.id}/${release.id}`, { title: release.name, properties: { status: release.status, createdDate: new Date(release.createdOn).toISOString() }, relations: { project: project.id } });
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    expectBlueprint(sims, 'azureDevopsRelease', expected);
    expect(sims.ado.counters().byHost[cloud ? 'release' : 'server']).toBeGreaterThan(0);
  });
});
