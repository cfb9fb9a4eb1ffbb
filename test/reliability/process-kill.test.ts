/**
 * The process killed in the middle of a run (a cancelled pipeline, an OOM kill, a lost agent):
 * the built CLI (`dist/cli.js`) is spawned and sent SIGKILL while it writes to Port. Nothing may
 * have been deleted, and the next run converges. A cancelled pipeline first sends SIGINT or
 * SIGTERM (core/shutdown.ts): then the run stops, reports its resync state as "aborted", writes its
 * summary and exits 130 or 143; a second signal ends it at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { deleteSomeObjects, expectConverged, expectNothingDeleted, expectNothingExistingDeleted, oracleMapping, portRouteCount, snapshot, sync } from './harness';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const BULK = 'POST /v1/blueprints/:blueprint/entities/bulk';

let sims: Simulators;
const MAPPING = ['--mapping', oracleMapping()];

beforeAll(async () => {
  // CI builds everything before the tests; building the CLI again keeps a local run honest.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stderr}`);
  sims = await startSimulators({ ado: { seed: 53, scale: { base: 'tiny', workItems: 60 } } });
  const first = await sync(sims, MAPPING);
  expect(first.code, first.stderr).toBe(0);
}, 120_000);
afterAll(async () => sims?.close());

describe('the process killed mid-run', () => {
  it('leaves nothing deleted, and the next run converges', async () => {
    // Work for every resource: renamed projects, repositories and work items.
    const model = sims.ado.model;
    for (const project of model.projectList().filter((p) => p.state === 'wellFormed')) {
      sims.ado.mutate.updateProject(project.id, { name: `${project.name} (renamed)` });
      for (const repository of model.repositoriesOf(project.id)) sims.ado.mutate.updateRepository(repository.id, { name: `${repository.name}-renamed` });
      for (const item of model.workItemsOf(project.id)) sims.ado.mutate.updateWorkItem(item.id, { title: `${item.title} (renamed)` });
    }
    deleteSomeObjects(sims);
    const before = snapshot(sims);
    sims.port.clearCalls();

    const child = spawn(process.execPath, [CLI, 'sync', '--no-progress', ...MAPPING], { env: { PATH: process.env.PATH ?? '', ...sims.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // Kill it as soon as it has written something: the first resources are done, the rest are not.
    const watcher = setInterval(() => {
      if (portRouteCount(sims, BULK) > 0) child.kill('SIGKILL');
    }, 1);
    const { signal } = await exited;
    clearInterval(watcher);
    expect(signal, output).toBe('SIGKILL');

    // Some of the run's writes landed, none of its deletions (it never reached reconciliation).
    expect(portRouteCount(sims, BULK)).toBeGreaterThan(0);
    expectNothingDeleted(sims, before);
    expectNothingExistingDeleted(sims, before);
    // Resources run in lanes, the longest first (work items), so which landed varies; not all did.
    const renamed = ['azureDevopsProject', 'azureDevopsRepository', 'azureDevopsWorkItem'].flatMap((blueprint) => sims.port.entities(blueprint)).filter((e) => /\(renamed\)$|-renamed$/.test(e.title ?? ''));
    const expectedRenamed = model.projectList().filter((p) => p.state === 'wellFormed').reduce((n, p) => n + 1 + model.repositoriesOf(p.id).length + model.workItemsOf(p.id).length, 0);
    expect(renamed.length, 'the run was cut before its last resource').toBeLessThan(expectedRenamed);
    expect(sims.port.integration('my-azure-devops-integration')?.records.resyncStateHistory.at(-1)).toMatchObject({ status: 'running' });

    const clean = await sync(sims, MAPPING);
    expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
    expectConverged(sims);
    expect(sims.port.integration('my-azure-devops-integration')?.records.resyncStateHistory.at(-1)).toMatchObject({ status: 'completed' });
  });
});

/** Work for every resource again (each case its own tag), so a run cut short leaves some of it undone. */
function renameEverything(tag: string): void {
  const model = sims.ado.model;
  for (const project of model.projectList().filter((p) => p.state === 'wellFormed')) {
    for (const repository of model.repositoriesOf(project.id)) sims.ado.mutate.updateRepository(repository.id, { name: `${repository.name.replace(/--\w+$/, '')}--${tag}` });
    for (const item of model.workItemsOf(project.id)) sims.ado.mutate.updateWorkItem(item.id, { title: `${item.title.replace(/ \[.*\]$/, '')} [${tag}]` });
  }
}

type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };

/** Spawns the CLI bundle; `exited` resolves with how and when it ended. */
function spawnCli(args: readonly string[]): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, 'sync', '--no-progress', ...MAPPING, ...args], { env: { PATH: process.env.PATH ?? '', ...sims.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  return { child, output: () => output, exited };
}

/** Calls `action` once the run has sent its first bulk write; resolves with the time it did. */
function onFirstWrite(action: () => void): Promise<number> {
  return new Promise((resolve) => {
    const watcher = setInterval(() => {
      if (portRouteCount(sims, BULK) === 0) return;
      clearInterval(watcher);
      action();
      resolve(Date.now());
    }, 1);
  });
}

describe('the process cancelled mid-run (SIGINT / SIGTERM, as a cancelled pipeline sends them)', () => {
  it('SIGTERM: the run stops, reports "aborted", writes its summary, exits 143; nothing deleted, and the next run converges', async () => {
    renameEverything('sigterm');
    deleteSomeObjects(sims);
    const before = snapshot(sims);
    sims.port.clearCalls();
    const summary = join(mkdtempSync(join(tmpdir(), 'cancelled-')), 'summary.json');

    const run = spawnCli(['--summary', summary]);
    await onFirstWrite(() => run.child.kill('SIGTERM'));
    const exit = await run.exited;
    expect({ code: exit.code, signal: exit.signal }, run.output()).toEqual({ code: 143, signal: null });

    const history = sims.port.integration('my-azure-devops-integration')?.records.resyncStateHistory ?? [];
    expect(history.at(-2), 'this run had reported running').toMatchObject({ status: 'running' });
    expect(history.at(-1)).toMatchObject({ status: 'aborted' });
    expect(Date.parse(String(history.at(-1)?.lastResyncEnd)), 'lastResyncEnd is a time').not.toBeNaN();
    expect(run.output()).toContain('Received SIGTERM: cancelling the run');
    expect(run.output()).toContain('Cancelled (SIGTERM): the run stopped before it finished');
    const written = JSON.parse(readFileSync(summary, 'utf8')) as { status: string; problems: string[]; resources: unknown[] };
    expect(written.status).toBe('failed');
    expect(written.problems.join('\n')).toMatch(/the run was cancelled \(SIGTERM\)/);
    expect(written.resources.length).toBeGreaterThan(0);
    expectNothingDeleted(sims, before);
    expectNothingExistingDeleted(sims, before);

    const clean = await sync(sims, MAPPING);
    expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
    expectConverged(sims);
    expect(sims.port.integration('my-azure-devops-integration')?.records.resyncStateHistory.at(-1)).toMatchObject({ status: 'completed' });
  });

  it('SIGINT, then SIGINT again while the run winds down: the second one ends the process at once, exit code 130', async () => {
    renameEverything('sigint');
    const before = snapshot(sims);
    sims.port.clearCalls();
    // The "aborted" report (the second resync-state PATCH) hangs: the first signal alone would wait for it.
    sims.port.injectFault({ method: 'PATCH', path: '/v1/integration/*/resync-state', latencyMs: 4000, everyNth: 2, times: 1 });
    try {
      const run = spawnCli([]);
      await onFirstWrite(() => run.child.kill('SIGINT'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = Date.now();
      run.child.kill('SIGINT');
      const exit = await run.exited;
      expect({ code: exit.code, signal: exit.signal }, run.output()).toEqual({ code: 130, signal: null });
      expect(exit.at - second, 'exited at once after the second signal').toBeLessThan(1500);
      expect(run.output()).toContain('Received SIGINT again: exiting now.');
      expect(sims.port.faults()[0]?.fired, 'the "aborted" report was held up').toBe(1);
      expectNothingDeleted(sims, before);
    } finally {
      sims.port.clearFaults();
    }
    const clean = await sync(sims, MAPPING);
    expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
    expectConverged(sims);
  });
});
