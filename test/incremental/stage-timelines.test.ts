import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movedSince } from '../../core/incremental/changed-builds';
import { startSimulators, type Simulators } from '../support/simulators';
import { projectWithTwoPipelines, sync } from './harness';

/**
 * Stage timelines in an incremental run: a running build is read again only when its own record
 * says something moved since the cursor (its times or `lastChangedDate`), not on every run.
 */
describe('pipeline-stage in an incremental run', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 11 } });
  });
  afterAll(async () => {
    await sims.close();
  });

  it('reads the timeline of a running build whose stage moved, and not of one untouched since the cursor', async () => {
    const model = sims.ado.model;
    const { project, first, second } = projectWithTwoPipelines(model);
    const moved = sims.ado.mutate.queueRun(first.id);
    const untouched = sims.ado.mutate.queueRun(second.id);

    const full = await sync(sims);
    expect(full.code, full.stderr).toBe(0);

    const stage = (model.timeline(moved.id) ?? []).find((r) => r.type === 'Stage' && r.state !== 'completed');
    if (!stage) throw new Error(`build ${moved.id} has no stage left to move`);
    const stageEntity = () => sims.port.entities().find((e) => e.blueprint === 'azureDevopsPipelineStage' && e.identifier === `${project.id}/${moved.id}/${stage.id}`);
    expect(stageEntity()?.properties.state).toBe(stage.state);
    sims.ado.mutate.setStageState(moved.id, stage.name, 'completed', 'succeeded');
    // Both builds are still running, and neither's queue or start time moved.
    expect(model.builds.get(moved.id)?.status).toBe('inProgress');
    expect(model.builds.get(untouched.id)?.status).toBe('inProgress');

    const readMoved = sims.ado.faults.add({ kind: 'latency', latencyMs: 0, route: 'build.timeline', path: `/builds/${moved.id}/timeline` });
    const readUntouched = sims.ado.faults.add({ kind: 'latency', latencyMs: 0, route: 'build.timeline', path: `/builds/${untouched.id}/timeline` });
    const before = sims.ado.counters().byRoute['build.timeline'] ?? 0;
    const incremental = await sync(sims, ['--incremental', '--overlap-minutes', '0']);
    expect(incremental.code, incremental.stderr).toBe(0);

    const seen = (id: string) => sims.ado.faults.list().find((f) => f.id === id)?.seen;
    expect(seen(readMoved)).toBe(1);
    expect(seen(readUntouched)).toBe(0);
    // Nothing else changed: the one timeline read is the moved build's.
    expect((sims.ado.counters().byRoute['build.timeline'] ?? 0) - before).toBe(1);
    expect(stageEntity()?.properties.state).toBe('completed');
  });
});

describe('movedSince', () => {
  const since = Date.parse('2026-03-01T12:00:00Z');
  const before = '2026-03-01T11:00:00Z';
  const after = '2026-03-01T12:00:01Z';

  it('is true when any of the build times is at or after the window start', () => {
    expect(movedSince({ status: 'inProgress', queueTime: before, startTime: before, lastChangedDate: after }, since)).toBe(true);
    expect(movedSince({ status: 'completed', queueTime: before, startTime: before, finishTime: after, lastChangedDate: after }, since)).toBe(true);
    expect(movedSince({ status: 'notStarted', queueTime: '2026-03-01T12:00:00Z', lastChangedDate: '2026-03-01T12:00:00Z' }, since)).toBe(true);
  });

  it('is false for a build, running or not, with every time before the window', () => {
    expect(movedSince({ status: 'inProgress', queueTime: before, startTime: before, lastChangedDate: before }, since)).toBe(false);
    expect(movedSince({ status: 'completed', queueTime: before, startTime: before, finishTime: before, lastChangedDate: before }, since)).toBe(false);
  });

  it('reads a running build that carries no lastChangedDate, since nothing says it stood still', () => {
    expect(movedSince({ status: 'inProgress', queueTime: before, startTime: before }, since)).toBe(true);
    expect(movedSince({ status: 'inProgress', queueTime: before, startTime: before, lastChangedDate: 'not a date' }, since)).toBe(true);
    expect(movedSince({ status: 'completed', queueTime: before, startTime: before, finishTime: before }, since)).toBe(false);
  });
});
