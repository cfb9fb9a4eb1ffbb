/**
 * The environment front door: Ocean's variable names (`ocean-azure-devops.md` §3,
 * `port-api-and-ocean-core.md` §4), so the `port-ocean-credentials` variable group written for
 * Port's documented `docker run … port-ocean-azure-devops` step works unchanged, plus a few
 * variables of our own for things Ocean has no variable for.
 */
import { closestMatch } from './did-you-mean';
import { LayerBuilder, type ConfigLayer } from './layer';
import { TEXT_KEYS, type SettingPath, type TextKey } from './settings';
import { parseBooleanText, unexpandedPipelineMacro, unexpandedPipelineMacroMessage, type TextParse } from './text-values';

export interface EnvironmentVariable {
  readonly name: string;
  readonly key: TextKey;
  /** Set for a deprecated alias: the variable that replaces it (and wins over it). */
  readonly deprecatedFor?: string;
  /** Replaces the text key's own parser when the variable's vocabulary differs from ours. */
  readonly parse?: (text: string) => TextParse<unknown>;
  readonly description: string;
}

// Ocean's own log levels (ApplicationSettings in port_ocean/config/settings.py); we have only two.
const oceanLogLevel = (text: string): TextParse<unknown> => {
  const level = text.trim().toUpperCase();
  if (level === 'DEBUG') return { ok: true, value: 'debug' };
  if (['INFO', 'WARNING', 'ERROR', 'CRITICAL'].includes(level)) return { ok: true, value: 'info' };
  return { ok: false, message: 'must be DEBUG, INFO, WARNING, ERROR or CRITICAL' };
};

/** Every variable we read, in the order that decides between aliases (first set wins). */
export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariable[] = [
  { name: 'OCEAN__PORT__CLIENT_ID', key: 'port.clientId', description: 'Port client id' },
  { name: 'OCEAN__PORT__CLIENT_SECRET', key: 'port.clientSecret', description: 'Port client secret' },
  { name: 'OCEAN__PORT__BASE_URL', key: 'port.baseUrl', description: 'Port API URL, or eu / us' },
  { name: 'OCEAN__INTEGRATION__IDENTIFIER', key: 'integration.identifier', description: 'integration identifier in Port' },
  { name: 'OCEAN__INTEGRATION__TYPE', key: 'integration.type', description: 'must be azure-devops if set' },
  { name: 'OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL', key: 'azureDevOps.organizationUrl', description: 'organization or collection URL' },
  { name: 'OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN', key: 'azureDevOps.personalAccessToken', description: 'Azure DevOps PAT' },
  { name: 'OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED', key: 'azureDevOps.isProjectsLimited', description: 'per-project webhooks' },
  { name: 'OCEAN__INTEGRATION__CONFIG__EXCLUDED_TAGS', key: 'azureDevOps.excludedTags', description: 'skip projects with these tags' },
  { name: 'OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET', key: 'webhooks.secret', description: 'webhook Basic-auth password' },
  { name: 'OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME', key: 'webhooks.username', description: 'webhook Basic-auth user name' },
  { name: 'OCEAN__BASE_URL', key: 'webhooks.baseUrl', description: "webhook receiver's public URL" },
  {
    name: 'OCEAN__INTEGRATION__CONFIG__APP_HOST',
    key: 'webhooks.baseUrl',
    deprecatedFor: 'OCEAN__BASE_URL',
    description: 'deprecated alias of OCEAN__BASE_URL',
  },
  { name: 'OCEAN__INITIALIZE_PORT_RESOURCES', key: 'initializePortResources', description: 'create default blueprints and mapping' },
  { name: 'OCEAN__SEND_RAW_DATA_EXAMPLES', key: 'sendRawDataExamples', description: 'send raw examples to Port' },
  { name: 'OCEAN__SCHEDULED_RESYNC_INTERVAL', key: 'scheduledResyncIntervalMinutes', description: 'minutes; reported to Port' },
  { name: 'OCEAN__CLIENT_TIMEOUT', key: 'network.timeoutSeconds', description: 'HTTP timeout in seconds' },
  { name: 'APPLICATION__LOG_LEVEL', key: 'logLevel', parse: oceanLogLevel, description: 'DEBUG for debug logs' },
  { name: 'PORT_ADO_SYNC_BEARER_TOKEN', key: 'azureDevOps.bearerToken', description: 'Azure DevOps bearer token (Entra ID)' },
  { name: 'PORT_ADO_SYNC_MODE', key: 'mode', description: 'sync, plan or incremental' },
  { name: 'PORT_ADO_SYNC_INCREMENTAL_OVERLAP_MINUTES', key: 'incremental.overlapMinutes', description: 'incremental: minutes listed again before each cursor' },
  { name: 'PORT_ADO_SYNC_INCREMENTAL_LOOK_BACK_DAYS', key: 'incremental.lookBackDays', description: 'incremental: first-run look-back in days' },
  { name: 'PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_KINDS', key: 'incremental.unfilteredKinds', description: 'incremental: when-stale, list or skip kinds without a change filter' },
  { name: 'PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_MAX_AGE_MINUTES', key: 'incremental.unfilteredMaxAgeMinutes', description: 'incremental, when-stale: list kinds without a change filter again once their cursor is this many minutes old' },
  { name: 'PORT_ADO_SYNC_MAPPING_FILE', key: 'mapping.path', description: 'local port-app-config file' },
  { name: 'PORT_ADO_SYNC_KINDS', key: 'filters.kinds', description: 'only these kinds' },
  { name: 'PORT_ADO_SYNC_PROJECTS', key: 'filters.projects', description: 'only these projects' },
  { name: 'PORT_ADO_SYNC_SHARD', key: 'shard', description: 'this job is shard i of n (0-based i/n, or none)' },
  { name: 'PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED', key: 'webhooks.allowUnauthenticated', description: 'without a webhook secret, remove the Basic auth of subscriptions that have it' },
  { name: 'HTTPS_PROXY', key: 'network.proxyUrl', description: 'proxy for all requests' },
  { name: 'NO_PROXY', key: 'network.noProxy', description: 'hosts that bypass the proxy' },
];

const EVENT_LISTENER = 'OCEAN__EVENT_LISTENER';
const EVENT_LISTENER_TYPE = 'OCEAN__EVENT_LISTENER__TYPE';
const ACCOUNT_MODE = 'OCEAN__INTEGRATION__CONFIG__ACCOUNT_MODE';
const INCREMENTAL_SYNC = 'OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED';
const RESOURCES_ORIGIN = 'OCEAN__CREATE_PORT_RESOURCES_ORIGIN';
const CHECKED_ONLY = [EVENT_LISTENER, EVENT_LISTENER_TYPE, ACCOUNT_MODE, INCREMENTAL_SYNC, RESOURCES_ORIGIN];
const KNOWN_NAMES = [...ENVIRONMENT_VARIABLES.map((v) => v.name), ...CHECKED_ONLY];

/** Variables Ocean reads that need a specific hint rather than the generic "ignored" warning. */
const IGNORED_WITH_REASON: Record<string, string> = {
  OCEAN__INTEGRATION__CONFIG__CLIENT_ID:
    'Entra service-principal credentials are not used here; pass an Entra access token as the bearer token (PORT_ADO_SYNC_BEARER_TOKEN, or the action after azure/login)',
  OCEAN__INTEGRATION__CONFIG__CLIENT_SECRET: 'see OCEAN__INTEGRATION__CONFIG__CLIENT_ID',
  OCEAN__INTEGRATION__CONFIG__TENANT_ID: 'see OCEAN__INTEGRATION__CONFIG__CLIENT_ID',
  OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URLS: 'one run syncs one organization; use OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL',
};

const label = (name: string) => `environment variable ${name}`;

export function layerFromEnvironment(env: Readonly<Record<string, string | undefined>>, options: { cwd?: string } = {}): ConfigLayer {
  const context = { baseDir: options.cwd ?? process.cwd() };
  const builder = new LayerBuilder('environment');
  const lookup = caseInsensitive(env);

  const macroMessage = (macro: string) => unexpandedPipelineMacroMessage(macro, "Define it, or remove this variable from the step's env.");

  /** For variables that are only checked: a macro left unexpanded is reported here. */
  const read = (name: string): { name: string; text: string } | undefined => {
    const found = lookup.get(name);
    if (!found) return undefined;
    const macro = unexpandedPipelineMacro(found.text);
    if (macro === undefined) return found;
    builder.problem(label(found.name), macroMessage(macro));
    return undefined;
  };

  for (const variable of ENVIRONMENT_VARIABLES) {
    const found = lookup.get(variable.name);
    if (!found) continue;
    const binding = TEXT_KEYS[variable.key];
    if (variable.deprecatedFor !== undefined) {
      const replacement = lookup.get(variable.deprecatedFor);
      builder.warn(
        label(found.name),
        replacement
          ? `is deprecated and ignored because ${variable.deprecatedFor} is also set; remove it`
          : `is deprecated; rename it to ${variable.deprecatedFor}`,
      );
      if (replacement) continue;
    }
    const macro = unexpandedPipelineMacro(found.text);
    const parsed: TextParse<unknown> =
      macro !== undefined
        ? { ok: false, message: macroMessage(macro) }
        : variable.parse
          ? variable.parse(found.text)
          : binding.parse(found.text, context);
    builder.set(binding.setting, label(found.name), parsed, macro === undefined ? found.text : undefined);
  }

  checkEventListener(builder, read(EVENT_LISTENER), read(EVENT_LISTENER_TYPE));
  checkAccountMode(builder, read(ACCOUNT_MODE));
  readIncrementalSwitch(builder, read(INCREMENTAL_SYNC));
  readResourcesOrigin(builder, read(RESOURCES_ORIGIN), lookup.get('OCEAN__INITIALIZE_PORT_RESOURCES')?.text);
  warnAboutIgnored(builder, lookup);

  return builder.build((setting) => howToSet(setting));
}

function howToSet(setting: SettingPath): string | undefined {
  const names = ENVIRONMENT_VARIABLES.filter((v) => TEXT_KEYS[v.key].setting === setting && v.deprecatedFor === undefined).map((v) => v.name);
  return names.length === 0 ? undefined : names.join(' or ');
}

/**
 * This tool is always a single ONCE sync (`port-api-and-ocean-core.md` §4.1). Ocean parses the
 * variable as JSON into a model whose `type` is `Literal["ONCE"]`: spacing is free, case is not,
 * extra keys are allowed. pydantic's nested delimiter also lets `OCEAN__EVENT_LISTENER__TYPE` set it.
 */
function checkEventListener(
  builder: LayerBuilder,
  json: { name: string; text: string } | undefined,
  nestedType: { name: string; text: string } | undefined,
): void {
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.text);
    } catch {
      builder.problem(label(json.name), 'must be JSON: {"type":"ONCE"}');
      return;
    }
    const type = typeof parsed === 'object' && parsed !== null && 'type' in parsed ? parsed.type : undefined;
    if (typeof type !== 'string') {
      builder.problem(label(json.name), 'must be a JSON object with a "type": {"type":"ONCE"}');
      return;
    }
    checkListenerType(builder, label(json.name), type);
  }
  if (nestedType) checkListenerType(builder, label(nestedType.name), nestedType.text.trim());
}

function checkListenerType(builder: LayerBuilder, source: string, type: string): void {
  if (type === 'ONCE') return;
  if (type.toUpperCase() === 'ONCE') {
    builder.problem(source, 'the type must be "ONCE" in capitals (Ocean rejects other spellings, so the same variable group would break the docker step)');
    return;
  }
  builder.problem(
    source,
    `asks for the event listener "${type.slice(0, 20)}", but this tool always runs a single ONCE sync and exits. Set it to {"type":"ONCE"} or remove it; for a long-running listener (POLLING, KAFKA, WEBHOOKS_ONLY) run Ocean itself.`,
  );
}

/**
 * Ocean's ONCE listener runs an incremental sync instead of a full one when this is true
 * (`port-api-and-ocean-core.md` §4.1), so the same variable group switches this tool to
 * `mode: incremental`. PORT_ADO_SYNC_MODE, ours and more precise, wins when both are set.
 */
function readIncrementalSwitch(builder: LayerBuilder, found: { name: string; text: string } | undefined): void {
  if (!found) return;
  const parsed = parseBooleanText(found.text);
  if (!parsed.ok) {
    builder.problem(label(found.name), parsed.message);
    return;
  }
  if (!parsed.value) return;
  if (builder.has('mode')) {
    builder.warn(label(found.name), 'is ignored because PORT_ADO_SYNC_MODE is also set; the mode comes from PORT_ADO_SYNC_MODE');
    return;
  }
  builder.set('mode', label(found.name), { ok: true, value: 'incremental' });
}

/**
 * Ocean's origin of the default resources (port-api-and-ocean-core.md §2.2): `Empty` creates none,
 * which here is initializePortResources off; `Default` (or its old name `Ocean`) is what this tool
 * does anyway; `Port` asks Port to provision them, which a self-hosted tool cannot: its own defaults
 * are created instead, with a warning.
 */
function readResourcesOrigin(builder: LayerBuilder, found: { name: string; text: string } | undefined, initialize: string | undefined): void {
  if (!found) return;
  const origin = found.text.trim().toLowerCase();
  if (origin === 'default' || origin === 'ocean') return;
  if (origin === 'port') {
    builder.warn(label(found.name), "Port-provisioned defaults are not available to a pipeline step; this tool's own default blueprints and mapping are created instead (Default)");
    return;
  }
  if (origin !== 'empty') {
    builder.problem(label(found.name), 'must be Default, Empty or Port');
    return;
  }
  if (initialize !== undefined) {
    const parsed = parseBooleanText(initialize);
    if (parsed.ok && parsed.value) builder.problem(label(found.name), 'is Empty (create no default resources), which contradicts OCEAN__INITIALIZE_PORT_RESOURCES=true; keep one of the two');
    return;
  }
  builder.set('initializePortResources', label(found.name), { ok: true, value: false });
}

function checkAccountMode(builder: LayerBuilder, mode: { name: string; text: string } | undefined): void {
  if (!mode || mode.text.trim().toLowerCase() === 'single account') return;
  builder.problem(
    label(mode.name),
    'only "Single Account" is supported: one run syncs one organization. Run one step per organization, each with its own OCEAN__INTEGRATION__IDENTIFIER.',
  );
}

/** Ocean has many more settings (runtime, caching, metrics…); they mean nothing here but must not fail a variable group written for Ocean. */
function warnAboutIgnored(builder: LayerBuilder, lookup: ReadonlyMap<string, { name: string; text: string }>): void {
  const ignored: string[] = [];
  for (const [upper, { name }] of lookup) {
    if (!upper.startsWith('OCEAN__') || KNOWN_NAMES.includes(upper) || upper.startsWith(`${EVENT_LISTENER}__`)) continue;
    const reason = IGNORED_WITH_REASON[upper];
    if (reason !== undefined) {
      builder.warn(label(name), `is ignored: ${reason}.`);
      continue;
    }
    const typo = closestMatch(upper, KNOWN_NAMES, 2);
    ignored.push(typo === undefined ? name : `${name} (did you mean ${typo}?)`);
  }
  if (ignored.length > 0) {
    builder.warn(undefined, `Ignoring Ocean settings this tool does not use: ${ignored.sort().join(', ')}.`);
  }
}

/**
 * Ocean's settings are pydantic BaseSettings, which match variable names case-insensitively; on
 * Windows agents the environment is case-insensitive anyway. The exact upper-case name wins a tie.
 * Empty values count as unset (GitHub passes an undefined secret as the empty string).
 */
function caseInsensitive(env: Readonly<Record<string, string | undefined>>): Map<string, { name: string; text: string }> {
  const lookup = new Map<string, { name: string; text: string }>();
  for (const [name, text] of Object.entries(env)) {
    if (text === undefined || text.trim() === '') continue;
    const upper = name.toUpperCase();
    if (lookup.has(upper) && name !== upper) continue;
    lookup.set(upper, { name, text });
  }
  return lookup;
}
