import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { sync } from './harness';

/**
 * What an incremental run costs when nothing changed: the listings a change filter needs per
 * project, and nothing that depends on a change (no timelines, no pipelines or runs, no work-item
 * batches, no release ids). These are the requests issue 13's benchmark calls the per-project floor.
 */
describe('an incremental run when nothing changed', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 3 } });
  });
  afterAll(async () => {
    await sims.close();
  });

  it('makes only the per-project listings of the change filters, and one organization-wide releases listing', async () => {
    const full = await sync(sims);
    expect(full.code, full.stderr).toBe(0);
    const projects = sims.ado.model.projectList().filter((p) => p.state === 'wellFormed').length;
    expect(projects).toBeGreaterThan(1);

    sims.ado.resetCounters();
    const incremental = await sync(sims, ['--incremental', '--overlap-minutes', '0', '--unfiltered-kinds', 'skip']);
    expect(incremental.code, incremental.stderr).toBe(0);
    const byRoute = sims.ado.counters().byRoute;
    expect(byRoute).toEqual({
      'core.connectionData': 1,
      'core.projects.list': 1,
      // pull requests: the active ones, and those closed since the cursor
      'git.pullRequests.project': 2 * projects,
      // builds queued since, finished since and running now, shared by build, pipeline-run and pipeline-stage
      'build.builds.list': 3 * projects,
      'release.releases.list': 1,
      'release.deployments.list': projects,
      'test.runs.list': projects,
      'wit.wiql': 1,
      // one organization-wide repositories listing: pull requests of disabled repositories are left out
      'git.repositories.list': 1,
    });
  });
});
