import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseDefinitionRecord } from '../../sim/azure-devops/model/records';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

function expectedDefinitions(sims: Simulators, keep: (d: ReleaseDefinitionRecord) => boolean, environments = true): Map<string, ExpectedEntity> {
  const expected = new Map<string, ExpectedEntity>();
  for (const project of sims.ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
    for (const definition of sims.ado.model.releaseDefinitionsOf(project.id).filter(keep)) {
      expected.set(`${project.id}/${definition.id}`, {
        title: definition.name,
        properties: {
          path: definition.path,
          revision: definition.revision,
          environments: environments ? [...definition.environments].sort((a, b) => a.rank - b.rank).map((e) => e.name) : [],
          createdDate: new Date(definition.createdOn).toISOString(),
        },
        relations: { project: project.id },
      });
    }
  }
  return expected;
}

describe.each([{ cloud: false }, { cloud: true }])('kind release-definition (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    // Enough definitions that some carry the 'legacy' tag.
    sims = await startSimulators({ ado: { seed: 36, scale: { base: 'small', releaseDefinitions: 20 } } });
  });
  afterAll(async () => sims.close());

  it('syncs every release definition with its stages, from the release host', async () => {
    const run = await syncKinds(sims, ['release-definition'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedDefinitions(sims, () => true);
    expect(expected.size).toBe(20);
    expectBlueprint(sims, 'azureDevopsReleaseDefinition', expected);
    expect(sims.ado.counters().byHost[cloud ? 'release' : 'server']).toBeGreaterThan(0);
  });

  it('narrows by tagFilter and expands what expand names', async () => {
    // With the project resource, as a real mapping has it: the definitions relate to projects.
    const file = await mappingFile([{ kind: 'project' }, { kind: 'release-definition', selector: { tagFilter: ['legacy'], expand: 'tags' }, properties: { description: '.tags | join(",")' } }], { entityDeletionThreshold: 1 });
    const run = await syncKinds(sims, ['project', 'release-definition'], { cloud, args: ['--mapping', file] });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedDefinitions(sims, (d) => d.tags.includes('legacy'), false);
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(20);
    for (const entity of expected.values()) entity.properties = { ...entity.properties, description: 'legacy' };
    expectBlueprint(sims, 'azureDevopsReleaseDefinition', expected);
  });
});
