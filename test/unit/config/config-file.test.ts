import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { interpolate, layerFromConfigFile, parseConfigFile, resolveConfig, type ConfigLayer } from '../../../core/config';
import { CLIENT_SECRET, matching, PAT, problemsOf, REQUIRED_FILE_LINES } from './fixtures';

const NAME = 'port-ado-sync.yml';
const DIR = '/work/repo/ci';
const SECRETS = { PORT_CLIENT_SECRET: CLIENT_SECRET, ADO_PAT: PAT };

const fileLayer = (text: string, env: Record<string, string | undefined> = SECRETS): ConfigLayer =>
  parseConfigFile(text, { env, displayPath: NAME, baseDir: DIR });

/** A file holding the required settings, with the given extra YAML appended. */
const minimal = (extra = '') => [...REQUIRED_FILE_LINES, extra].join('\n');

const resolveFile = (text: string, env?: Record<string, string | undefined>) => resolveConfig([fileLayer(text, env)]);

describe('config file: keys mirror the model', () => {
  it('reads every section, with secrets from the environment', () => {
    const text = `
port:
  clientId: client-id-1
  clientSecret: \${PORT_CLIENT_SECRET}
  baseUrl: https://api.us.port.io/
integration:
  identifier: ado-prod
  type: azure-devops
azureDevOps:
  organizationUrl: https://dev.azure.com/contoso/
  credential:
    type: pat
    token: \${ADO_PAT}
  isProjectsLimited: false
  excludedTags: [legacy, archived]
mapping: ../.port/port-app-config.yml
initializePortResources: false
sendRawDataExamples: no
scheduledResyncIntervalMinutes: 60
mode: plan
incremental:
  overlapMinutes: 10
  lookBackDays: 14
  unfilteredKinds: skip
  unfilteredMaxAgeMinutes: 120
filters:
  kinds: [project, repository, pull-request]
  projects:
    - Platform
    - 007
webhooks:
  register: true
  baseUrl: https://hooks.example.com
  secret: \${ADO_PAT}
  username: svc
  events: [git.push, workitem.updated]
  includeReleaseEvents: true
  prune: true
  allowUnauthenticated: true
  headers:
    X-Environment: production
network:
  timeoutSeconds: 90
  proxyUrl: http://proxy.corp:3128
  noProxy: [localhost, .corp.local]
  caFile: ./certs/corp-root.pem
  rejectUnauthorized: true
summaryPath: ../out/summary.json
logLevel: debug
`;
    const { config, warnings } = resolveFile(text);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      port: { clientId: 'client-id-1', clientSecret: CLIENT_SECRET, baseUrl: 'https://api.us.port.io' },
      integration: { identifier: 'ado-prod', type: 'azure-devops' },
      azureDevOps: {
        organizationUrl: 'https://dev.azure.com/contoso',
        credential: { type: 'pat', token: PAT },
        isProjectsLimited: false,
        excludedTags: ['legacy', 'archived'],
      },
      mapping: { source: 'file', path: resolve(DIR, '../.port/port-app-config.yml') },
      initializePortResources: false,
      sendRawDataExamples: false,
      scheduledResyncIntervalMinutes: 60,
      mode: 'plan',
      incremental: { overlapMinutes: 10, lookBackDays: 14, unfilteredKinds: 'skip', unfilteredMaxAgeMinutes: 120 },
      // `007` is a YAML number; a project name keeps its written form.
      filters: { kinds: ['project', 'repository', 'pull-request'], projects: ['Platform', '007'] },
      webhooks: {
        register: true,
        baseUrl: 'https://hooks.example.com',
        secret: PAT,
        username: 'svc',
        events: ['git.push', 'workitem.updated'],
        includeReleaseEvents: true,
        prune: true,
        allowUnauthenticated: true,
        headers: { 'X-Environment': { value: 'production', secret: false } },
      },
      network: {
        timeoutSeconds: 90,
        proxyUrl: 'http://proxy.corp:3128',
        noProxy: ['localhost', '.corp.local'],
        caFile: resolve(DIR, 'certs/corp-root.pem'),
        rejectUnauthorized: true,
      },
      summaryPath: resolve(DIR, '../out/summary.json'),
      logLevel: 'debug',
    });
  });

  it('accepts port.region and the personalAccessToken / bearerToken shorthands', () => {
    expect(resolveFile(minimal('port2: x').replace('port2: x', '')).config.port.baseUrl).toBe('https://api.port.io');
    const us = resolveFile(minimal().replace('port:\n', 'port:\n  region: us\n'));
    expect(us.config.port.baseUrl).toBe('https://api.us.port.io');
    const bearer = resolveFile(minimal().replace('personalAccessToken: ${ADO_PAT}', 'bearerToken: ${ENTRA_TOKEN}'), { ...SECRETS, ENTRA_TOKEN: 'eyJ0.eyJh.c2ln' });
    expect(bearer.config.azureDevOps.credential).toEqual({ type: 'bearer', token: 'eyJ0.eyJh.c2ln' });
  });

  it.each([
    ['mapping: ./mappings/ado.yml', { source: 'file', path: resolve(DIR, 'mappings/ado.yml') }],
    ['mapping:\n  source: port', { source: 'port' }],
    ['mapping:\n  path: /abs/port-app-config.yml', { source: 'file', path: resolve('/abs/port-app-config.yml') }],
    // The text keeps the config file's lines: the rest of the file is blanked out.
    ['mapping:\n  inline: "resources: []"', { source: 'inline', yaml: expect.stringMatching(/^\s*resources: \[\]\s*$/) as string, origin: NAME }],
  ])('reads %j', (yaml, expected) => {
    expect(resolveFile(minimal(yaml)).config.mapping).toEqual(expected);
  });

  it('keeps an inline mapping written as YAML, jq and ${…}-like text untouched', () => {
    const { config } = resolveFile(
      minimal(`mapping:
  inline:
    resources:
      - kind: project
        selector:
          query: 'true'
        port:
          entity:
            mappings:
              identifier: .id
              title: '"\${not-a-variable}" + .name'
              blueprint: '"azureDevopsProject"'`),
    );
    expect(config.mapping.source).toBe('inline');
    const yaml = config.mapping.source === 'inline' ? config.mapping.yaml : '';
    expect(parse(yaml)).toEqual({
      resources: [
        {
          kind: 'project',
          selector: { query: 'true' },
          port: { entity: { mappings: { identifier: '.id', title: '"${not-a-variable}" + .name', blueprint: '"azureDevopsProject"' } } },
        },
      ],
    });
  });

  it('reads relative paths against the config file directory, from a real file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'port-ado-sync-config-'));
    mkdirSync(join(dir, 'ci'));
    const path = join(dir, 'ci', NAME);
    writeFileSync(path, `\uFEFF${minimal('mapping: ../.port/port-app-config.yml')}`);
    const { config } = resolveConfig([layerFromConfigFile(path, { env: SECRETS })]);
    expect(config.mapping).toEqual({ source: 'file', path: join(dir, '.port', 'port-app-config.yml') });
  });

  it('reports a config file that does not exist', () => {
    const problems = problemsOf(() => resolveConfig([layerFromConfigFile('/nonexistent/port-ado-sync.yml', { env: {}, displayPath: 'port-ado-sync.yml' })]));
    expect(problems[0]).toEqual({ source: 'config file port-ado-sync.yml', message: matching(/does not exist; check the --config path/) });
  });
});

describe('config file: errors carry file:line:column', () => {
  it('points at a bad value', () => {
    const text = minimal().replace('organizationUrl: https://dev.azure.com/contoso', 'organizationUrl: https://dev.azure.com/');
    expect(problemsOf(() => resolveFile(text))).toEqual([
      { source: 'port-ado-sync.yml:5:20 (azureDevOps.organizationUrl)', message: matching(/dev\.azure\.com\/\{organization\}/) },
    ]);
  });

  it('points at an unknown key, suggesting the close one', () => {
    const text = minimal('webhooks:\n  registr: true');
    expect(problemsOf(() => resolveFile(text))).toEqual([
      { source: 'port-ado-sync.yml:8:3 (webhooks.registr)', message: "unknown key 'registr' in webhooks. Did you mean 'register'?" },
    ]);
  });

  it('points at an unknown top-level key; no suggestion when nothing is close', () => {
    expect(problemsOf(() => resolveFile(minimal('colour: blue')))).toEqual([
      { source: 'port-ado-sync.yml:7:1 (colour)', message: "unknown key 'colour' at the top level." },
    ]);
  });

  it('points at a reference to an unset environment variable, naming it', () => {
    expect(problemsOf(() => resolveFile(minimal(), { ADO_PAT: PAT }))).toEqual([
      { source: 'port-ado-sync.yml:3:17 (port.clientSecret)', message: 'the environment variable PORT_CLIENT_SECRET (referenced as ${PORT_CLIENT_SECRET}) is not set' },
    ]);
  });

  it('points at invalid YAML without quoting the line (it may hold a secret)', () => {
    const text = 'port:\n  clientSecret: "literal-secret-value\n  clientId: x\n';
    const problems = problemsOf(() => resolveFile(text));
    expect(problems[0]?.source).toMatch(/^port-ado-sync\.yml:\d+:\d+$/);
    expect(problems[0]?.message).toMatch(/^invalid YAML: /);
    expect(JSON.stringify(problems)).not.toContain('literal-secret-value');
  });

  it('points at a duplicated key', () => {
    const problems = problemsOf(() => resolveFile(minimal('mode: plan\nmode: sync')));
    expect(problems).toEqual([{ source: 'port-ado-sync.yml:8:1', message: matching(/invalid YAML: .*unique/i) }]);
  });

  it('points at values of the wrong shape', () => {
    const problems = problemsOf(() => resolveFile(minimal('mode: [plan]\nfilters:\n  kinds: {project: true}\nnetwork: 5')));
    expect(problems).toEqual([
      { source: 'port-ado-sync.yml:7:7 (mode)', message: 'must be a single value, not a list' },
      { source: 'port-ado-sync.yml:9:10 (filters.kinds)', message: 'must be a single value, not a map' },
      { source: 'port-ado-sync.yml:10:10 (network)', message: matching(/must be a map of settings \(timeoutSeconds, proxyUrl/) },
    ]);
  });

  it('refuses region and baseUrl together rather than pick one', () => {
    const text = minimal().replace('port:\n', 'port:\n  region: us\n  baseUrl: https://api.port.io\n');
    expect(problemsOf(() => resolveFile(text))).toEqual([
      { source: 'port-ado-sync.yml:3:12 (port.baseUrl)', message: 'sets the Port API URL again (already set by port-ado-sync.yml:2:11 (port.region)); keep only one' },
    ]);
  });

  it('reports unknown keys inside credential, mapping and header objects', () => {
    const text = minimal(
      'mapping:\n  paht: x.yml\nwebhooks:\n  headers:\n    X-Key: { value: abc, secrte: true }',
    ).replace('personalAccessToken: ${ADO_PAT}', 'credential: { type: pat, tokn: x }');
    const problems = problemsOf(() => resolveFile(text));
    expect(problems.map((p) => [p.source, p.message])).toEqual([
      ['port-ado-sync.yml:6:28 (azureDevOps.credential.tokn)', "unknown key 'tokn' in azureDevOps.credential. Did you mean 'token'?"],
      ['port-ado-sync.yml:8:3 (mapping.paht)', "unknown key 'paht' in mapping. Did you mean 'path'?"],
      ['port-ado-sync.yml:11:26 (webhooks.headers.X-Key.secrte)', "unknown key 'secrte' in webhooks.headers.X-Key. Did you mean 'secret'?"],
    ]);
  });

  it('refuses a top level that is not a map, and warns about an empty file', () => {
    expect(problemsOf(() => resolveFile('- port\n- azureDevOps\n'))[0]).toEqual({ source: 'port-ado-sync.yml:1:1', message: matching(/must be a map of settings/) });
    expect(fileLayer('# nothing yet\n').warnings).toEqual([{ source: 'config file port-ado-sync.yml', message: 'is empty' }]);
  });
});

describe('config file: ${VAR} interpolation', () => {
  it('fills booleans, numbers and lists from variables, parsed like the environment', () => {
    const { config } = resolveFile(
      minimal('azureDevOps2: x').replace('azureDevOps2: x', 'initializePortResources: ${INIT}\nscheduledResyncIntervalMinutes: ${EVERY}\nfilters:\n  kinds: ${KINDS}'),
      { ...SECRETS, INIT: 'False', EVERY: '30', KINDS: 'project,team' },
    );
    expect(config.initializePortResources).toBe(false);
    expect(config.scheduledResyncIntervalMinutes).toBe(30);
    expect(config.filters.kinds).toEqual(['project', 'team']);
  });

  it.each([
    ['${A}', { A: 'x' }, 'x'],
    ['https://${HOST}:${PORT}/hooks', { HOST: 'h.example.com', PORT: '8443' }, 'https://h.example.com:8443/hooks'],
    ['${MISSING:-fallback}', {}, 'fallback'],
    ['${EMPTY:-fallback}', { EMPTY: '' }, 'fallback'],
    ['${EMPTY}', { EMPTY: '' }, ''],
    ['price: $5 and $${LITERAL}', {}, 'price: $5 and ${LITERAL}'],
    ['no references', {}, 'no references'],
  ])('interpolate(%j)', (text, env, expected) => {
    expect(interpolate(text, env)).toMatchObject({ ok: true, text: expected });
  });

  it.each([
    ['${UNSET}', /UNSET .* is not set/],
    ['${unterminated', /unterminated/],
    ['${not a name}', /must name an environment variable/],
    ['${}', /must name an environment variable/],
  ])('interpolate(%j) fails', (text, message) => {
    const result = interpolate(text, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('warns when a secret is written in the file in clear text', () => {
    const { warnings } = resolveFile(minimal().replace('${PORT_CLIENT_SECRET}', 'clear-text-secret'));
    expect(warnings).toEqual([{ source: 'port-ado-sync.yml:3:17 (port.clientSecret)', message: matching(/secret in clear text; keep it out of the file with \$\{VARIABLE\}/) }]);
    expect(JSON.stringify(warnings)).not.toContain('clear-text-secret');
  });
});

describe('config file: webhook headers', () => {
  it('marks a header secret when its name says so, when it comes from a variable, or when told', () => {
    const { config } = resolveFile(
      minimal(`webhooks:
  headers:
    Authorization: receiver-token-1
    X-Receiver-Key: \${RECEIVER_KEY}
    X-Team: platform
    X-Build: \${BUILD}
    X-Signature-Salt: { value: not-really-secret, secret: false }
    X-Tenant: { value: contoso, secret: true }`),
      { ...SECRETS, RECEIVER_KEY: 'rk-123456', BUILD: '42' },
    );
    expect(config.webhooks.headers).toEqual({
      Authorization: { value: 'receiver-token-1', secret: true },
      'X-Receiver-Key': { value: 'rk-123456', secret: true },
      'X-Team': { value: 'platform', secret: false },
      'X-Build': { value: '42', secret: true },
      'X-Signature-Salt': { value: 'not-really-secret', secret: false },
      'X-Tenant': { value: 'contoso', secret: true },
    });
  });

  it('refuses a header name that is not an HTTP token', () => {
    const problems = problemsOf(() => resolveFile(minimal('webhooks:\n  headers:\n    "Bad Header": x')));
    expect(problems).toEqual([{ source: 'port-ado-sync.yml:9:5 (webhooks.headers)', message: 'header Bad Header: is not a valid HTTP header name' }]);
  });
});

describe('config file: structured values', () => {
  it.each([
    ['mapping:\n  source: file', '(mapping)', 'path is missing'],
    ['mapping:\n  source: git', '(mapping)', 'source: must be port, file or inline'],
    ['mapping:\n  inline: 5', '(mapping)', 'inline must hold the mapping (resources: …) or a YAML string'],
    ['azureDevOps:\n  credential:\n    type: pat', '(azureDevOps.credential)', 'token is missing'],
    ['azureDevOps:\n  credential:\n    type: basic\n    token: ${ADO_PAT}', '(azureDevOps.credential)', 'type: must be pat or bearer'],
    ['webhooks:\n  events: [git.pushh]', '(webhooks.events)', "'git.pushh' is not a known webhook event type. Did you mean 'git.push'?"],
  ])('%j is explained', (yaml, where, message) => {
    const text = yaml.startsWith('azureDevOps') ? minimal().replace('  personalAccessToken: ${ADO_PAT}', yaml.replace('azureDevOps:\n', '')) : minimal(yaml);
    const problems = problemsOf(() => resolveFile(text));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.source).toContain(where);
    expect(problems[0]?.message).toBe(message);
  });
});
