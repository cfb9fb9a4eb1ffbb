import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig, type ConfigLayer } from '../../core/config';
import type { Agent, AgentCertificates, AgentProxy, ServiceConnection } from '../../task/src/agent';
import { INPUT_DEFAULTS, readTaskInputs } from '../../task/src/inputs';
import { portDataSourcesUrl } from '../../task/src/integration-url';
import { bypassPatternToHost, jobDefaults, proxySettings } from '../../task/src/job-defaults';
import { layerFromPipelineVariables } from '../../task/src/pipeline-variables';

const CLIENT_SECRET = 'port-client-secret-value-1';
const PAT = 'azure-devops-pat-value-0123456789';
const JOB_TOKEN = 'job-access-token-value-abcdef';

interface FakeAgent {
  inputs?: Record<string, string>;
  variables?: Record<string, string>;
  connections?: Record<string, ServiceConnection>;
  jobToken?: string;
  proxy?: AgentProxy;
  certificates?: Partial<AgentCertificates>;
}

/** An agent the way the real one behaves: every input present, filled with task.json's default when the pipeline left it out. */
function agent(fake: FakeAgent = {}): Agent {
  const inputs = { ...INPUT_DEFAULTS, ...fake.inputs };
  const variables = new Map(Object.entries(fake.variables ?? {}).map(([k, v]) => [k.toUpperCase(), v]));
  return {
    input: (name) => (inputs[name] === '' ? undefined : inputs[name]),
    variable: (name) => variables.get(name.toUpperCase()),
    serviceConnection: (id) => fake.connections?.[id],
    jobAccessToken: () => fake.jobToken,
    proxy: () => fake.proxy,
    certificates: () => ({ caFile: undefined, clientCertificate: false, skipValidation: false, ...fake.certificates }),
  };
}

const WORKDIR = mkdtempSync(join(tmpdir(), 'task-inputs-'));

/** The task's layers, in the order main.ts builds them. */
function layersOf(fake: FakeAgent): { layers: ConfigLayer[]; warnings: string[] } {
  const a = agent(fake);
  const inputs = readTaskInputs(a, { workingDirectory: WORKDIR });
  const defaults = jobDefaults(a, { offerJobAccessToken: inputs.offerJobAccessToken, summaryPath: join(WORKDIR, 'summary.json') });
  return { layers: [...inputs.layers, layerFromPipelineVariables(a, {}, { cwd: WORKDIR }), defaults.layer], warnings: [...inputs.warnings, ...defaults.warnings] };
}
const configOf = (fake: FakeAgent) => resolveConfig(layersOf(fake).layers).config;
function problemsOf(fake: FakeAgent): string[] {
  try {
    resolveConfig(layersOf(fake).layers);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => (p.source ? `${p.source}: ${p.message}` : p.message));
    throw error;
  }
  return [];
}

const VARIABLE_GROUP = {
  OCEAN__PORT__CLIENT_ID: 'group-client-id',
  OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
  OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/from-group',
  OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT,
};

describe('task inputs: the variable group alone', () => {
  it('runs with no inputs: Port and Azure DevOps credentials from the OCEAN__ variables', () => {
    const config = configOf({ variables: VARIABLE_GROUP, jobToken: JOB_TOKEN });
    expect(config.port).toMatchObject({ clientId: 'group-client-id', clientSecret: CLIENT_SECRET, baseUrl: 'https://api.port.io' });
    expect(config.azureDevOps.organizationUrl).toBe('https://dev.azure.com/from-group');
    // The group's PAT wins over the job token the task offers as a fallback.
    expect(config.azureDevOps.credential).toEqual({ type: 'pat', token: PAT });
    expect(config.mapping).toEqual({ source: 'port' });
  });

  it("lets the group's switches stand when the inputs are left at their defaults", () => {
    const config = configOf({ variables: { ...VARIABLE_GROUP, OCEAN__INITIALIZE_PORT_RESOURCES: 'false', OCEAN__SEND_RAW_DATA_EXAMPLES: 'no', PORT_ADO_SYNC_MODE: 'plan' } });
    expect(config.initializePortResources).toBe(false);
    expect(config.sendRawDataExamples).toBe(false);
    expect(config.mode).toBe('plan');
  });

  it('lets a changed input override the group', () => {
    const config = configOf({ variables: { ...VARIABLE_GROUP, OCEAN__INITIALIZE_PORT_RESOURCES: 'true' }, inputs: { initializePortResources: 'false', mode: 'plan', organizationUrl: 'https://dev.azure.com/from-input' } });
    expect(config.initializePortResources).toBe(false);
    expect(config.mode).toBe('plan');
    expect(config.azureDevOps.organizationUrl).toBe('https://dev.azure.com/from-input');
  });
});

describe('task inputs: incremental mode', () => {
  it('reads the mode and its settings, each into the incremental section', () => {
    const config = configOf({ variables: VARIABLE_GROUP, inputs: { mode: 'incremental', overlapMinutes: '15', lookBackDays: '30', unfilteredKinds: 'skip', unfilteredMaxAgeMinutes: '90' } });
    expect(config.mode).toBe('incremental');
    expect(config.incremental).toEqual({ overlapMinutes: 15, lookBackDays: 30, unfilteredKinds: 'skip', unfilteredMaxAgeMinutes: 90 });
  });

  it("follows Ocean's OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED from the group when the mode is left at Sync, and the PORT_ADO_SYNC_ variables for the settings", () => {
    const config = configOf({ variables: { ...VARIABLE_GROUP, OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true', PORT_ADO_SYNC_INCREMENTAL_OVERLAP_MINUTES: '10' } });
    expect(config.mode).toBe('incremental');
    expect(config.incremental.overlapMinutes).toBe(10);
  });

  it('names the input of a bad value', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mode: 'incremental', overlapMinutes: 'ten' } })).toEqual([expect.stringMatching(/overlapMinutes.*whole number/)]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mode: 'incremental', lookBackDays: '0' } })).toEqual([expect.stringMatching(/lookBackDays.*at least 1 day/)]);
  });
});

describe('task inputs: allowUnauthenticatedWebhooks', () => {
  const registering = { registerWebhooks: 'true', webhookBaseUrl: 'https://hooks.example.com' };

  it('sets webhooks.allowUnauthenticated with registration on', () => {
    const config = configOf({ variables: VARIABLE_GROUP, inputs: { ...registering, allowUnauthenticatedWebhooks: 'true' } });
    expect(config.webhooks).toMatchObject({ register: true, allowUnauthenticated: true });
  });

  it('left unchecked, lets the variable PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED decide', () => {
    expect(configOf({ variables: VARIABLE_GROUP, inputs: registering }).webhooks.allowUnauthenticated).toBe(false);
    expect(configOf({ variables: { ...VARIABLE_GROUP, PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED: 'true' }, inputs: registering }).webhooks.allowUnauthenticated).toBe(true);
  });
});

describe("task inputs: what the job offers", () => {
  it("uses this pipeline's organization and the job's access token when nothing else is set", () => {
    const config = configOf({
      variables: { OCEAN__PORT__CLIENT_ID: 'id', OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET, 'System.CollectionUri': 'https://dev.azure.com/contoso/' },
      jobToken: JOB_TOKEN,
    });
    expect(config.azureDevOps.organizationUrl).toBe('https://dev.azure.com/contoso');
    expect(config.azureDevOps.credential).toEqual({ type: 'bearer', token: JOB_TOKEN });
  });

  it('does not fall back to the job token when a PAT was asked for', () => {
    const problems = problemsOf({
      variables: { OCEAN__PORT__CLIENT_ID: 'id', OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET, 'System.CollectionUri': 'https://dev.azure.com/contoso/' },
      inputs: { azureDevOpsAuth: 'personalAccessToken' },
      jobToken: JOB_TOKEN,
    });
    expect(problems).toEqual([expect.stringMatching(/^Azure DevOps credential .* is missing: set .*OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN.*input 'personalAccessToken'/)]);
  });

  it('says the job gave no token when that was the only way to get one', () => {
    const problems = problemsOf({ variables: { OCEAN__PORT__CLIENT_ID: 'id', OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET, 'System.CollectionUri': 'https://dev.azure.com/contoso/' } });
    expect(problems.join('\n')).toContain("the job's access token (System.AccessToken), which this job did not provide");
  });

  it("passes the agent's proxy (credentials encoded), bypass list, CA file and certificate switch to the network settings", () => {
    const config = configOf({
      variables: VARIABLE_GROUP,
      proxy: { url: 'http://proxy.corp:3128', username: 'build', password: 'p@ss:word', bypass: ['dev\\.azure\\.com', '.*\\.corp\\.local'] },
      certificates: { caFile: '/etc/ssl/corp-ca.pem', skipValidation: true },
    });
    expect(config.network).toMatchObject({
      proxyUrl: 'http://build:p%40ss%3Aword@proxy.corp:3128',
      noProxy: ['dev.azure.com', '.corp.local'],
      caFile: '/etc/ssl/corp-ca.pem',
      rejectUnauthorized: false,
    });
  });

  it('lets HTTPS_PROXY from the pipeline win over the agent proxy', () => {
    const config = configOf({ variables: { ...VARIABLE_GROUP, HTTPS_PROXY: 'http://other:8080' }, proxy: { url: 'http://proxy.corp:3128', username: undefined, password: undefined, bypass: [] } });
    expect(config.network.proxyUrl).toBe('http://other:8080');
  });

  it('warns about a client certificate it cannot present', () => {
    expect(layersOf({ variables: VARIABLE_GROUP, certificates: { clientCertificate: true } }).warnings.join('\n')).toMatch(/client certificate/);
  });
});

describe('task inputs: the Port service connection', () => {
  const connection = (overrides: Partial<ServiceConnection> & { username?: string; password?: string } = {}): ServiceConnection => ({
    url: 'https://api.us.port.io/',
    scheme: 'UsernamePassword',
    parameter: (key) => (key === 'username' ? (overrides.username ?? 'conn-client-id') : key === 'password' ? (overrides.password ?? CLIENT_SECRET) : undefined),
    ...overrides,
  });

  it('takes the client id, secret and API URL from the connection, over the variables', () => {
    const config = configOf({ inputs: { portCredentials: 'serviceConnection', portConnection: 'conn-1' }, connections: { 'conn-1': connection() }, variables: VARIABLE_GROUP });
    expect(config.port).toEqual({ clientId: 'conn-client-id', clientSecret: CLIENT_SECRET, baseUrl: 'https://api.us.port.io' });
  });

  it('ignores the Port inputs while a connection is chosen, and says so', () => {
    const { warnings } = layersOf({ inputs: { portCredentials: 'serviceConnection', portConnection: 'conn-1', portClientId: 'typed-id' }, connections: { 'conn-1': connection() }, variables: VARIABLE_GROUP });
    expect(warnings).toEqual(["input 'portClientId' is ignored: the Port service connection (input 'portConnection') provides the Port credentials."]);
  });

  it('reports a missing connection, an unknown one and the wrong kind, naming the input', () => {
    expect(problemsOf({ inputs: { portCredentials: 'serviceConnection' }, variables: VARIABLE_GROUP })).toContainEqual(expect.stringMatching(/^input 'portConnection': choose a Port service connection/));
    expect(problemsOf({ inputs: { portCredentials: 'serviceConnection', portConnection: 'nope' }, variables: VARIABLE_GROUP })).toContainEqual(
      expect.stringMatching(/^input 'portConnection': the agent passed no details for service connection 'nope'/),
    );
    expect(problemsOf({ inputs: { portCredentials: 'serviceConnection', portConnection: 'c' }, connections: { c: connection({ scheme: 'Token' }) }, variables: VARIABLE_GROUP })).toContainEqual(
      "input 'portConnection': is a 'Token' connection; use a service connection of type Port (client id and client secret)",
    );
  });

  it('reports a bad URL in the connection without quoting the secret', () => {
    const problems = problemsOf({ inputs: { portCredentials: 'serviceConnection', portConnection: 'c' }, connections: { c: connection({ url: 'api.port.io' }) }, variables: VARIABLE_GROUP });
    expect(problems).toEqual([expect.stringMatching(/^input 'portConnection' \(Port API URL\): must be an http\(s\) URL/)]);
    expect(problems.join('\n')).not.toContain(CLIENT_SECRET);
  });
});

describe('task inputs: mapping source', () => {
  it('reads a mapping file relative to the repository checkout', () => {
    writeFileSync(join(WORKDIR, 'port-app-config.yml'), 'resources: []\n');
    expect(configOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'file' } }).mapping).toEqual({ source: 'file', path: join(WORKDIR, 'port-app-config.yml') });
  });

  it('refuses a folder where the agent turned an empty file input into the working directory', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'file', mappingFile: WORKDIR } })).toEqual([
      "input 'mappingFile': give the path of the port-app-config YAML file in the repository (for example .port/port-app-config.yml)",
    ]);
  });

  it('takes inline YAML, and refuses it empty', () => {
    expect(configOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'inline', mappingYaml: 'resources: []' } }).mapping).toEqual({ source: 'inline', yaml: 'resources: []' });
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'inline' } })).toEqual([expect.stringMatching(/^input 'mappingYaml': is empty/)]);
  });

  it('names the input of a bad list value', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { kinds: 'project, repositry' } })).toEqual([expect.stringMatching(/^input 'kinds': .*'repositry' is not a known resource kind.*repository/)]);
  });
});

describe('task inputs: an undefined pipeline variable', () => {
  const macro = (name: string) => `is the literal text $(${name}): the pipeline variable ${name} is not defined (missing from the variable group?). Define it, or change the input.`;

  it('is a problem naming the input, never a value: not a password, a token, a path or a choice', () => {
    const problems = problemsOf({
      variables: VARIABLE_GROUP,
      inputs: {
        registerWebhooks: 'true',
        webhookBaseUrl: 'https://hooks.example.com',
        webhookSecret: '$(WEBHOOK_SECRET)',
        azureDevOpsAuth: 'personalAccessToken',
        personalAccessToken: ' $(ADO_PAT) ',
        portClientSecret: '$(PORT_CLIENT_SECRET)',
        kinds: '$(Sync.Kinds)',
      },
    });
    expect(problems.sort()).toEqual([
      `input 'kinds': ${macro('Sync.Kinds')}`,
      `input 'personalAccessToken': ${macro('ADO_PAT')}`,
      `input 'portClientSecret': ${macro('PORT_CLIENT_SECRET')}`,
      `input 'webhookSecret': ${macro('WEBHOOK_SECRET')}`,
    ]);
  });

  it('is found in a file path the agent rooted at the working directory, in a header value and in a choice input, once each', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'file', mappingFile: join(WORKDIR, '$(MAPPING_FILE)') } })).toEqual([`input 'mappingFile': ${macro('MAPPING_FILE')}`]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'inline', mappingYaml: '$(MAPPING)' } })).toEqual([`input 'mappingYaml': ${macro('MAPPING')}`]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { registerWebhooks: 'true', webhookBaseUrl: 'https://h.example.com', webhookHeaders: 'X-Plain: yes\nX-Api-Key: $(HOOK_KEY)' } })).toEqual([
      `input 'webhookHeaders': header X-Api-Key ${macro('HOOK_KEY')}`,
    ]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { portCredentials: '$(PORT_CREDENTIALS)', portConnection: 'conn-1' } })).toEqual([`input 'portCredentials': ${macro('PORT_CREDENTIALS')}`]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { portCredentials: 'serviceConnection', portConnection: '$(PORT_CONNECTION)' } })).toEqual([`input 'portConnection': ${macro('PORT_CONNECTION')}`]);
  });

  it('leaves a text that only contains a macro among other words alone', () => {
    expect(configOf({ variables: VARIABLE_GROUP, inputs: { webhookUsername: 'svc-$(Build.BuildId)' } }).webhooks.username).toBe('svc-$(Build.BuildId)');
  });
});

describe('task inputs: an input its choice input would ignore', () => {
  it('is a problem when the choice was left at its default: a mapping file or inline YAML under mappingSource port', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingFile: '.port/mapping.yml' } })).toEqual([
      "input 'mappingFile': is set but 'mappingSource' is 'port' (its default), so it would be ignored; set mappingSource: file, or remove mappingFile",
    ]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingYaml: 'resources: []' } })).toEqual([
      "input 'mappingYaml': is set but 'mappingSource' is 'port' (its default), so it would be ignored; set mappingSource: inline, or remove mappingYaml",
    ]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingFile: '.port/mapping.yml', mappingYaml: 'resources: []' } })).toHaveLength(2);
  });

  it('is a problem for a service connection under portCredentials variables', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { portConnection: 'conn-1' } })).toEqual([
      "input 'portConnection': is set but 'portCredentials' is 'variables' (its default), so it would be ignored; set portCredentials: serviceConnection, or remove portConnection",
    ]);
  });

  it('is no problem for the mapping file at its default, as the agent passes it (rooted, or the bare working directory)', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingFile: join(WORKDIR, 'port-app-config.yml') } })).toEqual([]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingFile: WORKDIR } })).toEqual([]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { mappingYaml: '  \n' } })).toEqual([]);
  });

  it('is a problem for allowUnauthenticatedWebhooks checked while registerWebhooks is left unchecked', () => {
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { allowUnauthenticatedWebhooks: 'true' } })).toEqual([
      "input 'allowUnauthenticatedWebhooks': is set but 'registerWebhooks' is 'false' (its default), so it would be ignored; set registerWebhooks: true, or remove allowUnauthenticatedWebhooks",
    ]);
    // Unchecked, as the agent passes it when the pipeline leaves it out, or in another spelling: no problem.
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { allowUnauthenticatedWebhooks: 'false' } })).toEqual([]);
    expect(problemsOf({ variables: VARIABLE_GROUP, inputs: { allowUnauthenticatedWebhooks: 'True', registerWebhooks: 'True', webhookBaseUrl: 'https://hooks.example.com' } })).toEqual([]);
  });

  it('is only a warning when the choice input picks another option', () => {
    writeFileSync(join(WORKDIR, 'chosen.yml'), 'resources: []\n');
    const { layers, warnings } = layersOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'file', mappingFile: 'chosen.yml', mappingYaml: 'resources: []' } });
    expect(resolveConfig(layers).config.mapping).toEqual({ source: 'file', path: join(WORKDIR, 'chosen.yml') });
    expect(warnings).toEqual(["input 'mappingYaml' is ignored: 'mappingSource' is 'file'."]);
    expect(layersOf({ variables: VARIABLE_GROUP, inputs: { mappingSource: 'inline', mappingYaml: 'resources: []', mappingFile: 'chosen.yml' } }).warnings).toEqual([
      "input 'mappingFile' is ignored: 'mappingSource' is 'inline'.",
    ]);
  });
});

describe('the agent proxy bypass list', () => {
  it('translates host-name patterns and refuses cleverer ones', () => {
    expect(bypassPatternToHost('dev\\.azure\\.com')).toBe('dev.azure.com');
    expect(bypassPatternToHost('^https?://api\\.port\\.io')).toBe('api.port.io');
    expect(bypassPatternToHost('(https?://)?internal\\.host:8443/.*')).toBe('internal.host:8443');
    expect(bypassPatternToHost('.*\\.corp\\.local$')).toBe('.corp.local');
    expect(bypassPatternToHost('.*corp.*')).toBeUndefined();
    expect(bypassPatternToHost('10\\.0\\.[0-9]+\\.[0-9]+')).toBeUndefined();
  });

  it('lists what it could not translate in one warning', () => {
    const { noProxy, warnings } = proxySettings({ url: 'http://p:1', username: undefined, password: undefined, bypass: ['a\\.com', '.*corp.*'] });
    expect(noProxy).toEqual(['a.com']);
    expect(warnings).toEqual([expect.stringContaining('.*corp.*')]);
  });
});

describe('the integration link', () => {
  it("points at Port's web app for Port's own API hosts only", () => {
    expect(portDataSourcesUrl('https://api.port.io')).toBe('https://app.port.io/settings/data-sources');
    expect(portDataSourcesUrl('https://api.us.port.io')).toBe('https://app.us.port.io/settings/data-sources');
    expect(portDataSourcesUrl('https://api.getport.io')).toBe('https://app.getport.io/settings/data-sources');
    expect(portDataSourcesUrl('http://127.0.0.1:5000')).toBeUndefined();
  });
});
