import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { cursorReportOf, OceanCursorClient, resourceOf, sync } from './harness';

const KINDS = ['project', 'repository', 'work-item'];
const kindsFlag = ['--kinds', KINDS.join(',')];
const HOUR = 3_600_000;

/**
 * Kinds without a change filter under the default `unfilteredKinds: when-stale`: skipped while
 * their last complete listing (their cursor) is recent, listed in full once it is older than
 * `unfilteredMaxAgeMinutes`, and their cursor then moves to that run's start.
 */
describe('kinds without a change filter, listed when stale (the default)', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 5 } });
  });
  afterAll(async () => {
    await sims.close();
  });

  it('skips them while their cursor is younger than the maximum age, and lists them once it is older', async () => {
    const full = await sync(sims, kindsFlag);
    expect(full.code, full.stderr).toBe(0);
    const fullStart = full.summary.cursors?.startedAt;
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const created = sims.ado.mutate.createRepository(project.id, { name: 'made-after-the-full-run' });
    const repositoryEntity = () => sims.port.entities().find((e) => e.blueprint === 'azureDevopsRepository' && e.identifier.includes(created.id));

    // Minutes after the full run: the unfiltered kinds are left alone, the filtered one is listed.
    const soon = await sync(sims, [...kindsFlag, '--incremental']);
    expect(soon.code, soon.stderr).toBe(0);
    for (const kind of ['project', 'repository']) {
      expect(cursorReportOf(soon, kind), kind).toMatchObject({ listing: 'skipped', advanced: false, cursorAfter: fullStart });
      expect(resourceOf(soon, kind).requests, kind).toBe(0);
    }
    expect(cursorReportOf(soon, 'work-item')).toMatchObject({ listing: 'changes', advanced: true });
    expect(soon.stdout + soon.stderr).toMatch(/repository: not listed in this incremental run \(no change filter; last listed 0 min ago, under incremental\.unfilteredMaxAgeMinutes \(240\)\)/);
    expect(repositoryEntity()).toBeUndefined();

    // The repositories were last listed five hours ago (Ocean's cursor format): stale, so listed in full.
    const ocean = new OceanCursorClient(sims.port.baseUrl);
    const index = (await ocean.resources()).findIndex((r) => r.kind === 'repository');
    await ocean.write('repository', index, new Date(Date.now() - 5 * HOUR).toISOString());
    const later = await sync(sims, [...kindsFlag, '--incremental']);
    expect(later.code, later.stderr).toBe(0);
    expect(cursorReportOf(later, 'repository')).toMatchObject({ listing: 'full', advanced: true, cursorAfter: later.summary.cursors?.startedAt });
    expect(resourceOf(later, 'repository').listed).toBe(resourceOf(full, 'repository').listed + 1);
    expect(repositoryEntity()).toBeDefined();
    expect(cursorReportOf(later, 'project')).toMatchObject({ listing: 'skipped', cursorAfter: fullStart });

    // A shorter maximum age, from the command line, makes the project listing stale as well.
    const projectIndex = (await ocean.resources()).findIndex((r) => r.kind === 'project');
    await ocean.write('project', projectIndex, new Date(Date.now() - 2 * 60_000).toISOString());
    const strict = await sync(sims, [...kindsFlag, '--incremental', '--unfiltered-max-age-minutes', '1']);
    expect(strict.code, strict.stderr).toBe(0);
    expect(cursorReportOf(strict, 'project')).toMatchObject({ listing: 'full', advanced: true });
    expect(cursorReportOf(strict, 'repository')).toMatchObject({ listing: 'skipped' });
  });

  it('rejects a maximum age that is not a whole number of minutes from 1 to 10080, naming the flag', async () => {
    const bad = await sync(sims, [...kindsFlag, '--incremental', '--unfiltered-max-age-minutes', '0']).catch((error: unknown) => error);
    const text = bad instanceof Error ? bad.message : `${(bad as { stdout: string; stderr: string }).stdout}${(bad as { stderr: string }).stderr}`;
    expect(text).toMatch(/--unfiltered-max-age-minutes/);
    expect(text).toMatch(/at least 1 minute/);
  });
});
