import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerFromInputs, resolveConfig, TEXT_KEYS } from '../../core/config';
import packageJson from '../../package.json';
import { CHOICE_INPUTS, SETTING_INPUTS } from '../../task/src/inputs';
import { checkTaskManifest, taskManifestSchema } from '../../task/src/manifest/task-manifest-schema';

const TASK_JSON_PATH = join(__dirname, '../../task/PortSyncV0/task.json');
const taskJsonText = readFileSync(TASK_JSON_PATH, 'utf8');

type Json = Record<string, unknown> & {
  inputs: { name: string; type: string; defaultValue?: string; groupName?: string; visibleRule?: string; options?: Record<string, string> }[];
  groups: { name: string }[];
  outputVariables: { name: string }[];
  restrictions: { commands?: { mode?: string }; settableVariables: { allowed: string[] } };
  execution: Record<string, { target: string }>;
};
const task = (): Json => JSON.parse(taskJsonText) as Json;

/** A task folder in a temporary directory with the given task.json and a stand-in bundle. */
function taskFolder(json: unknown, withBundle = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'task-manifest-'));
  writeFileSync(join(dir, 'task.json'), JSON.stringify(json));
  if (withBundle) writeFileSync(join(dir, 'index.js'), '');
  return join(dir, 'task.json');
}
const problemsOf = (json: unknown, withBundle = true) => checkTaskManifest(json, taskFolder(json, withBundle));

describe('task.json against the official schema rules', () => {
  it('accepts our task.json, and tfx has nothing to warn about', () => {
    expect(problemsOf(task())).toEqual([]);
  });

  it('rejects a Node20 handler key (the agent ignores it; the handler is Node20_1)', () => {
    const json = task();
    json.execution = { Node20: { target: 'index.js' } };
    expect(problemsOf(json)).toContainEqual("execution: unknown key 'Node20'");
  });

  it('rejects a name with spaces or dots', () => {
    for (const name of ['Port Sync', 'Port.Sync', 'Port_Sync']) {
      expect(problemsOf({ ...task(), name })).toContainEqual('name: may contain only letters, digits and -');
    }
  });

  it('rejects an unknown top-level key, a typo included', () => {
    expect(problemsOf({ ...task(), frendlyName: 'x' })).toContainEqual("(top level): unknown key 'frendlyName'");
    expect(problemsOf({ ...task(), OutputVariables: [] })).toContainEqual("(top level): unknown key 'OutputVariables'");
  });

  it('rejects an input type the editor does not know, and accepts connectedService:<type>', () => {
    const json = task();
    json.inputs[0] = { ...json.inputs[0]!, type: 'text' };
    expect(problemsOf(json).join('\n')).toMatch(/^inputs\.0\.type: must be one of boolean, filePath/m);
    json.inputs[0] = { ...json.inputs[0], type: 'connectedService:' };
    expect(problemsOf(json)).not.toEqual([]);
    json.inputs[0] = { ...json.inputs[0], type: 'connectedService:AzureRM' };
    expect(problemsOf(json)).toEqual([]);
  });

  it('rejects input names that are not letters and digits, and unknown input keys', () => {
    const json = task();
    json.inputs[1] = { ...json.inputs[1]!, name: 'port-connection' };
    expect(problemsOf(json)).toContainEqual('inputs.1.name: must start with a letter and contain only letters and digits');
    const other = task();
    other.inputs[1] = { ...other.inputs[1]!, ...{ placeholder: 'x' } };
    expect(problemsOf(other)).toContainEqual("inputs.1: unknown key 'placeholder'");
  });

  it('rejects wrong types and closed vocabularies', () => {
    expect(problemsOf({ ...task(), category: 'Tools' }).join('\n')).toMatch(/^category:/m);
    expect(problemsOf({ ...task(), version: { Major: '0', Minor: 1, Patch: 0 } }).join('\n')).toMatch(/^version\.Major:/m);
    expect(problemsOf({ ...task(), id: 'not-a-guid' })).toContainEqual('id: must be a GUID');
    expect(problemsOf({ ...task(), minimumAgentVersion: 'v3' }).join('\n')).toMatch(/^minimumAgentVersion:/m);
    expect(problemsOf({ ...task(), restrictions: { commands: { mode: 'strict' } } }).join('\n')).toMatch(/^restrictions\.commands\.mode:/m);
    expect(problemsOf({ ...task(), outputVariables: [{ name: 'result', type: 'string' }] })).toContainEqual("outputVariables.0: unknown key 'type'");
    expect(problemsOf({ ...task(), groups: [{ name: 'port' }] }).join('\n')).toMatch(/^groups\.0\.displayName:/m);
  });

  it("reports what tfx only warns about: long friendlyName, no instanceNameFormat, a missing bundle, end-of-life handlers", () => {
    expect(problemsOf({ ...task(), friendlyName: 'Port: sync an Azure DevOps organization into Port' })).toContainEqual(
      'friendlyName: is required and must be at most 40 characters',
    );
    const { instanceNameFormat: _, ...withoutName } = task();
    expect(problemsOf(withoutName)).toContainEqual('instanceNameFormat: is required');
    expect(problemsOf(task(), false)).toContainEqual('execution.Node20_1.target: index.js does not exist next to task.json (build the bundle first)');
    expect(problemsOf({ ...task(), execution: { Node16: { target: 'index.js' } } }).join('\n')).toMatch(/every handler is end of life/);
  });

  it('follows the schema as parsed data too (the zod schema is the one packaging uses)', () => {
    expect(taskManifestSchema.safeParse(task()).success).toBe(true);
  });
});

describe('task.json: our own conventions', () => {
  it('runs the same bundle under Node20_1 and Node24, on agents that know both handlers', () => {
    const json = task();
    expect(json.execution).toEqual({ Node20_1: { target: 'index.js' }, Node24: { target: 'index.js' } });
    // The node24 handler arrived in agent 3.250.0 (task-lib docs/minagent.md).
    const [major, minor] = String(json.minimumAgentVersion).split('.').map(Number);
    expect(major! > 3 || (major === 3 && minor! >= 250)).toBe(true);
  });

  it('carries the package version, so agents pick up each release', () => {
    const { version } = task() as unknown as { version: { Major: number; Minor: number; Patch: number } };
    expect(`${version.Major}.${version.Minor}.${version.Patch}`).toBe(packageJson.version);
  });

  it('allows the task to set exactly its output variables', () => {
    const json = task();
    expect([...json.restrictions.settableVariables.allowed].sort()).toEqual(json.outputVariables.map((v) => v.name).sort());
  });

  it('does not restrict logging commands, because restricted mode blocks task.uploadsummary', () => {
    // Restricted mode allows logdetail, logissue, complete, setprogress, setsecret, setvariable,
    // debug, settaskvariable and prependpath only (agent TaskCommandExtension); the run summary on the
    // build page needs uploadsummary.
    expect(task().restrictions.commands?.mode ?? 'any').toBe('any');
  });

  it('puts every input in a declared group, and every visibleRule names an input and one of its values', () => {
    const json = task();
    const groups = new Set(json.groups.map((g) => g.name));
    const byName = new Map(json.inputs.map((input) => [input.name, input]));
    for (const input of json.inputs) {
      expect(groups.has(input.groupName ?? ''), input.name).toBe(true);
      if (!input.visibleRule) continue;
      const match = /^(\w+) = (\w+)$/.exec(input.visibleRule);
      expect(match, `${input.name}: ${input.visibleRule}`).not.toBeNull();
      const target = byName.get(match![1]!);
      expect(target, input.visibleRule).toBeDefined();
      const values = target!.type === 'boolean' ? ['true', 'false'] : Object.keys(target!.options ?? {});
      expect(values, input.visibleRule).toContain(match![2]);
    }
  });

  it('reads every input, and every input the code reads is declared', () => {
    const declared = task().inputs.map((input) => input.name).sort();
    expect([...Object.keys(SETTING_INPUTS), ...CHOICE_INPUTS, 'portConnection'].filter((v, i, a) => a.indexOf(v) === i).sort()).toEqual(declared);
  });

  it("gives each checkbox and choice the engine's own default, so an input left at its default may defer to a variable", () => {
    // The required settings only; everything else takes the model's defaults.
    const required = layerFromInputs(
      { 'port.clientId': 'id', 'port.clientSecret': 'secret-1', 'azureDevOps.organizationUrl': 'https://dev.azure.com/contoso', 'azureDevOps.personalAccessToken': 'pat-1' },
      () => undefined,
    );
    const defaults = resolveConfig([required]).config;
    for (const input of task().inputs) {
      const key = SETTING_INPUTS[input.name as keyof typeof SETTING_INPUTS];
      if (!key || input.defaultValue === undefined || input.defaultValue === '') continue;
      const value = TEXT_KEYS[key].parse(input.defaultValue, { baseDir: '/' });
      expect(value.ok, input.name).toBe(true);
      const path = TEXT_KEYS[key].setting.split('.');
      const modelDefault = path.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], defaults);
      expect(value.ok && value.value, `${input.name} default`).toEqual(modelDefault);
    }
    expect(defaults.mapping).toEqual({ source: 'port' });
    expect(task().inputs.find((i) => i.name === 'mappingSource')?.defaultValue).toBe('port');
  });
});
