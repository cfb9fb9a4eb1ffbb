/**
 * When a cursor may not narrow a listing: cursors are taken from Azure DevOps' clock, a cursor
 * later than that clock or one Port cannot give lists everything, and a listing that knowingly
 * missed items keeps its old cursor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { catalogOf, cursorReportOf, OceanCursorClient, resourceOf, storedCursors, sync } from './harness';

const MINUTE = 60_000;

describe('cursors a run can trust', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 31 } });
  });
  afterAll(async () => sims.close());

  const wellFormed = () => sims.ado.model.projectList().filter((p) => p.state === 'wellFormed');
  const titleInPort = (projectId: string, id: number) => catalogOf(sims.port).get('azureDevopsWorkItem')?.get(`${projectId}/${id}`)?.title;

  it("takes the cursor from Azure DevOps' clock, so an agent whose clock runs 10 minutes fast misses no change", async () => {
    const fast = { now: () => new Date(Date.now() + 10 * MINUTE) };
    const kinds = ['--kinds', 'project,work-item'];
    const full = await sync(sims, kinds, { frontDoor: fast });
    expect(full.code, full.stderr).toBe(0);
    const cursor = Date.parse(full.summary.cursors?.startedAt ?? '');
    expect(Math.abs(cursor - Date.now()), 'the cursor is the service time, not the agent time').toBeLessThan(2 * MINUTE);

    const project = wellFormed().find((p) => sims.ado.model.workItemsOf(p.id).length > 0)!;
    const item = sims.ado.model.workItemsOf(project.id)[0]!;
    sims.ado.mutate.updateWorkItem(item.id, { title: 'edited after the full run' });
    const incremental = await sync(sims, [...kinds, '--incremental'], { frontDoor: fast });
    expect(incremental.code, incremental.stderr).toBe(0);
    expect(cursorReportOf(incremental, 'work-item')).toMatchObject({ listing: 'changes', advanced: true });
    expect(titleInPort(project.id, item.id)).toBe('edited after the full run');
  });

  it("lists everything from a cursor later than Azure DevOps' clock, with a warning, and replaces it", async () => {
    const kinds = ['--kinds', 'project,repository'];
    const full = await sync(sims, kinds);
    expect(full.code, full.stderr).toBe(0);
    const index = cursorReportOf(full, 'repository').index;
    await new OceanCursorClient(sims.port.baseUrl).write('repository', index, '2099-01-01T00:00:00.000Z');
    const project = wellFormed()[0]!;
    const created = sims.ado.mutate.createRepository(project.id, { name: 'created-after-a-future-cursor' });

    const incremental = await sync(sims, [...kinds, '--incremental']);
    expect(incremental.code, incremental.stderr).toBe(0);
    expect(cursorReportOf(incremental, 'repository')).toMatchObject({ listing: 'full', advanced: true, cursorAfter: incremental.summary.cursors?.startedAt });
    expect(incremental.stdout + incremental.stderr).toMatch(/repository #\d+: the stored cursor 2099-01-01T00:00:00.000Z is later than Azure DevOps' clock .*listing everything/);
    expect(catalogOf(sims.port).get('azureDevopsRepository')?.has(created.id)).toBe(true);
  });

  it('lists everything, not the look-back, when Port cannot give a cursor it holds', async () => {
    const kinds = ['--kinds', 'project,work-item'];
    const full = await sync(sims, kinds);
    expect(full.code, full.stderr).toBe(0);
    sims.port.injectFault({ method: 'GET', path: '/v1/integration/*/cursor', status: 503 });
    const fastRetries = { retry: { port: { maxAttempts: 2, baseDelaySeconds: 0.01, maxDelaySeconds: 0.02 } } };
    const incremental = await sync(sims, [...kinds, '--incremental', '--look-back-days', '1'], { frontDoor: fastRetries });
    sims.port.clearFaults();
    expect(incremental.code, incremental.stderr).toBe(0);
    expect(cursorReportOf(incremental, 'work-item')).toMatchObject({ listing: 'full', since: null, advanced: true });
    expect(resourceOf(incremental, 'work-item').listed).toBe(resourceOf(full, 'work-item').listed);
  });

  it('keeps the cursor of a listing that knowingly missed items (one team’s boards answered 500), and lists it again next run', async () => {
    const kinds = ['--kinds', 'project,team,board'];
    const full = await sync(sims, kinds);
    expect(full.code, full.stderr).toBe(0);
    const model = sims.ado.model;
    const team = wellFormed().flatMap((p) => model.teamsOf(p.id)).find((t) => model.boardsOf(t.id).length > 0)!;
    const index = cursorReportOf(full, 'board').index;
    const stale = new Date(Date.now() - 300 * MINUTE).toISOString();
    await new OceanCursorClient(sims.port.baseUrl).write('board', index, stale);

    const fault = sims.ado.faults.add({ kind: 'status', route: 'work.boards.list', path: team.id, status: 500 });
    const broken = await sync(sims, [...kinds, '--incremental']);
    sims.ado.faults.clear(fault);
    const kept = cursorReportOf(broken, 'board');
    expect(kept).toMatchObject({ listing: 'full', advanced: false, cursorAfter: stale });
    expect(kept.held).toMatch(/listing was incomplete \(the boards of team .* could not be read \(HTTP 500\)\)/);
    expect(storedCursors(sims.port)[`board#${index}`]).toBe(stale);

    const next = await sync(sims, [...kinds, '--incremental']);
    expect(next.code, next.stderr).toBe(0);
    expect(cursorReportOf(next, 'board')).toMatchObject({ listing: 'full', advanced: true });
  });
});
