import { z } from 'zod';
import { actorOf } from './blueprints';
import { identifierTaken, notFound } from './errors';
import type { Integration } from './model';
import type { Router } from './router';
import type { Clock, PortStore } from './store';
import { parseRoute } from './validate';

/**
 * Integration registration, config, resync state, raw examples and incremental-sync cursors
 * (port-api-and-ocean-core.md §2.2–§2.6, §10). These routes are mostly undocumented; shapes
 * follow what Ocean sends and reads.
 */
const searchQueryShape = z.looseObject({ combinator: z.string(), rules: z.array(z.unknown()) });
const mappingSchema = z.looseObject({
  identifier: z.union([z.string(), searchQueryShape]),
  blueprint: z.string(),
  title: z.string().optional(),
  icon: z.string().optional(),
  team: z.union([z.string(), searchQueryShape]).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  relations: z.record(z.string(), z.unknown()).optional(),
});
const resourceSchema = z.looseObject({
  kind: z.string().min(1),
  selector: z.looseObject({ query: z.string() }),
  port: z.looseObject({
    entity: z.looseObject({ mappings: z.union([mappingSchema, z.array(mappingSchema)]) }),
    itemsToParse: z.string().optional(),
    itemsToParseName: z.string().optional(),
  }),
});
/** The port-app-config as the integration config schema accepts it (§3.1, §5.1). */
export const integrationConfigSchema = z.looseObject({
  deleteDependentEntities: z.boolean().optional(),
  createMissingRelatedEntities: z.boolean().optional(),
  enableMergeEntity: z.boolean().optional(),
  entityDeletionThreshold: z.number().min(0).max(1).optional(),
  resources: z.array(resourceSchema).optional(),
});

const createBody = z.looseObject({
  installationId: z.string().min(1),
  installationAppType: z.string().min(1),
  version: z.string().optional(),
  title: z.string().nullable().optional(),
  changelogDestination: z.record(z.string(), z.unknown()).optional(),
  config: integrationConfigSchema.optional(),
  actionsProcessingEnabled: z.boolean().optional(),
  incrementalSyncEnabled: z.boolean().optional(),
  processingMode: z.string().optional(),
  createPortResourcesOrigin: z.enum(['Default', 'Empty', 'Port']).optional(),
});

const patchBody = z.looseObject({
  title: z.string().nullable().optional(),
  installationAppType: z.string().min(1).optional(),
  version: z.string().optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
  actionsProcessingEnabled: z.boolean().optional(),
  incrementalSyncEnabled: z.boolean().optional(),
  processingMode: z.string().optional(),
  config: integrationConfigSchema.optional(),
  changelogDestination: z.record(z.string(), z.unknown()).optional(),
  arePortResourcesInitialized: z.boolean().optional(),
  createPortResourcesOrigin: z.enum(['Default', 'Empty', 'Port']).optional(),
});

const configBody = z.looseObject({ config: integrationConfigSchema });
/** Ocean's body, including its misspelt `intervalInMinuets` key, is kept exactly as sent (§2.5). */
const resyncStateBody = z.looseObject({ status: z.enum(['running', 'completed', 'failed', 'aborted']) });
const examplesBody = z.looseObject({ examples: z.array(z.unknown()) });
const cursorBody = z.looseObject({ primary: z.string() });
const cursorQuery = z.object({ kind: z.string().min(1), index: z.string().regex(/^\d+$/, 'must be a non-negative integer') });

export class IntegrationService {
  constructor(
    private readonly store: PortStore,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
  ) {}

  get(id: string): Integration {
    const integration = this.store.integrations.get(id);
    if (!integration) throw notFound(`Integration with identifier "${id}" was not found`);
    return integration;
  }

  create(body: unknown, actor: string): Integration {
    const input = parseRoute(createBody, body);
    if (this.store.integrations.has(input.installationId)) {
      throw identifierTaken(`An integration with identifier "${input.installationId}" already exists`);
    }
    const now = this.clock.now();
    const ingest = (kind: string) => ({ ingestId: `${kind}-${input.installationId}`, ingestUrl: `${this.baseUrl()}/ingest/${encodeURIComponent(input.installationId)}/${kind}` });
    const integration: Integration = {
      installationId: input.installationId,
      installationAppType: input.installationAppType,
      title: input.title ?? null,
      version: input.version ?? '',
      installationType: 'OnPrem',
      config: input.config ?? {},
      changelogDestination: input.changelogDestination ?? {},
      actionsProcessingEnabled: input.actionsProcessingEnabled ?? false,
      incrementalSyncEnabled: input.incrementalSyncEnabled ?? false,
      ...(input.processingMode !== undefined ? { processingMode: input.processingMode } : {}),
      createPortResourcesOrigin: input.createPortResourcesOrigin ?? 'Default',
      arePortResourcesInitialized: false,
      resyncState: null,
      logAttributes: ingest('logs'),
      metricAttributes: ingest('metrics'),
      ingestAttributes: ingest('lake'),
      createdAt: now,
      updatedAt: now,
      createdBy: actor,
      updatedBy: actor,
    };
    this.store.integrations.set(integration.installationId, integration);
    this.store.recordsOf(integration.installationId);
    return integration;
  }

  patch(id: string, body: unknown, actor: string): Integration {
    const integration = this.get(id);
    const input = parseRoute(patchBody, body);
    const known = Object.keys(patchBody.shape);
    const changes = Object.fromEntries(known.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
    const updated: Integration = { ...integration, ...changes, updatedAt: this.clock.now(), updatedBy: actor };
    this.store.integrations.set(id, updated);
    return updated;
  }

  setConfig(id: string, body: unknown, actor: string): Integration {
    const integration = this.get(id);
    const { config } = parseRoute(configBody, body);
    const updated: Integration = { ...integration, config, updatedAt: this.clock.now(), updatedBy: actor };
    this.store.integrations.set(id, updated);
    return updated;
  }

  setResyncState(id: string, body: unknown): Integration {
    const integration = this.get(id);
    const state = { ...parseRoute(resyncStateBody, body), updatedAt: this.clock.now() };
    this.store.recordsOf(id).resyncStateHistory.push(state);
    const updated: Integration = { ...integration, resyncState: state };
    this.store.integrations.set(id, updated);
    return updated;
  }

  addExamples(id: string, kind: string, body: unknown): void {
    this.get(id);
    const { examples } = parseRoute(examplesBody, body);
    const records = this.store.recordsOf(id);
    (records.examples[kind] ??= []).push(examples);
  }
}

export function registerIntegrationRoutes(router: Router, store: PortStore, integrations: IntegrationService): void {
  router.add('GET', '/v1/integration/provision-enabled', () => ({ status: 200, body: { ok: true, integrations: [] } }));
  // No feature flags: the classic ocean-core path, not lakehouse or DSP (§2.10).
  router.add('GET', '/v1/organization', () => ({
    status: 200,
    body: { ok: true, organization: { id: 'org_simulated', name: 'Simulated Port organization', featureFlags: [] } },
  }));
  router.add('POST', '/v1/integration', (ctx) => ({ status: 201, body: { ok: true, integration: integrations.create(ctx.body, actorOf(ctx.clientId)) } }));
  router.add('GET', '/v1/integration/:id', (ctx) => ({ status: 200, body: { ok: true, integration: integrations.get(ctx.params['id'] as string) } }));
  router.add('PATCH', '/v1/integration/:id', (ctx) => ({
    status: 200,
    body: { ok: true, integration: integrations.patch(ctx.params['id'] as string, ctx.body, actorOf(ctx.clientId)) },
  }));
  router.add('PATCH', '/v1/integration/:id/config', (ctx) => ({
    status: 200,
    body: { ok: true, integration: integrations.setConfig(ctx.params['id'] as string, ctx.body, actorOf(ctx.clientId)) },
  }));
  router.add('PATCH', '/v1/integration/:id/resync-state', (ctx) => ({
    status: 200,
    body: { ok: true, integration: integrations.setResyncState(ctx.params['id'] as string, ctx.body) },
  }));
  router.add('POST', '/v1/integration/:id/kinds/:kind/examples', (ctx) => {
    integrations.addExamples(ctx.params['id'] as string, ctx.params['kind'] as string, ctx.body);
    return { status: 200, body: { ok: true } };
  });

  const cursorKey = (ctx: { params: Record<string, string>; query: URLSearchParams }) => {
    const id = ctx.params['id'] as string;
    integrations.get(id);
    const { kind, index } = parseRoute(cursorQuery, { kind: ctx.query.get('kind') ?? undefined, index: ctx.query.get('index') ?? undefined });
    return { cursors: store.recordsOf(id).cursors, key: `${kind}#${index}`, kind, index };
  };
  router.add('GET', '/v1/integration/:id/cursor', (ctx) => {
    const { cursors, key } = cursorKey(ctx);
    const cursor = cursors[key];
    return { status: 200, body: cursor ? { ok: true, cursor } : { ok: true } };
  });
  router.add('PUT', '/v1/integration/:id/cursor', (ctx) => {
    const { cursors, key, kind, index } = cursorKey(ctx);
    if (!cursors[key]) throw notFound(`No cursor for kind "${kind}" at index ${index} yet; create it with POST.`);
    cursors[key] = parseRoute(cursorBody, ctx.body);
    return { status: 200, body: { ok: true, cursor: cursors[key] } };
  });
  router.add('POST', '/v1/integration/:id/cursor', (ctx) => {
    const { cursors, key, kind, index } = cursorKey(ctx);
    if (cursors[key]) throw identifierTaken(`A cursor for kind "${kind}" at index ${index} already exists; update it with PUT.`);
    cursors[key] = parseRoute(cursorBody, ctx.body);
    return { status: 201, body: { ok: true, cursor: cursors[key] } };
  });

  // The log and metric ingest URLs handed out in the integration object (§2.10) point here.
  router.add('POST', '/ingest/:id/logs', (ctx) => {
    store.recordsOf(ctx.params['id'] as string).logs.push(ctx.body);
    return { status: 200, body: { ok: true } };
  }, { public: true });
  for (const method of ['POST', 'PUT']) {
    router.add(method, '/ingest/:id/metrics/*', (ctx) => {
      store.recordsOf(ctx.params['id'] as string).metrics.push({ method, path: ctx.params['*'] ?? '', body: ctx.body });
      return { status: 200, body: { ok: true } };
    }, { public: true });
  }
}
