import { z } from 'zod';
import { apiError, type PortClient, type PortRequestCounter } from './client';
import { PortApiError } from './errors';

import type { MappedEntity } from '../mapping/entity-mapper';
import { chunks } from '../util/chunks';
import { isJsonObject } from '../util/json-object';

/** An entity as sent to Port: exactly what the mapping produced (only the keys it defines). */
export type PortEntity = MappedEntity;

export type StoredEntity = {
  identifier: string;
  blueprint?: string;
  title?: string | null;
  icon?: string | null;
  team?: unknown;
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
};

export type UpsertFailure = {
  identifier: string;
  message: string;
  /**
   * Set when Port answered 404 not_found with createMissingRelatedEntities off: an unmet
   * dependency, usually a relation target not written yet (§2.8). The entity, to send again.
   */
  unmetDependency?: PortEntity;
};
export type UpsertOutcome = { upserted: number; failed: UpsertFailure[] };

/** Ownership as Port records it: the writer's User-Agent, version in the middle (§2.13). */
export type Datasource = { prefix: string; suffix: string };

const bulkResponse = z.object({
  entities: z.array(z.looseObject({ identifier: z.unknown(), index: z.number() })).default([]),
  errors: z
    .array(z.looseObject({ identifier: z.unknown(), index: z.number(), statusCode: z.number().optional(), error: z.string().optional(), message: z.string().optional() }))
    .default([]),
});
const isOptionalText = (value: unknown) => value === undefined || value === null || typeof value === 'string';
// Checked in place rather than by an object schema: an unchanged run reads back every entity it
// maps (279 MB at large), and a schema copies each entity key by key, which cost seconds of CPU.
const storedEntity = z.custom<StoredEntity>(
  (value) =>
    isJsonObject(value) &&
    typeof value['identifier'] === 'string' &&
    (value['blueprint'] === undefined || typeof value['blueprint'] === 'string') &&
    isOptionalText(value['title']) &&
    isOptionalText(value['icon']) &&
    (value['properties'] === undefined || isJsonObject(value['properties'])) &&
    (value['relations'] === undefined || isJsonObject(value['relations'])),
);
// Built once: a zod schema is costly to create, and these parse every search, listing and delete.
const searchResponse = z.object({ entities: z.array(storedEntity) });
const ownedResponse = z.object({ entities: z.array(z.object({ identifier: z.string(), blueprint: z.string() })), next: z.string().nullish() });
const deleteResponse = z.object({ deletedEntities: z.array(z.string()) });

/** Port's documented bulk limits (port-api-and-ocean-core.md §2.8). */
export const BULK_MAX_ENTITIES = 20;
const BULK_MAX_BYTES = 1024 * 1024;
/** Headroom for the envelope and Port's own accounting of the 1 MiB limit. */
const BULK_TARGET_BYTES = BULK_MAX_BYTES - 124 * 1024;
const SEARCH_CHUNK = 50;
const DELETE_CHUNK = 100;

/** An identifier as the summary names it: a search query as its JSON. */
export const identifierText = (identifier: unknown): string => (typeof identifier === 'string' ? identifier : JSON.stringify(identifier));
/** An entity identified by a search query, which Port resolves (and may match nothing). */
const isSearchIdentifier = (entity: PortEntity | undefined) => entity !== undefined && typeof entity.identifier !== 'string';

/** What entity calls need of the Port client. */
export type PortRequester = Pick<PortClient, 'request' | 'metrics'>;

export class EntityApi {
  constructor(
    private readonly port: PortRequester,
    private readonly options: { merge: boolean; createMissingRelatedEntities: boolean },
  ) {}

  /**
   * The same calls, each request carrying `extra`: a `signal` that also cancels it (a receiver event
   * cut off at shutdown), a `counter` that also counts every attempt (a resource's own share of the
   * run's Port requests, while other resources write at the same time).
   */
  withRequests(extra: { signal?: AbortSignal; counter?: PortRequestCounter }): EntityApi {
    return new EntityApi({ metrics: this.port.metrics, request: (request) => this.port.request({ ...request, ...extra }) }, this.options);
  }

  /**
   * Upserts entities of one blueprint in bulk requests of ≤20 entities and ≤1 MiB. A request Port
   * refuses as a whole (413, or a 4xx that names no index) is retried entity by entity, so one bad
   * entity costs only itself.
   */
  async upsert(blueprint: string, entities: readonly PortEntity[]): Promise<UpsertOutcome> {
    const outcome: UpsertOutcome = { upserted: 0, failed: [] };
    const batches = packBatches(entities);
    await Promise.all(batches.map(async (batch) => merge(outcome, await this.upsertBatch(blueprint, batch))));
    return outcome;
  }

  /**
   * One bulk request of ≤20 entities. The body is serialized once; above the byte target it is
   * split in halves (rare: entities are small unless a mapping copies file contents), so the
   * common case never measures each entity on its own as packBatches does.
   */
  async upsertBatch(blueprint: string, batch: readonly PortEntity[]): Promise<UpsertOutcome> {
    const bodyText = JSON.stringify({ entities: batch });
    if (batch.length > 1 && Buffer.byteLength(bodyText) > BULK_TARGET_BYTES) {
      const half = Math.ceil(batch.length / 2);
      const outcome: UpsertOutcome = { upserted: 0, failed: [] };
      const parts = await Promise.all([this.upsertBatch(blueprint, batch.slice(0, half)), this.upsertBatch(blueprint, batch.slice(half))]);
      for (const part of parts) merge(outcome, part);
      return outcome;
    }
    const query = this.writeQuery();
    let response;
    try {
      response = await this.port.request({
        method: 'POST',
        path: `/v1/blueprints/${encodeURIComponent(blueprint)}/entities/bulk`,
        query,
        bodyText,
        retryable: true,
        accept: [207],
      });
    } catch (error) {
      // A 429 is not a refusal of the batch: the client already retried it as a bulk request, and
      // sending its entities one by one would only multiply the throttled requests.
      const throttled = error instanceof PortApiError && error.status === 429;
      if (batch.length > 1 && error instanceof PortApiError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 401 && !throttled) {
        const outcome: UpsertOutcome = { upserted: 0, failed: [] };
        for (const entity of batch) merge(outcome, await this.upsertOne(blueprint, entity));
        return outcome;
      }
      if (batch.length === 1 && batch[0] && !throttled) return this.upsertOne(blueprint, batch[0]);
      throw error;
    }
    const parsed = bulkResponse.safeParse(response.body);
    if (!parsed.success) throw new Error(`Port answered a bulk upsert to '${blueprint}' without per-index results.`);
    const failed = parsed.data.errors
      // A search identifier that matched nothing is not a failure (Ocean ignores it too). Port
      // names it 'unknown'; an entity whose own identifier is "unknown" is still reported.
      .filter((e) => !(e.identifier === 'unknown' && isSearchIdentifier(batch[e.index])))
      .map((e) => {
        const entity = batch[e.index];
        const failure: UpsertFailure = { identifier: identifierText(entity?.identifier ?? e.identifier), message: `${e.error ?? `HTTP ${e.statusCode ?? '?'}`}: ${e.message ?? 'rejected'}` };
        if (entity && this.unmetDependency(e.statusCode, e.error)) failure.unmetDependency = entity;
        return failure;
      });
    return { upserted: parsed.data.entities.length, failed };
  }

  /**
   * Port's "unmet dependency" (§2.8): 404 not_found on a write, which with
   * createMissingRelatedEntities off usually means a relation target not written yet. Ocean sends
   * those again at the end of the resync; so does the sync (core/sync/unmet-dependencies.ts).
   */
  private unmetDependency(status: number | undefined, code: string | undefined): boolean {
    return !this.options.createMissingRelatedEntities && (status === 404 || code === 'not_found');
  }

  /** One entity through the single-entity endpoint; a refusal of the entity is its failure, not an exception. */
  async upsertOne(blueprint: string, entity: PortEntity): Promise<UpsertOutcome> {
    const response = await this.port.request({
      method: 'POST',
      path: `/v1/blueprints/${encodeURIComponent(blueprint)}/entities`,
      query: this.writeQuery(),
      body: entity,
      retryable: true,
      accept: [400, 404, 409, 413, 422],
    });
    if (response.status >= 400) {
      const error = apiError(`POST /v1/blueprints/${blueprint}/entities`, response.status, response.body);
      const failure: UpsertFailure = { identifier: identifierText(entity.identifier), message: error.message };
      if (this.unmetDependency(error.status, error.code)) failure.unmetDependency = entity;
      return { upserted: 0, failed: [failure] };
    }
    return { upserted: 1, failed: [] };
  }

  private writeQuery() {
    return {
      upsert: true,
      merge: this.options.merge,
      create_missing_related_entities: this.options.createMissingRelatedEntities,
      validation_only: false,
    };
  }

  /** The stored state of these entities, for the fields a mapping writes, limited to what we own. */
  async fetch(
    blueprint: string,
    identifiers: readonly string[],
    fields: { title: boolean; icon: boolean; team: boolean; properties: readonly string[]; relations: readonly string[] },
    datasource: Datasource,
    /** Every property and relation, not only the mapped ones: a replacing write clears the others. */
    whole = false,
  ): Promise<Map<string, StoredEntity>> {
    const include = [
      'identifier',
      'blueprint',
      ...(fields.title ? ['title'] : []),
      ...(fields.icon ? ['icon'] : []),
      ...(fields.team ? ['team'] : []),
      ...(whole ? ['properties', 'relations'] : [...fields.properties.map((p) => `properties.${p}`), ...fields.relations.map((r) => `relations.${r}`)]),
    ];
    const found = new Map<string, StoredEntity>();
    for (const chunk of chunks(identifiers, SEARCH_CHUNK)) {
      const entities = await searchEntities(this.port, include, [
        { property: '$identifier', operator: 'in', value: chunk },
        { property: '$blueprint', operator: '=', value: blueprint },
        ...ownedBy(datasource),
      ]);
      for (const entity of entities) found.set(entity.identifier, entity);
    }
    return found;
  }

  /** Every (identifier, blueprint) written by this integration and last updated before `before`. */
  async *owned(datasource: Datasource, before: string): AsyncGenerator<{ identifier: string; blueprint: string }[]> {
    let from: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const response = await this.port.request({
        method: 'POST',
        path: '/v1/blueprints/entities/datasource-entities',
        body: { datasource_prefix: datasource.prefix, datasource_suffix: datasource.suffix, limit: 5000, before, ...(from ? { from } : {}) },
        retryable: true,
      });
      const parsed = ownedResponse.safeParse(response.body);
      if (!parsed.success) throw new Error('Port answered datasource-entities without an entities list.');
      yield parsed.data.entities;
      const next = parsed.data.next;
      if (!next) return;
      if (seen.has(next)) throw new Error('Port returned the same datasource-entities cursor twice; the owned-entity listing is incomplete.');
      seen.add(next);
      from = next;
    }
  }

  /**
   * Deletes in requests of ≤100; returns the identifiers gone afterwards. Those Port's answer does
   * not list are looked up: a request retried after Port applied it (the first answer lost to a
   * gateway timeout) answers an empty list for what the first attempt deleted.
   */
  async delete(blueprint: string, identifiers: readonly string[], deleteDependents: boolean): Promise<string[]> {
    const deleted: string[] = [];
    for (const chunk of chunks(identifiers, DELETE_CHUNK)) {
      const response = await this.port.request({
        method: 'POST',
        path: `/v1/blueprints/${encodeURIComponent(blueprint)}/bulk/entities/delete`,
        query: { delete_dependents: deleteDependents },
        body: { entities: chunk },
        retryable: true,
      });
      const parsed = deleteResponse.safeParse(response.body);
      const confirmed = new Set(parsed.success ? parsed.data.deletedEntities : []);
      deleted.push(...confirmed);
      const unconfirmed = chunk.filter((identifier) => !confirmed.has(identifier));
      if (unconfirmed.length === 0) continue;
      const left = await searchEntities(this.port, ['identifier'], [
        { property: '$identifier', operator: 'in', value: unconfirmed },
        { property: '$blueprint', operator: '=', value: blueprint },
      ]);
      const remaining = new Set(left.map((entity) => entity.identifier));
      deleted.push(...unconfirmed.filter((identifier) => !remaining.has(identifier)));
    }
    return deleted;
  }
}

export type SearchRule = { property: string; operator: string; value: unknown };

/** Rules matching the entities this integration wrote, whatever version wrote them (§2.8). */
export function ownedBy(datasource: Datasource): SearchRule[] {
  return [
    { property: '$datasource', operator: 'contains', value: datasource.prefix },
    { property: '$datasource', operator: 'contains', value: datasource.suffix },
  ];
}

/** One entity search: the entities matching every rule, with the fields `include` names. */
export async function searchEntities(port: PortRequester, include: readonly string[], rules: readonly SearchRule[]): Promise<StoredEntity[]> {
  const response = await port.request({
    method: 'POST',
    path: '/v1/entities/search',
    query: { exclude_calculated_properties: true, include },
    body: { combinator: 'and', rules },
    retryable: true,
  });
  const parsed = searchResponse.safeParse(response.body);
  if (!parsed.success) throw new Error('Port answered an entity search with something other than a list of entities.');
  return parsed.data.entities;
}

/** Packs entities into requests of ≤20 entities and ≤~900 KiB of JSON. */
export function packBatches(entities: readonly PortEntity[]): PortEntity[][] {
  const batches: PortEntity[][] = [];
  let current: PortEntity[] = [];
  let size = 0;
  for (const entity of entities) {
    const bytes = Buffer.byteLength(JSON.stringify(entity)) + 1;
    if (current.length > 0 && (current.length >= BULK_MAX_ENTITIES || size + bytes > BULK_TARGET_BYTES)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(entity);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * True when Port already holds what the mapping would write: title, icon, team (order ignored),
 * and each mapped property and relation, with null and absent treated alike (Ocean's rule, §2.8).
 */
export function isUnchanged(entity: PortEntity, stored: StoredEntity, replacing = false): boolean {
  // A replacing write (enableMergeEntity: false) also clears what the mapping no longer sends.
  if (replacing && (hasOtherValues(stored.properties, entity.properties) || hasOtherValues(stored.relations, entity.relations))) return false;
  if ('title' in entity && !sameJson(entity.title, stored.title)) return false;
  if ('icon' in entity && !sameJson(entity.icon, stored.icon)) return false;
  if ('team' in entity && !sameJson(teamList(entity.team), teamList(stored.team))) return false;
  const properties = entity.properties ?? {};
  for (const key in properties) if (!sameJson(properties[key], ownValue(stored.properties, key))) return false;
  const relations = entity.relations ?? {};
  for (const key in relations) {
    const value = relations[key];
    const storedValue = ownValue(stored.relations, key);
    if (Array.isArray(value) && Array.isArray(storedValue)) {
      if (!sameJson(sortedStrings(value as unknown[]), sortedStrings(storedValue as unknown[]))) return false;
    } else if (!sameJson(value, storedValue)) return false;
  }
  return true;
}

/** Whether `stored` sets a key (to anything but null) that `sent` does not have. */
function hasOtherValues(stored: Record<string, unknown> | undefined, sent: Record<string, unknown> | undefined): boolean {
  for (const key in stored) if (stored[key] !== null && stored[key] !== undefined && !(sent !== undefined && Object.hasOwn(sent, key))) return true;
  return false;
}

function ownValue(record: Record<string, unknown> | undefined, key: string): unknown {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Equality of two JSON values as Port stores them: null and a missing value are the same, an
 * object's keys are unordered and a key set to null is the same as none; arrays keep their order.
 * It compares in place: an unchanged run compares every entity it maps, and building normalized
 * copies to hand to a deep-equal was a third of what that run allocated.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    const value = left[key];
    if (value === undefined || value === null) continue;
    if (!sameJson(value, ownValue(right, key))) return false;
    keys++;
  }
  // Every key set on the left is set alike on the right; the right must set no other.
  for (const key in right) {
    const value = right[key];
    if (value !== undefined && value !== null) keys--;
  }
  return keys === 0;
}

function teamList(team: unknown): unknown {
  if (team === null || team === undefined) return null;
  const list: unknown[] = Array.isArray(team) ? (team as unknown[]) : [team];
  return list.length === 0 ? null : sortedStrings(list);
}

function sortedStrings(values: readonly unknown[]): string[] {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).sort();
}

function merge(into: UpsertOutcome, from: UpsertOutcome): void {
  into.upserted += from.upserted;
  into.failed.push(...from.failed);
}
