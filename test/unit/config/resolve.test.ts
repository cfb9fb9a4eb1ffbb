import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  layerFromEnvironment,
  layerFromFlags,
  layerFromInputs,
  parseConfigFile,
  resolveConfig,
  RESOURCE_KINDS,
  syncConfigSchema,
  type ConfigLayer,
  type SyncConfig,
} from '../../../core/config';
import { CLIENT_SECRET, configErrorOf, matching, PAT, problemsOf, validEnv } from './fixtures';

const file = (yaml: string, env: Record<string, string | undefined> = {}) => parseConfigFile(yaml, { env, displayPath: 'port-ado-sync.yml', baseDir: '/repo' });
const env = (vars: Record<string, string | undefined>) => layerFromEnvironment(vars);
const flags = (values: Parameters<typeof layerFromFlags>[0]) => layerFromFlags(values, { cwd: '/repo' });

describe('precedence: explicit input/flag > config file > environment, per setting', () => {
  const layers = () => [
    env(validEnv({ OCEAN__INTEGRATION__IDENTIFIER: 'from-env', PORT_ADO_SYNC_MODE: 'plan', OCEAN__CLIENT_TIMEOUT: '10', OCEAN__PORT__BASE_URL: 'us' })),
    file('integration:\n  identifier: from-file\nnetwork:\n  timeoutSeconds: 20\n'),
    flags({ timeout: '30' }),
  ];

  it('takes each setting from the most explicit source that sets it, not the whole layer', () => {
    const { config, sources } = resolveConfig(layers());
    expect(config.port.baseUrl).toBe('https://api.us.port.io'); // only the environment sets it
    expect(config.mode).toBe('plan'); // only the environment sets it
    expect(config.integration.identifier).toBe('from-file'); // file beats environment
    expect(config.network.timeoutSeconds).toBe(30); // flag beats file and environment
    expect(sources).toMatchObject({
      'port.baseUrl': 'environment variable OCEAN__PORT__BASE_URL',
      'integration.identifier': 'port-ado-sync.yml:2:15 (integration.identifier)',
      'network.timeoutSeconds': 'flag --timeout',
    });
    expect(sources['webhooks.username']).toBeUndefined(); // default
  });

  it('does not depend on the order the layers are passed in', () => {
    const [a, b, c] = layers();
    expect(resolveConfig([c!, a!, b!]).config).toEqual(resolveConfig([a!, b!, c!]).config);
  });

  it('a config-file region overrides an environment base URL (same setting, two spellings)', () => {
    const { config } = resolveConfig([env(validEnv({ OCEAN__PORT__BASE_URL: 'https://api.getport.io' })), file('port:\n  region: us\n')]);
    expect(config.port.baseUrl).toBe('https://api.us.port.io');
  });

  it('between layers of the same rank, the later one wins', () => {
    const first = layerFromInputs({ mode: 'plan' }, () => "input 'mode'");
    const second = layerFromInputs({ mode: 'sync' }, () => 'service connection');
    expect(resolveConfig([env(validEnv()), first, second]).config.mode).toBe('sync');
    expect(resolveConfig([env(validEnv()), second, first]).config.mode).toBe('plan');
  });

  it('a bad value that a more explicit source overrides is a warning, not a failure', () => {
    const { config, warnings } = resolveConfig([env(validEnv({ OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED: 'maybe' })), flags({ 'projects-limited': false })]);
    expect(config.azureDevOps.isProjectsLimited).toBe(false);
    expect(warnings).toEqual([
      {
        source: 'environment variable OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED',
        message: matching(/true or false.*\(not used: flag --projects-limited takes precedence\)/),
      },
    ]);
  });

  it('a bad explicit value fails even when a lower layer has a good one', () => {
    expect(problemsOf(() => resolveConfig([env(validEnv()), flags({ 'organization-url': 'contoso' })]))).toEqual([
      { source: 'flag --organization-url', message: matching(/is not a URL/) },
    ]);
  });
});

describe('defaults', () => {
  it('fills every default of the model, as Ocean does where Ocean has one', () => {
    const { config } = resolveConfig([env(validEnv())]);
    expect(config).toEqual({
      port: { clientId: 'client-id-1', clientSecret: CLIENT_SECRET, baseUrl: 'https://api.port.io' },
      integration: { identifier: 'my-azure-devops-integration', type: 'azure-devops' },
      azureDevOps: { organizationUrl: 'https://dev.azure.com/contoso', credential: { type: 'pat', token: PAT }, isProjectsLimited: true, excludedTags: [] },
      mapping: { source: 'port' },
      initializePortResources: true,
      sendRawDataExamples: true,
      mode: 'sync',
      incremental: { overlapMinutes: 5, unfilteredKinds: 'when-stale', unfilteredMaxAgeMinutes: 240 },
      filters: {},
      webhooks: { register: false, username: 'port', includeReleaseEvents: false, prune: false, allowUnauthenticated: false, headers: {} },
      network: { timeoutSeconds: 60, rejectUnauthorized: true },
      logLevel: 'info',
    } satisfies SyncConfig);
  });

  it('a resolved configuration is a fixed point of the schema (values pass through it twice)', () => {
    const { config } = resolveConfig([
      env(validEnv({ OCEAN__PORT__BASE_URL: 'us', OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://Fabrikam.visualstudio.com/DefaultCollection', PORT_ADO_SYNC_KINDS: 'project,project,team' })),
    ]);
    expect(syncConfigSchema.parse(config)).toEqual(config);
  });
});

describe('error aggregation', () => {
  it('reports every problem of every front door in one error, each with its source', () => {
    const error = configErrorOf(() =>
      resolveConfig([
        env(validEnv({ OCEAN__PORT__CLIENT_ID: undefined, OCEAN__EVENT_LISTENER: '{"type":"POLLING"}', OCEAN__SCHEDULED_RESYNC_INTERVAL: 'hourly' })),
        file('azureDevOps:\n  organizationUrl: https://dev.azure.com/\nfilters:\n  kinds: [projetc]\n'),
        flags({ pat: 'x', mode: 'apply' }),
      ]),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.problems.map((p) => p.source)).toEqual([
      'environment variable OCEAN__SCHEDULED_RESYNC_INTERVAL',
      'environment variable OCEAN__EVENT_LISTENER',
      'port-ado-sync.yml:2:20 (azureDevOps.organizationUrl)',
      'port-ado-sync.yml:4:10 (filters.kinds)',
      'flag --pat',
      'flag --mode',
      undefined, // the missing client id
    ]);
    expect(error.message.split('\n')).toEqual([
      'Invalid configuration (7 problems):',
      '  - environment variable OCEAN__SCHEDULED_RESYNC_INTERVAL: must be a whole number',
      expect.stringMatching(/^ {2}- environment variable OCEAN__EVENT_LISTENER: asks for the event listener "POLLING"/),
      expect.stringMatching(/^ {2}- port-ado-sync\.yml:2:20 \(azureDevOps\.organizationUrl\): /),
      "  - port-ado-sync.yml:4:10 (filters.kinds): 'projetc' is not a known resource kind. Did you mean 'project'?",
      expect.stringMatching(/^ {2}- flag --pat: secrets are not accepted/),
      '  - flag --mode: must be sync, plan or incremental',
      "  - Port client id is missing: set OCEAN__PORT__CLIENT_ID, `port.clientId` in port-ado-sync.yml, or --port-client-id.",
    ]);
  });

  it('a single problem reads as one line', () => {
    const error = configErrorOf(() => resolveConfig([env(validEnv({ OCEAN__SEND_RAW_DATA_EXAMPLES: 'si' }))]));
    expect(error.message).toBe('Invalid configuration: environment variable OCEAN__SEND_RAW_DATA_EXAMPLES: must be true or false (also accepted: yes/no, on/off, 1/0, t/f, y/n)');
  });

  it('keeps the warnings found on the way next to the problems', () => {
    const error = configErrorOf(() => resolveConfig([env({ OCEAN__INTEGRATION__CONFIG__APP_HOST: 'https://h.example.com' })]));
    expect(error.warnings).toEqual([{ source: 'environment variable OCEAN__INTEGRATION__CONFIG__APP_HOST', message: matching(/deprecated/) }]);
  });
});

describe('webhook settings that only make sense together', () => {
  it('registration without a receiver URL is an error that says where to set it', () => {
    expect(problemsOf(() => resolveConfig([env(validEnv()), flags({ 'register-webhooks': true })]))).toEqual([
      {
        source: 'flag --register-webhooks',
        message: 'registering webhooks needs the public URL of your webhook receiver: set OCEAN__BASE_URL, or --webhook-base-url.',
      },
    ]);
  });

  it('registration without a secret is allowed, with a warning', () => {
    const { warnings } = resolveConfig([env(validEnv({ OCEAN__BASE_URL: 'https://hooks.example.com' })), flags({ 'register-webhooks': true })]);
    expect(warnings).toEqual([{ source: 'flag --register-webhooks', message: matching(/without Basic-auth credentials.*set OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET/) }]);
  });

  it('an empty secret (an unavailable pipeline secret) counts as none: a warning here, the refusal comes at registration', () => {
    const { config, warnings } = resolveConfig([env(validEnv({ OCEAN__BASE_URL: 'https://hooks.example.com', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: '' })), flags({ 'register-webhooks': true })]);
    expect(config.webhooks.secret).toBeUndefined();
    expect(warnings).toEqual([{ source: 'flag --register-webhooks', message: matching(/without Basic-auth credentials.*already have credentials are not changed.*set OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET/) }]);
  });

  it('a secret or user name Azure DevOps would refuse (a space, over 256 characters) is a problem naming the variable, never the value', () => {
    const secret = 'correct horse battery staple';
    const username = 'svc account';
    const error = configErrorOf(() =>
      resolveConfig([env(validEnv({ OCEAN__BASE_URL: 'https://hooks.example.com', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: secret, OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME: username })), flags({ 'register-webhooks': true })]),
    );
    expect(error.problems).toEqual([
      { source: 'environment variable OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', message: matching(/contains a space, which Azure DevOps refuses in a Basic-auth password/) },
      { source: 'environment variable OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME', message: matching(/must not contain spaces/) },
    ]);
    for (const value of [secret, username]) expect(error.message).not.toContain(value);
    expect(problemsOf(() => resolveConfig([env(validEnv({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: 'x'.repeat(300) }))]))).toEqual([
      { source: 'environment variable OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', message: matching(/longer than 256 characters/) },
    ]);
  });

  it('pruning without registration does nothing, and says so', () => {
    const { warnings } = resolveConfig([env(validEnv()), flags({ 'prune-webhooks': true })]);
    expect(warnings).toEqual([{ source: 'flag --prune-webhooks', message: 'has no effect unless webhook registration is turned on' }]);
  });

  it('allowing unauthenticated webhooks without registration does nothing, and says so', () => {
    const { warnings } = resolveConfig([env(validEnv({ PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED: 'true' }))]);
    expect(warnings).toEqual([{ source: 'environment variable PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED', message: 'has no effect unless webhook registration is turned on' }]);
  });

  it('without a secret but allowing unauthenticated webhooks, the warning says subscriptions with credentials lose them', () => {
    const { config, warnings } = resolveConfig([env(validEnv({ OCEAN__BASE_URL: 'https://hooks.example.com' })), flags({ 'register-webhooks': true, 'allow-unauthenticated-webhooks': true })]);
    expect(config.webhooks.allowUnauthenticated).toBe(true);
    expect(warnings).toEqual([
      { source: 'flag --register-webhooks', message: matching(/without Basic-auth credentials.*already have credentials lose them, as webhooks\.allowUnauthenticated asks.*set OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET/) },
    ]);
  });
});

// --- any combination of layers resolves deterministically by precedence ------------------------

/** Settings every front door can set, with a generator of valid values and how each door writes them. */
const VARIED = {
  identifier: {
    value: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
    env: (v: string) => ({ OCEAN__INTEGRATION__IDENTIFIER: v }),
    file: (v: string) => ({ integration: { identifier: v } }),
    flag: (v: string) => ({ 'integration-identifier': v }),
    pick: (c: SyncConfig) => c.integration.identifier,
    expect: (v: string) => v,
  },
  organization: {
    value: fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
    env: (v: string) => ({ OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: `https://dev.azure.com/${v}` }),
    file: (v: string) => ({ azureDevOps: { organizationUrl: `https://dev.azure.com/${v}` } }),
    flag: (v: string) => ({ 'organization-url': `https://dev.azure.com/${v}` }),
    pick: (c: SyncConfig) => c.azureDevOps.organizationUrl,
    expect: (v: string) => `https://dev.azure.com/${v}`,
  },
  timeout: {
    value: fc.integer({ min: 1, max: 3600 }),
    env: (v: number) => ({ OCEAN__CLIENT_TIMEOUT: String(v) }),
    file: (v: number) => ({ network: { timeoutSeconds: v } }),
    flag: (v: number) => ({ timeout: String(v) }),
    pick: (c: SyncConfig) => c.network.timeoutSeconds,
    expect: (v: number) => v,
  },
  projectsLimited: {
    value: fc.boolean(),
    env: (v: boolean) => ({ OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED: v ? 'True' : 'no' }),
    file: (v: boolean) => ({ azureDevOps: { isProjectsLimited: v } }),
    flag: (v: boolean) => ({ 'projects-limited': v }),
    pick: (c: SyncConfig) => c.azureDevOps.isProjectsLimited,
    expect: (v: boolean) => v,
  },
  kinds: {
    value: fc.uniqueArray(fc.constantFrom(...RESOURCE_KINDS), { minLength: 1, maxLength: 4 }),
    env: (v: string[]) => ({ PORT_ADO_SYNC_KINDS: v.join(',') }),
    file: (v: string[]) => ({ filters: { kinds: v } }),
    flag: (v: string[]) => ({ kinds: v }),
    pick: (c: SyncConfig) => c.filters.kinds,
    expect: (v: string[]) => v,
  },
  region: {
    value: fc.constantFrom('eu', 'us'),
    env: (v: string) => ({ OCEAN__PORT__BASE_URL: v }),
    file: (v: string) => ({ port: { region: v } }),
    flag: (v: string) => ({ 'port-region': v }),
    pick: (c: SyncConfig) => c.port.baseUrl,
    expect: (v: string) => (v === 'us' ? 'https://api.us.port.io' : 'https://api.port.io'),
  },
};
type Varied = typeof VARIED;
type Choice = { [K in keyof Varied]?: Parameters<Varied[K]['expect']>[0] };

const choice: fc.Arbitrary<Choice> = fc.record(
  Object.fromEntries(Object.entries(VARIED).map(([key, spec]) => [key, spec.value as fc.Arbitrary<unknown>])),
  { requiredKeys: [] },
);

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    target[key] =
      typeof value === 'object' && value !== null && !Array.isArray(value) && typeof existing === 'object' && existing !== null
        ? deepMerge(existing as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return target;
}

function writeAs(door: 'env' | 'file' | 'flag', chosen: Choice): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(chosen)) {
    if (value === undefined) continue;
    const write = VARIED[key as keyof Varied][door] as (v: unknown) => Record<string, unknown>;
    deepMerge(out, write(value));
  }
  return out;
}

describe('property: any combination of layers resolves deterministically by precedence', () => {
  it('each setting comes from the most explicit layer that sets it, whatever the order of the layers', () => {
    fc.assert(
      fc.property(choice, choice, choice, choice, fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5 }), (fromFallback, fromEnv, fromFile, fromFlags, order) => {
        // The required credentials come from the fallback layer, which any other layer may override.
        const base = layerFromInputs(
          { 'port.clientId': 'c', 'port.clientSecret': CLIENT_SECRET, 'azureDevOps.personalAccessToken': PAT, 'azureDevOps.organizationUrl': 'https://dev.azure.com/base' },
          () => 'fallback',
          { kind: 'fallback' },
        );
        const fallbackValues = layerFromInputs(
          {
            ...(fromFallback.identifier === undefined ? {} : { 'integration.identifier': fromFallback.identifier }),
            ...(fromFallback.timeout === undefined ? {} : { 'network.timeoutSeconds': String(fromFallback.timeout) }),
          },
          () => 'fallback',
          { kind: 'fallback' },
        );
        const envLayer = env(writeAs('env', fromEnv) as Record<string, string>);
        const fileLayer = file(stringify(writeAs('file', fromFile)));
        const flagLayer = flags(writeAs('flag', fromFlags) as Parameters<typeof layerFromFlags>[0]);
        // The two fallback layers set different settings, so every order of the five must agree.
        const layers: ConfigLayer[] = [base, fallbackValues, envLayer, fileLayer, flagLayer];
        const resolved = resolveConfig(order.map((index) => layers[index]!)).config;
        expect(resolveConfig(layers).config).toEqual(resolved);
        for (const key of Object.keys(VARIED) as (keyof Varied)[]) {
          const winner = [fromFlags, fromFile, fromEnv, key === 'identifier' || key === 'timeout' ? fromFallback : {}].find((c) => c[key] !== undefined);
          const spec = VARIED[key] as { pick: (c: SyncConfig) => unknown; expect: (v: unknown) => unknown };
          if (winner) expect(spec.pick(resolved)).toEqual(spec.expect(winner[key]));
        }
        if ([fromFlags, fromFile, fromEnv].every((c) => c.organization === undefined)) {
          expect(resolved.azureDevOps.organizationUrl).toBe('https://dev.azure.com/base');
        }
      }),
      { numRuns: 200 },
    );
  });
});
