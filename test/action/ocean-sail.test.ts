/**
 * ocean-sail's inputs as aliases (action/src/ocean-sail.ts): what each one becomes in the
 * configuration, and how it is reported. The runs against the simulators are in bundle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_INPUTS, readActionSettings } from '../../action/src/inputs';
import { CONFIG_PREFIX, OCEAN_SAIL_INPUTS } from '../../action/src/ocean-sail';
import { ConfigError, ENVIRONMENT_VARIABLES, formatProblem, layerFromEnvironment, resolveConfig, type ConfigLayer } from '../../core/config';
import { readManifest } from './runner';

const PORT_SECRET = 'port-secret-Qa71xZ';
const PAT = 'pat-value-Lm82nB4c';
const WEBHOOK_SECRET = 'hook-secret-Rt55yU';
const ENV = { GITHUB_WORKSPACE: '/repo', RUNNER_TEMP: '/tmp/runner' };
/** The `with:` block of ocean-sail's README, for Azure DevOps. */
const SAIL = {
  type: 'azure-devops',
  port_client_id: 'client-id',
  port_client_secret: PORT_SECRET,
  config: `organization_url: https://dev.azure.com/contoso\npersonal_access_token: ${PAT}\n`,
};

const settingsFor = (inputs: Record<string, string>, env: Record<string, string> = {}) => readActionSettings((name) => inputs[name] ?? '', { ...ENV, ...env });

function outcome(layers: readonly ConfigLayer[]): { problems: string[]; warnings: string[]; config?: ReturnType<typeof resolveConfig>['config']; sources?: ReturnType<typeof resolveConfig>['sources'] } {
  try {
    const resolved = resolveConfig(layers);
    return { problems: [], warnings: resolved.warnings.map(formatProblem), config: resolved.config, sources: resolved.sources };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { problems: error.problems.map(formatProblem), warnings: error.warnings.map(formatProblem) };
  }
}
const run = (inputs: Record<string, string>, env: Record<string, string> = {}) => outcome(settingsFor(inputs, env).layers);

describe("ocean-sail's inputs", () => {
  it("are ocean-sail v1's, none of them declared in action.yml, each alias standing for an input of the action with the same setting", () => {
    expect(Object.keys(OCEAN_SAIL_INPUTS).sort()).toEqual(['config', 'identifier', 'image', 'initialize_port_resources', 'platform', 'port_base_url', 'port_client_id', 'port_client_secret', 'type', 'version']);
    const declared = Object.keys(readManifest().inputs);
    for (const [name, input] of Object.entries(OCEAN_SAIL_INPUTS)) {
      expect(declared, name).not.toContain(name);
      if (input.use === 'alias') expect(CONFIG_INPUTS[input.replacement]?.key, name).toBe(input.key);
    }
  });

  it('add no layer when none is given', () => {
    expect(settingsFor({ 'organization-url': 'https://dev.azure.com/contoso' }).layers.map((layer) => layer.kind)).toEqual(['inputs', 'inputs', 'environment', 'fallback']);
  });

  it('configure a run on their own, ranked with the action inputs, each with one warning naming the input to use', () => {
    const result = run({ ...SAIL, identifier: 'ado-main', port_base_url: 'https://api.getport.io', initialize_port_resources: 'false', platform: 'linux/arm64', image: 'ghcr.io/acme/ocean', version: '0.12.2' });
    expect(result.problems).toEqual([]);
    expect(result.config).toMatchObject({
      port: { clientId: 'client-id', clientSecret: PORT_SECRET, baseUrl: 'https://api.getport.io' },
      integration: { identifier: 'ado-main', type: 'azure-devops' },
      azureDevOps: { organizationUrl: 'https://dev.azure.com/contoso', credential: { type: 'pat', token: PAT } },
      initializePortResources: false,
    });
    expect(result.sources).toMatchObject({ 'port.clientSecret': "input 'port_client_secret'", 'azureDevOps.organizationUrl': "input 'config' (organization_url)" });
    expect(result.warnings).toEqual([
      "input 'type': is not needed: this action only syncs azure-devops; remove it.",
      "input 'identifier': is ocean-sail's name for input 'integration-identifier'; it still works, but use input 'integration-identifier' instead.",
      "input 'port_client_id': is ocean-sail's name for input 'port-client-id'; it still works, but use input 'port-client-id' instead.",
      "input 'port_client_secret': is ocean-sail's name for input 'port-client-secret'; it still works, but use input 'port-client-secret' instead.",
      "input 'port_base_url': is ocean-sail's name for input 'port-base-url'; it still works, but use input 'port-base-url' instead.",
      "input 'initialize_port_resources': is ocean-sail's name for input 'initialize-port-resources'; it still works, but use input 'initialize-port-resources' instead.",
      "input 'config': is ocean-sail's map of Ocean settings: it still works, but give each setting as an input of this action instead: organization_url → input 'organization-url', personal_access_token → input 'personal-access-token'.",
      "input 'platform': is ignored: this action runs on the runner's Node.js and pulls no image; remove it.",
      "input 'image': is ignored: this action runs on the runner's Node.js and pulls no image; remove it.",
      "input 'version': is ignored: this action runs on the runner's Node.js and pulls no image; remove it.",
    ]);
  });

  it('outrank the OCEAN__ variables, as the inputs of the action do', () => {
    const result = run({ ...SAIL, identifier: 'from-input' }, { OCEAN__INTEGRATION__IDENTIFIER: 'from-env', OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/other' });
    expect(result.config?.integration.identifier).toBe('from-input');
    expect(result.config?.azureDevOps.organizationUrl).toBe('https://dev.azure.com/contoso');
  });

  it('register their secrets for masking before anything is resolved, as the inputs of the action do', () => {
    const settings = settingsFor({ ...SAIL, config: `${SAIL.config}webhook_secret: ${WEBHOOK_SECRET}\n` });
    expect(settings.secretsToMaskFirst).toEqual(expect.arrayContaining([PORT_SECRET, PAT, WEBHOOK_SECRET]));
    expect(settings.secretsToMaskFirst).not.toContain('client-id');
    expect(settings.secretsToMaskFirst.some((s) => s.includes('organization_url'))).toBe(false);
  });

  it('reject a type other than azure-devops, naming the input', () => {
    expect(run({ ...SAIL, type: 'github' }).problems).toEqual(["input 'type': must be azure-devops (or unset): this tool only syncs Azure DevOps"]);
  });

  it('are an error next to the input of the action that sets the same setting, naming both', () => {
    const result = run({ ...SAIL, 'port-client-secret': 'other-secret-99', 'port-region': 'us', port_base_url: 'https://api.getport.io', 'personal-access-token': 'other-pat-12345' });
    expect(result.problems).toEqual([
      "input 'port_client_secret': sets the Port client secret, and so does input 'port-client-secret'; give only input 'port-client-secret'",
      "input 'port_base_url': sets the Port API URL, and so does input 'port-region'; give only input 'port-region'",
      "input 'config' (personal_access_token): sets the Azure DevOps credential (personal access token or bearer token), and so does input 'personal-access-token'; give only input 'personal-access-token'",
    ]);
    for (const secret of [PORT_SECRET, PAT, 'other-secret-99', 'other-pat-12345']) expect(JSON.stringify(result), secret).not.toContain(secret);
  });
});

describe("ocean-sail's config input", () => {
  /** Each key as ocean-sail writes it: lower case in `config`, `OCEAN__INTEGRATION__CONFIG__<KEY>` for Ocean. */
  const VALUES: Record<string, string> = {
    ORGANIZATION_URL: 'https://dev.azure.com/contoso',
    PERSONAL_ACCESS_TOKEN: PAT,
    IS_PROJECTS_LIMITED: 'false',
    EXCLUDED_TAGS: '["archived","legacy"]',
    WEBHOOK_SECRET: WEBHOOK_SECRET,
    WEBHOOK_AUTH_USERNAME: 'hooks',
    APP_HOST: 'https://hooks.example.com',
    ACCOUNT_MODE: 'Single Account',
  };

  it('has every Ocean config variable the environment reads, covered here', () => {
    const configVariables = ENVIRONMENT_VARIABLES.map((v) => v.name).filter((name) => name.startsWith(CONFIG_PREFIX));
    for (const name of configVariables) expect(Object.keys(VALUES), name).toContain(name.slice(CONFIG_PREFIX.length));
  });

  it('sets what the same OCEAN__INTEGRATION__CONFIG__ variables set', () => {
    const yaml = Object.entries(VALUES)
      .map(([key, value]) => `${key.toLowerCase()}: ${key === 'EXCLUDED_TAGS' ? '[archived, legacy]' : JSON.stringify(value)}`)
      .join('\n');
    const fromConfig = run({ ...SAIL, config: yaml });
    const fromEnvironment = outcome([
      ...settingsFor({ port_client_id: 'client-id', port_client_secret: PORT_SECRET }).layers,
      layerFromEnvironment(Object.fromEntries(Object.entries(VALUES).map(([key, value]) => [`${CONFIG_PREFIX}${key}`, value]))),
    ]);
    expect(fromConfig.problems).toEqual([]);
    expect(fromConfig.config).toEqual(fromEnvironment.config);
    expect(fromConfig.config?.azureDevOps).toMatchObject({ isProjectsLimited: false, excludedTags: ['archived', 'legacy'] });
    expect(fromConfig.config?.webhooks).toMatchObject({ baseUrl: 'https://hooks.example.com', username: 'hooks' });
    // A deprecated key's replacement is named as this action's input.
    expect(fromConfig.warnings).toContain("input 'config' (app_host): is deprecated; use input 'webhook-base-url' instead");
  });

  it('upper-cases keys as ocean-sail did, so any spelling of a key works, but two spellings of one key are an error', () => {
    expect(run({ ...SAIL, config: `Organization_URL: https://dev.azure.com/contoso\nPERSONAL_ACCESS_TOKEN: ${PAT}` }).config?.azureDevOps.organizationUrl).toBe('https://dev.azure.com/contoso');
    expect(run({ ...SAIL, config: `organization_url: https://dev.azure.com/a\nORGANIZATION_URL: https://dev.azure.com/b\npersonal_access_token: ${PAT}` }).problems).toEqual([
      "input 'config': the keys organization_url and ORGANIZATION_URL are the same setting (OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL); keep one",
    ]);
  });

  it('takes scalars as written (no number rounding), and an empty value as unset', () => {
    const result = run({ ...SAIL, config: `organization_url: https://dev.azure.com/contoso\npersonal_access_token: 123456789012345678901234567890\nwebhook_secret:\n` });
    expect(result.config?.azureDevOps.credential).toEqual({ type: 'pat', token: '123456789012345678901234567890' });
    expect(result.config?.webhooks.secret).toBeUndefined();
  });

  it('gives unknown keys the environment\'s "ignored" warning and "did you mean", and the keys Ocean has that this tool refuses the same checks', () => {
    const result = run({ ...SAIL, config: `${SAIL.config}organisation_url: https://dev.azure.com/x\nclient_id: entra-app\naccount_mode: Multi Account\n` });
    expect(result.warnings).toContain("input 'config': Ignoring Ocean settings this tool does not use: organisation_url (did you mean organization_url?).");
    expect(result.warnings).toContainEqual(expect.stringMatching(/^input 'config' \(client_id\): is ignored: Entra service-principal credentials are not used here/));
    expect(result.problems).toEqual([expect.stringMatching(/^input 'config' \(account_mode\): only "Single Account" is supported/)]);
  });

  it('reports a bad value by its key, without the value', () => {
    const result = run({ ...SAIL, config: `organization_url: not a url\npersonal_access_token: ${PAT} ${PAT}\nis_projects_limited: sometimes` });
    expect(result.problems).toEqual([
      expect.stringMatching(/^input 'config' \(organization_url\): is not a URL/),
      expect.stringMatching(/^input 'config' \(personal_access_token\): .*whitespace/),
      expect.stringMatching(/^input 'config' \(is_projects_limited\): must be true or false/),
    ]);
    expect(JSON.stringify(result)).not.toContain(PAT);
  });

  it('must be a YAML map; broken YAML is reported by position, never quoted, and without "missing" noise', () => {
    expect(run({ ...SAIL, config: '- organization_url\n- personal_access_token' }).problems).toEqual([
      "input 'config': must be a YAML map of settings, one `key: value` per line, e.g. organization_url: https://dev.azure.com/contoso",
    ]);
    const broken = run({ ...SAIL, config: `organization_url: https://dev.azure.com/contoso\npersonal_access_token: "${PAT}\\x4"\n  webhook_secret: ${WEBHOOK_SECRET}` });
    expect(broken.problems.length).toBeGreaterThan(0);
    for (const problem of broken.problems) expect(problem).toMatch(/^input 'config': is not valid YAML at line \d+, column \d+: /);
    expect(broken.problems.join('\n')).not.toMatch(/missing/);
    for (const secret of [PAT, PAT.slice(-8), WEBHOOK_SECRET, '\\x4']) expect(JSON.stringify(broken), secret).not.toContain(secret);
  });

  it('may be empty', () => {
    const result = run({ ...SAIL, config: '{}', 'organization-url': 'https://dev.azure.com/contoso', 'personal-access-token': PAT });
    expect(result.problems).toEqual([]);
  });
});
