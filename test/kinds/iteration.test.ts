import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { PAT, startSimulators, syncKinds, type Simulators } from '../support/simulators';

/** Team iterations from the model: `\Project\Iteration\Release 1\Sprint 2` is `Project\Release 1\Sprint 2` to a team. */
function expectedIterations(ado: AzureDevOpsSimulator): Map<string, ExpectedEntity> {
  const expected = new Map<string, ExpectedEntity>();
  for (const project of ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
    for (const team of ado.model.teamsOf(project.id)) {
      for (const nodeId of team.iterationIds) {
        const node = ado.model.classificationNodes.get(nodeId)!;
        const [projectName, , ...rest] = node.path.split('\\').filter(Boolean);
        expected.set(`${team.id}/${node.identifier}`, {
          title: `${team.name} / ${node.name}`,
          properties: {
            path: [projectName, ...rest].join('\\'),
            startDate: node.startDate === null ? null : new Date(node.startDate).toISOString(),
            finishDate: node.finishDate === null ? null : new Date(node.finishDate).toISOString(),
          },
          relations: { team: team.id, project: project.id },
        });
      }
    }
  }
  return expected;
}

describe.each([{ cloud: false }, { cloud: true }])('kind iteration (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 31 } });
  });
  afterAll(async () => sims.close());

  it('syncs the iterations every team selected, one entity per (team, iteration)', async () => {
    // A team that selected no iterations contributes nothing (and does not fail the listing).
    const idle = sims.ado.model.projectList().filter((p) => p.state === 'wellFormed').flatMap((p) => sims.ado.model.teamsOf(p.id))[0]!;
    sims.ado.mutate.updateTeam(idle.id, { iterationIds: [] });
    const run = await syncKinds(sims, ['iteration'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedIterations(sims.ado);
    // Iterations are shared between teams: the same iteration shows up under several teams.
    const iterationIds = [...expected.keys()].map((k) => k.split('/')[1]);
    expect(new Set(iterationIds).size).toBeLessThan(iterationIds.length);
    expectBlueprint(sims, 'azureDevopsIteration', expected);
    expect([...expected.keys()].some((k) => k.startsWith(`${idle.id}/`))).toBe(false);
  });
});

describe('kind iteration: a project with more teams than one page', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 32, scale: 'tiny' } });
  });
  afterAll(async () => sims.close());

  it('reads every page of teams (Ocean reads the first 100 only)', async () => {
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const sprints = sims.ado.model.nodesOf(project.id, 'iteration').filter((n) => n.startDate !== null);
    // The service lists a project's teams 100 at a time; 130 more teams push new ones past the first page.
    const squads = Array.from({ length: 130 }, (_, i) => sims.ado.mutate.createTeam(project.id, { name: `Squad ${String(i).padStart(3, '0')}` }));
    const last = squads.at(-1)!;
    sims.ado.mutate.updateTeam(last.id, { iterationIds: sprints.slice(0, 2).map((n) => n.id) });
    // The team with iterations is not on the first page the service answers.
    const firstPage = await fetch(`${sims.ado.serverUrl}/_apis/projects/${project.id}/teams?api-version=7.1`, { headers: { Authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` } });
    const firstIds = ((await firstPage.json()) as { value: { id: string }[] }).value.map((t) => t.id);
    expect(firstIds).toHaveLength(100);
    expect(firstIds).not.toContain(last.id);

    const run = await syncKinds(sims, ['iteration']);
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedIterations(sims.ado);
    expect([...expected.keys()].filter((k) => k.startsWith(`${last.id}/`))).toHaveLength(2);
    expectBlueprint(sims, 'azureDevopsIteration', expected);
  });
});

describe('kind iteration at medium scale', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 33, scale: 'medium' } });
  });
  afterAll(async () => sims.close());

  it('syncs the iterations of every team', async () => {
    const run = await syncKinds(sims, ['iteration'], { cloud: true });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedIterations(sims.ado);
    expect(expected.size).toBeGreaterThan(100);
    expectBlueprint(sims, 'azureDevopsIteration', expected);
  });
});
