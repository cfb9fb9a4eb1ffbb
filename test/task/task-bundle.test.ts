/**
 * The bundled task (task/PortSyncV0/index.js) run with `node`, exactly as the agent runs it, against
 * both simulators. The result is what `task.complete` says: the process exits 0 either way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { startPortSimulator, type PortSimulator } from '../../sim/port';
import { runTask, type AgentJob, type TaskRun } from './agent-harness';

const CLIENT_ID = 'port-client-id-e2e';
const CLIENT_SECRET = 'port-client-secret-e2e-0123456789';
const PAT = 'azure-devops-pat-e2e-abcdefghijklmnopqrstuvwxyz0123456789';
const JOB_TOKEN = 'job-access-token-e2e-0123456789abcdef';
const CONNECTION_ID = '5f3f1b2e-9a4c-4d8e-b1a2-3c4d5e6f7a8b';
const IDENTIFIER = 'ado-e2e';

const MAPPING = `
deleteDependentEntities: true
createMissingRelatedEntities: true
resources:
  - kind: project
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"adoProject"'
          properties:
            state: .state
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"adoRepository"'
          properties:
            defaultBranch: .defaultBranch
          relations:
            project: .project.id
`;

let ado: AzureDevOpsSimulator;
let port: PortSimulator;

beforeAll(async () => {
  // The bundle the agent runs; CI builds it too, this keeps a local `vitest run` honest.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'task'], { cwd: join(__dirname, '../..'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the task bundle failed:\n${build.stderr}`);
  ado = await startAzureDevOpsSimulator({ scale: 'tiny', seed: 7, pat: PAT, bearerTokens: [{ token: JOB_TOKEN, name: 'build-service' }] });
  port = await startPortSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
});

afterAll(async () => {
  await ado?.close();
  await port?.close();
});

beforeEach(() => {
  ado.reset();
  port.reset();
  port.seed.blueprints([
    { identifier: 'adoProject', title: 'Project', schema: { properties: { state: { type: 'string', title: 'State' } }, required: [] } },
    {
      identifier: 'adoRepository',
      title: 'Repository',
      schema: { properties: { defaultBranch: { type: 'string', title: 'Default branch' } }, required: [] },
      relations: { project: { title: 'Project', target: 'adoProject', required: false, many: false } },
    },
  ]);
});

/** What the organization holds, from the simulator's model (not from the engine's mapping). */
const expectedProjects = () => ado.model.projectList().filter((p) => p.state === 'wellFormed');
const expectedRepositories = () => expectedProjects().flatMap((p) => ado.model.repositoriesOf(p.id));
const ids = (items: { identifier?: string; id?: string }[]) => items.map((i) => i.identifier ?? i.id).sort();

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

const registered = (run: TaskRun) => run.commands.filter((c) => c.name === 'task.setsecret').map((c) => c.data);

describe('the bundled task on an agent', () => {
  it('syncs with a Port service connection and a PAT, through the agent proxy', async () => {
    const proxy = await startRecordingProxy();
    try {
      const job: AgentJob = {
        collectionUri: `${ado.cloudUrl}/`,
        inputs: {
          portCredentials: 'serviceConnection',
          portConnection: CONNECTION_ID,
          azureDevOpsAuth: 'personalAccessToken',
          personalAccessToken: PAT,
          mappingSource: 'inline',
          mappingYaml: MAPPING,
          integrationIdentifier: IDENTIFIER,
        },
        secretVariables: { ADO_PAT: PAT },
        connections: { [CONNECTION_ID]: { url: port.baseUrl, username: CLIENT_ID, password: CLIENT_SECRET } },
        jobAccessToken: JOB_TOKEN,
        proxy: { url: proxy.url, username: 'agent', password: 'proxy-password-e2e-42' },
      };
      const run = await runTask(job);

      expect(run.exitCode).toBe(0);
      expect(run.result, run.stdout).toBe('Succeeded');
      expect(ids(port.entities('adoProject'))).toEqual(ids(expectedProjects()));
      expect(ids(port.entities('adoRepository'))).toEqual(ids(expectedRepositories()));
      // Written as Ocean would write them, so ownership carries over from the docker step.
      for (const entity of port.entities('adoProject')) expect(entity.datasource).toMatch(new RegExp(`^port-ocean/azure-devops/.+/${IDENTIFIER}/exporter$`));
      // The PAT, not the job token the agent also offered.
      expect(Object.keys(ado.counters().byIdentity)).toEqual(['pat:pat']);

      // Both HTTP clients went through the agent's proxy, authenticated with its credentials.
      expect(proxy.hosts.has(new URL(port.baseUrl).host)).toBe(true);
      expect([...proxy.hosts].some((host) => host.startsWith('dev.azure.com:'))).toBe(true);
      expect(proxy.unauthenticated).toBe(0);

      expect(run.outputs).toMatchObject({ result: 'success', listed: String(expectedProjects().length + expectedRepositories().length), failed: '0', deleted: '0' });
      expect(Number(run.outputs.upserted)).toBe(expectedProjects().length + expectedRepositories().length);
      const summary = run.commands.find((c) => c.name === 'task.uploadsummary');
      expect(summary?.data.startsWith(run.tempDirectory)).toBe(true);
      expect(readFileSync(summary!.data, 'utf8')).toMatch(/adoRepository|repository/);
      expect(JSON.parse(readFileSync(run.outputs.summaryPath!, 'utf8'))).toMatchObject({ status: 'success', mode: 'sync' });
      expect(run.commands.some((c) => c.name === 'task.setprogress')).toBe(true);

      // Derived secrets are registered: the PAT's Basic header, the proxy password, the Port token.
      expect(registered(run)).toEqual(expect.arrayContaining([PAT, Buffer.from(`:${PAT}`).toString('base64'), 'proxy-password-e2e-42']));
      expect(registered(run).some((s) => /^eyJ/.test(s))).toBe(true);
      expectNoSecretLeaks(run, [PAT, CLIENT_SECRET, JOB_TOKEN, 'proxy-password-e2e-42']);
    } finally {
      await proxy.close();
    }
  });

  it("runs with no inputs at all from Port's variable group, secret variables included", async () => {
    port.seed.integration({ installationId: IDENTIFIER, installationAppType: 'azure-devops', config: parseMapping() });
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
      jobAccessToken: JOB_TOKEN,
      variables: {
        OCEAN__PORT__CLIENT_ID: CLIENT_ID,
        OCEAN__PORT__BASE_URL: port.baseUrl,
        OCEAN__INTEGRATION__IDENTIFIER: IDENTIFIER,
        OCEAN__INTEGRATION__TYPE: 'azure-devops',
        OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: ado.serverUrl,
        OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
        OCEAN__INITIALIZE_PORT_RESOURCES: 'true',
        OCEAN__SEND_RAW_DATA_EXAMPLES: 'false',
        // Debug output (task-lib's and the engine's) must not leak either.
        'System.Debug': 'true',
      },
      secretVariables: {
        OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
        OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT,
      },
    });

    expect(run.result, run.stdout).toBe('Succeeded');
    // The mapping stored on the integration in Port, the secrets from the vault, the PAT over the job token.
    expect(ids(port.entities('adoProject'))).toEqual(ids(expectedProjects()));
    expect(ids(port.entities('adoRepository'))).toEqual(ids(expectedRepositories()));
    expect(Object.keys(ado.counters().byIdentity)).toEqual(['pat:pat']);
    expect(port.integration(IDENTIFIER)?.records.examples ?? {}).toEqual({});
    expect(run.errors).toEqual([]);
    expectNoSecretLeaks(run, [PAT, CLIENT_SECRET, JOB_TOKEN]);
  });

  it("falls back to this pipeline's organization and the job's access token", async () => {
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
      jobAccessToken: JOB_TOKEN,
      inputs: { portClientId: CLIENT_ID, portClientSecret: CLIENT_SECRET, portBaseUrl: port.baseUrl, mappingSource: 'inline', mappingYaml: MAPPING, initializePortResources: 'false' },
      secretVariables: { PORT_CLIENT_SECRET: CLIENT_SECRET },
    });

    expect(run.result, run.stdout).toBe('Succeeded');
    expect(Object.keys(ado.counters().byIdentity)).toEqual(['bearer:build-service']);
    expect(ids(port.entities('adoProject'))).toEqual(ids(expectedProjects()));
    expect(registered(run)).toContain(JOB_TOKEN);
    expectNoSecretLeaks(run, [CLIENT_SECRET, JOB_TOKEN]);
  });

  it('plans without writing to Port, and reports what a sync would do', async () => {
    port.seed.integration({ installationId: IDENTIFIER, installationAppType: 'azure-devops', config: parseMapping() });
    const before = JSON.stringify({ blueprints: port.blueprints(), entities: port.state().entities, integration: port.integration(IDENTIFIER)?.config });
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
      inputs: { mode: 'plan', integrationIdentifier: IDENTIFIER, azureDevOpsAuth: 'personalAccessToken', personalAccessToken: PAT, portBaseUrl: port.baseUrl },
      secretVariables: { OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET, ADO_PAT: PAT },
      variables: { OCEAN__PORT__CLIENT_ID: CLIENT_ID },
    });

    expect(run.result, run.stdout).toBe('Succeeded');
    expect(JSON.stringify({ blueprints: port.blueprints(), entities: port.state().entities, integration: port.integration(IDENTIFIER)?.config })).toBe(before);
    expect(port.entities('adoProject')).toEqual([]);
    expect(run.outputs.result).toBe('success');
    const summary = JSON.parse(readFileSync(run.outputs.summaryPath!, 'utf8')) as { mode: string; plan: { blueprint: string; create: number; update: number; delete: number }[] };
    // In plan mode the counts are what a sync would do.
    expect(run.outputs.upserted).toBe(String(summary.plan.reduce((n, p) => n + p.create + p.update, 0)));
    expect(Number(run.outputs.upserted)).toBeGreaterThan(0);
    expect(summary.mode).toBe('plan');
    expect(summary.plan).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ blueprint: 'adoProject', create: expectedProjects().length, delete: 0 }),
        expect.objectContaining({ blueprint: 'adoRepository', create: expectedRepositories().length, delete: 0 }),
      ]),
    );
    expectNoSecretLeaks(run, [PAT, CLIENT_SECRET]);
  });

  it('ends SucceededWithIssues when one kind fails, and keeps what the others wrote', async () => {
    ado.faults.add({ kind: 'status', route: 'git.repositories.list', status: 400 });
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
      jobAccessToken: JOB_TOKEN,
      inputs: { mappingSource: 'inline', mappingYaml: MAPPING, integrationIdentifier: IDENTIFIER, initializePortResources: 'false' },
      variables: { OCEAN__PORT__CLIENT_ID: CLIENT_ID, OCEAN__PORT__BASE_URL: port.baseUrl },
      secretVariables: { OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET },
    });

    expect(run.result, run.stdout).toBe('SucceededWithIssues');
    expect(run.exitCode).toBe(0);
    expect(ids(port.entities('adoProject'))).toEqual(ids(expectedProjects()));
    expect(port.entities('adoRepository')).toEqual([]);
    expect(run.outputs.result).toBe('partial');
    expect(Number(run.outputs.failed)).toBeGreaterThan(0);
    const complete = run.commands.find((c) => c.name === 'task.complete');
    expect(complete?.data).toMatch(/repository/);
    expect([...run.errors, ...run.warnings].map((c) => c.data).join('\n')).toMatch(/repositor/i);
    expectNoSecretLeaks(run, [CLIENT_SECRET, JOB_TOKEN]);
  });

  it('fails a plan whose deletion guard would trip, and deletes nothing (BRIEF §4)', async () => {
    // Entities this integration wrote earlier that no longer exist in Azure DevOps: more than the mapping's threshold.
    const stale = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ identifier: `gone-${i}`, title: 'Gone' }));
    port.seed.entities('adoProject', stale, { datasource: `port-ocean/azure-devops/0.1.0/${IDENTIFIER}/exporter`, updatedAt: '2024-01-01T00:00:00.000Z' });
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
      jobAccessToken: JOB_TOKEN,
      inputs: { mode: 'plan', mappingSource: 'inline', mappingYaml: `entityDeletionThreshold: 0.5\n${MAPPING}`, integrationIdentifier: IDENTIFIER, initializePortResources: 'false' },
      variables: { OCEAN__PORT__CLIENT_ID: CLIENT_ID, OCEAN__PORT__BASE_URL: port.baseUrl },
      secretVariables: { OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET },
    });

    expect(run.result, run.stdout).toBe('Failed');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'partial', failed: '0' });
    expect(JSON.parse(readFileSync(run.outputs.summaryPath!, 'utf8'))).toMatchObject({ mode: 'plan', deletions: { guardTripped: true } });
    expect(run.commands.find((c) => c.name === 'task.complete')?.data).toMatch(/^Plan: /);
    expect(ids(port.entities('adoProject'))).toEqual(ids(stale));
    expectNoSecretLeaks(run, [CLIENT_SECRET, JOB_TOKEN]);
  });

  it('with System.Debug, never shows a secret input in the log, not even in the task library\'s debug lines', async () => {
    // Typed into the inputs (or from plain variables): the agent itself knows none of them.
    const webhookSecret = 'typed-webhook-secret-4567';
    const headerKey = 'typed-header-key-987654';
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
      inputs: {
        portClientId: CLIENT_ID,
        portClientSecret: CLIENT_SECRET,
        portBaseUrl: port.baseUrl,
        azureDevOpsAuth: 'personalAccessToken',
        personalAccessToken: PAT,
        mappingSource: 'inline',
        mappingYaml: MAPPING,
        mode: 'plan',
        registerWebhooks: 'true',
        webhookBaseUrl: 'https://hooks.example.com',
        webhookSecret,
        webhookHeaders: `X-Api-Key: ${headerKey}\nX-Plain: visible-header-value`,
      },
      variables: { 'System.Debug': 'true' },
    });

    expect(run.result, run.stdout).toBe('Succeeded');
    expect(run.agentSecrets).toEqual([]);
    // The task library did write each input as a debug line; the agent masks the secrets in them.
    const debug = run.maskedLog.split('\n').filter((line) => line.startsWith('##vso[task.debug]'));
    expect(debug).toEqual(expect.arrayContaining(['##vso[task.debug]webhookSecret=***', '##vso[task.debug]personalAccessToken=***', '##vso[task.debug]portClientSecret=***']));
    expect(debug.find((line) => line.startsWith('##vso[task.debug]webhookHeaders='))).toBe('##vso[task.debug]webhookHeaders=X-Api-Key: ***%0AX-Plain: visible-header-value');
    expectNoSecretLeaks(run, [CLIENT_SECRET, PAT, webhookSecret, headerKey]);
  });

  it('fails before any request on an input that is an undefined pipeline variable, or that its choice input would ignore', async () => {
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
      jobAccessToken: JOB_TOKEN,
      inputs: {
        registerWebhooks: 'true',
        webhookBaseUrl: 'https://hooks.example.com',
        webhookSecret: '$(WEBHOOK_SECRET)',
        // mappingSource and portCredentials left at their defaults (port, variables).
        mappingFile: '.port/port-app-config.yml',
        portConnection: CONNECTION_ID,
      },
      variables: { OCEAN__PORT__CLIENT_ID: CLIENT_ID, OCEAN__PORT__BASE_URL: port.baseUrl },
      secretVariables: { OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET },
      connections: { [CONNECTION_ID]: { url: port.baseUrl, username: CLIENT_ID, password: CLIENT_SECRET } },
    });

    expect(run.result, run.stdout).toBe('Failed');
    expect(run.outputs.result).toBe('config-error');
    expect(run.errors.map((c) => c.data).sort()).toEqual([
      "input 'mappingFile': is set but 'mappingSource' is 'port' (its default), so it would be ignored; set mappingSource: file, or remove mappingFile",
      "input 'portConnection': is set but 'portCredentials' is 'variables' (its default), so it would be ignored; set portCredentials: serviceConnection, or remove portConnection",
      "input 'webhookSecret': is the literal text $(WEBHOOK_SECRET): the pipeline variable WEBHOOK_SECRET is not defined (missing from the variable group?). Define it, or change the input.",
    ]);
    // The message survives the masking: the literal text was no secret to register.
    expect(run.maskedLog).toContain('the pipeline variable WEBHOOK_SECRET is not defined');
    expect(ado.counters().requests).toBe(0);
    expect(port.counters().requests).toBe(0);
    expect(ado.hooks.all()).toEqual([]);
    expectNoSecretLeaks(run, [CLIENT_SECRET, JOB_TOKEN]);
  });

  it('runs as one shard of a parallel job: input shard, else the job position; the shards together sync everything', async () => {
    port.seed.integration({ installationId: IDENTIFIER, installationAppType: 'azure-devops', config: parseMapping() });
    const job = (inputs: Record<string, string>): AgentJob => ({
      collectionUri: `${ado.serverUrl}/`,
      jobAccessToken: JOB_TOKEN,
      inputs: { portClientId: CLIENT_ID, portClientSecret: CLIENT_SECRET, portBaseUrl: port.baseUrl, integrationIdentifier: IDENTIFIER, initializePortResources: 'false', ...inputs },
      // Job 2 of a `strategy: parallel: 2`, as the agent sets it.
      variables: { 'System.JobPositionInPhase': '2', 'System.TotalJobsInPhase': '2' },
    });
    const first = await runTask(job({ shard: '0/2' }));
    expect(first.result, first.stdout).toBe('Succeeded');
    expect(first.outputs.shard).toBe('0/2');
    const zero = ids(port.entities('adoProject'));
    const second = await runTask(job({}));
    expect(second.result, second.stdout).toBe('Succeeded');
    expect(second.outputs.shard).toBe('1/2');
    expect(second.stdout).toMatch(/Shard 1\/2: Sync succeeded/);
    // Taken from the job's position, not asked for: said so, with the way out.
    expect(second.stdout).toMatch(/##vso\[task\.logissue type=warning[^\]]*\]This job is one of 2 parallel or matrix jobs, so it syncs only shard 1\/2 of the projects .*set input shard: none/);
    expect(first.stdout).not.toMatch(/This job is one of 2 parallel or matrix jobs/);

    const all = port.entities('adoProject');
    expect(ids(all)).toEqual(ids(expectedProjects()));
    expect(ids(port.entities('adoRepository'))).toEqual(ids(expectedRepositories()));
    for (const entity of all) expect(entity.datasource).toMatch(zero.includes(entity.identifier) ? /\/shard-0-of-2\+/ : /\/shard-1-of-2\+/);
  });

  it('fails on bad configuration before any request, naming each variable and input', async () => {
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
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
    expect(ado.counters().requests).toBe(0);
    expect(port.counters().requests).toBe(0);
    expectNoSecretLeaks(run, [PAT, JOB_TOKEN]);
  });

  it('fails with a clear message when Port refuses the credentials, before writing anything', async () => {
    const run = await runTask({
      collectionUri: `${ado.serverUrl}/`,
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

function parseMapping(): Record<string, unknown> {
  // The same mapping as stored on the integration in Port (JSON, not YAML).
  return {
    deleteDependentEntities: true,
    createMissingRelatedEntities: true,
    resources: [
      { kind: 'project', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"adoProject"', properties: { state: '.state' } } } } },
      {
        kind: 'repository',
        selector: { query: 'true' },
        port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"adoRepository"', properties: { defaultBranch: '.defaultBranch' }, relations: { project: '.project.id' } } } },
      },
    ],
  };
}

/**
 * A forward HTTP proxy like the one an agent is configured with: it records the hosts asked for,
 * checks the agent's proxy credentials, and forwards everything to 127.0.0.1 (where both
 * simulators listen), so cloud host names such as dev.azure.com need no DNS.
 */
async function startRecordingProxy(): Promise<{ url: string; hosts: Set<string>; unauthenticated: number; close(): Promise<void> }> {
  const hosts = new Set<string>();
  const state = { unauthenticated: 0 };
  const expected = `Basic ${Buffer.from('agent:proxy-password-e2e-42').toString('base64')}`;
  const server: Server = createServer((req, res) => {
    if (req.headers['proxy-authorization'] !== expected) {
      state.unauthenticated++;
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="agent"' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    hosts.add(target.host);
    const { 'proxy-authorization': _auth, 'proxy-connection': _conn, ...headers } = req.headers;
    const upstream = request({ host: '127.0.0.1', port: Number(target.port), method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hosts,
    get unauthenticated() {
      return state.unauthenticated;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
