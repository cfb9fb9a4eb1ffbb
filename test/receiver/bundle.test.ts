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
    const proc = spawn(process.execPath, ['dist/receiver.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stdout = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /"msg":"receiver listening","url":"([^"]+)"/.exec(stdout)?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url, stdout).toBeDefined();
    for (let i = 0; i < 200 && (await readyz(url!)) !== 200; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await readyz(url!)).toBe(200);

    const { ado, port } = sims;
    const sub = await get(ado, '/_apis/hooks/subscriptions?api-version=7.1', {
      method: 'POST',
      pat: PAT,
      body: { publisherId: 'tfs', eventType: 'workitem.created', consumerId: 'webHooks', consumerActionId: 'httpRequest', consumerInputs: { url: `${url!}/integration/webhook`, basicAuthUsername: WEBHOOK_USER, basicAuthPassword: WEBHOOK_SECRET } },
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
    expect(stdout).toContain('"msg":"receiver stopped"');
    for (const secret of [WEBHOOK_SECRET, PAT, PORT_CLIENT_SECRET]) expect(stdout).not.toContain(secret);
  });
});
