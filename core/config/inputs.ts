/**
 * The pipeline-input front door, for the wrappers: the Azure Pipelines task (task inputs, the Port
 * service connection) and the GitHub Action (action inputs). A wrapper reads its inputs as text,
 * keys them by model path (`port.clientId`) or convenience key (`azureDevOps.personalAccessToken`),
 * and says how each is labelled for the user (`input 'portClientId'`).
 */
import { LayerBuilder, type ConfigLayer } from './layer';
import { isTextKey, TEXT_KEYS, textKeysFor, type SettingPath, type TextKey } from './settings';

export type InputValues = Partial<Record<TextKey, string | undefined>>;

export interface InputLayerOptions {
  /**
   * `inputs` (default) ranks with CLI flags, above the config file and the environment.
   * `fallback` ranks below everything: for defaults a wrapper offers, such as the job's
   * System.AccessToken when no PAT is given anywhere.
   */
  readonly kind?: 'inputs' | 'fallback';
  /** Relative paths in inputs are resolved against this directory (the repository checkout). */
  readonly cwd?: string;
}

/**
 * Builds a layer from input texts. Empty texts count as unset: both CI systems hand an input that
 * was not given to the step as the empty string.
 */
export function layerFromInputs(
  values: InputValues,
  labelFor: (key: TextKey) => string | undefined,
  options: InputLayerOptions = {},
): ConfigLayer {
  const kind = options.kind ?? 'inputs';
  const context = { baseDir: options.cwd ?? process.cwd() };
  const builder = new LayerBuilder(kind);
  for (const [key, text] of Object.entries(values)) {
    if (!isTextKey(key)) throw new TypeError(`layerFromInputs: '${key}' is not a configuration key`);
    if (text === undefined || text.trim() === '') continue;
    const binding = TEXT_KEYS[key];
    builder.set(binding.setting, labelFor(key) ?? `input for ${key}`, binding.parse(text, context), text);
  }
  return builder.build((setting: SettingPath) => {
    if (kind === 'fallback') return undefined;
    const labels = textKeysFor(setting)
      .map((key) => labelFor(key))
      .filter((label): label is string => label !== undefined);
    return labels.length === 0 ? undefined : labels.join(' or ');
  });
}

/**
 * Problems a front door finds in inputs of its own (not configuration settings), as a layer: they
 * are then reported with the configuration's, all at once, rather than one rerun each.
 */
export function layerOfProblems(problems: readonly { source: string; message: string }[]): ConfigLayer {
  const builder = new LayerBuilder('inputs');
  for (const problem of problems) builder.problem(problem.source, problem.message);
  return builder.build(() => undefined);
}
