/**
 * The hosting entry as it is deployed: `node dist/receiver.js` in its own process (rebuilt first,
 * so the test runs the current sources), configured by environment variables only, stopped by
 * SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../sim/azure-devops/helpers';
import { PAT, PORT_CLIENT_SECRET, startSimulators, type Simulators } from '../support/simulators';
import { EVENT_KINDS, WEBHOOK_SECRET, WEBHOOK_USER } from './harness';
import { runCli } from '../support/simulators';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function readyz(url: string): Promise<number> {
  return new Promise((resolve) => {
    httpRequest(`${url}/readyz`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', () => resolve(0))
      .end();
  });
}

/** `node dist/receiver.js` with this environment, once it is listening and ready. */
async function startReceiver(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, ['dist/receiver.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  proc.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    url = /"msg":"receiver listening","url":"([^"]+)"/.exec(stdout)?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 50));
  }
  expect(url, stdout).toBeDefined();
  for (let i = 0; i < 200 && (await readyz(url!)) !== 200; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await readyz(url!)).toBe(200);
  return { proc, url: url!, output: () => stdout, exited };
}

describe('node dist/receiver.js', () => {
  let sims: Simulators;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'receiver'], { cwd: ROOT, stdio: 'pipe' });
    sims = await startSimulators({ ado: { scale: 'tiny', seed: 66 } });
    expect((await runCli(['--kinds', EVENT_KINDS.join(',')], sims.env())).code).toBe(0);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sims?.close();
  });

  it('serves webhooks from its own process and exits 0 on SIGTERM', async () => {
    const env = { PATH: process.env.PATH ?? '', ...sims.env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET }), PORT: '0', PORT_ADO_SYNC_RECEIVER_HOST: '127.0.0.1' };
    const { proc, url, output, exited } = await startReceiver(env);
    child = proc;

    const { ado, port } = sims;
    const sub = await get(ado, '/_apis/hooks/subscriptions?api-version=7.1', {
      method: 'POST',
      pat: PAT,
      body: { publisherId: 'tfs', eventType: 'workitem.created', consumerId: 'webHooks', consumerActionId: 'httpRequest', consumerInputs: { url: `${url}/integration/webhook`, basicAuthUsername: WEBHOOK_USER, basicAuthPassword: WEBHOOK_SECRET } },
    });
    expect(sub.status).toBe(200);
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const item = ado.mutate.createWorkItem(project.id, { type: ado.model.workItemsOf(project.id)[0]!.type, title: 'Hosted receiver' });
    await ado.hooks.flush();
    expect(ado.hooks.deliveries().map((d) => d.statusCode)).toEqual([202]);
    for (let i = 0; i < 100 && !port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`); i++) await new Promise((r) => setTimeout(r, 50));
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`)?.title).toBe('Hosted receiver');

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"receiver stopped"');
    for (const secret of [WEBHOOK_SECRET, PAT, PORT_CLIENT_SECRET]) expect(output()).not.toContain(secret);
  });

  it('exits at the drain timeout, even while a write to Port is still under way', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      ...sims.env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET }),
      PORT: '0',
      PORT_ADO_SYNC_RECEIVER_HOST: '127.0.0.1',
      PORT_ADO_SYNC_RECEIVER_DRAIN_TIMEOUT: '1',
    };
    const { proc, url, output, exited } = await startReceiver(env);
    child = proc;

    // Port takes 30 s to answer the write, a request the event's abort signal does not reach.
    sims.port.injectFault({ method: 'POST', path: '/v1/blueprints/**', latencyMs: 30_000 });
    const { ado } = sims;
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const item = ado.model.workItemsOf(project.id)[0]!;
    ado.mutate.updateWorkItem(item.id, { title: 'Written too late' });
    const status = await new Promise<number>((resolve, reject) =>
      httpRequest(`${url}/integration/webhook`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`${WEBHOOK_USER}:${WEBHOOK_SECRET}`).toString('base64')}`, 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(JSON.stringify({ id: 'slow-write', eventType: 'workitem.updated', publisherId: 'tfs', resource: { id: 1, workItemId: item.id }, resourceContainers: { project: { id: project.id } } })),
    );
    expect(status).toBe(202);
    // The re-read is quick; Port stores the write at once and then holds its answer back.
    for (let i = 0; i < 100 && sims.port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`)?.title !== 'Written too late'; i++) await new Promise((r) => setTimeout(r, 50));

    const signalled = Date.now();
    proc.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 8000))]);
    sims.port.clearFaults();
    expect(code, output()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8000);
    expect(output()).toMatch(/"level":"error","msg":"event cut off at shutdown[^"]*","eventType":"workitem.updated","eventId":"slow-write"/);
    expect(output()).toContain('"msg":"receiver stopped","drained":false,"left":1');
  });
});

