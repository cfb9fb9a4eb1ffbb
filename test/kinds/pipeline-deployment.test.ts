import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

describe.each([{ cloud: false }, { cloud: true }])('kind pipeline-deployment (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    // More records per environment than one page (top 100; the service's default is 25).
    sims = await startSimulators({ ado: { seed: 39, scale: { base: 'small', deploymentRecords: 420 } } });
  });
  afterAll(async () => sims.close());

  it('syncs every deployment record of every environment, related to the environment and the run', async () => {
    const run = await syncKinds(sims, ['environment', 'pipeline-deployment'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const model = sims.ado.model;
    const expected = new Map<string, ExpectedEntity>();
    let pages = 0;
    for (const project of model.projectList().filter((p) => p.state === 'wellFormed')) {
      for (const env of model.environmentsOf(project.id)) {
        const records = model.deploymentRecordsOf(env.id);
        pages += Math.max(1, Math.ceil(records.length / 100));
        for (const record of records) {
          expected.set(`${project.id}/${env.id}/${record.id}`, {
            title: `${record.pipelineName} ${record.buildNumber} → ${env.name}`,
            properties: {
              result: record.result,
              pipeline: record.pipelineName,
              run: record.buildNumber,
              stageName: record.stageName,
              jobName: record.jobName,
              attempt: record.stageAttempt,
              queueTime: new Date(record.queueTime).toISOString(),
            },
            relations: { environment: `${project.id}/${env.id}`, build: `${project.id}/${record.buildId}` },
          });
        }
      }
    }
    expect(expected.size).toBe(420);
    expect(pages).toBeGreaterThan(3);
    expectBlueprint(sims, 'azureDevopsPipelineDeployment', expected);
    const counters = sims.ado.counters();
    // Environments listed once for both kinds; records page by page through the header token.
    expect(counters.byRoute['environments.list']).toBe(model.projectList().filter((p) => p.state === 'wellFormed').length);
    expect(counters.byRoute['environments.records']).toBe(pages);
  });
});
