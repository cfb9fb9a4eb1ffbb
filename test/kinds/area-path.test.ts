import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

/** Area nodes from the model, down to `depth` levels below each project's root. */
function expectedAreas(ado: AzureDevOpsSimulator, depth = Infinity): Map<string, ExpectedEntity> {
  const expected = new Map<string, ExpectedEntity>();
  for (const project of ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
    const nodes = ado.model.nodesOf(project.id, 'area');
    for (const node of nodes) {
      // `\Project\Area\A\B`: the segments after `Area` are the node's level.
      const [projectName, , ...rest] = node.path.split('\\').filter(Boolean);
      if (rest.length > depth) continue;
      const parent = nodes.find((n) => n.id === node.parentId);
      const normalized = [projectName, ...rest].join('\\');
      expected.set(node.identifier, { title: normalized, properties: { path: normalized, name: node.name }, relations: { parent: parent?.identifier ?? null, project: project.id } });
    }
  }
  return expected;
}


describe.each([{ cloud: false }, { cloud: true }])('kind area-path (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 41 } });
  });
  afterAll(async () => sims.close());
  // Each test starts from an empty Port: a run with another mapping reconciles what the last one wrote.
  beforeEach(() => sims.port.reset());

  it('syncs every area of every project, the tree flattened, each related to its parent', async () => {
    const run = await syncKinds(sims, ['area-path'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedAreas(sims.ado);
    expect([...expected.values()].filter((e) => e.relations?.parent !== null).length).toBeGreaterThan(0);
    expectBlueprint(sims, 'azureDevopsAreaPath', expected);
  });

  it('reads only as deep as selector.depth', async () => {
    const run = await syncKinds(sims, ['area-path'], { cloud, args: ['--mapping', await mappingFile([{ kind: 'area-path', selector: { depth: 0 } }])] });
    expect(run.code, run.stderr).toBe(0);
    const roots = expectedAreas(sims.ado, 0);
    expect([...roots.values()].every((e) => e.relations?.parent === null)).toBe(true);
    expectBlueprint(sims, 'azureDevopsAreaPath', roots);
  });
});

describe('kind area-path: a tree deeper than the default depth', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 42, scale: 'tiny' } });
    // A chain of 24 nested areas under one project's root (the model has no mutation for areas).
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    let parent = sims.ado.model.nodesOf(project.id, 'area').find((n) => n.parentId === null)!;
    for (let level = 1; level <= 24; level++) {
      const node = { ...parent, id: 900_000 + level, identifier: `00000000-0000-4000-8000-${String(level).padStart(12, '0')}`, name: `Level ${level}`, path: `${parent.path}\\Level ${level}`, parentId: parent.id };
      sims.ado.model.classificationNodes.put(node);
      parent = node;
    }
  });
  afterAll(async () => sims.close());
  // Each test starts from an empty Port: a run with another mapping reconciles what the last one wrote.
  beforeEach(() => sims.port.reset());

  it('reads 20 levels by default and says the tree goes deeper', async () => {
    const run = await syncKinds(sims, ['area-path']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/area tree of project '[^']+' is deeper than 20 levels; 1 node\(s\)/);
    expectBlueprint(sims, 'azureDevopsAreaPath', expectedAreas(sims.ado, 20));
  });

  it('reads the whole tree with a larger selector.depth, without a warning', async () => {
    const run = await syncKinds(sims, ['area-path'], { args: ['--mapping', await mappingFile([{ kind: 'area-path', selector: { depth: 30 } }])] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/deeper than/);
    const all = expectedAreas(sims.ado);
    expect(all.has('00000000-0000-4000-8000-000000000024')).toBe(true);
    expectBlueprint(sims, 'azureDevopsAreaPath', all);
  });
});
