/**
 * action.yml is the contract users see in the workflow editor and on the Marketplace: every input
 * is read by the entry, every output is set by it, and the docs tables are rendered from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_INPUTS, CONFIG_INPUTS, readActionSettings } from '../../action/src/inputs';
import { OCEAN_SAIL_INPUTS } from '../../action/src/ocean-sail';
import { DOC_PATH, renderDoc, renderInputsTable } from '../../scripts/generate-action-docs.mjs';
import { layerFromEnvironment, resolveConfig, TEXT_KEYS } from '../../core/config';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, readManifest, ACTION_YML, inputVariable, parseOutputFile } from './runner';

const manifest = readManifest();

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(manifest.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(existsSync(join(REPO_ROOT, manifest.runs.main))).toBe(true);
  });

  it('declares exactly the inputs the entry reads', () => {
    expect(Object.keys(manifest.inputs).sort()).toEqual([...Object.keys(CONFIG_INPUTS), ...ACTION_INPUTS].sort());
    for (const binding of Object.values(CONFIG_INPUTS)) expect(Object.keys(TEXT_KEYS)).toContain(binding.key);
  });

  it('gives configuration inputs no default, so OCEAN__ variables are not overridden by one', () => {
    for (const name of Object.keys(CONFIG_INPUTS)) expect(manifest.inputs[name]?.default, name).toBeUndefined();
    for (const name of ACTION_INPUTS) expect(manifest.inputs[name]?.default, name).toBeDefined();
  });

  it('describes every input and output in at least one full sentence', () => {
    for (const [name, entry] of [...Object.entries(manifest.inputs), ...Object.entries(manifest.outputs)]) {
      expect(entry.description.length, name).toBeGreaterThan(20);
      expect(entry.description.trim(), name).toMatch(/[.)]$/);
    }
  });

  it('has no expression syntax in descriptions (the runner would not expand it there)', () => {
    expect(readFileSync(ACTION_YML, 'utf8')).not.toContain('${{');
  });
});

describe('docs/github-actions.md', () => {
  it('has the inputs and outputs tables rendered from action.yml (node scripts/generate-action-docs.mjs)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(renderDoc(doc, readFileSync(ACTION_YML, 'utf8'))).toBe(doc);
  });

  it('renders each input once, with its description on one line and pipes escaped', () => {
    const table = renderInputsTable('inputs:\n  a:\n    description: "x | y\\nz"\n  b:\n    description: B.\n    default: "false"\n');
    expect(table.split('\n')).toEqual(['| Input | Description |', '|---|---|', '| `a` | x \\| y z |', '| `b` | B. Default `false`. |']);
  });
});

describe('the workflow examples in docs/github-actions.md', () => {
  const doc = readFileSync(DOC_PATH, 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  type Step = { uses?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
  const steps: Step[] = [];
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      const step = node as Step;
      if (typeof step.uses === 'string' && step.uses.startsWith('OWNER/port-ado-sync')) steps.push(step);
      Object.values(node).forEach(collect);
    }
  };
  for (const block of blocks) for (const document of parseAllDocuments(block)) collect(document.toJS());

  it('are valid YAML and use the action several times', () => {
    expect(blocks.length).toBeGreaterThan(4);
    expect(steps.length).toBeGreaterThan(4);
  });

  // The migration example passes ocean-sail's `with:` block unchanged: only ocean-sail's names.
  const isOceanSailStep = (step: Step) => Object.keys(step.with ?? {}).length > 0 && Object.keys(step.with ?? {}).every((name) => name in OCEAN_SAIL_INPUTS);

  it('only pass inputs the action declares, or (in the migration example) only ocean-sail inputs', () => {
    for (const step of steps.filter((s) => !isOceanSailStep(s))) for (const name of Object.keys(step.with ?? {})) if (name !== '…') expect(Object.keys(manifest.inputs), name).toContain(name);
    expect(steps.filter(isOceanSailStep)).toHaveLength(1);
  });

  it("resolve, in the migration example with ocean-sail's inputs, without a problem", () => {
    const [step] = steps.filter(isOceanSailStep);
    // Expressions stand for secrets the runner substitutes.
    const inputs = Object.fromEntries(Object.entries(step?.with ?? {}).map(([name, value]) => [name, String(value).replace(/\$\{\{[^}]*\}\}/g, 'secret-value-0123456789')]));
    const { config } = resolveConfig(readActionSettings((name) => inputs[name] ?? '', { GITHUB_WORKSPACE: '/repo' }).layers);
    expect(config.azureDevOps.organizationUrl).toBe('https://dev.azure.com/contoso');
    expect(config.integration.identifier).toBe('my-azure-devops-integration');
  });

  it('only set OCEAN__ variables the action reads, without warnings', () => {
    const withEnv = steps.filter((step) => step.env);
    expect(withEnv.length).toBeGreaterThan(0);
    for (const step of withEnv) {
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, String(value)]));
      expect(layerFromEnvironment(env).warnings).toEqual([]);
    }
  });
});

describe('input variables', () => {
  it('keep hyphens and upper-case the name, as the runner does', () => {
    expect(inputVariable('port-client-id')).toBe('INPUT_PORT-CLIENT-ID');
  });

  it('turn into configuration the way each input is named in messages', () => {
    const inputs: Record<string, string> = {
      'organization-url': 'https://dev.azure.com/contoso',
      insecure: 'yes',
      'tolerate-partial-failure': 'true',
      mapping: 'mapping/port-app-config.yml',
      'personal-access-token': 'pat-value-123456',
      'webhook-headers': 'X-Api-Key: key-value-123456\nX-Team: platform',
    };
    const settings = readActionSettings((name) => inputs[name] ?? '', { GITHUB_WORKSPACE: '/repo', RUNNER_TEMP: '/tmp/runner', OCEAN__PORT__CLIENT_SECRET: 'client-secret-123456' });
    expect(settings.toleratePartialFailure).toBe(true);
    expect(settings.problems).toEqual([]);
    expect(settings.layers.map((layer) => layer.kind)).toEqual(['inputs', 'inputs', 'environment', 'fallback']);
    const [inputsLayer, , , fallback] = settings.layers;
    // The raw headers text is not masked as a whole: the run masks the secret header values only.
    expect(settings.secretsToMaskFirst).toEqual(expect.arrayContaining(['pat-value-123456', 'client-secret-123456']));
    expect(settings.secretsToMaskFirst.some((s) => s.includes('X-Team') || s === 'platform')).toBe(false);
    const entries = Object.fromEntries((inputsLayer?.entries ?? []).map((e) => [e.setting, e]));
    expect(entries['azureDevOps.organizationUrl']?.source).toBe("input 'organization-url'");
    // `insecure: yes` is the setting "do not verify certificates".
    expect(entries['network.rejectUnauthorized']?.result).toEqual({ ok: true, value: false });
    expect(entries.mapping?.result).toEqual({ ok: true, value: { source: 'file', path: '/repo/mapping/port-app-config.yml' } });
    expect(fallback?.entries[0]?.result).toEqual({ ok: true, value: '/tmp/runner/port-ado-sync-summary.json' });
  });
});

describe('incremental inputs', () => {
  const env = { GITHUB_WORKSPACE: '/repo', RUNNER_TEMP: '/tmp/runner', OCEAN__PORT__CLIENT_ID: 'id', OCEAN__PORT__CLIENT_SECRET: 'client-secret-123456', OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/contoso', OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'pat-value-123456' };

  it('set the mode and the incremental section', () => {
    const inputs: Record<string, string> = { mode: 'incremental', 'overlap-minutes': '0', 'look-back-days': '3', 'unfiltered-kinds': 'list', 'unfiltered-max-age-minutes': '30' };
    const settings = readActionSettings((name) => inputs[name] ?? '', env);
    const { config } = resolveConfig(settings.layers);
    expect(config.mode).toBe('incremental');
    expect(config.incremental).toEqual({ overlapMinutes: 0, lookBackDays: 3, unfilteredKinds: 'list', unfilteredMaxAgeMinutes: 30 });
  });

  it("leave the mode to Ocean's OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED when not given, and outrank it when given", () => {
    const ocean = { ...env, OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true' };
    expect(resolveConfig(readActionSettings(() => '', ocean).layers).config.mode).toBe('incremental');
    expect(resolveConfig(readActionSettings((name) => (name === 'mode' ? 'sync' : ''), ocean).layers).config.mode).toBe('sync');
  });
});

describe('allow-unauthenticated-webhooks', () => {
  const env = { GITHUB_WORKSPACE: '/repo', RUNNER_TEMP: '/tmp/runner', OCEAN__PORT__CLIENT_ID: 'id', OCEAN__PORT__CLIENT_SECRET: 'client-secret-123456', OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/contoso', OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'pat-value-123456' };
  const resolve = (inputs: Record<string, string>, environment: Record<string, string> = env) => resolveConfig(readActionSettings((name) => inputs[name] ?? '', environment).layers);
  const registering = { 'register-webhooks': 'true', 'webhook-base-url': 'https://hooks.example.com' };

  it('sets webhooks.allowUnauthenticated, named after the input, over PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED', () => {
    const { config, sources } = resolve({ ...registering, 'allow-unauthenticated-webhooks': 'true' });
    expect(config.webhooks.allowUnauthenticated).toBe(true);
    expect(sources['webhooks.allowUnauthenticated']).toBe("input 'allow-unauthenticated-webhooks'");
    expect(resolve({ ...registering, 'allow-unauthenticated-webhooks': 'false' }, { ...env, PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED: 'true' }).config.webhooks.allowUnauthenticated).toBe(false);
  });

  it('is off when not given, unless the variable says otherwise', () => {
    expect(resolve(registering).config.webhooks.allowUnauthenticated).toBe(false);
    expect(resolve(registering, { ...env, PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED: 'true' }).config.webhooks.allowUnauthenticated).toBe(true);
  });

  it('names the input of a bad value, and warns that it does nothing without registration', () => {
    expect(() => resolve({ ...registering, 'allow-unauthenticated-webhooks': 'sure' })).toThrow(/input 'allow-unauthenticated-webhooks': must be true or false/);
    expect(resolve({ 'allow-unauthenticated-webhooks': 'true' }).warnings).toEqual([{ source: "input 'allow-unauthenticated-webhooks'", message: 'has no effect unless webhook registration is turned on' }]);
  });
});

describe('GITHUB_OUTPUT parsing (test helper)', () => {
  it('reads heredoc and one-line forms; the last write of a name wins', () => {
    const text = 'result<<ghadelimiter_1\nsuccess\nghadelimiter_1\nmulti<<EOF\na\nb\nEOF\nresult=partial\n';
    expect(parseOutputFile(text)).toEqual({ result: 'partial', multi: 'a\nb' });
  });
});
