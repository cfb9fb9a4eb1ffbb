/**
 * The bundled task (task/PortSyncV0/index.js) run with `node`, exactly as the agent runs it, against
 * both simulators. The result is what `task.complete` says: the process exits 0 either way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPortSimulator, type PortSimulator } from '../../sim/port';
import { runTask, type TaskRun } from './agent-harness';

const CLIENT_ID = 'port-client-id-e2e';
const CLIENT_SECRET = 'port-client-secret-e2e-0123456789';
const PAT = 'azure-devops-pat-e2e-abcdefghijklmnopqrstuvwxyz0123456789';
const JOB_TOKEN = 'job-access-token-e2e-0123456789abcdef';
/** Nothing listens there: a configuration problem must stop the run before any request. */
const NOWHERE = 'http://127.0.0.1:9/demo-org/';

let port: PortSimulator;

beforeAll(async () => {
  // The bundle the agent runs; CI builds it too, this keeps a local `vitest run` honest.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'task'], { cwd: join(__dirname, '../..'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the task bundle failed:\n${build.stderr}`);
  port = await startPortSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
});

afterAll(async () => {
  await port?.close();
});

beforeEach(() => {
  port.reset();
});

/**
 * No secret shows in the job log once the agent has masked what it knows and what the task
 * registered (in order), nor in stderr, nor in the summary files the agent uploads unmasked.
 */
function expectNoSecretLeaks(run: TaskRun, secrets: readonly string[]): void {
  const forms = secrets.flatMap((secret) => [secret, Buffer.from(`:${secret}`).toString('base64'), Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64')]);
  const log = `${run.maskedLog}\n${run.stderr}`;
  for (const form of forms) expect(log, 'a secret in the job log').not.toContain(form);
  // Port access tokens are JWT-shaped and exist only at run time: only task.setsecret can hide them.
  expect(log).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  for (const command of run.commands.filter((c) => c.name === 'task.uploadsummary')) {
    const summary = readFileSync(command.data, 'utf8');
    for (const form of forms) expect(summary, 'a secret in the uploaded summary').not.toContain(form);
  }
  const summaryPath = run.outputs.summaryPath;
  if (summaryPath && existsSync(summaryPath)) {
    const json = readFileSync(summaryPath, 'utf8');
    for (const form of forms) expect(json, 'a secret in the JSON summary').not.toContain(form);
  }
}

describe('the bundled task on an agent', () => {
  it('fails on bad configuration before any request, naming each variable and input', async () => {
    const run = await runTask({
      collectionUri: NOWHERE,
      jobAccessToken: JOB_TOKEN,
      inputs: { organizationUrl: 'https://dev.azure.com/', kinds: 'project, repositorys' },
      variables: { OCEAN__PORT__CLIENT_ID: CLIENT_ID, OCEAN__EVENT_LISTENER: '{"type":"POLLING"}' },
      secretVariables: { OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT },
    });

    expect(run.exitCode).toBe(0);
    expect(run.result).toBe('Failed');
    expect(run.outputs.result).toBe('config-error');
    const errors = run.errors.map((c) => c.data);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environment variable OCEAN__EVENT_LISTENER: asks for the event listener "POLLING"/),
        expect.stringMatching(/^input 'organizationUrl': /),
        expect.stringMatching(/^input 'kinds': .*'repositorys' is not a known resource kind/),
        expect.stringMatching(/^Port client secret is missing: set OCEAN__PORT__CLIENT_SECRET, or input 'portClientSecret'/),
      ]),
    );
    expect(port.counters().requests).toBe(0);
    expectNoSecretLeaks(run, [PAT, JOB_TOKEN]);
  });

  it('fails with a clear message when Port refuses the credentials, before writing anything', async () => {
    const run = await runTask({
      collectionUri: NOWHERE,
      jobAccessToken: JOB_TOKEN,
      variables: { OCEAN__PORT__CLIENT_ID: CLIENT_ID, OCEAN__PORT__BASE_URL: port.baseUrl },
      secretVariables: { OCEAN__PORT__CLIENT_SECRET: 'a-wrong-client-secret-000' },
    });

    expect(run.result).toBe('Failed');
    expect(run.outputs.result).toBe('config-error');
    expect(run.errors.map((c) => c.data).join('\n')).toMatch(/Port/);
    expect(port.calls().filter((c) => c.method !== 'POST' || !c.path.startsWith('/v1/auth/'))).toEqual([]);
    expectNoSecretLeaks(run, ['a-wrong-client-secret-000', JOB_TOKEN]);
  });
});
