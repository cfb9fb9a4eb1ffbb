import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortSimulator, type PortSimulator } from '../../sim/port';
import { expectedCatalog } from '../support/default-catalog-oracle';
import { PORT_CLIENT_ID, PORT_CLIENT_SECRET, startSimulators, type Simulators } from '../support/simulators';
import { applyRandomChanges, catalogOf, cursorReportOf, expectSameExceptDeletions, resourceOf, storedCursors, sync, type EntityView } from './harness';

/**
 * The contract of an incremental run: after any changes to the organization, Port holds what a
 * full run would write, except that nothing is deleted.
 */
describe('an incremental run after random changes', () => {
  let sims: Simulators;
  let reference: PortSimulator;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 7 } });
    reference = await startPortSimulator({ clientId: PORT_CLIENT_ID, clientSecret: PORT_CLIENT_SECRET });
  });
  afterAll(async () => {
    await sims.close();
    await reference.close();
  });

  it('makes Port equal to a full run, except deletions, listing only what changed where Azure DevOps can filter', async () => {
    const full = await sync(sims);
    expect(full.code, full.stderr).toBe(0);
    // A full run leaves a cursor for every resource it completed, at its start.
    const start = full.summary.cursors?.startedAt;
    expect(full.summary.cursors?.resources.every((r) => r.advanced && r.cursorAfter === start)).toBe(true);

    const changes = applyRandomChanges(sims.ado, 20_240_611, 60);
    expect(Object.keys(changes.counts).length).toBeGreaterThanOrEqual(10);

    // No overlap: the listings must then hold exactly what changed after the full run started.
    const incremental = await sync(sims, ['--incremental', '--overlap-minutes', '0', '--unfiltered-kinds', 'list']);
    expect(incremental.code, incremental.stderr).toBe(0);
    expect(incremental.stdout).toContain('Incremental sync succeeded');
    expect(incremental.summary.deletions.skipped).toMatch(/incremental run/);

    const fresh = await sync(sims, [], { port: reference });
    expect(fresh.code, fresh.stderr).toBe(0);
    expectSameExceptDeletions(catalogOf(sims.port), catalogOf(reference), changes.gone);

    // The independent expectation holds for everything that still exists.
    const oracle = expectedCatalog(sims.ado, { now: Date.now() });
    const held = catalogOf(sims.port);
    for (const [blueprint, entities] of oracle) {
      const stored = held.get(blueprint) ?? new Map<string, EntityView>();
      for (const [identifier, want] of entities) {
        const got = stored.get(identifier);
        expect(got, `${blueprint} ${identifier}`).toBeDefined();
        if (want.title !== undefined) expect(got?.title, `${blueprint} ${identifier} title`).toBe(want.title);
        for (const [key, value] of Object.entries(want.properties ?? {})) {
          const actual = got?.properties[key] ?? null;
          if (typeof value === 'string' && typeof actual === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) expect(Math.floor(Date.parse(actual)), `${blueprint} ${identifier} ${key}`).toBe(Date.parse(value));
          else expect(actual, `${blueprint} ${identifier} ${key}`).toEqual(value);
        }
      }
    }

    // The filtered kinds read only the changes; the others were listed in full.
    const model = sims.ado.model;
    const projects = model.projectList().filter((p) => p.state === 'wellFormed');
    const since = Date.parse(start ?? '');
    const changedWorkItems = projects.flatMap((p) => model.workItemsOf(p.id)).filter((w) => w.changedDate >= since).length;
    expect(resourceOf(incremental, 'work-item').listed).toBe(changedWorkItems);
    expect(resourceOf(incremental, 'work-item').listed).toBeLessThan(resourceOf(full, 'work-item').listed / 2);
    // Queued or finished since, or running and started or changed since (core/incremental/changed-builds.ts).
    const atOrAfter = (t: number | null | undefined) => typeof t === 'number' && t >= since;
    const changedBuilds = projects
      .flatMap((p) => model.buildsOfProject(p.id))
      .filter((b) => atOrAfter(b.queueTime) || atOrAfter(b.finishTime) || (b.status === 'inProgress' && (atOrAfter(b.startTime) || atOrAfter(b.lastChangedDate)))).length;
    expect(resourceOf(incremental, 'build').listed).toBe(changedBuilds);
    expect(resourceOf(incremental, 'pipeline-run').listed).toBe(changedBuilds);
    expect(resourceOf(incremental, 'release-deployment').listed).toBeLessThan(resourceOf(full, 'release-deployment').listed);
    expect(resourceOf(incremental, 'test-run').listed).toBe(changes.counts['create test run'] ?? 0);
    for (const kind of ['work-item', 'build', 'pipeline-run', 'pipeline-stage', 'release', 'release-deployment', 'test-run', 'pull-request']) {
      expect(cursorReportOf(incremental, kind).listing, kind).toBe('changes');
    }
    for (const kind of ['project', 'repository', 'branch', 'team']) expect(cursorReportOf(incremental, kind).listing, kind).toBe('full');

    // Every cursor moved to the incremental run's start.
    const after = incremental.summary.cursors?.startedAt;
    for (const value of Object.values(storedCursors(sims.port))) expect(value).toBe(after);
  });
});
