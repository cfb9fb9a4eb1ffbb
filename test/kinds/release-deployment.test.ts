import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';
import { NEVER, servedQueuedOn } from '../../sim/azure-devops/api/release';

describe.each([{ cloud: false }, { cloud: true }])('kind release-deployment (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 37 } });
  });
  afterAll(async () => sims.close());

  const deployments = () =>
    sims.ado.model
      .projectList()
      .filter((p) => p.state === 'wellFormed')
      .flatMap((project) => sims.ado.model.releaseDeploymentsOfProject(project.id).map((deployment) => ({ project, deployment, release: sims.ado.model.releases.get(deployment.releaseId)! })));

  it('syncs every deployment, related to its release and release definition', async () => {
    const run = await syncKinds(sims, ['release-deployment'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    for (const { project, deployment, release } of deployments()) {
      const stage = release.environments.find((e) => e.id === deployment.releaseEnvironmentId)!;
      expected.set(`${project.id}/${deployment.id}`, {
        title: `${release.name} → ${stage.name}`,
        // The placeholder for "never" (.NET's DateTime.MinValue) is not a time Port takes: it becomes null.
        properties: { status: deployment.deploymentStatus, environment: stage.name, attempt: deployment.attempt, queuedOn: servedQueuedOn(deployment) === NEVER ? null : new Date(deployment.queuedOn).toISOString() },
        relations: { release: `${project.id}/${release.id}`, releaseDefinition: `${project.id}/${deployment.definitionId}` },
      });
    }
    expect(expected.size).toBeGreaterThan(0);
    expect([...expected.values()].some((e) => e.properties?.['queuedOn'] === null), 'some deployments carry the placeholder').toBe(true);
    expectBlueprint(sims, 'azureDevopsReleaseDeployment', expected);
    expect(sims.ado.counters().byHost[cloud ? 'release' : 'server']).toBeGreaterThan(0);
    expect(sims.ado.counters().byRoute['release.releases.get'] ?? 0).toBe(0);
  });

  it('with includeRelease adds __release, reading each distinct release once', async () => {
    const file = await mappingFile([
      { kind: 'project' },
      { kind: 'release' },
      { kind: 'release-definition' },
      { kind: 'release-deployment', selector: { includeRelease: true }, properties: { environment: '.__release.name', operationStatus: '.__release.environments | map(.name) | join(",")' } },
    ]);
    sims.ado.resetCounters();
    const run = await syncKinds(sims, ['project', 'release', 'release-definition', 'release-deployment'], { cloud, args: ['--mapping', file] });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    for (const { project, deployment, release } of deployments()) {
      expected.set(`${project.id}/${deployment.id}`, { properties: { environment: release.name, operationStatus: release.environments.map((e) => e.name).join(',') } });
    }
    expectBlueprint(sims, 'azureDevopsReleaseDeployment', expected);
    const distinct = new Set(deployments().map((d) => d.release.id));
    expect(distinct.size).toBeLessThan(expected.size);
    expect(sims.ado.counters().byRoute['release.releases.get']).toBe(distinct.size);
  });
});
