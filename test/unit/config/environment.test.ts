import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type SyncConfig } from '../../../core/config';
import { CLIENT_SECRET, configErrorOf, CWD, matching, PAT, problemsOf, resolveEnv, validEnv } from './fixtures';

type Pick = (config: SyncConfig) => unknown;

/** Each variable of BRIEF §3 (and ours): a good value and where it lands in the model. */
const GOOD: [variable: string, text: string, pick: Pick, expected: unknown][] = [
  ['OCEAN__PORT__CLIENT_ID', 'another-client', (c) => c.port.clientId, 'another-client'],
  ['OCEAN__PORT__CLIENT_SECRET', ' other-secret-value \n', (c) => c.port.clientSecret, 'other-secret-value'],
  ['OCEAN__PORT__BASE_URL', 'us', (c) => c.port.baseUrl, 'https://api.us.port.io'],
  ['OCEAN__PORT__BASE_URL', 'EU', (c) => c.port.baseUrl, 'https://api.port.io'],
  ['OCEAN__PORT__BASE_URL', 'https://api.getport.io/', (c) => c.port.baseUrl, 'https://api.getport.io'],
  ['OCEAN__PORT__BASE_URL', 'http://127.0.0.1:5555', (c) => c.port.baseUrl, 'http://127.0.0.1:5555'],
  ['OCEAN__INTEGRATION__IDENTIFIER', 'ado-prod_1', (c) => c.integration.identifier, 'ado-prod_1'],
  ['OCEAN__INTEGRATION__TYPE', 'Azure-DevOps', (c) => c.integration.type, 'azure-devops'],
  ['OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL', 'https://Fabrikam.visualstudio.com/', (c) => c.azureDevOps.organizationUrl, 'https://fabrikam.visualstudio.com'],
  ['OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL', 'https://ado.corp.local/tfs/Main/', (c) => c.azureDevOps.organizationUrl, 'https://ado.corp.local/tfs/Main'],
  ['OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN', 'abcdefabcdef', (c) => c.azureDevOps.credential, { type: 'pat', token: 'abcdefabcdef' }],
  ['OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED', 'False', (c) => c.azureDevOps.isProjectsLimited, false],
  ['OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED', 'yes', (c) => c.azureDevOps.isProjectsLimited, true],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', 'hook-secret/with:symbols!', (c) => c.webhooks.secret, 'hook-secret/with:symbols!'],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', 's'.repeat(256), (c) => c.webhooks.secret, 's'.repeat(256)],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME', 'svc-ado', (c) => c.webhooks.username, 'svc-ado'],
  ['OCEAN__INTEGRATION__CONFIG__EXCLUDED_TAGS', '["legacy","archived"]', (c) => c.azureDevOps.excludedTags, ['legacy', 'archived']],
  ['OCEAN__INTEGRATION__CONFIG__EXCLUDED_TAGS', 'legacy, archived', (c) => c.azureDevOps.excludedTags, ['legacy', 'archived']],
  ['OCEAN__BASE_URL', 'https://hooks.example.com/ado/', (c) => c.webhooks.baseUrl, 'https://hooks.example.com/ado'],
  ['OCEAN__INTEGRATION__CONFIG__APP_HOST', 'https://old-host.example.com', (c) => c.webhooks.baseUrl, 'https://old-host.example.com'],
  ['OCEAN__INITIALIZE_PORT_RESOURCES', 'no', (c) => c.initializePortResources, false],
  ['OCEAN__CREATE_PORT_RESOURCES_ORIGIN', 'Empty', (c) => c.initializePortResources, false],
  ['OCEAN__CREATE_PORT_RESOURCES_ORIGIN', 'Default', (c) => c.initializePortResources, true],
  ['OCEAN__CREATE_PORT_RESOURCES_ORIGIN', 'Ocean', (c) => c.initializePortResources, true],
  ['OCEAN__SEND_RAW_DATA_EXAMPLES', '0', (c) => c.sendRawDataExamples, false],
  ['OCEAN__SCHEDULED_RESYNC_INTERVAL', '1440', (c) => c.scheduledResyncIntervalMinutes, 1440],
  ['OCEAN__CLIENT_TIMEOUT', '120', (c) => c.network.timeoutSeconds, 120],
  ['APPLICATION__LOG_LEVEL', 'DEBUG', (c) => c.logLevel, 'debug'],
  ['APPLICATION__LOG_LEVEL', 'WARNING', (c) => c.logLevel, 'info'],
  ['PORT_ADO_SYNC_MODE', 'PLAN', (c) => c.mode, 'plan'],
  ['PORT_ADO_SYNC_MODE', 'incremental', (c) => c.mode, 'incremental'],
  ['OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED', 'true', (c) => c.mode, 'incremental'],
  ['OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED', 'false', (c) => c.mode, 'sync'],
  ['PORT_ADO_SYNC_INCREMENTAL_OVERLAP_MINUTES', '15', (c) => c.incremental.overlapMinutes, 15],
  ['PORT_ADO_SYNC_INCREMENTAL_LOOK_BACK_DAYS', '30', (c) => c.incremental.lookBackDays, 30],
  ['PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_KINDS', 'Skip', (c) => c.incremental.unfilteredKinds, 'skip'],
  ['PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_KINDS', 'When-Stale', (c) => c.incremental.unfilteredKinds, 'when-stale'],
  ['PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_MAX_AGE_MINUTES', '45', (c) => c.incremental.unfilteredMaxAgeMinutes, 45],
  ['PORT_ADO_SYNC_MAPPING_FILE', './.port/port-app-config.yml', (c) => c.mapping, { source: 'file', path: resolve(CWD, '.port/port-app-config.yml') }],
  ['PORT_ADO_SYNC_KINDS', 'project, repository,project', (c) => c.filters.kinds, ['project', 'repository']],
  ['PORT_ADO_SYNC_KINDS', '', (c) => c.filters.kinds, undefined],
  ['PORT_ADO_SYNC_PROJECTS', 'Platform,0f4e1f2a-52d0-4a0b-9f2a-1d2c3b4a5e6f', (c) => c.filters.projects, ['Platform', '0f4e1f2a-52d0-4a0b-9f2a-1d2c3b4a5e6f']],
  ['PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED', 'True', (c) => c.webhooks.allowUnauthenticated, true],
  ['HTTPS_PROXY', 'http://proxy.corp:8080', (c) => c.network.proxyUrl, 'http://proxy.corp:8080'],
  ['NO_PROXY', 'localhost,.corp.local', (c) => c.network.noProxy, ['localhost', '.corp.local']],
];

/** A bad value per variable, and what the message must say. */
const BAD: [variable: string, text: string, message: RegExp, others?: Record<string, string | undefined>][] = [
  ['OCEAN__PORT__CLIENT_ID', '$(OCEAN__PORT__CLIENT_ID)', /pipeline variable OCEAN__PORT__CLIENT_ID is not defined/],
  ['OCEAN__PORT__CLIENT_SECRET', 'two words', /client secret contains whitespace/],
  ['OCEAN__PORT__BASE_URL', 'ftp://api.port.io', /https?:\/\//],
  ['OCEAN__PORT__BASE_URL', 'asia', /http\(s\) URL \(or the region eu or us\)/],
  ['OCEAN__INTEGRATION__IDENTIFIER', 'team/ado', /no spaces or slashes/],
  ['OCEAN__INTEGRATION__IDENTIFIER', 'x'.repeat(101), /at most 100/],
  ['OCEAN__INTEGRATION__TYPE', 'github', /must be azure-devops/],
  ['OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL', 'https://dev.azure.com/', /dev\.azure\.com\/\{organization\}/],
  ['OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL', 'contoso', /is not a URL/],
  ['OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN', 'abc def', /personal access token contains whitespace/],
  ['OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED', 'maybe', /true or false/],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', 'line\nbreak', /line break/],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME', 'svc:ado', /must not contain ":"/],
  // The webHooks consumer takes Basic-auth values only as ^[\S]+$, 1 to 256 characters (hooks 7.1 consumer descriptor).
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', 'hook secret with spaces', /^the webhook secret contains a space, which Azure DevOps refuses/],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', 's'.repeat(257), /^the webhook secret is longer than 256 characters/],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME', 'svc ado', /^must not contain spaces: Azure DevOps refuses them/],
  ['OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME', 'u'.repeat(257), /^must be at most 256 characters/],
  ['OCEAN__INTEGRATION__CONFIG__APP_HOST', 'old-host', /http\(s\) URL/],
  ['OCEAN__INTEGRATION__CONFIG__EXCLUDED_TAGS', '[legacy]', /not a valid JSON array/],
  ['OCEAN__BASE_URL', 'hooks.example.com', /http\(s\) URL/],
  ['OCEAN__BASE_URL', 'https://hooks.example.com/?x=1', /query string/],
  ['OCEAN__INITIALIZE_PORT_RESOURCES', 'nah', /true or false/],
  ['OCEAN__CREATE_PORT_RESOURCES_ORIGIN', 'Nothing', /must be Default, Empty or Port/],
  ['OCEAN__CREATE_PORT_RESOURCES_ORIGIN', 'Empty', /contradicts OCEAN__INITIALIZE_PORT_RESOURCES=true/, { OCEAN__INITIALIZE_PORT_RESOURCES: 'true' }],
  ['OCEAN__SEND_RAW_DATA_EXAMPLES', 'sometimes', /true or false/],
  ['OCEAN__SCHEDULED_RESYNC_INTERVAL', '0', /at least 1 minute/],
  ['OCEAN__SCHEDULED_RESYNC_INTERVAL', 'daily', /whole number/],
  ['OCEAN__CLIENT_TIMEOUT', '-1', /at least 1 second/],
  ['APPLICATION__LOG_LEVEL', 'TRACE', /DEBUG, INFO/],
  ['PORT_ADO_SYNC_BEARER_TOKEN', 'Bearer eyJhbGciOi.payload.sig', /without the "Bearer " prefix/, { OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: undefined }],
  ['PORT_ADO_SYNC_MODE', 'apply', /sync, plan or incremental/],
  ['PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED', 'please', /true or false/],
  ['OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED', 'sometimes', /true or false/],
  ['PORT_ADO_SYNC_INCREMENTAL_OVERLAP_MINUTES', '-5', /0 or more minutes/],
  ['PORT_ADO_SYNC_INCREMENTAL_OVERLAP_MINUTES', '2000', /at most 1440/],
  ['PORT_ADO_SYNC_INCREMENTAL_LOOK_BACK_DAYS', '0', /at least 1 day/],
  ['PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_KINDS', 'ignore', /when-stale, list or skip/],
  ['PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_MAX_AGE_MINUTES', '0', /at least 1 minute/],
  ['PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_MAX_AGE_MINUTES', '20000', /at most 10080 minutes/],
  ['PORT_ADO_SYNC_KINDS', 'projects,work-items', /'projects' is not a known resource kind\. Did you mean 'project'\?.*'work-items'.*Did you mean 'work-item'\?/],
  ['HTTPS_PROXY', 'proxy.corp:8080', /http\(s\) URL/],
];

describe('layerFromEnvironment: every variable', () => {
  it.each(GOOD)('%s=%j is read', (variable, text, pick, expected) => {
    const { config } = resolveEnv(validEnv({ [variable]: text }));
    expect(pick(config)).toEqual(expected);
  });

  it.each(BAD)('%s=%j is a problem naming the variable', (variable, text, message, others = {}) => {
    const problems = problemsOf(() => resolveEnv(validEnv({ ...others, [variable]: text })));
    expect(problems).toEqual([{ source: `environment variable ${variable}`, message: matching(message) }]);
  });

  it('reads Port documented variable group unchanged (the docker ONCE step variables)', () => {
    const { config, warnings } = resolveEnv(
      validEnv({
        OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
        OCEAN__INITIALIZE_PORT_RESOURCES: 'true',
        OCEAN__SEND_RAW_DATA_EXAMPLES: 'true',
        OCEAN__INTEGRATION__IDENTIFIER: 'azure-devops',
        OCEAN__PORT__BASE_URL: 'https://api.getport.io',
      }),
    );
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      port: { clientId: 'client-id-1', clientSecret: CLIENT_SECRET, baseUrl: 'https://api.getport.io' },
      integration: { identifier: 'azure-devops', type: 'azure-devops' },
      azureDevOps: { organizationUrl: 'https://dev.azure.com/contoso', credential: { type: 'pat', token: PAT } },
      initializePortResources: true,
      sendRawDataExamples: true,
    });
  });

  it('reads a bearer token from PORT_ADO_SYNC_BEARER_TOKEN', () => {
    const { config } = resolveEnv(validEnv({ OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: undefined, PORT_ADO_SYNC_BEARER_TOKEN: 'eyJ0eXAi.eyJhdWQi.c2ln' }));
    expect(config.azureDevOps.credential).toEqual({ type: 'bearer', token: 'eyJ0eXAi.eyJhdWQi.c2ln' });
  });

  it('refuses a PAT and a bearer token at once instead of picking one', () => {
    const problems = problemsOf(() => resolveEnv(validEnv({ PORT_ADO_SYNC_BEARER_TOKEN: 'eyJ0eXAi.eyJhdWQi.c2ln' })));
    expect(problems).toEqual([
      {
        source: 'environment variable PORT_ADO_SYNC_BEARER_TOKEN',
        message: matching(/sets the Azure DevOps credential .* again \(already set by environment variable OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN\)/),
      },
    ]);
  });

  it('matches names case-insensitively, like pydantic settings', () => {
    const { config } = resolveEnv(validEnv({ ocean__integration__config__is_projects_limited: 'false' }));
    expect(config.azureDevOps.isProjectsLimited).toBe(false);
  });

  it('treats empty values as unset (GitHub passes an undefined secret as "")', () => {
    const { config } = resolveEnv(validEnv({ OCEAN__PORT__BASE_URL: '', OCEAN__SCHEDULED_RESYNC_INTERVAL: '  ' }));
    expect(config.port.baseUrl).toBe('https://api.port.io');
    expect(config.scheduledResyncIntervalMinutes).toBeUndefined();
  });
});

describe('OCEAN__INTEGRATION__CONFIG__APP_HOST (deprecated alias of OCEAN__BASE_URL)', () => {
  it('is accepted with a deprecation warning', () => {
    const { config, warnings } = resolveEnv(validEnv({ OCEAN__INTEGRATION__CONFIG__APP_HOST: 'https://old.example.com' }));
    expect(config.webhooks.baseUrl).toBe('https://old.example.com');
    expect(warnings).toEqual([
      { source: 'environment variable OCEAN__INTEGRATION__CONFIG__APP_HOST', message: 'is deprecated; rename it to OCEAN__BASE_URL' },
    ]);
  });

  it('loses to OCEAN__BASE_URL, which Ocean also prefers', () => {
    const { config, warnings } = resolveEnv(
      validEnv({ OCEAN__INTEGRATION__CONFIG__APP_HOST: 'https://old.example.com', OCEAN__BASE_URL: 'https://new.example.com' }),
    );
    expect(config.webhooks.baseUrl).toBe('https://new.example.com');
    expect(warnings[0]?.message).toMatch(/deprecated and ignored because OCEAN__BASE_URL is also set/);
  });
});

describe('OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED (Ocean switches its ONCE run to incremental)', () => {
  it('turns on mode incremental, without a warning', () => {
    const { config, warnings } = resolveEnv(validEnv({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'True' }));
    expect(config.mode).toBe('incremental');
    expect(warnings).toEqual([]);
  });

  it('loses to PORT_ADO_SYNC_MODE, with a warning naming both', () => {
    const { config, warnings } = resolveEnv(validEnv({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true', PORT_ADO_SYNC_MODE: 'plan' }));
    expect(config.mode).toBe('plan');
    expect(warnings).toEqual([
      { source: 'environment variable OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED', message: 'is ignored because PORT_ADO_SYNC_MODE is also set; the mode comes from PORT_ADO_SYNC_MODE' },
    ]);
  });
});

describe('OCEAN__EVENT_LISTENER', () => {
  it.each(['{"type":"ONCE"}', '{ "type" : "ONCE" }', '{\n  "type": "ONCE",\n  "should_resync": true\n}'])('accepts %j (any JSON spacing, extra keys, as Ocean does)', (text) => {
    expect(resolveEnv(validEnv({ OCEAN__EVENT_LISTENER: text })).warnings).toEqual([]);
  });

  it.each(['POLLING', 'KAFKA', 'WEBHOOKS_ONLY', 'WEBHOOK', 'ACTIONS_ONLY'])('refuses {"type":"%s"}: this tool is always one ONCE sync', (type) => {
    const problems = problemsOf(() => resolveEnv(validEnv({ OCEAN__EVENT_LISTENER: JSON.stringify({ type }) })));
    expect(problems).toEqual([
      {
        source: 'environment variable OCEAN__EVENT_LISTENER',
        message: matching(new RegExp(`"${type}", but this tool always runs a single ONCE sync and exits. Set it to \\{"type":"ONCE"\\} or remove it`)),
      },
    ]);
  });

  it('refuses lower-case "once", because Ocean (Literal["ONCE"]) would too', () => {
    const problems = problemsOf(() => resolveEnv(validEnv({ OCEAN__EVENT_LISTENER: '{"type": "once"}' })));
    expect(problems[0]?.message).toMatch(/"ONCE" in capitals/);
  });

  it.each([
    ['ONCE', /must be JSON/],
    ['{"kind":"ONCE"}', /with a "type"/],
    ['["ONCE"]', /with a "type"/],
  ])('refuses %j', (text, message) => {
    expect(problemsOf(() => resolveEnv(validEnv({ OCEAN__EVENT_LISTENER: text })))[0]?.message).toMatch(message);
  });

  it('also checks the nested form OCEAN__EVENT_LISTENER__TYPE that pydantic accepts', () => {
    expect(resolveEnv(validEnv({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE' })).warnings).toEqual([]);
    const problems = problemsOf(() => resolveEnv(validEnv({ OCEAN__EVENT_LISTENER__TYPE: 'POLLING' })));
    expect(problems[0]?.source).toBe('environment variable OCEAN__EVENT_LISTENER__TYPE');
  });
});

describe('Ocean variables this tool does not use', () => {
  it('are named once in a single warning, never failing the run, with a suggestion for a likely typo', () => {
    const { warnings } = resolveEnv(
      validEnv({
        OCEAN__RUNTIME: 'OnPrem',
        OCEAN__PROCESS_EXECUTION_MODE: 'single_process',
        OCEAN__PORT__CLIENT_IDD: 'oops',
        OCEAN__EVENT_LISTENER__SHOULD_RESYNC: 'true',
      }),
    );
    expect(warnings).toEqual([
      {
        message:
          'Ignoring Ocean settings this tool does not use: OCEAN__PORT__CLIENT_IDD (did you mean OCEAN__PORT__CLIENT_ID?), OCEAN__PROCESS_EXECUTION_MODE, OCEAN__RUNTIME.',
      },
    ]);
  });

  it('explains why Entra service-principal settings do nothing here', () => {
    const { warnings } = resolveEnv(validEnv({ OCEAN__INTEGRATION__CONFIG__CLIENT_SECRET: 'sp-secret-value' }));
    expect(warnings).toEqual([
      { source: 'environment variable OCEAN__INTEGRATION__CONFIG__CLIENT_SECRET', message: matching(/ignored: see OCEAN__INTEGRATION__CONFIG__CLIENT_ID/) },
    ]);
    expect(JSON.stringify(warnings)).not.toContain('sp-secret-value');
  });

  it('refuses multi-account mode, which one run cannot honour', () => {
    expect(resolveEnv(validEnv({ OCEAN__INTEGRATION__CONFIG__ACCOUNT_MODE: 'Single Account' })).warnings).toEqual([]);
    const problems = problemsOf(() => resolveEnv(validEnv({ OCEAN__INTEGRATION__CONFIG__ACCOUNT_MODE: 'Multiple Accounts' })));
    expect(problems[0]?.message).toMatch(/one run syncs one organization/);
  });

  it('ignores variables that are not Ocean settings at all', () => {
    expect(resolveEnv(validEnv({ PATH: '/usr/bin', SYSTEM_ACCESSTOKEN: 'x', OCEANIA: 'y' })).warnings).toEqual([]);
  });
});

describe('missing values from the environment alone', () => {
  it('names the variable to set for each, all at once', () => {
    const error = configErrorOf(() => resolveEnv({}));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.problems.map((p) => p.message)).toEqual([
      'Port client id is missing: set OCEAN__PORT__CLIENT_ID.',
      'Port client secret is missing: set OCEAN__PORT__CLIENT_SECRET.',
      'Azure DevOps organization URL is missing: set OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL.',
      'Azure DevOps credential (personal access token or bearer token) is missing: set OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN or PORT_ADO_SYNC_BEARER_TOKEN.',
    ]);
  });
});
