/**
 * The one configuration model every front door fills (BRIEF §3). The leaf schemas are exported on
 * their own because each layer validates its values as it reads them, so a bad value is reported
 * against the variable, flag, input or file line that carried it; the whole schema then applies
 * defaults. Every transform here is idempotent for that reason: values pass through it twice.
 *
 * Messages never quote the value: it might be a secret set in the wrong place.
 */
import { z } from 'zod';
import { parseOrganizationUrl } from '../azure-devops/organization';
import { checkShard, MAX_SHARDS } from '../shards/shard';
import { didYouMean } from './did-you-mean';
import { ALL_WEBHOOK_EVENT_TYPES, RESOURCE_KINDS } from './known-values';

export const PORT_REGIONS = { eu: 'https://api.port.io', us: 'https://api.us.port.io' } as const;
export type PortRegion = keyof typeof PORT_REGIONS;

export const DEFAULT_INTEGRATION_IDENTIFIER = 'my-azure-devops-integration';
export const INTEGRATION_TYPE = 'azure-devops';

const nonEmptyText = z.string().trim().min(1, { error: 'must not be empty' });

/** http(s) URL without credentials, query or fragment; trailing slashes removed. */
function httpUrl(what: string) {
  return z
    .string()
    .trim()
    .transform((text, ctx) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be an http(s) URL (${what})` });
        return z.NEVER;
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        ctx.addIssue({ code: 'custom', message: `must start with https:// or http:// (${what})` });
        return z.NEVER;
      }
      if (url.username || url.password) {
        ctx.addIssue({ code: 'custom', message: 'must not contain credentials; they belong in the secret settings' });
        return z.NEVER;
      }
      if (url.search || url.hash) {
        ctx.addIssue({ code: 'custom', message: 'must not contain a query string or fragment' });
        return z.NEVER;
      }
      return url.href.replace(/\/+$/, '');
    });
}

/** Tokens go into an HTTP header: whitespace or a line break inside one is always a paste accident. */
function token(what: string, options: { bearer?: boolean } = {}) {
  return z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      if (text.length === 0) {
        ctx.addIssue({ code: 'custom', message: `${what} is empty` });
      } else if (options.bearer && /^bearer\s/i.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'give the bearer token without the "Bearer " prefix' });
      } else if (/\s/.test(text)) {
        ctx.addIssue({ code: 'custom', message: `${what} contains whitespace or a line break; copy it again without them` });
      }
    });
}

export const portClientIdSchema = nonEmptyText;
export const portClientSecretSchema = token('the Port client secret');

/** `eu`, `us` or any http(s) URL (Ocean's own default, api.getport.io, is the legacy EU host). */
export const portBaseUrlSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .transform((text, ctx) => {
    const region = text.toLowerCase();
    if (region in PORT_REGIONS) return PORT_REGIONS[region as PortRegion];
    const parsed = httpUrl(`or the region eu or us`).safeParse(text);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
      return z.NEVER;
    }
    return parsed.data;
  });

// Port stores the identifier in the datasource User-Agent `port-ocean/azure-devops/<v>/<id>/exporter`
// (`port-api-and-ocean-core.md` §2.13), so it must be header-safe ASCII and must not contain `/`,
// which would break the prefix/suffix ownership match.
export const integrationIdentifierSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' })
  .refine((text) => /^[A-Za-z0-9@_.+:=-]+$/.test(text) && text !== '.' && text !== '..', {
    error: 'may contain only letters, digits and @ _ . + : = - (no spaces or slashes)',
  });

// Ocean lowercases the type before use (`IntegrationSettings.root_validator`), so `Azure-DevOps` is
// the same integration there; anything else is another integration entirely.
export const integrationTypeSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (text.toLowerCase() !== INTEGRATION_TYPE) {
      ctx.addIssue({ code: 'custom', message: `must be ${INTEGRATION_TYPE} (or unset): this tool only syncs Azure DevOps` });
      return z.NEVER;
    }
    return INTEGRATION_TYPE;
  });

export const organizationUrlSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    try {
      new URL(text);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'is not a URL. Expected https://dev.azure.com/{organization}, https://{organization}.visualstudio.com or https://{server}/{collection}',
      });
      return z.NEVER;
    }
    try {
      return parseOrganizationUrl(text).url;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? lowerFirst(error.message) : String(error) });
      return z.NEVER;
    }
  });

export const credentialSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('pat'), token: token('the personal access token') }).strict(),
    z.object({ type: z.literal('bearer'), token: token('the bearer token', { bearer: true }) }).strict(),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'must be pat or bearer' : undefined) },
);
export type AzureDevOpsCredential = z.output<typeof credentialSchema>;

export const excludedTagsSchema = z.array(nonEmptyText, { error: 'must be a list of tag names' });

export const mappingSchema = z.discriminatedUnion(
  'source',
  [
    z.object({ source: z.literal('port') }).strict(),
    z.object({ source: z.literal('file'), path: nonEmptyText }).strict(),
    // origin: the name the mapping's problems are reported under, e.g. the config file whose lines `yaml` keeps.
    z.object({ source: z.literal('inline'), yaml: z.string().refine((text) => text.trim().length > 0, { error: 'the inline mapping is empty' }), origin: z.string().optional() }).strict(),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'must be port, file or inline' : undefined) },
);
export type MappingSource = z.output<typeof mappingSchema>;

export const booleanSchema = z.boolean({ error: 'must be true or false' });

export const resyncIntervalSchema = z
  .number({ error: 'must be a number of minutes' })
  .int({ error: 'must be a whole number of minutes' })
  .min(1, { error: 'must be at least 1 minute' });

export const modeSchema = z.enum(['sync', 'plan', 'incremental'], { error: 'must be sync, plan or incremental' });

export const overlapMinutesSchema = z
  .number({ error: 'must be a number of minutes' })
  .int({ error: 'must be a whole number of minutes' })
  .min(0, { error: 'must be 0 or more minutes' })
  .max(1440, { error: 'must be at most 1440 minutes (a day)' });
export const lookBackDaysSchema = z
  .number({ error: 'must be a number of days' })
  .int({ error: 'must be a whole number of days' })
  .min(1, { error: 'must be at least 1 day' });
export const unfilteredKindsSchema = z.enum(['when-stale', 'list', 'skip'], { error: 'must be when-stale, list or skip' });
export const unfilteredMaxAgeMinutesSchema = z
  .number({ error: 'must be a number of minutes' })
  .int({ error: 'must be a whole number of minutes' })
  .min(1, { error: 'must be at least 1 minute' })
  .max(10_080, { error: 'must be at most 10080 minutes (a week)' });

function closedList(what: string, known: readonly string[]) {
  return z
    .array(nonEmptyText, { error: `must be a list of ${what}` })
    .superRefine((items, ctx) => {
      for (const [index, item] of items.entries()) {
        if (!known.includes(item)) {
          ctx.addIssue({ code: 'custom', path: [index], message: `'${item}' is not a known ${what.replace(/s$/, '')}.${didYouMean(item, known)}` });
        }
      }
    })
    // An empty list means "no filter", the same as leaving it out.
    .transform((items) => (items.length === 0 ? undefined : [...new Set(items)]));
}

export const kindsFilterSchema = closedList('resource kinds', RESOURCE_KINDS);
export const projectsFilterSchema = z
  .array(nonEmptyText, { error: 'must be a list of project names or ids' })
  .transform((items) => (items.length === 0 ? undefined : [...new Set(items)]));

export const webhookBaseUrlSchema = httpUrl('the public URL of the webhook receiver');
/**
 * The webHooks consumer takes `basicAuthUsername` and `basicAuthPassword` only as `^[\S]+$`, 1 to 256
 * characters (hooks 7.1 consumer descriptor, azure-devops-api.md §4.2): anything else is refused
 * with HTTP 400 for every subscription, so it is a configuration error here, before any request.
 */
const BASIC_AUTH_MAX_LENGTH = 256;
export const webhookSecretSchema = z.string().superRefine((text, ctx) => {
  const problem =
    text.length === 0
      ? 'the webhook secret is empty'
      : /[\r\n]/.test(text)
        ? 'the webhook secret contains a line break'
        : /\s/.test(text)
          ? 'the webhook secret contains a space, which Azure DevOps refuses in a Basic-auth password (the service-hook consumer takes no whitespace); choose a secret without spaces'
          : text.length > BASIC_AUTH_MAX_LENGTH
            ? `the webhook secret is longer than ${BASIC_AUTH_MAX_LENGTH} characters, the most Azure DevOps takes for a Basic-auth password`
            : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export const webhookUsernameSchema = nonEmptyText.superRefine((text, ctx) => {
  const problem = text.includes(':')
    ? 'must not contain ":" (it is the Basic-auth user name)'
    : /\s/.test(text)
      ? 'must not contain spaces: Azure DevOps refuses them in the Basic-auth user name'
      : text.length > BASIC_AUTH_MAX_LENGTH
        ? `must be at most ${BASIC_AUTH_MAX_LENGTH} characters, the most Azure DevOps takes for the Basic-auth user name`
        : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export const webhookEventsSchema = closedList('webhook event types', ALL_WEBHOOK_EVENT_TYPES);

const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'is not a valid HTTP header name' });
export const webhookHeadersSchema = z.record(
  headerNameSchema,
  z
    .object({
      // Azure DevOps takes `httpHeaders` only as `Name:value` lines whose values hold no whitespace
      // (the pattern of the hooks 7.1 webHooks consumer descriptor); "Bearer x" is refused there.
      value: z.string().regex(/^\S+$/, {
        error: 'the value must not be empty or contain spaces, which Azure DevOps refuses (send a token as X-Api-Key: <token>, not Authorization: Bearer <token>)',
      }),
      secret: z.boolean(),
    })
    .strict(),
  // Only the shape error is ours; key and value issues keep their own messages.
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'must be a map of header names to values' : issue.code === 'invalid_key' ? 'is not a valid HTTP header name' : undefined,
  },
);
export type WebhookHeaders = z.output<typeof webhookHeadersSchema>;

export const timeoutSecondsSchema = z
  .number({ error: 'must be a number of seconds' })
  .int({ error: 'must be a whole number of seconds' })
  .min(1, { error: 'must be at least 1 second' })
  .max(3600, { error: 'must be at most 3600 seconds' });

/** Proxy URLs may carry credentials (user:password@proxy); they are treated as secrets. */
export const proxyUrlSchema = z
  .string()
  .trim()
  .refine(
    (text) => {
      try {
        const url = new URL(text);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { error: 'must be an http(s) URL such as http://proxy.example.com:8080' },
  );
export const noProxySchema = z.array(nonEmptyText, { error: 'must be a list of host names' });
export const filePathSchema = nonEmptyText;

/** Job `index` (0-based) of `count` parallel jobs splitting the organization (docs/scale-out.md). */
export const shardSchema = z
  .object({
    index: z.number().int().min(0),
    count: z.number().int().min(1).max(MAX_SHARDS),
  })
  .strict()
  .superRefine((shard, ctx) => {
    const checked = checkShard(shard.index, shard.count);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
  });
export type ShardSetting = z.output<typeof shardSchema>;
export const logLevelSchema = z.enum(['info', 'debug'], { error: 'must be info or debug' });

export const syncConfigSchema = z
  .object({
    port: z
      .object({
        clientId: portClientIdSchema,
        clientSecret: portClientSecretSchema,
        baseUrl: portBaseUrlSchema.default(PORT_REGIONS.eu),
      })
      .strict(),
    integration: z
      .object({
        identifier: integrationIdentifierSchema.default(DEFAULT_INTEGRATION_IDENTIFIER),
        type: integrationTypeSchema.default(INTEGRATION_TYPE),
      })
      .strict()
      .prefault({}),
    azureDevOps: z
      .object({
        organizationUrl: organizationUrlSchema,
        credential: credentialSchema,
        isProjectsLimited: booleanSchema.default(true),
        excludedTags: excludedTagsSchema.default([]),
      })
      .strict(),
    mapping: mappingSchema.default({ source: 'port' }),
    initializePortResources: booleanSchema.default(true),
    sendRawDataExamples: booleanSchema.default(true),
    scheduledResyncIntervalMinutes: resyncIntervalSchema.optional(),
    mode: modeSchema.default('sync'),
    incremental: z
      .object({
        overlapMinutes: overlapMinutesSchema.default(5),
        lookBackDays: lookBackDaysSchema.optional(),
        unfilteredKinds: unfilteredKindsSchema.default('when-stale'),
        unfilteredMaxAgeMinutes: unfilteredMaxAgeMinutesSchema.default(240),
      })
      .strict()
      .prefault({}),
    filters: z
      .object({
        kinds: kindsFilterSchema.optional(),
        projects: projectsFilterSchema.optional(),
      })
      .strict()
      .prefault({}),
    webhooks: z
      .object({
        register: booleanSchema.default(false),
        baseUrl: webhookBaseUrlSchema.optional(),
        secret: webhookSecretSchema.optional(),
        username: webhookUsernameSchema.default('port'),
        events: webhookEventsSchema.optional(),
        includeReleaseEvents: booleanSchema.default(false),
        prune: booleanSchema.default(false),
        allowUnauthenticated: booleanSchema.default(false),
        headers: webhookHeadersSchema.default({}),
      })
      .strict()
      .prefault({}),
    network: z
      .object({
        timeoutSeconds: timeoutSecondsSchema.default(60),
        proxyUrl: proxyUrlSchema.optional(),
        noProxy: noProxySchema.optional(),
        caFile: filePathSchema.optional(),
        rejectUnauthorized: booleanSchema.default(true),
      })
      .strict()
      .prefault({}),
    summaryPath: filePathSchema.optional(),
    shard: shardSchema.optional(),
    logLevel: logLevelSchema.default('info'),
  })
  .strict();

export type SyncConfig = z.output<typeof syncConfigSchema>;
/** What the layers assemble before defaults: every key optional, values not yet normalized. */
export type SyncConfigInput = z.input<typeof syncConfigSchema>;

function lowerFirst(text: string): string {
  // parseOrganizationUrl's messages are sentences about the value ("'x' must be …"); ours follow a source label.
  return text.length > 0 && !text.startsWith("'") ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
