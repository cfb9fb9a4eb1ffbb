import { isIP } from 'node:net';
import { z } from 'zod';
import { publisher, publishersOn, PUBLISHERS, WEBHOOK_CONSUMER, WEBHOOK_INPUTS, type HookHost } from '../hooks/catalog';
import type { SubscriptionRecord, SubscriptionStatus } from '../hooks/subscriptions';
import { AdoError, errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { list, noContent, ok } from '../wire/response';
import type { RequestContext, Route } from './context';
import { date } from './present';
import { route } from './route';
import { canSee } from './scope';

/**
 * Service-hook subscriptions (hooks/7.1, azure-devops-api.md §4.1): create, list with filters,
 * get, replace, delete (204), query, and notification history. Each cloud host keeps the
 * subscriptions of its own publishers (`rm` on vsrm, `advsec` on advsec); Azure DevOps Server
 * keeps them all on the collection.
 */

const MASK = '********';
const CONFIDENTIAL = new Set(['basicauthpassword']);

const STATUSES = ['enabled', 'onProbation', 'disabledByUser', 'disabledBySystem', 'disabledByInactiveIdentity'] as const;

const inputs = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? '' : String(v))));

const subscriptionBody = z.object({
  publisherId: z.string().min(1),
  eventType: z.string().min(1),
  resourceVersion: z.string().nullish(),
  consumerId: z.string().min(1),
  consumerActionId: z.string().min(1),
  publisherInputs: inputs.nullish(),
  consumerInputs: inputs.nullish(),
  status: z.string().nullish(),
});
type SubscriptionBody = z.infer<typeof subscriptionBody>;

function hostOf(ctx: RequestContext): HookHost | 'server' {
  return ctx.service === 'server' ? 'server' : ctx.service === 'release' || ctx.service === 'advsec' ? ctx.service : 'core';
}

function subscriptionJson(ctx: RequestContext, sub: SubscriptionRecord): JsonObject {
  const base = ctx.service === 'server' ? ctx.urls.core : ctx.urls[sub.host];
  const pub = publisher(sub.publisherId);
  const eventName = pub?.eventTypes.find((e) => e.id.toLowerCase() === sub.eventType.toLowerCase())?.name ?? sub.eventType;
  const projectId = sub.publisherInputs.projectId;
  const project = projectId ? ctx.org.projects.get(projectId) : undefined;
  const consumerInputs: JsonObject = {};
  for (const [key, value] of Object.entries(sub.consumerInputs)) consumerInputs[key] = CONFIDENTIAL.has(key.toLowerCase()) && value !== '' ? MASK : value;
  let target = sub.consumerInputs.url ?? '';
  try {
    target = new URL(target).host;
  } catch {
    // keep the raw value
  }
  return {
    id: sub.id,
    url: `${base}/_apis/hooks/subscriptions/${sub.id}`,
    status: sub.status,
    publisherId: sub.publisherId,
    eventType: sub.eventType,
    subscriber: { id: sub.createdById },
    resourceVersion: sub.resourceVersion,
    eventDescription: project ? `${eventName} in project ${project.name}` : `Any ${eventName.toLowerCase()}`,
    consumerId: sub.consumerId,
    consumerActionId: sub.consumerActionId,
    actionDescription: `To host ${target}`,
    probationRetries: sub.probationRetries,
    lastProbationRetryDate: date(sub.lastProbationRetryDate),
    createdBy: { id: sub.createdById },
    createdDate: date(sub.createdDate),
    modifiedBy: { id: sub.modifiedById },
    modifiedDate: date(sub.modifiedDate),
    publisherInputs: sub.publisherInputs,
    consumerInputs,
    _links: { self: { href: `${base}/_apis/hooks/subscriptions/${sub.id}` }, consumer: { href: `${base}/_apis/hooks/consumers/${sub.consumerId}` }, actions: { href: `${base}/_apis/hooks/consumers/${sub.consumerId}/actions` }, notifications: { href: `${base}/_apis/hooks/subscriptions/${sub.id}/notifications` }, publisher: { href: `${base}/_apis/hooks/publishers/${sub.publisherId}` } },
  };
}

function isPrivateTarget(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const version = isIP(name);
  if (version === 4) {
    const [a = 0, b = 0] = name.split('.').map(Number);
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (version === 6) return name === '::1' || name.startsWith('fc') || name.startsWith('fd') || name.startsWith('fe80');
  return false;
}

/** Validation the service applies to a webHooks/httpRequest subscription (consumer input descriptors, §4.2). */
function validate(ctx: RequestContext, body: SubscriptionBody): { host: HookHost; publisherInputs: Record<string, string>; consumerInputs: Record<string, string> } {
  const pub = publisher(body.publisherId);
  const reachable = publishersOn(hostOf(ctx));
  if (!pub || !reachable.some((p) => p.id === pub.id)) {
    throw new AdoError(400, `No publisher with id '${body.publisherId}' is registered on this host.${pub ? ` Subscriptions for '${pub.id}' are managed on ${pub.host === 'release' ? 'vsrm.dev.azure.com' : pub.host === 'advsec' ? 'advsec.dev.azure.com' : 'dev.azure.com'}.` : ''}`, 'ServiceHookException', 'Microsoft.VisualStudio.Services.ServiceHooks.WebApi.ServiceHookException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi');
  }
  if (!pub.eventTypes.some((e) => e.id.toLowerCase() === body.eventType.toLowerCase())) {
    throw new AdoError(400, `The event type '${body.eventType}' is not supported by publisher '${pub.id}'.`, 'ServiceHookException');
  }
  if (body.consumerId.toLowerCase() !== WEBHOOK_CONSUMER.id.toLowerCase() || body.consumerActionId.toLowerCase() !== WEBHOOK_CONSUMER.action.toLowerCase()) {
    throw new AdoError(400, `The simulator implements the '${WEBHOOK_CONSUMER.id}' consumer with action '${WEBHOOK_CONSUMER.action}' only; got '${body.consumerId}/${body.consumerActionId}'.`, 'ServiceHookException');
  }
  const publisherInputs = { ...(body.publisherInputs ?? {}) };
  delete publisherInputs.tfsSubscriptionId;
  delete publisherInputs.hostId;
  const projectId = publisherInputs.projectId;
  if (projectId) {
    const project = ctx.org.project(projectId);
    if (!project || !canSee(ctx, project.id)) throw errors.projectNotFound(projectId);
    publisherInputs.projectId = project.id;
  }
  const consumerInputs = { ...(body.consumerInputs ?? {}) };
  const url = consumerInputs.url;
  if (!url) throw new AdoError(400, "The consumer input 'url' is required.", 'ServiceHookException');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AdoError(400, `The consumer input 'url' value '${url}' is not a valid URI.`, 'ServiceHookException');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new AdoError(400, `The consumer input 'url' must be an http or https URL.`, 'ServiceHookException');
  // Each input is checked against its descriptor (hooks 7.1 webHooks consumer): pattern and length,
  // and combo inputs take one of their listed values only (isLimitedToPossibleValues). The message
  // names the input, never its value: headers and passwords carry secrets.
  for (const descriptor of WEBHOOK_INPUTS) {
    const value = consumerInputs[descriptor.id];
    if (value === undefined || value === '') continue;
    const { validation } = descriptor;
    if ('pattern' in validation && !new RegExp(validation.pattern).test(value)) {
      throw new AdoError(400, `The consumer input '${descriptor.id}' does not match the pattern ${validation.pattern}.`, 'ServiceHookException');
    }
    if ('minLength' in validation && value.length < validation.minLength) throw new AdoError(400, `The consumer input '${descriptor.id}' must be at least ${validation.minLength} characters.`, 'ServiceHookException');
    if ('maxLength' in validation && value.length > validation.maxLength) throw new AdoError(400, `The consumer input '${descriptor.id}' must be at most ${validation.maxLength} characters.`, 'ServiceHookException');
  }
  for (const descriptor of WEBHOOK_INPUTS) {
    const values = 'values' in descriptor ? descriptor.values : undefined;
    const value = consumerInputs[descriptor.id];
    if (value === undefined || !values?.isLimitedToPossibleValues) continue;
    if (!values.possibleValues.some((possible) => possible.value === value)) {
      throw new AdoError(400, `The consumer input '${descriptor.id}' value '${value}' is not one of the allowed values (${values.possibleValues.map((p) => `'${p.value}'`).join(', ')}).`, 'ServiceHookException');
    }
  }
  if (ctx.hooks.options.strict) {
    // services/webhooks.md: "Webhooks can't target localhost (loopback) or special range IPv4/IPv6 addresses"; basic auth needs HTTPS.
    if (isPrivateTarget(parsed.hostname)) throw new AdoError(400, `Webhooks can't target localhost (loopback) or special range IPv4/IPv6 addresses: ${parsed.hostname}.`, 'ServiceHookException');
    if (consumerInputs.basicAuthUsername && parsed.protocol !== 'https:') throw new AdoError(400, 'Basic authentication requires an HTTPS URL.', 'ServiceHookException');
  }
  return { host: pub.host, publisherInputs, consumerInputs };
}

function parseBody(ctx: RequestContext): SubscriptionBody {
  const result = subscriptionBody.safeParse(ctx.body);
  if (!result.success) throw errors.badRequest(`The subscription is not valid: ${result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`, 'ServiceHookException');
  return result.data;
}

function statusFrom(text: string | null | undefined, fallback: SubscriptionStatus): SubscriptionStatus {
  const match = STATUSES.find((s) => s.toLowerCase() === (text ?? '').toLowerCase());
  return match ?? fallback;
}

function createSubscription(ctx: RequestContext) {
  const body = parseBody(ctx);
  const { host, publisherInputs, consumerInputs } = validate(ctx, body);
  const record = ctx.hooks.create({
    host,
    hostId: ctx.org.id,
    publisherId: publisher(body.publisherId)?.id ?? body.publisherId,
    eventType: body.eventType,
    resourceVersion: body.resourceVersion ?? null,
    consumerId: WEBHOOK_CONSUMER.id,
    consumerActionId: WEBHOOK_CONSUMER.action,
    publisherInputs,
    consumerInputs,
    status: statusFrom(body.status, 'enabled') === 'disabledByUser' ? 'disabledByUser' : 'enabled',
    createdById: ctx.identity.id,
    modifiedById: ctx.identity.id,
    urls: ctx.urls,
  });
  return ok(subscriptionJson(ctx, record));
}

function visibleSubscriptions(ctx: RequestContext): SubscriptionRecord[] {
  return ctx.hooks.on(hostOf(ctx)).filter((s) => !s.publisherInputs.projectId || canSee(ctx, s.publisherInputs.projectId));
}

function findSubscription(ctx: RequestContext): SubscriptionRecord {
  const sub = visibleSubscriptions(ctx).find((s) => s.id === (ctx.params.subscriptionId ?? '').toLowerCase());
  if (!sub) throw errors.notFoundGeneric(`The subscription with id '${ctx.params.subscriptionId ?? ''}' does not exist.`);
  return sub;
}

const eq = (a: string | undefined, b: string) => a === undefined || a === '' || a.toLowerCase() === b.toLowerCase();

/** List with the four filters (publisherId, eventType, consumerId, consumerActionId). */
function listSubscriptions(ctx: RequestContext) {
  const q = ctx.query;
  const subs = visibleSubscriptions(ctx).filter((s) => eq(q.get('publisherId'), s.publisherId) && eq(q.get('eventType'), s.eventType) && eq(q.get('consumerId'), s.consumerId) && eq(q.get('consumerActionId'), s.consumerActionId));
  return list(subs.map((s) => subscriptionJson(ctx, s)));
}

function getSubscription(ctx: RequestContext) {
  return ok(subscriptionJson(ctx, findSubscription(ctx)));
}

/** PUT replaces the subscription; a masked password keeps the stored one; `status` can re-enable it. */
function replaceSubscription(ctx: RequestContext) {
  const existing = findSubscription(ctx);
  const body = parseBody(ctx);
  const { host, publisherInputs, consumerInputs } = validate(ctx, body);
  for (const key of Object.keys(consumerInputs)) {
    if (CONFIDENTIAL.has(key.toLowerCase()) && consumerInputs[key] === MASK) consumerInputs[key] = existing.consumerInputs[key] ?? '';
  }
  const status = body.status ? statusFrom(body.status, existing.status) : existing.status;
  const updated: SubscriptionRecord = {
    ...existing,
    host,
    publisherId: publisher(body.publisherId)?.id ?? body.publisherId,
    eventType: body.eventType,
    resourceVersion: body.resourceVersion ?? publisher(body.publisherId)?.resourceVersion ?? existing.resourceVersion,
    publisherInputs: { ...publisherInputs, hostId: existing.publisherInputs.hostId ?? ctx.org.id, tfsSubscriptionId: existing.publisherInputs.tfsSubscriptionId ?? existing.id },
    consumerInputs,
    status,
    consecutiveFailures: status === 'enabled' ? 0 : existing.consecutiveFailures,
    modifiedById: ctx.identity.id,
    modifiedDate: Date.now(),
  };
  ctx.hooks.put(updated);
  return ok(subscriptionJson(ctx, updated));
}

function deleteSubscription(ctx: RequestContext) {
  const sub = findSubscription(ctx);
  ctx.hooks.delete(sub.id);
  return noContent();
}

const condition = z.object({ inputId: z.string(), operator: z.string().optional(), inputValue: z.string().nullish(), caseSensitive: z.boolean().optional() });
const queryBody = z.object({
  publisherId: z.string().nullish(),
  eventType: z.string().nullish(),
  consumerId: z.string().nullish(),
  consumerActionId: z.string().nullish(),
  subscriberId: z.string().nullish(),
  publisherInputFilters: z.array(z.object({ conditions: z.array(condition).default([]) })).nullish(),
  consumerInputFilters: z.array(z.object({ conditions: z.array(condition).default([]) })).nullish(),
});

function filtersMatch(filters: z.infer<typeof queryBody>['publisherInputFilters'], values: Record<string, string>): boolean {
  if (!filters || filters.length === 0) return true;
  // Conditions of one filter must all hold; any filter may match.
  return filters.some((f) =>
    f.conditions.every((c) => {
      const actual = Object.entries(values).find(([k]) => k.toLowerCase() === c.inputId.toLowerCase())?.[1] ?? '';
      const expected = c.inputValue ?? '';
      const same = c.caseSensitive ? actual === expected : actual.toLowerCase() === expected.toLowerCase();
      return (c.operator ?? 'equals').toLowerCase() === 'notequals' ? !same : same;
    }),
  );
}

/** `POST subscriptionsquery`: the query comes back with `results`. */
function querySubscriptions(ctx: RequestContext) {
  const parsed = queryBody.safeParse(ctx.body ?? {});
  if (!parsed.success) throw errors.badRequest(`The query is not valid: ${parsed.error.issues.map((i) => i.message).join('; ')}`, 'ServiceHookException');
  const query = parsed.data;
  const results = visibleSubscriptions(ctx).filter(
    (s) =>
      eq(query.publisherId ?? undefined, s.publisherId) &&
      eq(query.eventType ?? undefined, s.eventType) &&
      eq(query.consumerId ?? undefined, s.consumerId) &&
      eq(query.consumerActionId ?? undefined, s.consumerActionId) &&
      eq(query.subscriberId ?? undefined, s.createdById) &&
      filtersMatch(query.publisherInputFilters, s.publisherInputs) &&
      filtersMatch(query.consumerInputFilters, s.consumerInputs),
  );
  return ok({ ...(ctx.body as JsonObject), results: results.map((s) => subscriptionJson(ctx, s)) });
}

function listNotifications(ctx: RequestContext) {
  const sub = findSubscription(ctx);
  const max = ctx.query.int('maxResults') ?? 100;
  const wantedResult = ctx.query.get('result')?.toLowerCase();
  const notifications = ctx.hooks
    .notificationsOf(sub.id)
    .map((d) => ({
      id: d.notificationId,
      subscriptionId: d.subscriptionId,
      subscriberId: sub.createdById,
      eventId: d.eventId,
      eventType: d.eventType,
      status: 'completed',
      result: d.ok ? 'succeeded' : 'failed',
      createdDate: date(d.at),
      modifiedDate: date(d.at),
      details: { request: JSON.stringify({ url: d.url }), response: d.statusCode ? `HTTP ${d.statusCode}` : undefined, errorMessage: d.error },
    }))
    .filter((n) => !wantedResult || n.result === wantedResult)
    .reverse()
    .slice(0, max);
  return list(notifications);
}

function inputDescriptor(id: string): JsonObject {
  return {
    id,
    name: id,
    description: `Filter on ${id}.`,
    inputMode: id === 'projectId' ? 'combo' : 'textBox',
    isConfidential: false,
    useInDefaultDescription: id === 'projectId',
    dependencyInputIds: id === 'branch' ? ['repository'] : id === 'repository' ? ['projectId'] : [],
    hasDynamicValueInformation: id === 'projectId' || id === 'repository' || id === 'branch',
    validation: { dataType: id === 'projectId' || id === 'repository' ? 'guid' : 'string', isRequired: false, pattern: '^.*$', patternMismatchErrorMessage: `The ${id} is not valid.`, maxLength: 1024 },
    values: { inputId: id, defaultValue: '', possibleValues: [], isLimitedToPossibleValues: false, isReadOnly: false },
  };
}

function eventTypeJson(ctx: RequestContext, pub: (typeof PUBLISHERS)[number], event: (typeof PUBLISHERS)[number]['eventTypes'][number]): JsonObject {
  return {
    publisherId: pub.id,
    id: event.id,
    url: `${ctx.urls.core}/_apis/hooks/publishers/${pub.id}/eventTypes/${event.id}`,
    name: event.name,
    description: `${event.name} (${pub.name}).`,
    supportedResourceVersions: [pub.resourceVersion],
    inputDescriptors: pub.inputs.map(inputDescriptor),
  };
}

function listPublishers(ctx: RequestContext) {
  return list(
    publishersOn(hostOf(ctx)).map((p) => ({
      id: p.id,
      url: `${ctx.urls.core}/_apis/hooks/publishers/${p.id}`,
      name: p.name,
      description: p.description,
      supportedEvents: p.eventTypes.map((e) => eventTypeJson(ctx, p, e)),
      inputDescriptors: p.inputs.map(inputDescriptor),
    })),
  );
}

function listEventTypes(ctx: RequestContext) {
  const pub = PUBLISHERS.find((p) => p.id.toLowerCase() === (ctx.params.publisherId ?? '').toLowerCase());
  if (!pub || !publishersOn(hostOf(ctx)).includes(pub)) throw errors.notFoundGeneric(`No publisher with id '${ctx.params.publisherId ?? ''}' is registered on this host.`);
  return list(pub.eventTypes.map((e) => eventTypeJson(ctx, pub, e)));
}

function listConsumers(ctx: RequestContext) {
  const url = `${ctx.urls.core}/_apis/hooks/consumers/${WEBHOOK_CONSUMER.id}`;
  const events = publishersOn(hostOf(ctx)).flatMap((p) => p.eventTypes.map((e) => [e.id, [p.resourceVersion]] as const));
  return list([
    {
      id: WEBHOOK_CONSUMER.id,
      url,
      name: WEBHOOK_CONSUMER.name,
      description: 'Provides event communication via HTTP',
      imageUrl: '',
      informationUrl: 'https://go.microsoft.com/fwlink/?LinkID=396756',
      authenticationType: 'none',
      inputDescriptors: [],
      externalConfiguration: { createSubscriptionUrl: '', editSubscriptionPropertyName: '', hostedOnly: false },
      actions: [
        {
          id: WEBHOOK_CONSUMER.action,
          consumerId: WEBHOOK_CONSUMER.id,
          url: `${url}/actions/${WEBHOOK_CONSUMER.action}`,
          name: 'Post via HTTP',
          description: 'This action posts a JSON object representation of the event to the specified URL.',
          supportedEventTypes: events.map(([id]) => id),
          supportedResourceVersions: Object.fromEntries(events.map(([id, versions]) => [id, [...versions]])) as JsonObject,
          allowResourceVersionOverride: true,
          inputDescriptors: WEBHOOK_INPUTS.map((d) => ({ ...d, dependencyInputIds: [], hasDynamicValueInformation: false, values: { inputId: d.id, ...('values' in d ? d.values : { defaultValue: '', possibleValues: [], isLimitedToPossibleValues: false }) } }) as unknown as JsonObject),
        },
      ],
    },
  ]);
}

// Answers read the service-hook store, not the organization: never replayed.
const HOOK_HOSTS = { hosts: ['core', 'release', 'advsec'] as const, replayable: false };

export const hookRoutes: Route[] = [
  route('hooks.subscriptions.list', 'GET', 'hooks/subscriptions', 'org', '7.1', listSubscriptions, HOOK_HOSTS),
  route('hooks.subscriptions.create', 'POST', 'hooks/subscriptions', 'org', '7.1', createSubscription, HOOK_HOSTS),
  route('hooks.subscriptions.get', 'GET', 'hooks/subscriptions/{subscriptionId}', 'org', '7.1', getSubscription, HOOK_HOSTS),
  route('hooks.subscriptions.replace', 'PUT', 'hooks/subscriptions/{subscriptionId}', 'org', '7.1', replaceSubscription, HOOK_HOSTS),
  route('hooks.subscriptions.delete', 'DELETE', 'hooks/subscriptions/{subscriptionId}', 'org', '7.1', deleteSubscription, HOOK_HOSTS),
  route('hooks.subscriptions.query', 'POST', 'hooks/subscriptionsquery', 'org', '7.1', querySubscriptions, HOOK_HOSTS),
  route('hooks.subscriptions.notifications', 'GET', 'hooks/subscriptions/{subscriptionId}/notifications', 'org', '7.1', listNotifications, HOOK_HOSTS),
  route('hooks.publishers.list', 'GET', 'hooks/publishers', 'org', '7.1', listPublishers, HOOK_HOSTS),
  route('hooks.eventTypes.list', 'GET', 'hooks/publishers/{publisherId}/eventtypes', 'org', '7.1', listEventTypes, HOOK_HOSTS),
  route('hooks.consumers.list', 'GET', 'hooks/consumers', 'org', '7.1', listConsumers, HOOK_HOSTS),
];
