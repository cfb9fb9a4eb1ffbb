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
import { isAbsolute, resolve } from 'node:path';
import { layerFromInputs, type ConfigLayer, type InputValues, type TextKey } from '../../core/config';
import taskJson from '../PortSyncV0/task.json';
import type { Agent } from './agent';
import { inputLabel, problemLayer } from './config-layers';
import { layerFromPortConnection } from './port-connection';

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
  const explicit = (name: string): string | undefined => {
    const text = agent.input(name);
    return text === undefined || text === INPUT_DEFAULTS[name] ? undefined : text;
  };
  const choice = (name: (typeof CHOICE_INPUTS)[number]): string => agent.input(name) ?? INPUT_DEFAULTS[name] ?? '';
  const warnings: string[] = [];
  const problems: { source: string; message: string }[] = [];
  const layers: ConfigLayer[] = [];

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
    const file = agent.input('mappingFile');
    const path = file === undefined ? undefined : isAbsolute(file) ? file : resolve(options.workingDirectory, file);
    // The agent turns an empty filePath input into the working directory itself.
    if (path === undefined || isDirectory(path)) {
      problems.push({ source: inputLabel('mappingFile'), message: 'give the path of the port-app-config YAML file in the repository (for example .port/port-app-config.yml)' });
    } else {
      values['mapping.path'] = path;
    }
  } else if (mappingSource === 'inline') {
    labels.set('mapping.yaml', inputLabel('mappingYaml'));
    const yaml = agent.input('mappingYaml');
    if (yaml === undefined || yaml.trim() === '') {
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

  layers.push(layerFromInputs(values, (key) => labels.get(key), { cwd: options.workingDirectory }));
  if (useConnection) layers.push(layerFromPortConnection(agent, agent.input('portConnection')));
  if (problems.length > 0) layers.push(problemLayer(problems));
  return { layers, offerJobAccessToken: auth === 'jobAccessToken', warnings };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
