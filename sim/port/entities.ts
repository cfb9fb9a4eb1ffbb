import { z } from 'zod';
import { actorOf, type BlueprintService } from './blueprints';
import { deleteEntities } from './entity-deleter';
import { parseEntityInput } from './entity-input';
import { entityView, projectEntity } from './entity-view';
import { EntityWriteError, type EntityWriter, type WriteOptions } from './entity-writer';
import { notFound, routeSchemaMismatch } from './errors';
import type { StoredEntity } from './model';
import { candidateHints, matches, parseQuery } from './query';
import type { RequestContext, Router } from './router';
import type { PortStore } from './store';
import { booleanQuery, parseRoute } from './validate';

/** Limits of the bulk routes (port-api-and-ocean-core.md §0 and §5.1). */
export const MAX_BULK_UPSERT = 20;
export const MAX_BULK_DELETE = 100;
const MAX_DATASOURCE_PAGE = 10_000;

const bulkUpsertBody = z.looseObject({ entities: z.array(z.unknown()).min(1).max(MAX_BULK_UPSERT) });
const bulkDeleteBody = z.looseObject({ entities: z.array(z.string().min(1)).min(1).max(MAX_BULK_DELETE) });
const datasourceBody = z.looseObject({
  datasource_prefix: z.string().optional(),
  datasource_suffix: z.string().optional(),
  limit: z.number().int().min(1).max(MAX_DATASOURCE_PAGE).optional(),
  before: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time').nullable().optional(),
  from: z.string().nullable().optional(),
});

function writeOptions(ctx: RequestContext): WriteOptions {
  return {
    upsert: booleanQuery(ctx.query, 'upsert', false),
    merge: booleanQuery(ctx.query, 'merge', false),
    createMissingRelatedEntities: booleanQuery(ctx.query, 'create_missing_related_entities', false),
    validationOnly: booleanQuery(ctx.query, 'validation_only', false),
    datasource: ctx.userAgent,
    actor: actorOf(ctx.clientId),
  };
}

export function registerEntityRoutes(router: Router, store: PortStore, blueprints: BlueprintService, writer: EntityWriter): void {
  router.add('POST', '/v1/blueprints/entities/datasource-entities', (ctx) => datasourceEntities(store, ctx.body));

  router.add('POST', '/v1/blueprints/:blueprint/entities', (ctx) => {
    const blueprint = blueprints.get(ctx.params['blueprint'] as string);
    const options = writeOptions(ctx);
    const input = parseEntityInput(ctx.body, '');
    // An entity-level failure is the answer itself (a 404 not_found is Ocean's "unmet dependency", §2.8).
    const result = writer.write(blueprint, input, options);
    const status = options.validationOnly || !result.created ? 200 : 201;
    return { status, body: { ok: true, entity: entityView(result.entity) } };
  });

  router.add('POST', '/v1/blueprints/:blueprint/entities/bulk', (ctx) => {
    const blueprint = blueprints.get(ctx.params['blueprint'] as string);
    const options = writeOptions(ctx);
    const body = parseRoute(bulkUpsertBody, ctx.body);
    const inputs = body.entities.map((entity, index) => parseEntityInput(entity, `entities.${index}`));
    const entities: { identifier: string; index: number; created: boolean }[] = [];
    const errors: { identifier: string; index: number; statusCode: number; error: string; message: string }[] = [];
    inputs.forEach((input, index) => {
      try {
        const result = writer.write(blueprint, input, options);
        entities.push({ identifier: result.identifier, index, created: result.created });
      } catch (error) {
        if (!(error instanceof EntityWriteError)) throw error;
        errors.push({ identifier: error.identifier, index, statusCode: error.status, error: error.code, message: error.message });
      }
    });
    return { status: errors.length === 0 ? 200 : 207, body: { ok: errors.length === 0, entities, errors } };
  });

  router.add('GET', '/v1/blueprints/:blueprint/entities', (ctx) => {
    const blueprint = blueprints.get(ctx.params['blueprint'] as string);
    const list = [...(store.entities.get(blueprint.identifier)?.values() ?? [])].map(entityView);
    return { status: 200, body: { ok: true, entities: list } };
  });

  router.add('GET', '/v1/blueprints/:blueprint/entities/:identifier', (ctx) => {
    const blueprint = blueprints.get(ctx.params['blueprint'] as string);
    const entity = store.getEntity(blueprint.identifier, ctx.params['identifier'] as string);
    if (!entity) throw notFound(`Entity "${ctx.params['identifier']}" of blueprint "${blueprint.identifier}" was not found`);
    return { status: 200, body: { ok: true, entity: entityView(entity) } };
  });

  router.add('DELETE', '/v1/blueprints/:blueprint/entities/:identifier', (ctx) => {
    const blueprint = blueprints.get(ctx.params['blueprint'] as string);
    const identifier = ctx.params['identifier'] as string;
    const deleteDependents = booleanQuery(ctx.query, 'delete_dependents', false);
    if (!store.getEntity(blueprint.identifier, identifier)) {
      throw notFound(`Entity "${identifier}" of blueprint "${blueprint.identifier}" was not found`);
    }
    deleteEntities(store, blueprint.identifier, [identifier], deleteDependents);
    return { status: 200, body: { ok: true } };
  });

  router.add('POST', '/v1/blueprints/:blueprint/bulk/entities/delete', (ctx) => {
    const blueprint = blueprints.get(ctx.params['blueprint'] as string);
    const deleteDependents = booleanQuery(ctx.query, 'delete_dependents', false);
    const body = parseRoute(bulkDeleteBody, ctx.body);
    const deleted = deleteEntities(store, blueprint.identifier, body.entities, deleteDependents);
    return { status: 200, body: { ok: true, deletedEntities: deleted } };
  });

  router.add('POST', '/v1/entities/search', (ctx) => {
    const query = parseQuery(ctx.body, '(body)');
    booleanQuery(ctx.query, 'exclude_calculated_properties', false);
    const include = [...ctx.query.getAll('include'), ...ctx.query.getAll('include[]')];
    const exclude = [...ctx.query.getAll('exclude'), ...ctx.query.getAll('exclude[]')];
    const hints = candidateHints(query);
    const found: Record<string, unknown>[] = [];
    for (const entity of candidates(store, hints)) {
      if (matches(query, entity)) found.push(projectEntity(entityView(entity), include, exclude));
    }
    return { status: 200, body: { ok: true, entities: found } };
  });
}

function* candidates(store: PortStore, hints: { blueprints?: Set<string>; identifiers?: Set<string> }): Generator<StoredEntity> {
  const maps = hints.blueprints ? [...hints.blueprints].map((bp) => store.entities.get(bp)).filter((m) => m !== undefined) : [...store.entities.values()];
  for (const map of maps) {
    if (hints.identifiers) {
      for (const id of hints.identifiers) {
        const entity = map.get(id);
        if (entity) yield entity;
      }
    } else {
      yield* map.values();
    }
  }
}

/**
 * Ocean's reconciliation listing (§2.9): entities whose datasource starts with the prefix and
 * ends with the suffix, last updated no later than `before`, in creation order, paged by an
 * opaque `next` cursor that `from` hands back.
 */
function datasourceEntities(store: PortStore, rawBody: unknown) {
  const body = parseRoute(datasourceBody, rawBody);
  const prefix = body.datasource_prefix ?? '';
  const suffix = body.datasource_suffix ?? '';
  const limit = body.limit ?? 1000;
  const beforeMs = body.before ? Date.parse(body.before) : undefined;
  const afterSeq = body.from ? decodeCursor(body.from) : 0;

  const accepts = (entity: StoredEntity) => {
    const ds = entity.datasource;
    if (ds === null || !ds.startsWith(prefix) || !ds.endsWith(suffix)) return false;
    return beforeMs === undefined || Date.parse(entity.updatedAt) <= beforeMs;
  };
  // One more than the page tells whether there is a next page.
  const matching = firstBySeq(store, afterSeq, accepts, limit + 1);
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  const next = matching.length > limit && last ? encodeCursor(last.seq) : null;
  return {
    status: 200,
    body: { ok: true, entities: page.map((e) => ({ identifier: e.identifier, blueprint: e.blueprint })), next },
  };
}

/**
 * The first `count` entities after `afterSeq` that `accepts`, in creation order. Each blueprint
 * keeps its entities in creation order (store.ts: a Map in insertion order; an update keeps its
 * place), so only the first `count` of each can be on the page: those are sorted, not every
 * entity left after the cursor.
 */
function firstBySeq(store: PortStore, afterSeq: number, accepts: (entity: StoredEntity) => boolean, count: number): StoredEntity[] {
  const candidates: StoredEntity[] = [];
  for (const entities of store.entities.values()) {
    let taken = 0;
    for (const entity of entities.values()) {
      if (taken === count) break;
      if (entity.seq > afterSeq && accepts(entity)) {
        candidates.push(entity);
        taken++;
      }
    }
  }
  return candidates.sort((a, b) => a.seq - b.seq).slice(0, count);
}

function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ after: seq })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'number' && Number.isInteger(parsed.after)) return parsed.after;
  } catch {
    // fall through to the schema error
  }
  throw routeSchemaMismatch([{ path: 'from', message: 'is not a cursor this route returned as "next"' }]);
}
