/**
 * The committed bundle, run as the GitHub runner runs it (see runner.ts), against the simulators.
 * The bundle is rebuilt once first, so the test exercises the current sources; `.ci/run` then
 * proves the rebuilt bundle is the committed one. All runs live in this one file so that no two
 * test files rebuild the bundle at the same time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops/index';
import { startPortSimulator, type PortSimulator } from '../../sim/port/index';
import { byIdentifier, CLIENT_ID, CLIENT_SECRET, DATASOURCE, ENTRA_TOKEN, expectedEntities, IDENTIFIER, MAPPING, MAPPING_PATH, PAT, seedBlueprints } from './fixtures';
import { REPO_ROOT, runAction, visibleOutput, type ActionRun } from './runner';

let port: PortSimulator;
let ado: AzureDevOpsSimulator;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'action'], { cwd: REPO_ROOT, stdio: 'pipe' });
  port = await startPortSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  ado = await startAzureDevOpsSimulator({ scale: 'tiny', pat: PAT, bearerTokens: [ENTRA_TOKEN] });
});

afterAll(async () => {
  await port?.close();
  await ado?.close();
});

beforeEach(() => {
  port.reset();
  ado.reset();
  seedBlueprints(port);
});

const syncInputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  'port-client-id': CLIENT_ID,
  'port-client-secret': CLIENT_SECRET,
  'port-base-url': port.baseUrl,
  'integration-identifier': IDENTIFIER,
  'organization-url': ado.serverUrl,
  'personal-access-token': PAT,
  'initialize-port-resources': 'false',
  mapping: MAPPING_PATH,
  ...extra,
});
const mappingFile = { [MAPPING_PATH]: MAPPING };

function portWrites() {
  return port.calls().filter((c) => c.method !== 'GET' && !/^\/v1\/(auth\/access_token|entities\/search|blueprints\/entities\/datasource-entities)$/.test(c.path));
}

type PlanEntry = { blueprint: string; create: number; update: number; unchanged: number; delete: number };
function summaryJson(run: ActionRun): { status: string; mode: string; resources: { kind: string; listed: number; upserted: number; error: string | null }[]; plan: PlanEntry[] } {
  const path = run.outputs['summary-path'];
  if (!path) throw new Error('no summary-path output');
  return JSON.parse(readFileSync(path, 'utf8')) as never;
}

describe('as shards of a matrix', () => {
  it('syncs its share with input shard, names it in output shard, and two shards sync everything', async () => {
    const expected = expectedEntities(ado);
    const first = await runAction({ with: syncInputs({ shard: '0/2' }), files: mappingFile });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs).toMatchObject({ result: 'success', shard: '0/2' });
    const zero = port.entities('adoProject').map((e) => e.identifier);
    const second = await runAction({ with: syncInputs({ shard: '1/2' }), files: mappingFile });
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs).toMatchObject({ result: 'success', shard: '1/2' });
    expect(second.summary).toMatch(/^## Port sync from Azure DevOps \(shard 1\/2\)/m);
    expect((JSON.parse(readFileSync(second.outputs['summary-path']!, 'utf8')) as { shard: { index: number; count: number } }).shard).toMatchObject({ index: 1, count: 2 });

    expect(byIdentifier(port.entities('adoProject')).map((e) => ({ identifier: e.identifier, title: e.title }))).toEqual(byIdentifier(expected.projects));
    expect(byIdentifier(port.entities('adoRepository')).map((e) => e.identifier)).toEqual(byIdentifier(expected.repositories).map((r) => r.identifier));
    for (const entity of port.entities('adoProject')) expect(entity.datasource).toContain(zero.includes(entity.identifier) ? '/shard-0-of-2+' : '/shard-1-of-2+');
  });
});

describe('against both simulators', () => {
  it('syncs: entities in Port, outputs, job summary, summary file, one log group per kind', async () => {
    const run = await runAction({ with: syncInputs(), files: mappingFile });
    const expected = expectedEntities(ado);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const total = expected.projects.length + expected.repositories.length;
    expect(run.outputs).toMatchObject({ result: 'success', 'exit-code': '0', listed: String(total), upserted: String(total), unchanged: '0', failed: '0', deleted: '0' });

    expect(byIdentifier(port.entities('adoProject')).map((e) => ({ identifier: e.identifier, title: e.title }))).toEqual(byIdentifier(expected.projects));
    expect(byIdentifier(port.entities('adoRepository')).map((e) => ({ identifier: e.identifier, title: e.title, relations: e.relations }))).toEqual(byIdentifier(expected.repositories));
    for (const entity of [...port.entities('adoProject'), ...port.entities('adoRepository')]) expect(entity.datasource).toBe(DATASOURCE);

    expect(run.stdout).toContain('::group::project (resources[0])');
    expect(run.stdout).toContain('::group::repository (resources[1])');
    expect(run.summary).toMatch(/\| project #0 \| 2 \| 2 \|/);
    expect(run.outputs['summary-path']).toBe(join(run.runnerTemp, 'port-ado-sync-summary.json'));
    const summary = summaryJson(run);
    expect(summary.status).toBe('success');
    expect(summary.resources.map((r) => [r.kind, r.listed, r.upserted])).toEqual([
      ['project', expected.projects.length, expected.projects.length],
      ['repository', expected.repositories.length, expected.repositories.length],
    ]);
  });

  it('plans with an Entra bearer token: counts what would change and writes nothing', async () => {
    const expected = expectedEntities(ado);
    // Two projects already in Port from an earlier run, plus one the organization no longer has.
    port.seed.entities('adoProject', [...expected.projects, { identifier: 'deleted-project', title: 'Gone' }], { datasource: DATASOURCE, updatedAt: '2024-01-01T00:00:00.000Z' });
    port.clearCalls();
    const inputs = syncInputs({ mode: 'plan', 'azure-devops-token': ENTRA_TOKEN });
    delete inputs['personal-access-token'];

    const run = await runAction({ with: inputs, files: mappingFile });

    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'success', 'exit-code': '0' });
    expect(portWrites()).toEqual([]);
    expect(port.entities('adoRepository')).toEqual([]);
    expect(port.entities('adoProject').map((e) => e.identifier).sort()).toEqual([...expected.projects.map((p) => p.identifier), 'deleted-project'].sort());
    const plan = Object.fromEntries(summaryJson(run).plan.map((p) => [p.blueprint, { create: p.create, update: p.update, unchanged: p.unchanged, delete: p.delete }]));
    expect(plan).toEqual({
      adoProject: { create: 0, update: 0, unchanged: expected.projects.length, delete: 1 },
      adoRepository: { create: expected.repositories.length, update: 0, unchanged: 0, delete: 0 },
    });
    expect(run.summary).toContain('### Planned changes');
    expect(run.summary).toMatch(/\| adoRepository \| 3 \| 0 \| 0 \| 0 \|/);
    expect(summaryJson(run).mode).toBe('plan');
    expect(run.masks).toContain(ENTRA_TOKEN);
    expect(visibleOutput(run)).not.toContain(ENTRA_TOKEN);
  });

  it('fails a plan whose deletion guard would trip, even when partial failures are tolerated', async () => {
    // Five entities this integration wrote earlier, none of which the organization still has.
    port.seed.entities('adoProject', [1, 2, 3, 4, 5].map((i) => ({ identifier: `gone-${i}`, title: 'Gone' })), { datasource: DATASOURCE, updatedAt: '2024-01-01T00:00:00.000Z' });
    const run = await runAction({ with: syncInputs({ mode: 'plan', 'tolerate-partial-failure': 'true' }), files: mappingFile });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ result: 'partial', failed: '0' });
    expect(run.stdout).toMatch(/^::error::Plan: deletion guard: 5 of 5 owned entities .* above entityDeletionThreshold 0\.9\.$/m);
    expect(run.stdout).not.toContain('tolerate-partial-failure');
    expect(port.entities('adoProject')).toHaveLength(5);
  });

  it('fails the step with result partial when one kind fails (fault injected through the control API)', async () => {
    const origin = new URL(ado.serverUrl).origin;
    const response = await fetch(`${origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'status', route: 'git.repositories.list', status: 400 }) });
    expect(response.ok).toBe(true);

    const run = await runAction({ with: syncInputs(), files: mappingFile });
    const expected = expectedEntities(ado);

    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ result: 'partial', 'exit-code': '1', upserted: String(expected.projects.length) });
    expect(run.stdout).toMatch(/^::error::Some kinds failed: repository.* Set tolerate-partial-failure: true to pass the step when only some kinds fail\.$/m);
    expect(port.entities('adoProject')).toHaveLength(expected.projects.length);
    expect(port.entities('adoRepository')).toEqual([]);
    const summary = summaryJson(run);
    expect(summary.status).toBe('partial');
    expect(summary.resources.find((r) => r.kind === 'repository')?.error).toBeTruthy();
    expect(run.summary).toContain('repository #1');
  });

  it('passes the step with a warning on a partial failure when tolerate-partial-failure is true', async () => {
    ado.faults.add({ kind: 'status', route: 'git.repositories.list', status: 400 });
    const run = await runAction({ with: syncInputs({ 'tolerate-partial-failure': 'true' }), files: mappingFile });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('partial');
    expect(run.stdout).toMatch(/^::warning::Some kinds failed: repository.*The step passes because tolerate-partial-failure is true\.$/m);
    expect(run.stdout).not.toMatch(/^::error::Some kinds failed/m);
  });

  it('says every kind failed when none synced', async () => {
    ado.faults.add({ kind: 'status', route: 'git.repositories.list', status: 400 });
    const run = await runAction({ with: syncInputs({ kinds: 'repository' }), files: mappingFile });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::Every kind failed: repository #1\./m);
    expect(run.stdout).not.toMatch(/Some kinds failed/);
  });

  it('runs from the OCEAN__ variables alone, as a workflow migrated from ocean-sail', async () => {
    const run = await runAction({
      files: mappingFile,
      env: {
        OCEAN__PORT__CLIENT_ID: CLIENT_ID,
        OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
        OCEAN__PORT__BASE_URL: port.baseUrl,
        OCEAN__INTEGRATION__IDENTIFIER: IDENTIFIER,
        OCEAN__INTEGRATION__TYPE: 'azure-devops',
        OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: ado.serverUrl,
        OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT,
        OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
        OCEAN__INITIALIZE_PORT_RESOURCES: 'false',
        PORT_ADO_SYNC_MAPPING_FILE: MAPPING_PATH,
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('success');
    expect(port.entities('adoRepository').length).toBe(expectedEntities(ado).repositories.length);
    for (const entity of port.entities('adoProject')) expect(entity.datasource).toBe(DATASOURCE);
    expect(run.masks).toEqual(expect.arrayContaining([CLIENT_SECRET, PAT]));
  });

  it('annotates a mapping problem on the mapping file and line, before anything is written', async () => {
    port.clearCalls();
    const broken = MAPPING.replace("title: .name\n          blueprint: '\"adoRepository\"'", "title: .name | ascii_downcase(\n          blueprint: '\"adoRepository\"'");
    expect(broken).not.toBe(MAPPING);
    const run = await runAction({ with: syncInputs(), files: { [MAPPING_PATH]: broken } });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    const line = broken.split('\n').findIndex((l) => l.includes('ascii_downcase(')) + 1;
    expect(run.stdout).toMatch(new RegExp(`^::error file=\\.port/port-app-config\\.yml,line=${line}[,:]`, 'm'));
    expect(portWrites()).toEqual([]);
  });

  it('registers every secret, and only secrets, with ::add-mask:: and never prints one', async () => {
    const webhookSecret = 'webhook-secret-Hf83kLq0';
    const headerSecret = 'receiver-key-Px72mN4v';
    const run = await runAction({
      with: syncInputs({
        'log-level': 'debug',
        'register-webhooks': 'true',
        'webhook-base-url': 'https://hooks.example.com',
        'webhook-secret': webhookSecret,
        'webhook-headers': `X-Receiver-Key: ${headerSecret}\nX-Team: platform`,
      }),
      files: mappingFile,
    });
    expect(run.outputs.result).toBe('success');
    const derived = {
      patBasic: Buffer.from(`:${PAT}`).toString('base64'),
      webhookBasic: Buffer.from(`port:${webhookSecret}`).toString('base64'),
    };
    for (const secret of [CLIENT_SECRET, PAT, webhookSecret, headerSecret, derived.patBasic, derived.webhookBasic]) {
      expect(run.masks, secret).toContain(secret);
      expect(visibleOutput(run), secret).not.toContain(secret);
    }
    // The Port access token is made during the run: it is masked as soon as it exists, and it is
    // a token Port really issued.
    const tokens = run.masks.filter((m) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(m));
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    const accepted = await Promise.all(tokens.map(async (token) => (await fetch(`${port.baseUrl}/v1/blueprints`, { headers: { authorization: `Bearer ${token}` } })).status));
    expect(accepted).toContain(200);
    for (const token of tokens) expect(visibleOutput(run)).not.toContain(token);
    // Masks are exact values: ordinary words next to a secret (the header's name, another
    // header) are not masked, or the log would be full of ***.
    expect(run.masks).not.toContain('platform');
    expect(run.masks.some((m) => m.startsWith('X-'))).toBe(false);
  });
});

describe('configuration errors', () => {
  it("reports a bad tolerate-partial-failure together with the configuration's problems, in one run", async () => {
    const run = await runAction({ with: syncInputs({ 'tolerate-partial-failure': 'maybe', kinds: 'projct' }) });
    expect(run.outputs.result).toBe('config-error');
    expect(run.stdout).toMatch(/::error::input 'tolerate-partial-failure': must be true or false/);
    expect(run.stdout).toContain("::error::input 'kinds': 'projct' is not a known resource kind. Did you mean 'project'?");
    expect(run.stdout).toMatch(/Invalid configuration \(2 problems\)/);
  });

  it('reports every bad or missing input by its name, sets result config-error and writes nothing', async () => {
    port.clearCalls();
    const run = await runAction({
      with: { 'port-client-id': CLIENT_ID, 'port-client-secret': CLIENT_SECRET, 'port-base-url': port.baseUrl, kinds: 'projct, repository' },
    });

    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    expect(run.outputs['exit-code']).toBe('2');
    // Every count is set, so a later step reading one finds 0, not an empty string.
    expect({ listed: run.outputs.listed, upserted: run.outputs.upserted, unchanged: run.outputs.unchanged, failed: run.outputs.failed, deleted: run.outputs.deleted }).toEqual({ listed: '0', upserted: '0', unchanged: '0', failed: '0', deleted: '0' });
    expect(run.stdout).toContain("::error::input 'kinds': 'projct' is not a known resource kind. Did you mean 'project'?");
    expect(run.stdout).toMatch(/::error::Azure DevOps organization URL is missing: set OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL, or input 'organization-url'/);
    expect(run.stdout).toMatch(/::error::Azure DevOps credential .* is missing: .*input 'personal-access-token' or input 'azure-devops-token'/);
    // setFailed's own line: the step's one-line reason.
    expect(run.stdout).toMatch(/^::error::Invalid configuration \(3 problems\)\.$/m);
    expect(port.calls()).toHaveLength(0);
    expect(run.masks).toContain(CLIENT_SECRET);
    expect(visibleOutput(run)).not.toContain(CLIENT_SECRET);
  });

  it('names a rejected secret input without repeating its value', async () => {
    const run = await runAction({
      with: {
        'port-client-id': CLIENT_ID,
        'port-client-secret': CLIENT_SECRET,
        'port-region': 'mars',
        'organization-url': 'https://dev.azure.com/contoso',
        'personal-access-token': PAT,
        'azure-devops-token': 'bearer-token-value-that-is-long',
      },
    });
    expect(run.outputs.result).toBe('config-error');
    expect(run.stdout).toContain("::error::input 'port-region': must be eu or us");
    expect(run.stdout).toMatch(/::error::.*input 'personal-access-token'.*input 'azure-devops-token'|::error::.*input 'azure-devops-token'.*input 'personal-access-token'/);
    for (const secret of [CLIENT_SECRET, PAT, 'bearer-token-value-that-is-long']) {
      expect(run.masks).toContain(secret);
      expect(visibleOutput(run)).not.toContain(secret);
    }
  });

  it('rejects an unreadable tolerate-partial-failure before any network call', async () => {
    port.clearCalls();
    const run = await runAction({
      with: { 'port-client-id': CLIENT_ID, 'port-client-secret': CLIENT_SECRET, 'port-base-url': port.baseUrl, 'tolerate-partial-failure': 'sometimes' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    expect(run.stdout).toContain("::error::input 'tolerate-partial-failure': must be true or false");
    expect(port.calls()).toHaveLength(0);
  });

  it('treats wrong Port credentials as a configuration error, before Azure DevOps is contacted', async () => {
    port.clearCalls();
    const wrongSecret = 'not-the-port-secret-4711';
    const run = await runAction({
      with: {
        'port-client-id': CLIENT_ID,
        'port-client-secret': wrongSecret,
        'port-base-url': port.baseUrl,
        // Nothing listens there: reaching it would fail differently.
        'organization-url': 'http://127.0.0.1:9/DefaultCollection',
        'personal-access-token': PAT,
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.stdout).toMatch(/^::error::.*Port.*$/m);
    expect(port.calls().map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST /v1/auth/access_token 401']);
    for (const secret of [wrongSecret, PAT, Buffer.from(`:${PAT}`).toString('base64')]) {
      expect(run.masks).toContain(secret);
      expect(visibleOutput(run)).not.toContain(secret);
    }
  });
});

describe("a workflow written for ocean-sail, with only its `uses:` line changed", () => {
  const webhookSecret = 'sail-webhook-secret-Jw49sDk2';
  /** ocean-sail's `with:` block, as its README shows it, pointed at the simulators. */
  const oceanSail = (extra: Record<string, string> = {}): Record<string, string> => ({
    type: 'azure-devops',
    port_client_id: CLIENT_ID,
    port_client_secret: CLIENT_SECRET,
    port_base_url: port.baseUrl,
    identifier: IDENTIFIER,
    initialize_port_resources: 'false',
    config: `organization_url: ${ado.serverUrl}\npersonal_access_token: ${PAT}\nis_projects_limited: true\nwebhook_secret: ${webhookSecret}\n`,
    platform: 'linux/amd64',
    version: 'latest',
    ...extra,
  });

  it('syncs into the integration Ocean used, with one warning per ocean-sail input, and masks its secrets', async () => {
    // The mapping an Ocean installation keeps on its integration in Port.
    port.seed.integration({ installationId: IDENTIFIER, installationAppType: 'azure-devops', config: parse(MAPPING) as Record<string, unknown> });
    const run = await runAction({ undeclared: oceanSail() });
    const expected = expectedEntities(ado);

    expect(run.code, run.stdout).toBe(0);
    expect(run.stderr).toBe('');
    const total = expected.projects.length + expected.repositories.length;
    expect(run.outputs).toMatchObject({ result: 'success', 'exit-code': '0', listed: String(total), upserted: String(total), failed: '0' });
    expect(byIdentifier(port.entities('adoProject')).map((e) => ({ identifier: e.identifier, title: e.title }))).toEqual(byIdentifier(expected.projects));
    expect(byIdentifier(port.entities('adoRepository')).map((e) => ({ identifier: e.identifier, title: e.title, relations: e.relations }))).toEqual(byIdentifier(expected.repositories));
    // `identifier` was used: everything is written as (and owned by) the integration Ocean used.
    for (const entity of [...port.entities('adoProject'), ...port.entities('adoRepository')]) expect(entity.datasource).toBe(DATASOURCE);
    expect(run.stdout).not.toMatch(/is missing/);

    const warnings = [...run.stdout.matchAll(/^::warning::(.*)$/gm)].map((m) => m[1] ?? '');
    for (const [alias, input] of [['identifier', 'integration-identifier'], ['port_client_id', 'port-client-id'], ['port_client_secret', 'port-client-secret'], ['port_base_url', 'port-base-url'], ['initialize_port_resources', 'initialize-port-resources']]) {
      expect(warnings.filter((w) => w.startsWith(`input '${alias}':`)), alias).toEqual([`input '${alias}': is ocean-sail's name for input '${input}'; it still works, but use input '${input}' instead.`]);
    }
    expect(warnings.filter((w) => w.startsWith("input 'config':"))).toEqual([
      "input 'config': is ocean-sail's map of Ocean settings: it still works, but give each setting as an input of this action instead: organization_url → input 'organization-url', personal_access_token → input 'personal-access-token', is_projects_limited → input 'projects-limited', webhook_secret → input 'webhook-secret'.",
    ]);
    expect(warnings).toContain("input 'type': is not needed: this action only syncs azure-devops; remove it.");
    for (const ignored of ['platform', 'version']) expect(warnings).toContain(`input '${ignored}': is ignored: this action runs on the runner's Node.js and pulls no image; remove it.`);

    for (const secret of [CLIENT_SECRET, PAT, webhookSecret, Buffer.from(`:${PAT}`).toString('base64')]) {
      expect(run.masks, secret).toContain(secret);
      expect(visibleOutput(run), secret).not.toContain(secret);
    }
  });

  it('names ocean-sail inputs in configuration errors (a wrong type, an alias next to its new name, a bad config value), masks their secrets and writes nothing', async () => {
    port.clearCalls();
    ado.resetCounters();
    const otherSecret = 'new-name-port-secret-Vb83'; // given under both names
    const run = await runAction({
      with: { 'port-client-secret': otherSecret, 'organization-url': 'https://dev.azure.com/contoso' },
      undeclared: oceanSail({ type: 'gitlab', config: `organization_url: ${ado.serverUrl}\npersonal_access_token: ${PAT}\nis_projects_limited: maybe\nwebhook_secret: ${webhookSecret}\n` }),
    });

    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ result: 'config-error', 'exit-code': '2', upserted: '0' });
    expect(run.stdout).toContain("::error::input 'type': must be azure-devops (or unset): this tool only syncs Azure DevOps");
    expect(run.stdout).toContain("::error::input 'port_client_secret': sets the Port client secret, and so does input 'port-client-secret'; give only input 'port-client-secret'");
    expect(run.stdout).toContain("::error::input 'config' (organization_url): sets the Azure DevOps organization URL, and so does input 'organization-url'; give only input 'organization-url'");
    expect(run.stdout).toContain("::error::input 'config' (is_projects_limited): must be true or false");
    expect(run.stdout).toMatch(/^::error::Invalid configuration \(4 problems\)\.$/m);
    expect(port.calls()).toHaveLength(0);
    expect(ado.counters().requests).toBe(0);
    for (const secret of [CLIENT_SECRET, otherSecret, PAT, webhookSecret]) {
      expect(run.masks, secret).toContain(secret);
      expect(visibleOutput(run), secret).not.toContain(secret);
    }
  });

  it('reports a config input that is not YAML without quoting it, and no "missing" noise', async () => {
    port.clearCalls();
    const run = await runAction({ undeclared: oceanSail({ config: `organization_url: ${ado.serverUrl}\npersonal_access_token: "${PAT}\\q"\n  nested: value\n` }) });

    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    expect(run.stdout).toMatch(/^::error::input 'config': is not valid YAML at line \d+, column \d+: /m);
    expect(run.stdout).not.toMatch(/is missing/);
    expect(port.calls()).toHaveLength(0);
    expect(visibleOutput(run)).not.toContain(PAT.slice(0, 12));
    expect(visibleOutput(run)).not.toContain(CLIENT_SECRET);
  });

  it("gives a mistyped config key the environment's \"did you mean\", and the Ocean variables' checks", async () => {
    port.clearCalls();
    const run = await runAction({
      undeclared: oceanSail({ config: `organisation_url: ${ado.serverUrl}\npersonal_access_token: ${PAT}\naccount_mode: Multi Account\n` }),
    });

    expect(run.outputs.result).toBe('config-error');
    expect(run.stdout).toContain("::warning::input 'config': Ignoring Ocean settings this tool does not use: organisation_url (did you mean organization_url?).");
    expect(run.stdout).toMatch(/^::error::input 'config' \(account_mode\): only "Single Account" is supported/m);
    // The misspelt key set nothing: the URL is missing, and the message names this action's input.
    expect(run.stdout).toMatch(/^::error::Azure DevOps organization URL is missing: set .*input 'organization-url'/m);
    expect(port.calls()).toHaveLength(0);
    expect(visibleOutput(run)).not.toContain(PAT);
  });
});
