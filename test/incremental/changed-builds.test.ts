import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { projectWithTwoPipelines, resourceOf, sync } from './harness';

/**
 * Which builds an incremental run lists (core/incremental/changed-builds.ts): those queued or
 * finished since the cursor, and of the running ones those that started or changed since. A build
 * queued before the cursor that starts after it is the case a queue-time filter alone misses.
 */
describe('changed builds in an incremental run', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 5 } });
  });
  afterAll(async () => {
    await sims.close();
  });

  it('lists a build queued before the cursor that started after it, and not a running build untouched since', async () => {
    const model = sims.ado.model;
    const { project, first, second } = projectWithTwoPipelines(model);
    // Waiting for an agent: queued, not started.
    const queued = sims.ado.mutate.queueRun(first.id);
    model.builds.put({ ...queued, status: 'notStarted', startTime: null });
    const running = sims.ado.mutate.queueRun(second.id);

    const full = await sync(sims);
    expect(full.code, full.stderr).toBe(0);
    const build = (id: number) => sims.port.entities().find((e) => e.blueprint === 'azureDevopsBuild' && e.identifier === `${project.id}/${id}`);
    expect(build(queued.id)?.properties.status).toBe('notStarted');

    sims.ado.mutate.setRunState(queued.id, { status: 'inProgress' });
    const incremental = await sync(sims, ['--incremental', '--overlap-minutes', '0', '--unfiltered-kinds', 'skip']);
    expect(incremental.code, incremental.stderr).toBe(0);

    expect(build(queued.id)?.properties.status).toBe('inProgress');
    // The one build that moved; the other running build is not listed again.
    expect(resourceOf(incremental, 'build').listed).toBe(1);
    expect(resourceOf(incremental, 'pipeline-run').listed).toBe(1);
    expect(model.builds.get(running.id)?.status).toBe('inProgress');
  });
});
