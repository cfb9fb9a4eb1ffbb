import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

describe('kind group', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 33 } });
  });
  afterAll(async () => sims.close());

  it('cloud form: syncs every graph group, related to its project when it has one', async () => {
    const run = await syncKinds(sims, ['group'], { cloud: true });
    expect(run.code, run.stderr).toBe(0);
    const listed = new Set(sims.ado.model.projectList().filter((p) => p.state === 'wellFormed').map((p) => p.id));
    const expected = new Map<string, ExpectedEntity>();
    for (const group of sims.ado.model.groups.all()) {
      expected.set(group.descriptor, {
        title: group.principalName,
        properties: { displayName: group.displayName, description: group.description, origin: 'vsts', descriptor: group.descriptor },
        relations: { project: group.projectId !== null && listed.has(group.projectId) ? group.projectId : null },
      });
    }
    expect([...expected.values()].filter((e) => e.relations?.project === null).length).toBeGreaterThan(0);
    expect([...expected.values()].filter((e) => e.relations?.project !== null).length).toBeGreaterThan(0);
    expectBlueprint(sims, 'azureDevopsGroup', expected);
    expect(sims.ado.counters().byRoute['graph.groups.list']).toBe(1);
  });

  it('Azure DevOps Server form: fails this kind with a clear message and syncs the others', async () => {
    const file = await mappingFile([{ kind: 'project' }, { kind: 'group' }]);
    const run = await syncKinds(sims, ['project', 'group'], { args: ['--mapping', file], env: { OCEAN__INTEGRATION__IDENTIFIER: 'on-server' } });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain("The 'group' kind is not available on Azure DevOps Server");
    expect(run.stdout).toMatch(/project #0 .* ok/);
    expect(run.stdout).toMatch(/group #1 .* failed/);
  });
});
