/**
 * The bad-input corpus: every kind of wrong configuration, mapping or credential a user can hand
 * the CLI. Each one must end with exit code 2 and a message that names the input (variable, flag,
 * file and line), with nothing written to Port: configuration problems before any request at all,
 * mapping and credential problems after the read-only pre-flight (Port token, integration lookup,
 * Azure DevOps connectionData) and nothing else.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PAT, startSimulators, type Simulators } from '../support/simulators';
import { syncWithEnvironment, writeCalls } from './harness';

let sims: Simulators;
let dir: string;

beforeAll(async () => {
  sims = await startSimulators({ ado: { seed: 97, scale: 'tiny' } });
  dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
});
afterAll(async () => sims?.close());
beforeEach(() => {
  sims.port.reset();
  sims.ado.resetCounters();
  sims.ado.credentials.setMode(PAT, 'active');
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD_MAPPING = `resources:
  - kind: project
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"azureDevopsProject"'
`;

type Case = {
  name: string;
  args?: (() => string[]) | string[];
  env?: Record<string, string>;
  /** Variables to remove from the simulators' variable group. */
  unset?: string[];
  /** What the message must name. */
  message: RegExp;
  /** `none`: not one request to either side; `preflight`: only the read-only pre-flight. */
  requests: 'none' | 'preflight';
  setup?: () => void;
};

const CONFIG_CASES: Case[] = [
  { name: 'malformed YAML in the config file', args: () => ['--config', file('broken.yml', 'port:\n  clientId: [unclosed\n  baseUrl: x\n')], message: /broken\.yml:\d+:\d+/, requests: 'none' },
  { name: 'an unknown key in the config file', args: () => ['--config', file('typo.yml', 'network:\n  timout: 5\n')], message: /typo\.yml:2:\d+ \(network\.timout\): unknown key 'timout'/, requests: 'none' },
  { name: 'a wrong type in the config file', args: () => ['--config', file('type.yml', 'network:\n  timeoutSeconds: soon\n')], message: /type\.yml:2:\d+ \(network\.timeoutSeconds\)/, requests: 'none' },
  { name: 'a wrong type in a variable', env: { OCEAN__INITIALIZE_PORT_RESOURCES: 'maybe' }, message: /OCEAN__INITIALIZE_PORT_RESOURCES/, requests: 'none' },
  { name: 'a number that is not one', env: { OCEAN__SCHEDULED_RESYNC_INTERVAL: 'hourly' }, message: /OCEAN__SCHEDULED_RESYNC_INTERVAL/, requests: 'none' },
  { name: 'an illegal integration identifier', env: { OCEAN__INTEGRATION__IDENTIFIER: 'my integration!' }, message: /OCEAN__INTEGRATION__IDENTIFIER/, requests: 'none' },
  { name: 'an organization URL that is not a URL', env: { OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'not a url' }, message: /OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL/, requests: 'none' },
  { name: 'an organization URL without the organization', env: { OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/' }, message: /OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL/, requests: 'none' },
  { name: 'an organization URL with another scheme', env: { OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'ftp://dev.azure.com/org' }, message: /OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL/, requests: 'none' },
  { name: 'a Port URL without a scheme', env: { OCEAN__PORT__BASE_URL: 'api.port.io' }, message: /OCEAN__PORT__BASE_URL/, requests: 'none' },
  { name: 'a bad flag value', args: ['--timeout', '-3'], message: /--timeout/, requests: 'none' },
  { name: 'an unknown kind in --kinds', args: ['--kinds', 'project,repositorys'], message: /--kinds.*'repositorys'/, requests: 'none' },
  { name: 'a missing personal access token', unset: ['OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN'], message: /OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN/, requests: 'none' },
  { name: 'a missing Port client secret', unset: ['OCEAN__PORT__CLIENT_SECRET'], message: /OCEAN__PORT__CLIENT_SECRET/, requests: 'none' },
  { name: 'the POLLING event listener', env: { OCEAN__EVENT_LISTENER: '{"type":"POLLING"}' }, message: /OCEAN__EVENT_LISTENER.*POLLING/, requests: 'none' },
  { name: 'the KAFKA event listener', env: { OCEAN__EVENT_LISTENER: '{"type":"KAFKA"}' }, message: /OCEAN__EVENT_LISTENER.*KAFKA/, requests: 'none' },
  { name: 'the WEBHOOKS_ONLY event listener', env: { OCEAN__EVENT_LISTENER: '{"type":"WEBHOOKS_ONLY"}' }, message: /OCEAN__EVENT_LISTENER.*WEBHOOKS_ONLY/, requests: 'none' },
  { name: 'an event listener that is not JSON', env: { OCEAN__EVENT_LISTENER: '{type: ONCE' }, message: /OCEAN__EVENT_LISTENER/, requests: 'none' },
  { name: 'another integration type', env: { OCEAN__INTEGRATION__TYPE: 'github' }, message: /OCEAN__INTEGRATION__TYPE/, requests: 'none' },
  { name: 'a config file that does not exist', args: () => ['--config', join(dir, 'missing.yml')], message: /missing\.yml.*does not exist/, requests: 'none' },
  { name: 'a CA file that does not exist', args: () => ['--ca-file', join(dir, 'no-such-ca.pem')], message: /--ca-file.*no-such-ca\.pem.*does not exist or cannot be read/, requests: 'none' },
  { name: 'a summary path that is a folder', args: () => ['--summary', dir], message: /--summary.*is a folder: name a file in it/, requests: 'none' },
  { name: 'a summary file in a folder that does not exist', args: () => ['--summary', join(dir, 'no-such-folder', 'summary.json')], message: /--summary.*summary\.json.*cannot be written/, requests: 'none' },
  { name: 'a CA file set in the config file that does not exist', args: () => ['--config', file('ca.yml', 'network:\n  caFile: ./nowhere/ca.pem\n')], message: /ca\.yml:2:\d+ \(network\.caFile\).*nowhere\/ca\.pem/, requests: 'none' },
];

const MAPPING_CASES: Case[] = [
  { name: 'malformed YAML in the mapping', args: () => ['--mapping', file('m-broken.yml', 'resources:\n  - kind: project\n    selector: {query: "true"\n')], message: /m-broken\.yml:\d+/, requests: 'preflight' },
  { name: 'an unknown kind in the mapping', args: () => ['--mapping', file('m-kind.yml', GOOD_MAPPING.replace('kind: project', 'kind: projcet'))], message: /m-kind\.yml:2.*unknown kind 'projcet'/, requests: 'preflight' },
  { name: 'an unknown key in the mapping', args: () => ['--mapping', file('m-key.yml', GOOD_MAPPING.replace('mappings:', 'mapings:'))], message: /m-key\.yml:8:\d+: .*mapings is not a known key here.*\n.*m-key\.yml:7:\d+: .*mappings: is required/, requests: 'preflight' },
  { name: 'jq that does not compile', args: () => ['--mapping', file('m-jq.yml', GOOD_MAPPING.replace('title: .name', 'title: .name | ascii_downcase(')) ], message: /m-jq\.yml:9:\d+: .*title: jq `\.name \| ascii_downcase\(` does not compile/, requests: 'preflight' },
  { name: 'a wrong type in the mapping', args: () => ['--mapping', file('m-type.yml', `entityDeletionThreshold: lots\n${GOOD_MAPPING}`)], message: /m-type\.yml:1.*entityDeletionThreshold/, requests: 'preflight' },
  { name: 'a wrong kind-specific selector value', args: () => ['--mapping', file('m-selector.yml', GOOD_MAPPING.replace('kind: project', 'kind: work-item').replace("query: 'true'", "query: 'true'\n      expand: Everything"))], message: /m-selector\.yml:\d+.*selector\.expand/, requests: 'preflight' },
  { name: 'a mapping file that does not exist', args: () => ['--mapping', join(dir, 'nowhere.yml')], message: /nowhere\.yml.*does not exist/, requests: 'preflight' },
  {
    name: 'a broken mapping stored on the integration in Port',
    setup: () => sims.port.seed.integration({ installationId: 'my-azure-devops-integration', installationAppType: 'azure-devops', config: { resources: [{ kind: 'project', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id |', blueprint: '"azureDevopsProject"' } } } }] } }),
    message: /integration 'my-azure-devops-integration' in Port.*\.id \|/s,
    requests: 'preflight',
  },
];

const CREDENTIAL_CASES: Case[] = [
  { name: 'a Port client secret Port rejects', env: { OCEAN__PORT__CLIENT_SECRET: 'not-the-client-secret' }, message: /Port rejected the client credentials/, requests: 'preflight' },
  // Port 9 (discard) on loopback: nothing listens, the connection is refused, as at a mistyped host.
  { name: 'a Port URL nothing answers at', env: { OCEAN__PORT__BASE_URL: 'http://127.0.0.1:9' }, message: /Could not reach Port at http:\/\/127\.0\.0\.1:9: the connection was refused/, requests: 'preflight' },
  { name: 'a revoked personal access token (401)', setup: () => sims.ado.credentials.setMode(PAT, 'revoked'), message: /rejected the credential \(HTTP 401/, requests: 'preflight' },
  { name: 'a credential answered with a sign-in page (203)', setup: () => sims.ado.credentials.setMode(PAT, 'sign-in-page'), message: /sign-in page \(HTTP 203\)/, requests: 'preflight' },
  {
    name: 'an integration of the same identifier that Port hosts',
    setup: () => sims.port.seed.integration({ installationId: 'my-azure-devops-integration', installationAppType: 'azure-devops', installationType: 'Saas', config: {} }),
    message: /Integration 'my-azure-devops-integration' in Port is installed as 'Saas', run by Port itself, not self-hosted \('OnPrem'\).*OCEAN__INTEGRATION__IDENTIFIER/,
    requests: 'preflight',
  },
];

const PREFLIGHT_ROUTES = new Set(['POST /v1/auth/access_token', 'GET /v1/integration/:id']);

describe.each([
  ['configuration', CONFIG_CASES],
  ['mapping', MAPPING_CASES],
  ['credentials', CREDENTIAL_CASES],
] as const)('bad %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: exit 2, the input named, nothing written', async (_name, c) => {
    c.setup?.();
    const env = { ...sims.env(c.env ?? {}) };
    for (const name of c.unset ?? []) delete env[name];
    const args = typeof c.args === 'function' ? c.args() : (c.args ?? []);
    const run = await syncWithEnvironment(env, args);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(2);
    expect(run.stderr).toMatch(c.message);
    expect(writeCalls(sims), 'writes to Port').toEqual([]);
    if (c.requests === 'none') {
      expect(sims.port.counters().requests, 'requests to Port').toBe(0);
      expect(sims.ado.counters().requests, 'requests to Azure DevOps').toBe(0);
    } else {
      const portRoutes = Object.keys(sims.port.counters().requestsByRoute);
      expect(portRoutes.filter((r) => !PREFLIGHT_ROUTES.has(r)), 'Port requests beyond the pre-flight').toEqual([]);
      expect(Object.keys(sims.ado.counters().byRoute).filter((r) => r !== 'core.connectionData'), 'Azure DevOps requests beyond connectionData').toEqual([]);
    }
  });
});
