import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

describe.each([{ cloud: false }, { cloud: true }])('kind environment (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    // More environments in a project than one page ($top 100), so the header token is followed.
    sims = await startSimulators({ ado: { seed: 38, scale: { base: 'small', environments: 260 } } });
  });
  afterAll(async () => sims.close());

  it('syncs every environment of every well-formed project, all pages', async () => {
    const run = await syncKinds(sims, ['environment'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    const projects = sims.ado.model.projectList().filter((p) => p.state === 'wellFormed');
    for (const project of projects) {
      for (const env of sims.ado.model.environmentsOf(project.id)) {
        expected.set(`${project.id}/${env.id}`, {
          title: env.name,
          properties: { description: env.description, createdDate: new Date(env.createdOn).toISOString(), modifiedDate: new Date(env.lastModifiedOn).toISOString() },
          relations: { project: project.id },
        });
      }
    }
    expect(expected.size).toBe(260);
    expect(Math.max(...projects.map((p) => sims.ado.model.environmentsOf(p.id).length))).toBeGreaterThan(100);
    expectBlueprint(sims, 'azureDevopsEnvironment', expected);
    const pages = projects.reduce((n, p) => n + Math.max(1, Math.ceil(sims.ado.model.environmentsOf(p.id).length / 100)), 0);
    expect(sims.ado.counters().byRoute['environments.list']).toBe(pages);
  });
});
