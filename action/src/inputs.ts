/**
 * The only place that reads the action's inputs. Each input that backs a configuration setting is
 * handed to core's input layer under its text key; the OCEAN__… environment stays a layer below,
 * so a workflow migrated from ocean-sail keeps working with its variables (BRIEF §3). ocean-sail's
 * own inputs are accepted too, at the rank of the action's inputs (ocean-sail.ts).
 */
import { join } from 'node:path';
import { layerFromEnvironment, layerFromInputs, layerOfProblems, type ConfigLayer, type InputValues, type TextKey } from '../../core/config';
import { parseBooleanText } from '../../core/config/text-values';
import { oceanSailLayers } from './ocean-sail';

type InputBinding = {
  readonly key: TextKey;
  /** Turns the input text into the text the setting takes (for inputs phrased the other way round). */
  readonly toSettingText?: (text: string) => string;
};

/** `insecure: true` is the setting `network.rejectUnauthorized: false`; an unreadable word passes through to be reported. */
const negated = (text: string): string => {
  const parsed = parseBooleanText(text);
  return parsed.ok ? String(!parsed.value) : text;
};

/** Every action input that sets a configuration setting (action.yml lists the same names). */
export const CONFIG_INPUTS: Readonly<Record<string, InputBinding>> = {
  'port-client-id': { key: 'port.clientId' },
  'port-client-secret': { key: 'port.clientSecret' },
  'port-region': { key: 'port.region' },
  'port-base-url': { key: 'port.baseUrl' },
  'integration-identifier': { key: 'integration.identifier' },
  'organization-url': { key: 'azureDevOps.organizationUrl' },
  'personal-access-token': { key: 'azureDevOps.personalAccessToken' },
  'azure-devops-token': { key: 'azureDevOps.bearerToken' },
  mode: { key: 'mode' },
  'overlap-minutes': { key: 'incremental.overlapMinutes' },
  'look-back-days': { key: 'incremental.lookBackDays' },
  'unfiltered-kinds': { key: 'incremental.unfilteredKinds' },
  'unfiltered-max-age-minutes': { key: 'incremental.unfilteredMaxAgeMinutes' },
  mapping: { key: 'mapping.path' },
  'mapping-yaml': { key: 'mapping.yaml' },
  kinds: { key: 'filters.kinds' },
  projects: { key: 'filters.projects' },
  'excluded-tags': { key: 'azureDevOps.excludedTags' },
  shard: { key: 'shard' },
  'initialize-port-resources': { key: 'initializePortResources' },
  'send-raw-data-examples': { key: 'sendRawDataExamples' },
  'scheduled-resync-interval': { key: 'scheduledResyncIntervalMinutes' },
  'register-webhooks': { key: 'webhooks.register' },
  'webhook-base-url': { key: 'webhooks.baseUrl' },
  'webhook-secret': { key: 'webhooks.secret' },
  'webhook-username': { key: 'webhooks.username' },
  'webhook-events': { key: 'webhooks.events' },
  'include-release-events': { key: 'webhooks.includeReleaseEvents' },
  'prune-webhooks': { key: 'webhooks.prune' },
  'allow-unauthenticated-webhooks': { key: 'webhooks.allowUnauthenticated' },
  'webhook-headers': { key: 'webhooks.headers' },
  'projects-limited': { key: 'azureDevOps.isProjectsLimited' },
  'summary-path': { key: 'summaryPath' },
  'log-level': { key: 'logLevel' },
  timeout: { key: 'network.timeoutSeconds' },
  'ca-file': { key: 'network.caFile' },
  insecure: { key: 'network.rejectUnauthorized', toSettingText: negated },
};

/** Inputs the action itself handles: how the step result is set, not what the run does. */
export const ACTION_INPUTS = ['tolerate-partial-failure'] as const;

export const SUMMARY_FILE_NAME = 'port-ado-sync-summary.json';

/** Everything the action needs from its inputs and environment. */
export interface ActionSettings {
  /**
   * Configuration layers for `runFromLayers`: inputs (then ocean-sail's inputs, when a migrated
   * workflow gives them), then the OCEAN__… environment, then the action's defaults.
   */
  readonly layers: readonly ConfigLayer[];
  /**
   * Secret texts to mask before the configuration is even resolved, so that no path (a rejected
   * value, a crash) can print one. The headers input is left to the run, which masks exactly the
   * secret header values: its raw text also holds header names and harmless values.
   */
  readonly secretsToMaskFirst: readonly string[];
  /** A partial failure passes the step with a warning instead of failing it. */
  readonly toleratePartialFailure: boolean;
  /** Problems with inputs only the action reads; reported like configuration errors. */
  readonly problems: readonly string[];
  /** Where relative paths point and annotations are relative to (the repository checkout). */
  readonly workspace: string;
  /** The user asked for debug lines in the log. */
  readonly debug: boolean;
}

export type GetInput = (name: string) => string;

const label = (name: string) => `input '${name}'`;

export function readActionSettings(getInput: GetInput, env: NodeJS.ProcessEnv): ActionSettings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const values: InputValues = {};
  const headerValues: InputValues = {};
  const labels = new Map<TextKey, string>();
  for (const [name, binding] of Object.entries(CONFIG_INPUTS)) {
    labels.set(binding.key, label(name));
    const text = getInput(name);
    if (text.trim() === '') continue;
    (binding.key === 'webhooks.headers' ? headerValues : values)[binding.key] = binding.toSettingText ? binding.toSettingText(text) : text;
  }
  const labelFor = (key: TextKey) => labels.get(key);
  const inputs = layerFromInputs(values, labelFor, { cwd: workspace });
  const ownLayers = [inputs, layerFromInputs(headerValues, labelFor, { cwd: workspace })];
  const inputFor = (key: TextKey) => Object.entries(CONFIG_INPUTS).find(([, binding]) => binding.key === key)?.[0];
  const oceanSail = oceanSailLayers(getInput, { cwd: workspace, ownLayers, inputFor });
  const environment = layerFromEnvironment(env);
  const layers: ConfigLayer[] = [...ownLayers, ...oceanSail, environment];
  // The summary-path output is useful only if there always is a summary: default it to the
  // runner's temp directory, which the runner empties after the job.
  if (env.RUNNER_TEMP) {
    layers.push(layerFromInputs({ summaryPath: join(env.RUNNER_TEMP, SUMMARY_FILE_NAME) }, () => 'the default summary path', { kind: 'fallback', cwd: workspace }));
  }

  const problems: string[] = [];
  let toleratePartialFailure = false;
  const tolerate = getInput('tolerate-partial-failure');
  if (tolerate.trim() !== '') {
    const parsed = parseBooleanText(tolerate);
    if (parsed.ok) toleratePartialFailure = parsed.value;
    else {
      problems.push(`${label('tolerate-partial-failure')}: ${parsed.message}`);
      // Reported with the configuration's problems, all in one run.
      layers.push(layerOfProblems([{ source: label('tolerate-partial-failure'), message: parsed.message }]));
    }
  }

  return { layers, secretsToMaskFirst: [...inputs.secretTexts, ...oceanSail.flatMap((layer) => layer.secretTexts), ...environment.secretTexts], toleratePartialFailure, problems, workspace, debug: getInput('log-level').trim().toLowerCase() === 'debug' };
}
