import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  absentConfigFileLayer,
  FLAG_DEFINITIONS,
  layerFromEnvironment,
  layerFromFlags,
  layerFromInputs,
  resolveConfig,
  suggestFlag,
  type FlagValue,
  type SyncConfig,
  type TextKey,
} from '../../../core/config';
import { CWD, matching, PAT, problemsOf, validEnv } from './fixtures';

const withFlags = (flags: Record<string, FlagValue>) => resolveConfig([layerFromEnvironment(validEnv()), layerFromFlags(flags, { cwd: CWD })]);

const FLAG_CASES: [Record<string, FlagValue>, (c: SyncConfig) => unknown, unknown][] = [
  [{ 'port-client-id': 'from-flag' }, (c) => c.port.clientId, 'from-flag'],
  [{ 'port-base-url': 'https://port.internal/' }, (c) => c.port.baseUrl, 'https://port.internal'],
  [{ 'port-region': 'us' }, (c) => c.port.baseUrl, 'https://api.us.port.io'],
  [{ 'integration-identifier': 'ado-flag' }, (c) => c.integration.identifier, 'ado-flag'],
  [{ 'organization-url': 'https://dev.azure.com/fabrikam' }, (c) => c.azureDevOps.organizationUrl, 'https://dev.azure.com/fabrikam'],
  [{ 'projects-limited': false }, (c) => c.azureDevOps.isProjectsLimited, false],
  [{ 'excluded-tags': ['legacy', 'old,archived'] }, (c) => c.azureDevOps.excludedTags, ['legacy', 'old', 'archived']],
  [{ mapping: 'port-app-config.yml' }, (c) => c.mapping, { source: 'file', path: resolve(CWD, 'port-app-config.yml') }],
  [{ 'initialize-port-resources': 'false' }, (c) => c.initializePortResources, false],
  [{ 'send-raw-data-examples': false }, (c) => c.sendRawDataExamples, false],
  [{ 'scheduled-resync-interval': '15' }, (c) => c.scheduledResyncIntervalMinutes, 15],
  [{ mode: 'plan' }, (c) => c.mode, 'plan'],
  [{ plan: true }, (c) => c.mode, 'plan'],
  [{ plan: false }, (c) => c.mode, 'sync'],
  [{ incremental: true }, (c) => c.mode, 'incremental'],
  [{ incremental: false }, (c) => c.mode, 'sync'],
  [{ 'overlap-minutes': '0' }, (c) => c.incremental.overlapMinutes, 0],
  [{ 'look-back-days': '7' }, (c) => c.incremental.lookBackDays, 7],
  [{ 'unfiltered-kinds': 'skip' }, (c) => c.incremental.unfilteredKinds, 'skip'],
  [{ 'unfiltered-max-age-minutes': '60' }, (c) => c.incremental.unfilteredMaxAgeMinutes, 60],
  [{ kinds: 'project,repository' }, (c) => c.filters.kinds, ['project', 'repository']],
  [{ projects: ['Platform', 'Data'] }, (c) => c.filters.projects, ['Platform', 'Data']],
  [{ 'register-webhooks': true, 'webhook-base-url': 'https://hooks.example.com' }, (c) => c.webhooks.register, true],
  [{ 'webhook-base-url': 'https://hooks.example.com' }, (c) => c.webhooks.baseUrl, 'https://hooks.example.com'],
  [{ 'webhook-username': 'svc' }, (c) => c.webhooks.username, 'svc'],
  [{ 'webhook-events': 'git.push' }, (c) => c.webhooks.events, ['git.push']],
  [{ 'include-release-events': true }, (c) => c.webhooks.includeReleaseEvents, true],
  [{ 'prune-webhooks': true, 'register-webhooks': true, 'webhook-base-url': 'https://h.example.com' }, (c) => c.webhooks.prune, true],
  [{ 'allow-unauthenticated-webhooks': true, 'register-webhooks': true, 'webhook-base-url': 'https://h.example.com' }, (c) => c.webhooks.allowUnauthenticated, true],
  [{ timeout: '30' }, (c) => c.network.timeoutSeconds, 30],
  [{ proxy: 'http://proxy.corp:3128' }, (c) => c.network.proxyUrl, 'http://proxy.corp:3128'],
  [{ 'no-proxy': 'localhost' }, (c) => c.network.noProxy, ['localhost']],
  [{ 'ca-file': 'certs/root.pem' }, (c) => c.network.caFile, resolve(CWD, 'certs/root.pem')],
  [{ insecure: true }, (c) => c.network.rejectUnauthorized, false],
  [{ summary: 'out/summary.json' }, (c) => c.summaryPath, resolve(CWD, 'out/summary.json')],
  [{ shard: '1/3' }, (c) => c.shard, { index: 1, count: 3 }],
  [{ 'log-level': 'DEBUG' }, (c) => c.logLevel, 'debug'],
  [{ debug: true }, (c) => c.logLevel, 'debug'],
  [{ '--mode': 'plan' }, (c) => c.mode, 'plan'],
];

describe('layerFromFlags', () => {
  it.each(FLAG_CASES)('%j', (flags, pick, expected) => {
    expect(pick(withFlags(flags).config)).toEqual(expected);
  });

  it('every flag the CLI can offer (FLAG_DEFINITIONS) is exercised above', () => {
    const exercised = new Set(FLAG_CASES.flatMap(([flags]) => Object.keys(flags).map((name) => name.replace(/^-+/, ''))));
    expect(FLAG_DEFINITIONS.map((f) => f.name).filter((name) => !exercised.has(name))).toEqual([]);
  });

  it.each(['pat', 'personal-access-token', 'token', 'client-secret', 'port-client-secret', 'webhook-secret', 'bearer-token'])(
    'refuses --%s: secrets never go on a command line, and the value is not repeated',
    (name) => {
      const problems = problemsOf(() => withFlags({ [name]: 'flag-secret-value-123' }));
      expect(problems).toEqual([{ source: `flag --${name}`, message: matching(/secrets are not accepted on the command line.*set [A-Z_]+/) }]);
      expect(JSON.stringify(problems)).not.toContain('flag-secret-value-123');
    },
  );

  it('refuses a proxy URL with credentials on the command line', () => {
    const problems = problemsOf(() => withFlags({ proxy: 'http://alice:proxy-pass-123@proxy.corp:3128' }));
    expect(problems).toEqual([{ source: 'flag --proxy', message: matching(/must not contain credentials; put the proxy URL with credentials in HTTPS_PROXY/) }]);
    expect(JSON.stringify(problems)).not.toContain('proxy-pass-123');
  });

  it('ignores the CLI’s own flags', () => {
    expect(withFlags({ config: 'port-ado-sync.yml', help: false, version: false }).warnings).toEqual([]);
  });

  it('refuses --plan with --mode sync rather than guess', () => {
    expect(problemsOf(() => withFlags({ plan: true, mode: 'sync' }))).toEqual([{ source: 'flag --mode', message: matching(/sets the mode again \(already set by flag --plan\)/) }]);
  });

  it.each<[Record<string, FlagValue>, RegExp]>([
    [{ 'projects-limited': 'perhaps' }, /is a switch/],
    [{ mapping: true }, /needs a value/],
    [{ timeout: 'soon' }, /whole number/],
    [{ kinds: 'project,bogus' }, /'bogus' is not a known resource kind/],
  ])('reports %j against the flag', (flags, message) => {
    const [name] = Object.keys(flags);
    expect(problemsOf(() => withFlags(flags))).toEqual([{ source: `flag --${name}`, message: matching(message) }]);
  });

  it('suggests the closest flag for the CLI’s unknown-flag message', () => {
    expect(suggestFlag('organisation-url')).toBe(' Did you mean --organization-url?');
    expect(suggestFlag('frobnicate')).toBe('');
  });
});

describe('layerFromInputs (task and action wrappers)', () => {
  const TASK_INPUTS: Partial<Record<TextKey, string>> = {
    'port.clientId': 'portClientId',
    'port.clientSecret': 'portClientSecret',
    'azureDevOps.organizationUrl': 'organizationUrl',
    'azureDevOps.personalAccessToken': 'personalAccessToken',
    'mapping.path': 'mappingFile',
    'webhooks.headers': 'webhookHeaders',
  };
  const labelFor = (key: TextKey) => (TASK_INPUTS[key] === undefined ? undefined : `input '${TASK_INPUTS[key]}'`);

  it('labels problems with the input name the user sees', () => {
    const problems = problemsOf(() =>
      resolveConfig([layerFromEnvironment(validEnv()), layerFromInputs({ 'azureDevOps.organizationUrl': 'dev.azure.com/contoso' }, labelFor)]),
    );
    expect(problems).toEqual([{ source: "input 'organizationUrl'", message: matching(/is not a URL/) }]);
  });

  it('treats empty inputs as not given', () => {
    const { sources } = resolveConfig([layerFromEnvironment(validEnv()), layerFromInputs({ 'port.clientId': '', 'azureDevOps.organizationUrl': '  ' }, labelFor)]);
    expect(sources['port.clientId']).toBe('environment variable OCEAN__PORT__CLIENT_ID');
  });

  it('reads webhook headers from one multi-line input, secret by name', () => {
    const { config } = resolveConfig([
      layerFromEnvironment(validEnv()),
      layerFromInputs({ 'webhooks.headers': 'X-Api-Key: key-123456\nX-Team: platform\n' }, labelFor),
    ]);
    expect(config.webhooks.headers).toEqual({ 'X-Api-Key': { value: 'key-123456', secret: true }, 'X-Team': { value: 'platform', secret: false } });
  });

  it('refuses a header value Azure DevOps would refuse (empty, or with a space), naming the input and header, never the value', () => {
    for (const text of ['Authorization: Bearer tok-987654', 'X-Receiver-Key:', 'X-Team: two words']) {
      const problems = problemsOf(() => resolveConfig([layerFromEnvironment(validEnv()), layerFromInputs({ 'webhooks.headers': text }, labelFor)]));
      expect(problems, text).toHaveLength(1);
      expect(problems[0]?.source).toBe("input 'webhookHeaders'");
      const message = problems[0]?.message ?? '';
      expect(message).toMatch(/^header (Authorization|X-Receiver-Key|X-Team): the value must not be empty or contain spaces/);
      expect(message).not.toContain('tok-987654');
      expect(message).not.toContain('two words');
    }
  });

  it('a fallback layer (the job token) is used only when no credential is set anywhere', () => {
    const fallback = layerFromInputs({ 'azureDevOps.bearerToken': 'job-access-token' }, () => 'System.AccessToken', { kind: 'fallback' });
    const withPat = resolveConfig([fallback, layerFromEnvironment(validEnv())]);
    expect(withPat.config.azureDevOps.credential).toEqual({ type: 'pat', token: PAT });
    const withoutPat = resolveConfig([fallback, layerFromEnvironment(validEnv({ OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: undefined }))]);
    expect(withoutPat.config.azureDevOps.credential).toEqual({ type: 'bearer', token: 'job-access-token' });
    expect(withoutPat.sources['azureDevOps.credential']).toBe('System.AccessToken');
  });

  it('refuses a key that is not a configuration key (a wrapper bug, caught at once)', () => {
    expect(() => layerFromInputs({ 'port.clientid': 'x' } as never, labelFor)).toThrow(/'port.clientid' is not a configuration key/);
  });

  it('a missing value names every place it could come from, across the front doors in use', () => {
    const problems = problemsOf(() =>
      resolveConfig([layerFromEnvironment({}), absentConfigFileLayer(), layerFromFlags({}), layerFromInputs({}, labelFor)]),
    );
    expect(problems.map((p) => p.message)).toEqual([
      "Port client id is missing: set OCEAN__PORT__CLIENT_ID, `port.clientId` in a config file (--config), --port-client-id, or input 'portClientId'.",
      "Port client secret is missing: set OCEAN__PORT__CLIENT_SECRET, `port.clientSecret` in a config file (--config), or input 'portClientSecret'.",
      "Azure DevOps organization URL is missing: set OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL, `azureDevOps.organizationUrl` in a config file (--config), --organization-url, or input 'organizationUrl'.",
      "Azure DevOps credential (personal access token or bearer token) is missing: set OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN or PORT_ADO_SYNC_BEARER_TOKEN, `azureDevOps.personalAccessToken` or `azureDevOps.bearerToken` in a config file (--config), or input 'personalAccessToken'.",
    ]);
  });
});
