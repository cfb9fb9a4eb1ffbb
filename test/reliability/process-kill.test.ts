/**
 * The process killed in the middle of a run (a cancelled pipeline, an OOM kill, a lost agent):
 * the built CLI (`dist/cli.js`) is spawned and sent SIGKILL while it writes to Port. Nothing may
 * have been deleted, and the next run converges.
 */
import { spawn, spawnSync } from 'node:child_process';
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
