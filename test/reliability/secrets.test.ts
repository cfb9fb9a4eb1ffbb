/**
 * No secret leaves a run unmasked, whatever goes wrong: the PAT, the job's System.AccessToken, the
 * Port client secret, the Port access token and the webhook secret, as themselves and in their
 * base64 and URL-encoded forms. Every channel a user or Port can read is scanned: stdout, stderr
 * (the job log, as the agent masks it), the text, Markdown and JSON summaries, the raw examples
 * sent to Port, and the error messages. Secrets are also planted in the organization's data
 * (someone pasted a token into a work item, a branch name, a field Port rejects).
 *
 * Front doors: the CLI (in-process), the Azure Pipelines task bundle (spawned as the agent does),
 * the GitHub Action bundle (spawned as the runner does) and the webhook receiver (in-process,
 * events delivered by the simulator's service hooks).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inputVariable, parseOutputFile, readManifest } from '../action/runner';
import { agentEnvironment, maskLikeTheAgent, parseLoggingCommands, type AgentJob } from '../task/agent-harness';
import { PAT, PORT_CLIENT_ID, PORT_CLIENT_SECRET, startSimulators, type Simulators } from '../support/simulators';
import { startStack, WEBHOOK_SECRET as RECEIVER_WEBHOOK_SECRET, type Stack } from '../receiver/harness';
import { sync, when } from './harness';

const WEBHOOK_SECRET = 'webhook-secret-reliability-5f2c9a';
const JOB_TOKEN = 'job-access-token-reliability-7d41e0b2';
const IDENTIFIER = 'my-azure-devops-integration';
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/;
/** The secrets a CLI run knows (its configuration); the job token exists only on an agent. */
const CLI_SECRETS = [PAT, PORT_CLIENT_SECRET, WEBHOOK_SECRET];
const TASK_SECRETS = [JOB_TOKEN, PORT_CLIENT_SECRET, WEBHOOK_SECRET];

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** Every form in which a secret could show up: itself, Basic-auth headers, base64, URL-encoded. */
function forms(secret: string): string[] {
  return [secret, b64(secret), b64(`:${secret}`), b64(`port:${secret}`), b64(`${PORT_CLIENT_ID}:${secret}`), encodeURIComponent(secret)];
}

function expectClean(channel: string, text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    for (const form of forms(secret)) expect(text.includes(form), `${channel} contains ${form === secret ? 'a secret' : 'an encoded secret'} (${secret.slice(0, 8)}…)`).toBe(false);
  }
  expect(text, `${channel} contains a Port access token`).not.toMatch(JWT);
}

/** Tokens pasted into the organization's data, where the mapping reads them and Port may echo them. */
function plantSecrets(sims: Simulators, token: string): void {
  const model = sims.ado.model;
  const project = model.projectList().find((p) => p.state === 'wellFormed')!;
  const item = model.workItemsOf(project.id)[0]!;
  sims.ado.mutate.updateWorkItem(item.id, { title: `Rotate ${WEBHOOK_SECRET}`, description: `old token: ${token}` });
  const repository = model.repositoriesOf(project.id).find((r) => !r.isDisabled && r.defaultBranch)!;
  sims.ado.mutate.push(repository.id, { branch: `hotfix/${token}`, files: { 'a.txt': 'a' } });
}

function renameAWorkItem(sims: Simulators): void {
  const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
  const item = sims.ado.model.workItemsOf(project.id)[1]!;
  sims.ado.mutate.updateWorkItem(item.id, { title: `renamed ${Date.now()}` });
}

/** Makes Port refuse one work item, quoting a value that holds a secret. */
function rejectWorkItemQuoting(sims: Simulators, secret: string): () => void {
  const original = sims.port.blueprint('azureDevopsWorkItem')!;
  const properties = original.schema.properties as Record<string, Record<string, unknown>>;
  const states = [...new Set(sims.port.entities('azureDevopsWorkItem').map((e) => e.properties.state as string))];
  sims.port.seed.blueprint({ ...original, schema: { ...original.schema, properties: { ...properties, state: { ...properties.state, enum: states } } } });
  const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
  const item = sims.ado.model.workItemsOf(project.id).at(-1)!;
  sims.ado.mutate.updateWorkItem(item.id, { state: `Blocked ${secret}` });
  return () => {
    sims.port.seed.blueprint(original);
    sims.ado.mutate.updateWorkItem(item.id, { state: states[0] });
  };
}

const examples = (sims: Simulators) => JSON.stringify(sims.port.integration(IDENTIFIER)?.records.examples ?? {});

describe('secrets through the CLI', () => {
  let sims: Simulators;
  let summary: string;
  const env = { OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET };

  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 83, scale: { base: 'tiny', workItems: 30 } } });
    const first = await sync(sims, [], env);
    expect(first.code, first.stderr).toBe(0);
    plantSecrets(sims, PAT);
  });
  afterAll(async () => sims?.close());
  beforeEach(() => {
    summary = join(mkdtempSync(join(tmpdir(), 'secrets-cli-')), 'summary.json');
    sims.ado.faults.clear();
    sims.ado.resetCounters();
    sims.port.clearFaults();
    sims.port.clearCalls();
  });

  async function scan(args: string[], expectCode: number): Promise<void> {
    const run = await sync(sims, ['--debug', '--summary', summary, ...args], env);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(expectCode);
    expectClean('stdout', run.stdout, CLI_SECRETS);
    expectClean('stderr', run.stderr, CLI_SECRETS);
    if (existsSync(summary)) expectClean('the JSON summary', readFileSync(summary, 'utf8'), CLI_SECRETS);
    expectClean('the raw examples sent to Port', examples(sims), CLI_SECRETS);
  }

  it('a clean run over data that holds secrets', async () => {
    await scan([], 0);
    // The raw examples did carry the planted work item, redacted.
    expect(examples(sims)).toContain('[REDACTED]');
  });

  it('plan mode, whose samples name the entities (one named after a secret)', async () => {
    await scan(['--plan'], 0);
  });

  it('Port refusing an entity and quoting its value', async () => {
    const undo = rejectWorkItemQuoting(sims, PORT_CLIENT_SECRET);
    try {
      await scan([], 1);
    } finally {
      undo();
    }
  });

  it('Port failing with 5xx, and the access token expiring mid-run', async () => {
    renameAWorkItem(sims);
    sims.port.injectFault({ method: 'POST', path: '/v1/blueprints/azureDevopsWorkItem/entities/bulk', status: 503 });
    const trigger = when(
      () => (sims.port.counters().requestsByRoute['POST /v1/entities/search'] ?? 0) >= 2,
      () => sims.port.expireTokens(),
    );
    try {
      await scan([], 1);
      expect(trigger.fired()).toBe(true);
      expect(sims.port.counters().statuses['401']).toBeGreaterThan(0);
    } finally {
      trigger.cancel();
    }
  });

  it('the credential turning into a sign-in page mid-run', async () => {
    const trigger = when(
      () => (sims.ado.counters().byRoute['git.refs.list'] ?? 0) > 0,
      () => sims.ado.credentials.setMode(PAT, 'sign-in-page'),
    );
    try {
      await scan([], 1);
      expect(sims.ado.counters().byStatus['203']).toBeGreaterThan(0);
    } finally {
      trigger.cancel();
      sims.ado.credentials.setMode(PAT, 'active');
    }
  });

  it('a configuration error with a secret pasted into the wrong variable', async () => {
    const run = await sync(sims, ['--summary', summary], { ...env, OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: `https://dev.azure.com/${PAT}/oops` });
    expect(run.code).toBe(2);
    expectClean('stderr', run.stderr, CLI_SECRETS);
    expectClean('stdout', run.stdout, CLI_SECRETS);
  });
});

const BUNDLES = mkdtempSync(join(tmpdir(), 'front-door-bundles-'));
const TASK_BUNDLE = join(BUNDLES, 'task.js');
const ACTION_BUNDLE = join(BUNDLES, 'action.js');

/**
 * A front door's bundle built as scripts/build.mjs builds it, into a directory of this test's own
 * (the task and action tests rebuild the shared ones; two writers must not race).
 */
async function buildBundle(entry: string, outfile: string): Promise<void> {
  await build({ entryPoints: [join(__dirname, '../..', entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
}

/** Runs the bundle as the agent does (test/task/agent-harness.ts) and gathers every channel a user can read. */
async function runTaskBundle(job: AgentJob): Promise<{ log: string; result: string | undefined; files: { name: string; text: string }[] }> {
  const work = mkdtempSync(join(tmpdir(), 'agent-work-'));
  const temp = mkdtempSync(join(tmpdir(), 'agent-temp-'));
  const { env, agentSecrets } = agentEnvironment(job, { work, temp });
  const child = spawn(process.execPath, [TASK_BUNDLE], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const commands = parseLoggingCommands(stdout);
  const files = commands
    .filter((c) => c.name === 'task.uploadsummary' || (c.name === 'task.setvariable' && c.properties.variable === 'summaryPath'))
    .map((c) => ({ name: c.name === 'task.uploadsummary' ? 'the uploaded Markdown summary' : 'the JSON summary', path: c.data }))
    .filter((f) => existsSync(f.path))
    .map((f) => ({ name: f.name, text: readFileSync(f.path, 'utf8') }));
  return { log: `${maskLikeTheAgent(stdout, agentSecrets)}\n${stderr}`, result: commands.find((c) => c.name === 'task.complete')?.properties.result, files };
}

describe('secrets through the Azure Pipelines task', () => {
  let sims: Simulators;
  const job = (extra: Partial<AgentJob> = {}): AgentJob => ({
    collectionUri: `${sims.ado.serverUrl}/`,
    jobAccessToken: JOB_TOKEN,
    variables: { OCEAN__PORT__CLIENT_ID: PORT_CLIENT_ID, OCEAN__PORT__BASE_URL: sims.port.baseUrl, 'System.Debug': 'true' },
    secretVariables: { OCEAN__PORT__CLIENT_SECRET: PORT_CLIENT_SECRET, OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET },
    ...extra,
  });

  beforeAll(async () => {
    await buildBundle('task/src/main.ts', TASK_BUNDLE);
    sims = await startSimulators({ ado: { seed: 89, scale: { base: 'tiny', workItems: 30 }, bearerTokens: [{ token: JOB_TOKEN, name: 'build-service' }] } });
    const first = await runTaskBundle(job());
    expect(first.result, first.log).toBe('Succeeded');
    plantSecrets(sims, JOB_TOKEN);
  }, 120_000);
  afterAll(async () => sims?.close());
  beforeEach(() => {
    sims.ado.resetCounters();
    sims.port.clearCalls();
  });

  function expectTaskClean(run: Awaited<ReturnType<typeof runTaskBundle>>, secrets: readonly string[] = TASK_SECRETS): void {
    expectClean('the job log', run.log, secrets);
    for (const file of run.files) expectClean(file.name, file.text, secrets);
    expectClean('the raw examples sent to Port', examples(sims), secrets);
  }

  it('the job access token as credential, Port refusing an entity and quoting the token', async () => {
    const undo = rejectWorkItemQuoting(sims, JOB_TOKEN);
    try {
      const run = await runTaskBundle(job());
      expect(run.result, run.log).toBe('SucceededWithIssues');
      expect(run.files.length).toBe(2);
      expectTaskClean(run);
    } finally {
      undo();
    }
  });

  it('the job access token turning into a sign-in page mid-run', async () => {
    const trigger = when(
      () => (sims.ado.counters().byRoute['git.refs.list'] ?? 0) > 0,
      () => sims.ado.credentials.setMode(JOB_TOKEN, 'sign-in-page'),
    );
    try {
      const run = await runTaskBundle(job());
      expect(trigger.fired()).toBe(true);
      expect(run.result, run.log).not.toBe('Succeeded');
      expectTaskClean(run);
    } finally {
      trigger.cancel();
      sims.ado.credentials.setMode(JOB_TOKEN, 'active');
    }
  });

  it('a PAT from a secret variable, in plan mode (samples name an entity after a secret)', async () => {
    plantSecrets(sims, PAT);
    const run = await runTaskBundle(job({ inputs: { mode: 'plan', azureDevOpsAuth: 'personalAccessToken', personalAccessToken: PAT }, secretVariables: { ...job().secretVariables, ADO_PAT: PAT } }));
    expect(run.result, run.log).toBe('Succeeded');
    expect(run.files.find((f) => f.name === 'the JSON summary')?.text).toContain('"mode": "plan"');
    expectTaskClean(run, [PAT, ...TASK_SECRETS]);
  });
});

type ActionRunResult = { code: number | null; visible: string; summaryFile: string | undefined; outputs: Record<string, string> };

/** Runs the action bundle as the GitHub runner does (test/action/runner.ts): INPUT_ variables, command files. */
async function runActionBundle(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRunResult> {
  const root = mkdtempSync(join(tmpdir(), 'action-run-'));
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'temp');
  for (const dir of [workspace, runnerTemp]) mkdirSync(dir, { recursive: true });
  const outputFile = join(root, 'set_output');
  const stepSummary = join(root, 'step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(stepSummary, '');
  const vars: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: root, CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: stepSummary, ...env };
  for (const [name, input] of Object.entries(readManifest().inputs)) {
    const value = inputs[name] ?? input.default;
    if (value !== undefined) vars[inputVariable(name)] = value;
  }
  const child = spawn(process.execPath, [ACTION_BUNDLE], { cwd: workspace, env: vars, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
  const summaryPath = outputs['summary-path'];
  return {
    code,
    // The runner masks what was registered with ::add-mask:: only from then on; the action masks its own output, so the raw stream is what counts.
    visible: [stdout.replace(/^::add-mask::.*$/gm, ''), stderr, JSON.stringify(outputs), readFileSync(stepSummary, 'utf8')].join('\n'),
    summaryFile: summaryPath && existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : undefined,
    outputs,
  };
}

describe('secrets through the GitHub Action', () => {
  let sims: Simulators;
  const inputs = (extra: Record<string, string> = {}) => ({
    'port-client-id': PORT_CLIENT_ID,
    'port-client-secret': PORT_CLIENT_SECRET,
    'port-base-url': sims.port.baseUrl,
    'organization-url': sims.ado.serverUrl,
    'personal-access-token': PAT,
    'webhook-secret': WEBHOOK_SECRET,
    ...extra,
  });

  beforeAll(async () => {
    await buildBundle('action/src/main.ts', ACTION_BUNDLE);
    sims = await startSimulators({ ado: { seed: 101, scale: { base: 'tiny', workItems: 30 } } });
    const first = await runActionBundle(inputs());
    expect(first.code, first.visible).toBe(0);
    plantSecrets(sims, PAT);
  }, 120_000);
  afterAll(async () => sims?.close());
  beforeEach(() => {
    sims.ado.resetCounters();
    sims.port.clearCalls();
  });

  function expectActionClean(run: ActionRunResult): void {
    expectClean('the step log, outputs and job summary', run.visible, CLI_SECRETS);
    if (run.summaryFile !== undefined) expectClean('the JSON summary', run.summaryFile, CLI_SECRETS);
    expectClean('the raw examples sent to Port', examples(sims), CLI_SECRETS);
  }

  it('Port refusing an entity and quoting the PAT', async () => {
    const undo = rejectWorkItemQuoting(sims, PAT);
    try {
      const run = await runActionBundle(inputs());
      expect(run.outputs.result, run.visible).toBe('partial');
      expect(run.summaryFile).toBeDefined();
      expectActionClean(run);
    } finally {
      undo();
    }
  });

  it('the PAT turning into a sign-in page mid-run', async () => {
    const trigger = when(
      () => (sims.ado.counters().byRoute['git.refs.list'] ?? 0) > 0,
      () => sims.ado.credentials.setMode(PAT, 'sign-in-page'),
    );
    try {
      const run = await runActionBundle(inputs());
      expect(trigger.fired()).toBe(true);
      expect(run.code).not.toBe(0);
      expectActionClean(run);
    } finally {
      trigger.cancel();
      sims.ado.credentials.setMode(PAT, 'active');
    }
  });

  it('plan mode, whose samples name an entity after the PAT', async () => {
    plantSecrets(sims, PAT);
    const run = await runActionBundle(inputs({ mode: 'plan' }));
    expect(run.code, run.visible).toBe(0);
    expect(run.summaryFile).toContain('"mode": "plan"');
    expectActionClean(run);
  });
});

describe('secrets through the webhook receiver', () => {
  let stack: Stack;
  const RECEIVER_SECRETS = [PAT, PORT_CLIENT_SECRET, RECEIVER_WEBHOOK_SECRET];

  beforeAll(async () => {
    stack = await startStack({ ado: { seed: 97, scale: { base: 'tiny', workItems: 20 } }, syncKinds: ['project', 'work-item'] });
    await stack.subscribe([{ publisherId: 'tfs', eventType: 'workitem.updated' }]);
    plantSecrets(stack.sims, PAT);
    await stack.settle();
  }, 120_000);
  afterAll(async () => stack?.close());

  /** Everything an operator can read: the JSON log lines, the metrics page, the answers to deliveries. */
  async function visible(): Promise<string> {
    const metrics = await fetch(`${stack.receiver.url}/metrics`).then((r) => r.text());
    // The payload is the organization's own data (planted secrets included); what the receiver said is status and error.
    const answers = stack.sims.ado.hooks.deliveries().map((d) => `${d.statusCode ?? ''} ${d.error ?? ''}`);
    return [...stack.logs, metrics, ...answers].join('\n');
  }

  it('Port refusing the entity of an event and quoting the PAT, then failing with 5xx while the token expires', async () => {
    const undo = rejectWorkItemQuoting(stack.sims, PAT);
    try {
      await stack.settle();
      expect(stack.receiver.metrics.failed.total(), 'the refused entity is a failed event').toBeGreaterThan(0);
    } finally {
      undo();
    }
    const fault = stack.sims.port.injectFault({ path: '/v1/blueprints/*/entities/**', status: 502, bodyFormat: 'html', times: 2 });
    stack.sims.port.expireTokens();
    renameAWorkItem(stack.sims);
    await stack.settle();
    expect(stack.sims.port.faults().find((f) => f.id === fault.id)?.fired).toBeGreaterThan(0);
    stack.sims.port.clearFaults();
    const text = await visible();
    expect(text).toMatch(/502|refused|must be one of/);
    expectClean('the receiver\'s logs, metrics and delivery answers', text, RECEIVER_SECRETS);
  });

  it('deliveries with a wrong password or a secret in the body', async () => {
    const wrong = `Basic ${b64(`port:${PAT}`)}`;
    expect((await stack.post({ eventType: 'workitem.updated', publisherId: 'tfs', resource: { id: 1 } }, { authorization: wrong })).status).toBe(401);
    const bad = await stack.post(undefined, { raw: `{"eventType": "${PAT}", "publisherId": "tfs", "resource": ` });
    expect(bad.status).toBe(400);
    expectClean('the answer to a malformed body', bad.text, RECEIVER_SECRETS);
    expectClean('the receiver\'s logs, metrics and delivery answers', await visible(), RECEIVER_SECRETS);
  });
});
