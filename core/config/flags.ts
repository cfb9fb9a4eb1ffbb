/**
 * The command-line front door. The CLI parses argv into a record (it owns `--config`, `--help`…);
 * this turns the flags that are settings into a layer. Flags never carry secrets: a command line
 * ends up in shell history, process listings and CI logs.
 */
import { didYouMean } from './did-you-mean';
import { LayerBuilder, type ConfigLayer } from './layer';
import { TEXT_KEYS, type SettingPath, type TextKey } from './settings';
import type { TextParse } from './text-values';

export type FlagValue = string | boolean | number | readonly string[] | undefined;

export interface FlagDefinition {
  /** Without the leading dashes. */
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'list';
  readonly key: TextKey;
  /** For boolean flags that set a non-boolean setting (`--plan` → mode plan). */
  readonly whenTrue?: string;
  readonly whenFalse?: string;
  readonly description: string;
}

export const FLAG_DEFINITIONS: readonly FlagDefinition[] = [
  { name: 'port-client-id', type: 'string', key: 'port.clientId', description: 'Port client id (the secret goes in OCEAN__PORT__CLIENT_SECRET)' },
  { name: 'port-base-url', type: 'string', key: 'port.baseUrl', description: 'Port API URL, or eu / us' },
  { name: 'port-region', type: 'string', key: 'port.region', description: 'eu or us' },
  { name: 'integration-identifier', type: 'string', key: 'integration.identifier', description: 'integration identifier in Port' },
  { name: 'organization-url', type: 'string', key: 'azureDevOps.organizationUrl', description: 'Azure DevOps organization or collection URL' },
  { name: 'projects-limited', type: 'boolean', key: 'azureDevOps.isProjectsLimited', description: 'register webhooks per project (default true)' },
  { name: 'excluded-tags', type: 'list', key: 'azureDevOps.excludedTags', description: 'skip projects carrying these tags' },
  { name: 'mapping', type: 'string', key: 'mapping.path', description: 'local port-app-config file (GitOps)' },
  { name: 'initialize-port-resources', type: 'boolean', key: 'initializePortResources', description: 'create default blueprints and mapping (default true)' },
  { name: 'send-raw-data-examples', type: 'boolean', key: 'sendRawDataExamples', description: 'send up to 5 raw examples per kind (default true)' },
  { name: 'scheduled-resync-interval', type: 'string', key: 'scheduledResyncIntervalMinutes', description: 'minutes; reported to Port' },
  { name: 'mode', type: 'string', key: 'mode', description: 'sync, plan or incremental' },
  { name: 'plan', type: 'boolean', key: 'mode', whenTrue: 'plan', whenFalse: 'sync', description: 'same as --mode plan' },
  { name: 'incremental', type: 'boolean', key: 'mode', whenTrue: 'incremental', whenFalse: 'sync', description: 'same as --mode incremental: only what changed since the last run' },
  { name: 'overlap-minutes', type: 'string', key: 'incremental.overlapMinutes', description: 'incremental: minutes listed again before each cursor (default 5)' },
  { name: 'look-back-days', type: 'string', key: 'incremental.lookBackDays', description: 'incremental, first run: only the last N days (default everything)' },
  { name: 'unfiltered-kinds', type: 'string', key: 'incremental.unfilteredKinds', description: 'incremental: kinds without a change filter: when-stale (default), list or skip' },
  { name: 'unfiltered-max-age-minutes', type: 'string', key: 'incremental.unfilteredMaxAgeMinutes', description: 'incremental, when-stale: list them again once their cursor is this old (default 240)' },
  { name: 'kinds', type: 'list', key: 'filters.kinds', description: 'only these kinds' },
  { name: 'projects', type: 'list', key: 'filters.projects', description: 'only these projects (names or ids)' },
  { name: 'register-webhooks', type: 'boolean', key: 'webhooks.register', description: 'register service hooks' },
  { name: 'webhook-base-url', type: 'string', key: 'webhooks.baseUrl', description: "the receiver's public URL" },
  { name: 'webhook-username', type: 'string', key: 'webhooks.username', description: 'Basic-auth user name (default port)' },
  { name: 'webhook-events', type: 'list', key: 'webhooks.events', description: 'only these event types' },
  { name: 'include-release-events', type: 'boolean', key: 'webhooks.includeReleaseEvents', description: 'also Classic Release events' },
  { name: 'prune-webhooks', type: 'boolean', key: 'webhooks.prune', description: 'delete our stale subscriptions' },
  { name: 'allow-unauthenticated-webhooks', type: 'boolean', key: 'webhooks.allowUnauthenticated', description: 'without a webhook secret, remove the Basic auth of subscriptions that have it' },
  { name: 'timeout', type: 'string', key: 'network.timeoutSeconds', description: 'HTTP timeout in seconds' },
  { name: 'proxy', type: 'string', key: 'network.proxyUrl', description: 'proxy URL (without credentials)' },
  { name: 'no-proxy', type: 'list', key: 'network.noProxy', description: 'hosts that bypass the proxy' },
  { name: 'ca-file', type: 'string', key: 'network.caFile', description: 'extra CA certificates (PEM)' },
  { name: 'insecure', type: 'boolean', key: 'network.rejectUnauthorized', whenTrue: 'false', whenFalse: 'true', description: 'skip TLS verification' },
  { name: 'summary', type: 'string', key: 'summaryPath', description: 'write the run summary (JSON) here' },
  { name: 'shard', type: 'string', key: 'shard', description: 'sync shard i of n (0-based, e.g. 1/3): a share of the projects' },
  { name: 'log-level', type: 'string', key: 'logLevel', description: 'info or debug' },
  { name: 'debug', type: 'boolean', key: 'logLevel', whenTrue: 'debug', whenFalse: 'info', description: 'same as --log-level debug' },
];

/** Flags people try for secrets, refused with directions to a safer place. */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  pat: 'OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN',
  'personal-access-token': 'OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN',
  token: 'OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN or PORT_ADO_SYNC_BEARER_TOKEN',
  'bearer-token': 'PORT_ADO_SYNC_BEARER_TOKEN',
  'access-token': 'PORT_ADO_SYNC_BEARER_TOKEN',
  'client-secret': 'OCEAN__PORT__CLIENT_SECRET',
  'port-client-secret': 'OCEAN__PORT__CLIENT_SECRET',
  'webhook-secret': 'OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET',
  secret: 'the matching environment variable',
  password: 'the matching environment variable',
};

/** Whether `--name` is one of the flags people try for secrets (the CLI hands it on to be refused, never parsed). */
export function isSecretFlag(name: string): boolean {
  return Object.hasOwn(SECRET_FLAGS, name);
}

const label = (name: string) => `flag --${name}`;

export function layerFromFlags(flags: Readonly<Record<string, FlagValue>>, options: { cwd?: string } = {}): ConfigLayer {
  const context = { baseDir: options.cwd ?? process.cwd() };
  const builder = new LayerBuilder('flags');
  const byName = new Map(FLAG_DEFINITIONS.map((flag) => [flag.name, flag]));

  for (const [rawName, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const name = rawName.replace(/^-+/, '');
    const secretPlace = SECRET_FLAGS[name];
    if (secretPlace !== undefined) {
      // The value is not even looked at: it is a secret and must not travel further.
      builder.noteSecret(typeof value === 'string' ? value : undefined);
      builder.problem(label(name), `secrets are not accepted on the command line (they end up in shell history and CI logs); set ${secretPlace}, or use \${VAR} in the config file`);
      continue;
    }
    const flag = byName.get(name);
    if (!flag) continue; // the CLI's own flags (--config, --help, …)
    const binding = TEXT_KEYS[flag.key];
    if (binding.setting === 'network.proxyUrl' && typeof value === 'string' && hasCredentials(value)) {
      // --proxy http://user:password@host would put the proxy password in the process list.
      builder.noteSecret(value);
      builder.problem(label(name), 'must not contain credentials; put the proxy URL with credentials in HTTPS_PROXY or the config file');
      continue;
    }
    builder.set(binding.setting, label(name), flagValue(flag, value, (text) => binding.parse(text, context)), typeof value === 'string' ? value : undefined);
  }
  return builder.build(howToSet);
}

function flagValue(flag: FlagDefinition, value: Exclude<FlagValue, undefined>, parse: (text: string) => TextParse<unknown>): TextParse<unknown> {
  if (flag.type === 'boolean') {
    const truth = typeof value === 'boolean' ? value : typeof value === 'string' ? parseTruth(value) : undefined;
    if (truth === undefined) return { ok: false, message: 'is a switch: give it without a value, or true/false' };
    if (flag.whenTrue !== undefined) return parse(truth ? flag.whenTrue : (flag.whenFalse ?? ''));
    return { ok: true, value: truth };
  }
  if (flag.type === 'list') {
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as readonly string[]) : undefined;
    if (!texts) return { ok: false, message: 'needs a value' };
    const items: unknown[] = [];
    for (const text of texts) {
      const parsed = parse(text);
      if (!parsed.ok) return parsed;
      items.push(...(parsed.value as unknown[]));
    }
    return { ok: true, value: items };
  }
  if (typeof value === 'boolean' || Array.isArray(value)) return { ok: false, message: 'needs a value' };
  return parse(String(value));
}

function parseTruth(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return word === 'true' || word === '' ? true : word === 'false' ? false : undefined;
}

function hasCredentials(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

function howToSet(setting: SettingPath): string | undefined {
  const flags = FLAG_DEFINITIONS.filter((flag) => TEXT_KEYS[flag.key].setting === setting && flag.whenTrue === undefined).map((f) => `--${f.name}`);
  return flags.length === 0 ? undefined : flags.join(' or ');
}

/** For the CLI's "unknown flag" message. */
export function suggestFlag(name: string): string {
  return didYouMean(name, FLAG_DEFINITIONS.map((flag) => flag.name), (n) => `--${n}`);
}
