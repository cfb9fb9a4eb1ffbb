/**
 * port-labs/ocean-sail's inputs, accepted as aliases so that a workflow migrated by changing only
 * its `uses:` line runs unchanged (`port-api-and-ocean-core.md` §4.3). action.yml does not declare
 * them: the runner still hands them to the step as `INPUT_<NAME>` (after its own "Unexpected
 * input(s)" warning), and each one set gets a warning here naming the input to use instead.
 *
 * They feed the configuration at the rank of the action's own inputs. ocean-sail's `config` map
 * becomes the `OCEAN__INTEGRATION__CONFIG__<KEY>` variables ocean-sail would have written, read by
 * the environment front door itself, so its keys get the same checks and hints as those variables.
 * An alias and an input of the action that set the same setting are a configuration error.
 */
import { isAlias, isCollection, isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ENVIRONMENT_VARIABLES, INTEGRATION_TYPE, layerFromEnvironment, layerFromInputs, SETTINGS, type ConfigLayer, type InputValues, type TextKey } from '../../core/config';
import { LayerBuilder } from '../../core/config/layer';
import type { SettingPath } from '../../core/config/settings';

export type OceanSailInput =
  /** Sets a setting, as the action's input `replacement` does. */
  | { readonly use: 'alias'; readonly key: TextKey; readonly replacement: string }
  /** Checked, then not needed. */
  | { readonly use: 'check'; readonly key: TextKey }
  /** The YAML map of `OCEAN__INTEGRATION__CONFIG__<KEY>` values. */
  | { readonly use: 'config' }
  /** Only meant something to `docker run`. */
  | { readonly use: 'ignored' };

/** Every input of ocean-sail v1, by its name there. */
export const OCEAN_SAIL_INPUTS: Readonly<Record<string, OceanSailInput>> = {
  type: { use: 'check', key: 'integration.type' },
  identifier: { use: 'alias', key: 'integration.identifier', replacement: 'integration-identifier' },
  port_client_id: { use: 'alias', key: 'port.clientId', replacement: 'port-client-id' },
  port_client_secret: { use: 'alias', key: 'port.clientSecret', replacement: 'port-client-secret' },
  port_base_url: { use: 'alias', key: 'port.baseUrl', replacement: 'port-base-url' },
  initialize_port_resources: { use: 'alias', key: 'initializePortResources', replacement: 'initialize-port-resources' },
  config: { use: 'config' },
  platform: { use: 'ignored' },
  image: { use: 'ignored' },
  version: { use: 'ignored' },
};

/** ocean-sail's prefix for each key of `config` (upper-cased), as Ocean reads it. */
export const CONFIG_PREFIX = 'OCEAN__INTEGRATION__CONFIG__';

const label = (name: string) => `input '${name}'`;
const configLabel = (key: string) => `${label('config')} (${key})`;

export interface OceanSailOptions {
  /** Relative paths in values resolve against this directory. */
  readonly cwd: string;
  /** The layers the action's own inputs made: an alias that sets a setting one of them sets is a conflict. */
  readonly ownLayers: readonly ConfigLayer[];
  /** The action's own input for a text key (for the warnings that name it). */
  readonly inputFor: (key: TextKey) => string | undefined;
}

/**
 * The layers ocean-sail's inputs make, to be placed right after the action's own input layers.
 * None when no ocean-sail input is set, so a workflow written for this action sees no difference.
 */
export function oceanSailLayers(getInput: (name: string) => string, options: OceanSailOptions): ConfigLayer[] {
  const given = Object.entries(OCEAN_SAIL_INPUTS)
    .map(([name, input]) => ({ name, input, text: getInput(name) }))
    .filter(({ text }) => text.trim() !== '');
  if (given.length === 0) return [];

  const values: InputValues = {};
  const labels = new Map<TextKey, string>();
  const warnings: { source: string; message: string }[] = [];
  const layers: ConfigLayer[] = [];
  for (const { name, input, text } of given) {
    switch (input.use) {
      case 'alias':
        values[input.key] = text;
        labels.set(input.key, label(name));
        warnings.push({ source: label(name), message: `is ocean-sail's name for input '${input.replacement}'; it still works, but use input '${input.replacement}' instead.` });
        break;
      case 'check':
        values[input.key] = text;
        labels.set(input.key, label(name));
        warnings.push({ source: label(name), message: `is not needed: this action only syncs ${INTEGRATION_TYPE}; remove it.` });
        break;
      case 'config': {
        const config = configLayer(text, options.cwd, options.inputFor);
        layers.push(config.layer);
        warnings.push({ source: label(name), message: configWarning(config.keys, options.inputFor) });
        break;
      }
      case 'ignored':
        warnings.push({ source: label(name), message: "is ignored: this action runs on the runner's Node.js and pulls no image; remove it." });
        break;
    }
  }
  const aliases = layerFromInputs(values, (key) => labels.get(key), { cwd: options.cwd });
  layers.unshift({
    ...aliases,
    warnings: [...warnings, ...aliases.warnings],
    // "X is missing" names the action's inputs, not ocean-sail's.
    howToSet: () => undefined,
  });
  layers.push(conflicts(options.ownLayers, layers));
  return layers;
}

function configWarning(keys: readonly string[], inputFor: (key: TextKey) => string | undefined): string {
  const moves = keys.flatMap((key) => {
    const variable = ENVIRONMENT_VARIABLES.find((v) => v.name === `${CONFIG_PREFIX}${key.toUpperCase()}`);
    const input = variable ? inputFor(variable.key) : undefined;
    return input ? [`${key} → input '${input}'`] : [];
  });
  return moves.length === 0
    ? "is ocean-sail's map of Ocean settings: it still works, but give each setting as an input of this action instead."
    : `is ocean-sail's map of Ocean settings: it still works, but give each setting as an input of this action instead: ${moves.join(', ')}.`;
}

/**
 * Reads `config` as ocean-sail did (each key upper-cased → OCEAN__INTEGRATION__CONFIG__<KEY>) and
 * hands the variables to the environment front door, relabelled as this input.
 */
function configLayer(text: string, cwd: string, inputFor: (key: TextKey) => string | undefined): { layer: ConfigLayer; keys: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const failed = (messages: string[]) => {
    const builder = new LayerBuilder('inputs');
    for (const message of messages) builder.problem(label('config'), message);
    // What the map would have set is unknown: "missing" messages would be noise until it is fixed.
    builder.markIncomplete();
    return { layer: builder.build(() => undefined), keys: [] };
  };
  if (doc.errors.length > 0) {
    return failed(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        // yaml's messages may quote the source, which may hold a secret: keep the description before
        // any quote, and drop the escape sequence a bad escape names (up to 10 characters of the value).
        const description = error.code === 'BAD_DQ_ESCAPE' ? 'invalid escape sequence in a double-quoted value' : (error.message.split('\n')[0] ?? error.code).split(': ')[0];
        return `is not valid YAML at line ${line}, column ${col}: ${description}`;
      }),
    );
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { layer: new LayerBuilder('inputs').build(() => undefined), keys: [] };
  if (!isMap(root)) return failed(['must be a YAML map of settings, one `key: value` per line, e.g. organization_url: https://dev.azure.com/contoso']);

  const variables: Record<string, string> = {};
  const keyOf = new Map<string, string>();
  const duplicates: string[] = [];
  for (const pair of root.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const name = `${CONFIG_PREFIX}${key.toUpperCase()}`;
    const first = keyOf.get(name);
    if (first !== undefined) {
      duplicates.push(`the keys ${first} and ${key} are the same setting (${name}); keep one`);
      continue;
    }
    keyOf.set(name, key);
    variables[name] = valueText(pair.value, doc);
  }
  if (duplicates.length > 0) return failed(duplicates);

  const environment = layerFromEnvironment(variables, { cwd });
  // Longest first, so that a name that begins another is not replaced inside it.
  const names = [...keyOf.keys()].sort((a, b) => b.length - a.length);
  const relabel = (message: string): string => {
    let out = message;
    for (const name of names) out = out.split(`environment variable ${name}`).join(configLabel(keyOf.get(name) ?? name));
    for (const name of names) out = out.split(name).join(keyOf.get(name) ?? name);
    // A deprecated key's replacement is a variable; here, it is an input of the action.
    for (const variable of ENVIRONMENT_VARIABLES) {
      const input = variable.deprecatedFor === undefined ? undefined : inputFor(variable.key);
      if (input !== undefined) out = out.split(`rename it to ${variable.deprecatedFor}`).join(`use input '${input}' instead`);
    }
    // Names the environment front door suggests or refers to, as ocean-sail's keys.
    return out.replace(/OCEAN__INTEGRATION__CONFIG__([A-Z0-9_]+)/g, (_, key: string) => key.toLowerCase());
  };
  const layer: ConfigLayer = {
    ...environment,
    kind: 'inputs',
    entries: environment.entries.map((entry) => ({ ...entry, source: relabel(entry.source) })),
    problems: environment.problems.map((problem) => ({ ...problem, message: relabel(problem.message), source: problem.source === undefined ? label('config') : relabel(problem.source) })),
    warnings: environment.warnings.map((warning) => ({ message: relabel(warning.message), source: warning.source === undefined ? label('config') : relabel(warning.source) })),
    howToSet: () => undefined,
  };
  return { layer, keys: [...keyOf.values()] };
}

/** A value as ocean-sail's `yq eval` printed it: a scalar's text as written, a list or map as JSON. */
function valueText(node: Node | null, doc: Document): string {
  const value = isAlias(node) ? node.resolve(doc) : node;
  if (value === null || value === undefined) return '';
  if (isScalar(value)) {
    if (value.value === null || value.value === undefined) return '';
    if (value.source !== undefined) return value.source;
    return typeof value.value === 'string' || typeof value.value === 'number' || typeof value.value === 'boolean' ? String(value.value) : JSON.stringify(value.value);
  }
  if (isCollection(value)) return JSON.stringify(value.toJS(doc));
  return '';
}

/** An ocean-sail input and an input of the action (or two ocean-sail inputs) setting one setting: say so, naming both. */
function conflicts(ownLayers: readonly ConfigLayer[], aliasLayers: readonly ConfigLayer[]): ConfigLayer {
  const setBy = new Map<SettingPath, string>();
  for (const layer of ownLayers) for (const entry of layer.entries) if (!setBy.has(entry.setting)) setBy.set(entry.setting, entry.source);
  const builder = new LayerBuilder('inputs');
  for (const layer of aliasLayers) {
    for (const entry of layer.entries) {
      const other = setBy.get(entry.setting);
      if (other === undefined) setBy.set(entry.setting, entry.source);
      else builder.problem(entry.source, `sets the ${SETTINGS[entry.setting].title}, and so does ${other}; give only ${other}`);
    }
  }
  return builder.build(() => undefined);
}
