/**
 * The catalogue of settings: each leaf of the model that a front door can set, with its title (for
 * messages), whether it is a secret, whether it is required, and the schema its value must pass.
 *
 * "Text keys" are the names under which text-valued front doors (environment variables, flags,
 * pipeline inputs) address settings: the model path itself, plus a few conveniences that fill a
 * structured setting from one string (`azureDevOps.personalAccessToken` fills the credential).
 */
import { resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import * as model from './model';
import { parseShardText } from '../shards/shard';
import { parseBooleanText, parseIntegerText, parseListText, type TextParse } from './text-values';

interface SettingDefinition {
  readonly title: string;
  readonly secret: boolean;
  readonly required: boolean;
  readonly schema: z.ZodType;
}

const setting = (title: string, schema: z.ZodType, flags: { secret?: boolean; required?: boolean } = {}): SettingDefinition => ({
  title,
  schema,
  secret: flags.secret ?? false,
  required: flags.required ?? false,
});

export const SETTINGS = {
  'port.clientId': setting('Port client id', model.portClientIdSchema, { required: true }),
  'port.clientSecret': setting('Port client secret', model.portClientSecretSchema, { required: true, secret: true }),
  'port.baseUrl': setting('Port API URL', model.portBaseUrlSchema),
  'integration.identifier': setting('integration identifier', model.integrationIdentifierSchema),
  'integration.type': setting('integration type', model.integrationTypeSchema),
  'azureDevOps.organizationUrl': setting('Azure DevOps organization URL', model.organizationUrlSchema, { required: true }),
  'azureDevOps.credential': setting('Azure DevOps credential (personal access token or bearer token)', model.credentialSchema, {
    required: true,
    secret: true,
  }),
  'azureDevOps.isProjectsLimited': setting('per-project webhooks switch (isProjectsLimited)', model.booleanSchema),
  'azureDevOps.excludedTags': setting('excluded project tags', model.excludedTagsSchema),
  mapping: setting('mapping source', model.mappingSchema),
  initializePortResources: setting('initializePortResources', model.booleanSchema),
  sendRawDataExamples: setting('sendRawDataExamples', model.booleanSchema),
  scheduledResyncIntervalMinutes: setting('scheduled resync interval', model.resyncIntervalSchema),
  mode: setting('mode', model.modeSchema),
  'incremental.overlapMinutes': setting('incremental overlap window', model.overlapMinutesSchema),
  'incremental.lookBackDays': setting('incremental first-run look-back', model.lookBackDaysSchema),
  'incremental.unfilteredKinds': setting('incremental handling of kinds without a change filter', model.unfilteredKindsSchema),
  'incremental.unfilteredMaxAgeMinutes': setting('incremental age after which kinds without a change filter are listed again', model.unfilteredMaxAgeMinutesSchema),
  'filters.kinds': setting('kinds filter', model.kindsFilterSchema),
  'filters.projects': setting('projects filter', model.projectsFilterSchema),
  'webhooks.register': setting('webhook registration switch', model.booleanSchema),
  'webhooks.baseUrl': setting('webhook receiver base URL', model.webhookBaseUrlSchema),
  'webhooks.secret': setting('webhook secret', model.webhookSecretSchema, { secret: true }),
  'webhooks.username': setting('webhook Basic-auth user name', model.webhookUsernameSchema),
  'webhooks.events': setting('webhook event types', model.webhookEventsSchema),
  'webhooks.includeReleaseEvents': setting('release webhook events switch', model.booleanSchema),
  'webhooks.prune': setting('webhook pruning switch', model.booleanSchema),
  'webhooks.allowUnauthenticated': setting('switch to remove Basic auth from subscriptions without a webhook secret (allowUnauthenticated)', model.booleanSchema),
  'webhooks.headers': setting('webhook HTTP headers', model.webhookHeadersSchema, { secret: true }),
  'network.timeoutSeconds': setting('HTTP timeout', model.timeoutSecondsSchema),
  'network.proxyUrl': setting('proxy URL', model.proxyUrlSchema, { secret: true }),
  'network.noProxy': setting('proxy exclusions', model.noProxySchema),
  'network.caFile': setting('CA certificate file', model.filePathSchema),
  'network.rejectUnauthorized': setting('TLS certificate verification switch', model.booleanSchema),
  summaryPath: setting('summary file path', model.filePathSchema),
  shard: setting('shard (index/count)', model.shardSchema),
  logLevel: setting('log level', model.logLevelSchema),
} as const satisfies Record<string, SettingDefinition>;

export type SettingPath = keyof typeof SETTINGS;
export const SETTING_PATHS = Object.keys(SETTINGS) as SettingPath[];

export function settingDefinition(path: SettingPath): SettingDefinition {
  return SETTINGS[path];
}

/** Validates one candidate value against its setting's schema; the message never quotes the value. */
export function validateSettingValue(path: SettingPath, candidate: unknown): TextParse<unknown> {
  const parsed = SETTINGS[path].schema.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  const messages = parsed.error.issues.map((issue) => {
    const where = issue.path.filter((p) => typeof p === 'string').join('.');
    if (!where) return issue.message;
    if (path === 'webhooks.headers') return `header ${String(issue.path[0])}: ${issue.message}`;
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `${where} is missing`;
    return `${where}: ${issue.message}`;
  });
  return { ok: false, message: [...new Set(messages)].join('; ') };
}

// --- text keys ---------------------------------------------------------------------------------

export interface TextContext {
  /** Relative paths given in this front door are resolved against this directory. */
  readonly baseDir: string;
}

export interface TextBinding {
  readonly setting: SettingPath;
  readonly parse: (text: string, context: TextContext) => TextParse<unknown>;
}

const ok = (value: unknown): TextParse<unknown> => ({ ok: true, value });
const asText: TextBinding['parse'] = (text) => ok(text);
const asBoolean: TextBinding['parse'] = (text) => parseBooleanText(text);
const asInteger: TextBinding['parse'] = (text) => parseIntegerText(text);
const asList: TextBinding['parse'] = (text) => parseListText(text);
export const absolutePath = (text: string, context: TextContext): string => (text.trim() === '' ? text : resolvePath(context.baseDir, text.trim()));
const asPath: TextBinding['parse'] = (text, context) => ok(absolutePath(text, context));

const SENSITIVE_HEADER = /auth|token|secret|passw|key|signature|cookie|credential/i;

/** Header names that suggest a credential are secret even when nobody said so. */
export function looksLikeSecretHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/** Headers as one text: a JSON object, or one `Name: value` per line (the service-hook form). */
function parseHeadersText(text: string): TextParse<unknown> {
  const trimmed = text.trim();
  const pairs: [string, string][] = [];
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { ok: false, message: 'starts with { but is not valid JSON; use {"Name":"value"} or one Name: value per line' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, message: 'must be a JSON object of header names to values' };
    }
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') return { ok: false, message: `header ${name}: the value must be a string` };
      pairs.push([name, value]);
    }
  } else {
    for (const line of trimmed.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) return { ok: false, message: 'each line must be Name: value' };
      pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return ok(Object.fromEntries(pairs.map(([name, value]) => [name, { value, secret: looksLikeSecretHeader(name) }])));
}

export const TEXT_KEYS = {
  'port.clientId': { setting: 'port.clientId', parse: asText },
  'port.clientSecret': { setting: 'port.clientSecret', parse: asText },
  'port.baseUrl': { setting: 'port.baseUrl', parse: asText },
  'port.region': {
    setting: 'port.baseUrl',
    parse: (text) => {
      const region = text.trim().toLowerCase();
      return region in model.PORT_REGIONS ? ok(region) : { ok: false, message: `must be ${Object.keys(model.PORT_REGIONS).join(' or ')}` };
    },
  },
  'integration.identifier': { setting: 'integration.identifier', parse: asText },
  'integration.type': { setting: 'integration.type', parse: asText },
  'azureDevOps.organizationUrl': { setting: 'azureDevOps.organizationUrl', parse: asText },
  'azureDevOps.personalAccessToken': { setting: 'azureDevOps.credential', parse: (text) => ok({ type: 'pat', token: text }) },
  'azureDevOps.bearerToken': { setting: 'azureDevOps.credential', parse: (text) => ok({ type: 'bearer', token: text }) },
  'azureDevOps.isProjectsLimited': { setting: 'azureDevOps.isProjectsLimited', parse: asBoolean },
  'azureDevOps.excludedTags': { setting: 'azureDevOps.excludedTags', parse: asList },
  'mapping.path': { setting: 'mapping', parse: (text, context) => ok({ source: 'file', path: absolutePath(text, context) }) },
  'mapping.yaml': { setting: 'mapping', parse: (text) => ok({ source: 'inline', yaml: text }) },
  initializePortResources: { setting: 'initializePortResources', parse: asBoolean },
  sendRawDataExamples: { setting: 'sendRawDataExamples', parse: asBoolean },
  scheduledResyncIntervalMinutes: { setting: 'scheduledResyncIntervalMinutes', parse: asInteger },
  mode: { setting: 'mode', parse: (text) => ok(text.trim().toLowerCase()) },
  'incremental.overlapMinutes': { setting: 'incremental.overlapMinutes', parse: asInteger },
  'incremental.lookBackDays': { setting: 'incremental.lookBackDays', parse: asInteger },
  'incremental.unfilteredKinds': { setting: 'incremental.unfilteredKinds', parse: (text) => ok(text.trim().toLowerCase()) },
  'incremental.unfilteredMaxAgeMinutes': { setting: 'incremental.unfilteredMaxAgeMinutes', parse: asInteger },
  'filters.kinds': { setting: 'filters.kinds', parse: asList },
  'filters.projects': { setting: 'filters.projects', parse: asList },
  'webhooks.register': { setting: 'webhooks.register', parse: asBoolean },
  'webhooks.baseUrl': { setting: 'webhooks.baseUrl', parse: asText },
  'webhooks.secret': { setting: 'webhooks.secret', parse: asText },
  'webhooks.username': { setting: 'webhooks.username', parse: asText },
  'webhooks.events': { setting: 'webhooks.events', parse: asList },
  'webhooks.includeReleaseEvents': { setting: 'webhooks.includeReleaseEvents', parse: asBoolean },
  'webhooks.prune': { setting: 'webhooks.prune', parse: asBoolean },
  'webhooks.allowUnauthenticated': { setting: 'webhooks.allowUnauthenticated', parse: asBoolean },
  'webhooks.headers': { setting: 'webhooks.headers', parse: parseHeadersText },
  'network.timeoutSeconds': { setting: 'network.timeoutSeconds', parse: asInteger },
  'network.proxyUrl': { setting: 'network.proxyUrl', parse: asText },
  'network.noProxy': { setting: 'network.noProxy', parse: asList },
  'network.caFile': { setting: 'network.caFile', parse: asPath },
  'network.rejectUnauthorized': { setting: 'network.rejectUnauthorized', parse: asBoolean },
  summaryPath: { setting: 'summaryPath', parse: asPath },
  shard: { setting: 'shard', parse: (text) => parseShardText(text) },
  logLevel: { setting: 'logLevel', parse: (text) => ok(text.trim().toLowerCase()) },
} as const satisfies Record<string, TextBinding>;

export type TextKey = keyof typeof TEXT_KEYS;

export function isTextKey(key: string): key is TextKey {
  return Object.hasOwn(TEXT_KEYS, key);
}

export function textKeysFor(path: SettingPath): TextKey[] {
  return (Object.keys(TEXT_KEYS) as TextKey[]).filter((key) => TEXT_KEYS[key].setting === path);
}
