import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

const MINIMUM_REVIEWERS = 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd';
const WORK_ITEM_LINKING = '40e92b44-2fe1-4dd6-b3d8-74a9c21d0c6e';
const BULK = 'POST /v1/blueprints/:blueprint/entities/bulk';

/**
 * The default mapping's two repository-policy resources add properties to the repository entity.
 * A project-wide policy covers every repository of its project, so a repository can have two
 * minimum-reviewer policies: the default takes only the one scoped to the repository itself, so
 * each entity gets one value per run and an unchanged organization is not rewritten.
 */
describe('kind repository-policy (default mapping)', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 7, scale: { base: 'small', repositories: 24 } } });
  });
  afterAll(async () => sims.close());

  it('writes the repository-scoped minimum reviewers and work-item linking onto each repository, and nothing on a second run', async () => {
    const first = await syncKinds(sims, ['repository', 'repository-policy']);
    expect(first.code, first.stderr).toBe(0);

    const model = sims.ado.model;
    const expected = new Map<string, { minimumApproverCount: unknown; workItemLinking: unknown }>();
    let projectWideToo = 0;
    for (const project of model.projectList().filter((p) => p.state === 'wellFormed')) {
      const policies = model.policies.children(project.id).filter((p) => !p.isDeleted);
      for (const repo of model.repositoriesOf(project.id).filter((r) => !r.isDisabled)) {
        const own = (typeId: string) => policies.find((p) => p.typeId === typeId && p.scopes[0]?.repositoryId === repo.id && p.scopes[0]?.refName === repo.defaultBranch);
        const reviewers = own(MINIMUM_REVIEWERS);
        const linking = own(WORK_ITEM_LINKING);
        if (reviewers && policies.some((p) => p.typeId === MINIMUM_REVIEWERS && p.scopes[0]?.repositoryId === null)) projectWideToo++;
        expected.set(repo.id, {
          minimumApproverCount: reviewers?.isEnabled ? (reviewers.settings.minimumApproverCount ?? null) : null,
          workItemLinking: linking ? linking.isEnabled && linking.isBlocking : null,
        });
      }
    }
    // The case this guards: repositories covered by a project-wide and their own policy.
    expect(projectWideToo).toBeGreaterThan(0);
    expect([...expected.values()].filter((e) => e.minimumApproverCount !== null).length).toBeGreaterThan(3);

    const stored = new Map(sims.port.entities('azureDevopsRepository').map((e) => [e.identifier, e]));
    for (const [id, want] of expected) {
      const got = stored.get(id);
      expect(got, `repository ${id}`).toBeDefined();
      expect(got?.properties.minimumApproverCount ?? null, `repository ${id} minimumApproverCount`).toEqual(want.minimumApproverCount);
      expect(got?.properties.workItemLinking ?? null, `repository ${id} workItemLinking`).toEqual(want.workItemLinking);
    }

    const bulkBefore = sims.port.counters().requestsByRoute[BULK] ?? 0;
    const second = await syncKinds(sims, ['repository', 'repository-policy']);
    expect(second.code, second.stderr).toBe(0);
    expect((sims.port.counters().requestsByRoute[BULK] ?? 0) - bulkBefore, 'bulk writes of an unchanged second run').toBe(0);
  });
});
