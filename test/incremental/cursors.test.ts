import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortSimulator, type PortSimulator } from '../../sim/port';
import { PORT_CLIENT_ID, PORT_CLIENT_SECRET, startSimulators, type Simulators } from '../support/simulators';
import { catalogOf, cursorReportOf, expectSameExceptDeletions, OceanCursorClient, resourceOf, storedCursors, sync } from './harness';

const KINDS = ['project', 'work-item', 'release', 'build'];
const kindsFlag = ['--kinds', KINDS.join(',')];

/** Ocean writes `datetime.isoformat()` of an aware UTC time: microseconds and `+00:00`. */
function pythonIsoformat(at: number): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1456+00:00');
}

describe("cursors shared with Ocean: the same routes, kinds and indexes", () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 11 } });
  });
  afterAll(async () => {
    await sims.close();
  });

  it('writes a cursor per resource that Ocean reads back by kind and mapping index, and lists from a cursor Ocean wrote', async () => {
    const full = await sync(sims, kindsFlag);
    expect(full.code, full.stderr).toBe(0);
    const startedAt = full.summary.cursors?.startedAt;
    expect(startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // Ocean's view: the index of a cursor is the resource's position in the stored mapping.
    const ocean = new OceanCursorClient(sims.port.baseUrl);
    const resources = await ocean.resources();
    expect(resources.length).toBeGreaterThan(KINDS.length);
    const synced = resources.map((r, index) => ({ kind: r.kind, index })).filter((r) => KINDS.includes(r.kind));
    expect(synced.map((r) => r.kind).sort()).toEqual([...KINDS].sort());
    for (const { kind, index } of synced) {
      expect(await ocean.read(kind, index), `${kind} #${index}`).toBe(startedAt);
      expect(cursorReportOf(full, kind).index).toBe(index);
    }
    // Kinds this run did not sync have no cursor: a run never claims what it did not list.
    const other = resources.findIndex((r) => !KINDS.includes(r.kind));
    expect(await ocean.read(resources[other]!.kind, other)).toBeUndefined();
    // Python parses what we wrote (datetime.fromisoformat accepts a trailing Z since 3.11): an ISO time in UTC.
    expect(Object.values(storedCursors(sims.port)).every((v) => v === startedAt)).toBe(true);

    // Ocean moves the work-item cursor back to a time between the work items' change dates.
    const model = sims.ado.model;
    const workItems = model.projectList().filter((p) => p.state === 'wellFormed').flatMap((p) => model.workItemsOf(p.id));
    const dates = workItems.map((w) => w.changedDate).sort((a, b) => a - b);
    const middle = dates[Math.floor(dates.length / 2)]!;
    const workItemIndex = synced.find((r) => r.kind === 'work-item')!.index;
    const oceanCursor = pythonIsoformat(middle);
    await ocean.write('work-item', workItemIndex, oceanCursor);
    // A value that is not a time (another tool's format) is read as no cursor, and replaced.
    const releaseIndex = synced.find((r) => r.kind === 'release')!.index;
    await ocean.write('release', releaseIndex, 'page-7');

    const incremental = await sync(sims, [...kindsFlag, '--incremental', '--overlap-minutes', '0']);
    expect(incremental.code, incremental.stderr).toBe(0);
    const report = cursorReportOf(incremental, 'work-item');
    expect(report.cursorBefore).toBe(oceanCursor);
    expect(report.since).toBe(new Date(middle).toISOString());
    const since = Date.parse(oceanCursor);
    const expected = workItems.filter((w) => w.changedDate >= since).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(workItems.length);
    expect(resourceOf(incremental, 'work-item').listed).toBe(expected);
    // The others start from the full run's cursor: nothing changed since, nothing listed.
    expect(cursorReportOf(incremental, 'build').cursorBefore).toBe(startedAt);
    expect(resourceOf(incremental, 'build').listed).toBe(0);
    expect(cursorReportOf(incremental, 'release')).toMatchObject({ cursorBefore: 'page-7', listing: 'full', advanced: true });
    expect(resourceOf(incremental, 'release').listed).toBe(resourceOf(full, 'release').listed);
    expect(incremental.stdout + incremental.stderr).toMatch(/release #\d+: the cursor stored in Port \(page-7\) is not an ISO time/);

    const after = incremental.summary.cursors?.startedAt;
    // project has no change filter and was listed moments ago (unfilteredKinds when-stale, the default): not listed, its cursor kept.
    expect(cursorReportOf(incremental, 'project')).toMatchObject({ listing: 'skipped', advanced: false });
    for (const { kind, index } of synced) expect(await ocean.read(kind, index), `${kind} #${index}`).toBe(kind === 'project' ? startedAt : after);

    // A shard covers only its share of the projects: it reads the organization's cursors but moves none.
    const sharded = await sync(sims, [...kindsFlag, '--incremental', '--shard', '1/2']);
    expect(sharded.code, sharded.stderr).toBe(0);
    const shardReports = sharded.summary.cursors?.resources ?? [];
    expect(shardReports.length).toBeGreaterThan(0);
    for (const r of shardReports.filter((r) => r.kind !== 'project')) expect(r, r.label).toMatchObject({ advanced: false, cursorBefore: after, held: expect.stringMatching(/share of the projects/) as unknown });
    expect(shardReports.find((r) => r.kind === 'project')).toMatchObject({ listing: 'skipped', advanced: false, cursorBefore: startedAt, held: 'not listed' });
    for (const { kind, index } of synced) expect(await ocean.read(kind, index), `${kind} #${index}`).toBe(kind === 'project' ? startedAt : after);
  });
});

describe('a resource that fails in an incremental run', () => {
  let sims: Simulators;
  let reference: PortSimulator;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 5 } });
    reference = await startPortSimulator({ clientId: PORT_CLIENT_ID, clientSecret: PORT_CLIENT_SECRET });
  });
  afterAll(async () => {
    await sims.close();
    await reference.close();
  });

  it('keeps its old cursor while the others advance, and the next run catches up from it', async () => {
    const full = await sync(sims, kindsFlag);
    expect(full.code, full.stderr).toBe(0);
    const t0 = full.summary.cursors?.startedAt;

    const model = sims.ado.model;
    const project = model.projectList().find((p) => p.state === 'wellFormed' && model.workItemsOf(p.id).length >= 5 && model.releaseDefinitionsOf(p.id).length > 0)!;
    const edited = model.workItemsOf(project.id).slice(0, 5);
    for (const item of edited) sims.ado.mutate.updateWorkItem(item.id, { title: `${item.title} (edited while Port was unreachable)` });
    sims.ado.mutate.createRelease(project.id, model.releaseDefinitionsOf(project.id)[0]!.id);

    // The work-item batch read fails with a 400 (not retried): that resource fails, the others complete.
    const fault = sims.ado.faults.add({ kind: 'status', route: 'wit.workItemsBatch', status: 400 });
    const failed = await sync(sims, [...kindsFlag, '--incremental', '--overlap-minutes', '0']);
    sims.ado.faults.clear(fault);
    expect(failed.code).toBe(1);
    const t1 = failed.summary.cursors?.startedAt;
    const kept = cursorReportOf(failed, 'work-item');
    expect(kept).toMatchObject({ advanced: false, cursorBefore: t0, cursorAfter: t0 });
    expect(kept.held).toMatch(/had errors/);
    expect(failed.stdout).toMatch(/work-item #\d+ .* \(kept\)/);
    expect(cursorReportOf(failed, 'release')).toMatchObject({ advanced: true, cursorAfter: t1 });
    expect(resourceOf(failed, 'release').upserted).toBeGreaterThan(0);
    const stored = storedCursors(sims.port);
    expect(stored[`work-item#${kept.index}`]).toBe(t0);
    expect(stored[`release#${cursorReportOf(failed, 'release').index}`]).toBe(t1);
    const titleOf = (id: number) => catalogOf(sims.port).get('azureDevopsWorkItem')?.get(`${project.id}/${id}`)?.title;
    expect(titleOf(edited[0]!.id)).not.toMatch(/edited/);

    const next = await sync(sims, [...kindsFlag, '--incremental', '--overlap-minutes', '0']);
    expect(next.code, next.stderr).toBe(0);
    const caughtUp = cursorReportOf(next, 'work-item');
    expect(caughtUp).toMatchObject({ listing: 'changes', cursorBefore: t0, since: t0, advanced: true, cursorAfter: next.summary.cursors?.startedAt });
    expect(caughtUp.changed).toBeGreaterThanOrEqual(edited.length);
    for (const item of edited) expect(titleOf(item.id)).toMatch(/edited while Port was unreachable/);
    // The release cursor moved at the failed run, so this run lists only from there.
    expect(cursorReportOf(next, 'release').cursorBefore).toBe(t1);

    const fresh = await sync(sims, kindsFlag, { port: reference });
    expect(fresh.code, fresh.stderr).toBe(0);
    expectSameExceptDeletions(catalogOf(sims.port), catalogOf(reference));
  });
});
