/**
 * The task's inputs (task.json) as configuration layers. task.json is the one description of the
 * inputs; this module says which setting each input carries and how the choice inputs (Port
 * credentials, Azure DevOps authentication, mapping source) combine the others.
 *
 * The agent passes every input to the task, filling the ones a pipeline leaves out with their
 * task.json default, so the task cannot tell "left at the default" from "set to the default". An
 * input at its default therefore does not count as set: otherwise the default of every checkbox
 * would override the variable group the pipeline links (OCEAN__INITIALIZE_PORT_RESOURCES=false,
 * say). The defaults in task.json equal the engine's own defaults (a test checks it), so dropping
 * them changes nothing else.
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { layerFromInputs, type ConfigLayer, type InputValues, type TextKey } from '../../core/config';
import { parseBooleanText, unexpandedPipelineMacro, unexpandedPipelineMacroMessage } from '../../core/config/text-values';
import taskJson from '../PortSyncV0/task.json';
import type { Agent } from './agent';
import { inputLabel, problemLayer } from './config-layers';
import { layerFromPortConnection } from './port-connection';
import { HEADERS_INPUT, headerEntries } from './secret-inputs';

/** Inputs that carry one setting each. */
export const SETTING_INPUTS = {
  portClientId: 'port.clientId',
  portClientSecret: 'port.clientSecret',
  portBaseUrl: 'port.baseUrl',
  organizationUrl: 'azureDevOps.organizationUrl',
  personalAccessToken: 'azureDevOps.personalAccessToken',
  initializePortResources: 'initializePortResources',
  sendRawDataExamples: 'sendRawDataExamples',
  mode: 'mode',
  overlapMinutes: 'incremental.overlapMinutes',
  lookBackDays: 'incremental.lookBackDays',
  unfilteredKinds: 'incremental.unfilteredKinds',
  unfilteredMaxAgeMinutes: 'incremental.unfilteredMaxAgeMinutes',
  kinds: 'filters.kinds',
  projects: 'filters.projects',
  excludedTags: 'azureDevOps.excludedTags',
  shard: 'shard',
  registerWebhooks: 'webhooks.register',
  webhookBaseUrl: 'webhooks.baseUrl',
  webhookSecret: 'webhooks.secret',
  webhookUsername: 'webhooks.username',
  webhookEvents: 'webhooks.events',
  isProjectsLimited: 'azureDevOps.isProjectsLimited',
  includeReleaseEvents: 'webhooks.includeReleaseEvents',
  pruneWebhooks: 'webhooks.prune',
  allowUnauthenticatedWebhooks: 'webhooks.allowUnauthenticated',
  webhookHeaders: 'webhooks.headers',
  integrationIdentifier: 'integration.identifier',
  scheduledResyncInterval: 'scheduledResyncIntervalMinutes',
  timeoutSeconds: 'network.timeoutSeconds',
  summaryFile: 'summaryPath',
} as const satisfies Record<string, TextKey>;

/** Inputs that choose how other inputs are read. */
export const CHOICE_INPUTS = ['portCredentials', 'portConnection', 'azureDevOpsAuth', 'mappingSource', 'mappingFile', 'mappingYaml'] as const;

type SettingInput = keyof typeof SETTING_INPUTS;
const PORT_INPUTS: readonly SettingInput[] = ['portClientId', 'portClientSecret', 'portBaseUrl'];

/** task.json's default value of each input ('' when it has none). */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  taskJson.inputs.map((input) => [input.name, 'defaultValue' in input && typeof input.defaultValue === 'string' ? input.defaultValue : '']),
);

/** The options of each radio input, from task.json. */
const CHOICE_OPTIONS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  taskJson.inputs.flatMap((input) => ('options' in input && input.options ? [[input.name, Object.keys(input.options)]] : [])),
);

/** The checkboxes: a switch is a choice too, of `true` or `false`. */
const SWITCH_INPUTS: ReadonlySet<string> = new Set(taskJson.inputs.filter((input) => input.type === 'boolean').map((input) => input.name));
const SWITCH_OPTIONS = ['true', 'false'] as const;

/** A switch's text as `true` or `false` (the agent passes `True`, say, as written); other texts as they are. */
function switchText(name: string, text: string): string {
  if (!SWITCH_INPUTS.has(name)) return text;
  const parsed = parseBooleanText(text);
  return parsed.ok ? String(parsed.value) : text;
}

export interface TaskInputs {
  /** Explicit inputs, ranked with CLI flags: above the variables. */
  readonly layers: readonly ConfigLayer[];
  /** The job's access token should be offered as the fallback credential. */
  readonly offerJobAccessToken: boolean;
  /** Inputs the task ignores, with why; worth a warning. */
  readonly warnings: readonly string[];
}

export interface ReadInputsOptions {
  /** The repository checkout (System.DefaultWorkingDirectory): relative paths are resolved against it. */
  readonly workingDirectory: string;
}

export function readTaskInputs(agent: Agent, options: ReadInputsOptions): TaskInputs {
  const warnings: string[] = [];
  const problems: { source: string; message: string }[] = [];
  const layers: ConfigLayer[] = [];

  // Every input's text, read once. One the agent left as `$(NAME)` (an undefined variable) is a
  // problem, and reads as unset: taken literally it would become a password or a path.
  const texts = new Map<string, string>();
  const unexpanded = new Set<string>();
  for (const { name, type } of taskJson.inputs) {
    const text = agent.input(name);
    if (text === undefined) continue;
    const problem = unexpandedMacroProblem(name, type, text, options.workingDirectory);
    if (problem === undefined) {
      texts.set(name, text);
    } else {
      unexpanded.add(name);
      problems.push({ source: inputLabel(name), message: problem });
    }
  }
  const textOf = (name: string): string | undefined => texts.get(name);
  const explicit = (name: string): string | undefined => {
    const text = textOf(name);
    return text === undefined || text === INPUT_DEFAULTS[name] ? undefined : text;
  };
  const choice = (name: (typeof CHOICE_INPUTS)[number]): string => textOf(name) ?? INPUT_DEFAULTS[name] ?? '';

  const useConnection = choice('portCredentials') === 'serviceConnection';
  const values: InputValues = {};
  const labels = new Map<TextKey, string>();
  for (const [input, key] of Object.entries(SETTING_INPUTS) as [SettingInput, TextKey][]) {
    const offered = !(useConnection && PORT_INPUTS.includes(input));
    if (offered) labels.set(key, inputLabel(input));
    const text = explicit(input);
    if (text === undefined) continue;
    if (!offered) {
      warnings.push(`${inputLabel(input)} is ignored: the Port service connection (input 'portConnection') provides the Port credentials.`);
      continue;
    }
    values[key] = text;
  }

  const mappingSource = choice('mappingSource');
  if (mappingSource === 'file') {
    labels.set('mapping.path', inputLabel('mappingFile'));
    const file = textOf('mappingFile');
    const path = file === undefined ? undefined : isAbsolute(file) ? file : resolve(options.workingDirectory, file);
    if (unexpanded.has('mappingFile')) {
      // Reported above.
    } else if (path === undefined || isDirectory(path)) {
      // The agent turns an empty filePath input into the working directory itself.
      problems.push({ source: inputLabel('mappingFile'), message: 'give the path of the port-app-config YAML file in the repository (for example .port/port-app-config.yml)' });
    } else {
      values['mapping.path'] = path;
    }
  } else if (mappingSource === 'inline') {
    labels.set('mapping.yaml', inputLabel('mappingYaml'));
    const yaml = textOf('mappingYaml');
    if (unexpanded.has('mappingYaml')) {
      // Reported above.
    } else if (yaml === undefined || yaml.trim() === '') {
      problems.push({ source: inputLabel('mappingYaml'), message: "is empty: paste a port-app-config document (resources: …), or set 'mappingSource' to port or file" });
    } else {
      values['mapping.yaml'] = yaml;
    }
  } else if (mappingSource !== 'port') {
    problems.push({ source: inputLabel('mappingSource'), message: 'must be port, file or inline' });
  }

  const auth = choice('azureDevOpsAuth');
  // Only shown when no credential came from anywhere, which in this mode means the agent had no token to give.
  if (auth === 'jobAccessToken') labels.set('azureDevOps.bearerToken', "the job's access token (System.AccessToken), which this job did not provide");
  if (auth !== 'jobAccessToken' && auth !== 'personalAccessToken') {
    problems.push({ source: inputLabel('azureDevOpsAuth'), message: 'must be jobAccessToken or personalAccessToken' });
  }
  const portCredentials = choice('portCredentials');
  if (portCredentials !== 'variables' && portCredentials !== 'serviceConnection') {
    problems.push({ source: inputLabel('portCredentials'), message: 'must be variables or serviceConnection' });
  }

  const chosen = (name: string): string => switchText(name, textOf(name) ?? INPUT_DEFAULTS[name] ?? '');
  checkChoices({ input: textOf, choice: chosen, unexpanded, problems, warnings, workingDirectory: options.workingDirectory });

  layers.push(layerFromInputs(values, (key) => labels.get(key), { cwd: options.workingDirectory }));
  if (useConnection && !unexpanded.has('portConnection')) layers.push(layerFromPortConnection(agent, textOf('portConnection')));
  if (problems.length > 0) layers.push(problemLayer(problems));
  return { layers, offerJobAccessToken: auth === 'jobAccessToken', warnings };
}

/**
 * An input that only matters under one choice (mappingFile under mappingSource: file), given while
 * the choice was left at its default, is a mistake the run must not guess around: the run would
 * quietly use Port's mapping (and may create the default one) or other Port credentials. The agent
 * passes a choice left out as its default, so "left at port" and "set to port" look the same; both
 * are refused, before anything is read or written. A choice set to another option says what is
 * wanted: an input of an option not chosen is only ignored, with a warning. A checkbox that only
 * matters with a switch on (allowUnauthenticatedWebhooks under registerWebhooks) is checked the same
 * way: the switch is the choice, `true` its option.
 */
function checkChoices(context: {
  input: (name: string) => string | undefined;
  /** The value of a choice input or switch, its default when left out. */
  choice: (name: string) => string;
  unexpanded: ReadonlySet<string>;
  problems: { source: string; message: string }[];
  warnings: string[];
  workingDirectory: string;
}): void {
  const { input, choice, unexpanded, problems, warnings, workingDirectory } = context;
  const given = (name: string): boolean => {
    const text = input(name);
    if (text === undefined || text.trim() === '') return false;
    // The agent passes a checkbox left out as its default, unchecked: only a checked one is given.
    if (SWITCH_INPUTS.has(name)) return switchText(name, text) === 'true';
    if (name !== 'mappingFile') return true;
    // A filePath input arrives rooted at the working directory: empty, it is the directory itself.
    const path = resolve(workingDirectory, text);
    return path !== resolve(workingDirectory) && path !== resolve(workingDirectory, INPUT_DEFAULTS.mappingFile ?? '');
  };
  const dependents = [
    { choice: 'mappingSource', option: 'file', input: 'mappingFile' },
    { choice: 'mappingSource', option: 'inline', input: 'mappingYaml' },
    { choice: 'portCredentials', option: 'serviceConnection', input: 'portConnection' },
    { choice: 'registerWebhooks', option: 'true', input: 'allowUnauthenticatedWebhooks' },
  ] as const;
  const optionsOf = (name: string): readonly string[] => CHOICE_OPTIONS[name] ?? (SWITCH_INPUTS.has(name) ? SWITCH_OPTIONS : []);
  for (const dependent of dependents) {
    if (unexpanded.has(dependent.choice) || !given(dependent.input)) continue;
    const chosen = choice(dependent.choice);
    if (chosen === dependent.option || !optionsOf(dependent.choice).includes(chosen)) continue;
    if (chosen === INPUT_DEFAULTS[dependent.choice]) {
      problems.push({
        source: inputLabel(dependent.input),
        message: `is set but '${dependent.choice}' is '${chosen}' (its default), so it would be ignored; set ${dependent.choice}: ${dependent.option}, or remove ${dependent.input}`,
      });
    } else {
      warnings.push(`${inputLabel(dependent.input)} is ignored: '${dependent.choice}' is '${chosen}'.`);
    }
  }
}

/** The message for an input the agent passed as an unexpanded `$(NAME)`, in the whole text or a header value. */
function unexpandedMacroProblem(name: string, type: string, text: string, workingDirectory: string): string | undefined {
  const remedy = 'Define it, or change the input.';
  // The agent roots a filePath input at the working directory: `$(NAME)` arrives as <directory>/$(NAME).
  const macro = unexpandedPipelineMacro(text) ?? (type === 'filePath' && isAbsolute(text) ? unexpandedPipelineMacro(relative(workingDirectory, text)) : undefined);
  if (macro !== undefined) return unexpandedPipelineMacroMessage(macro, remedy);
  if (name !== HEADERS_INPUT) return undefined;
  for (const [header, value] of headerEntries(text)) {
    const inHeader = unexpandedPipelineMacro(value);
    if (inHeader !== undefined) return `header ${header} ${unexpandedPipelineMacroMessage(inHeader, remedy)}`;
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
