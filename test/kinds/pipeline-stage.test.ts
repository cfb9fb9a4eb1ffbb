import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildRecord } from '../../sim/azure-devops/model/records';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

const DAY = 86_400_000;

function setup(cloud: boolean) {
  const ctx = { sims: undefined as unknown as Simulators };
  beforeAll(async () => {
    // 300 builds of 2 pipelines over a year: about 25 in the default 30-day look-back, so the
    // cap of 10 per pipeline binds.
    ctx.sims = await startSimulators({ ado: { seed: 40, scale: { base: 'small', builds: 300, pipelines: 2 } } });
  });
  afterAll(async () => ctx.sims.close());

  const model = () => ctx.sims.ado.model;

  /** The builds a look-back of `days` (0: all) and a cap per pipeline (0: none) select, newest first. */
  function selectedBuilds(days: number, perPipeline: number, at: number): { project: string; build: BuildRecord }[] {
    const out: { project: string; build: BuildRecord }[] = [];
    for (const project of model().projectList().filter((p) => p.state === 'wellFormed')) {
      for (const pipeline of model().pipelinesOf(project.id)) {
        const builds = model()
          .buildsOfPipeline(pipeline.id)
          .filter((b) => days === 0 || b.queueTime >= at - days * DAY)
          .sort((a, b) => b.queueTime - a.queueTime || b.id - a.id);
        for (const build of perPipeline === 0 ? builds : builds.slice(0, perPipeline)) out.push({ project: project.id, build });
      }
    }
    return out;
  }

  function expectedStages(selected: { project: string; build: BuildRecord }[]): Map<string, ExpectedEntity> {
    const expected = new Map<string, ExpectedEntity>();
    for (const { project, build } of selected) {
      const pipeline = model().pipelines.get(build.pipelineId)!;
      for (const stage of model().timeline(build.id)!.filter((r) => r.type === 'Stage')) {
        expected.set(`${project}/${build.id}/${stage.id}`, {
          title: `${pipeline.name} ${build.buildNumber} / ${stage.name}`,
          properties: { state: stage.state, result: stage.result, stageIdentifier: stage.identifier, attempt: stage.attempt, errorCount: stage.errorCount },
          relations: { build: `${project}/${build.id}` },
        });
      }
    }
    return expected;
  }

  async function sync(selector?: Record<string, unknown>, selectorAsIs = false) {
    // Each run starts from an empty Port: what it wrote is exactly what its selector chose.
    ctx.sims.port.reset();
    ctx.sims.ado.resetCounters();
    const before = Date.now();
    const args = selector ? ['--mapping', await mappingFile([{ kind: 'pipeline-stage', selector, selectorAsIs }])] : [];
    const run = await syncKinds(ctx.sims, ['pipeline-stage'], { cloud, args });
    return { run, before, after: Date.now() };
  }

  return { ctx, selectedBuilds, expectedStages, sync };
}

describe.each([{ cloud: false }, { cloud: true }])('kind pipeline-stage (cloud form: $cloud)', ({ cloud }) => {
  const { ctx, selectedBuilds, expectedStages, sync } = setup(cloud);

  it('with the built-in mapping reads the timelines of builds queued in the last 30 days, at most 10 per pipeline', async () => {
    const { run, before, after } = await sync();
    expect(run.code, run.stderr).toBe(0);
    // The look-back starts when the run starts: no build may sit between the two possible starts.
    expect(selectedBuilds(30, 0, after)).toEqual(selectedBuilds(30, 0, before));
    const selected = selectedBuilds(30, 10, before);
    expect(selected.length).toBeGreaterThan(5);
    expect(selected.length).toBeLessThan(selectedBuilds(30, 0, before).length);
    expectBlueprint(ctx.sims, 'azureDevopsPipelineStage', expectedStages(selected));
    expect(ctx.sims.ado.counters().byRoute['build.timeline']).toBe(selected.length);
  });

});

describe('kind pipeline-stage selector options', () => {
  const { ctx, selectedBuilds, expectedStages, sync } = setup(false);

  it('reads every build, as Ocean does, when a mapping leaves both bounds out (or sets them to 0)', async () => {
    const { run } = await sync({}, true);
    expect(run.code, run.stderr).toBe(0);
    const selected = selectedBuilds(0, 0, Date.now());
    expect(selected.length).toBe(300);
    expectBlueprint(ctx.sims, 'azureDevopsPipelineStage', expectedStages(selected));
    expect(ctx.sims.ado.counters().byRoute['build.timeline']).toBe(300);
    const zero = await sync({ buildsQueuedWithinDays: 0, maxBuildsPerPipeline: 0 });
    expect(zero.run.code, zero.run.stderr).toBe(0);
    expect(ctx.sims.ado.counters().byRoute['build.timeline']).toBe(300);
  });

  it('keeps only the newest builds of each pipeline with maxBuildsPerPipeline, however old', async () => {
    const { run } = await sync({ buildsQueuedWithinDays: '0', maxBuildsPerPipeline: '2' });
    expect(run.code, run.stderr).toBe(0);
    const selected = selectedBuilds(0, 2, Date.now());
    expectBlueprint(ctx.sims, 'azureDevopsPipelineStage', expectedStages(selected));
    expect(ctx.sims.ado.counters().byRoute['build.timeline']).toBe(selected.length);
  });
});
