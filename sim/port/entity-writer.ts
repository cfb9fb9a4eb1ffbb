import { randomBytes } from 'node:crypto';
import { blueprintSchemaMismatch, identifierTaken, notFound, PortApiError } from './errors';
import type { EntityInput } from './entity-input';
import type { Blueprint, RelationValue, StoredEntity } from './model';
import { checkPropertyValue } from './property-values';
import { matches, type Query } from './query';
import type { Clock, PortStore } from './store';

export type WriteOptions = {
  upsert: boolean;
  merge: boolean;
  createMissingRelatedEntities: boolean;
  validationOnly: boolean;
  /** The request's User-Agent, stored as the entity's datasource (§2.13). */
  datasource: string | null;
  actor: string;
  /** Seeding only: explicit timestamps instead of now. */
  createdAt?: string;
  updatedAt?: string;
};

export type WriteResult = { identifier: string; created: boolean; entity: StoredEntity };

/** An entity-level failure; bulk answers report it per index (§2.8). */
export class EntityWriteError extends PortApiError {
  constructor(
    error: PortApiError,
    /** `unknown` when a search-query identifier matched no single entity, as Ocean expects (§2.8). */
    readonly identifier: string,
  ) {
    super(error.status, error.code, error.message, error.details);
  }
}

/** Port allows up to 100 matches for a search-query relation (§3.2). */
const MAX_RELATION_MATCHES = 100;
const TEAM_BLUEPRINT = '_team';

/**
 * Creates, replaces or merges one entity with Port's upsert semantics (§2.8, §3.1):
 * `upsert=false` refuses existing identifiers, `merge=true` merges properties and relations into
 * the stored entity, `merge=false` replaces it; missing relation targets are created bare or
 * fail the entity with 404.
 */
export class EntityWriter {
  constructor(
    private readonly store: PortStore,
    private readonly clock: Clock,
  ) {}

  write(blueprint: Blueprint, input: EntityInput, options: WriteOptions): WriteResult {
    const identifier = this.resolveIdentifier(blueprint, input.identifier);
    try {
      return this.writeResolved(blueprint, identifier, input, options);
    } catch (error) {
      if (error instanceof PortApiError && !(error instanceof EntityWriteError)) throw new EntityWriteError(error, identifier);
      throw error;
    }
  }

  private resolveIdentifier(blueprint: Blueprint, identifier: string | Query | undefined): string {
    if (identifier === undefined) return `e_${randomBytes(8).toString('hex')}`;
    if (typeof identifier === 'string') return identifier;
    const found = this.search(blueprint.identifier, identifier, 2);
    if (found.length === 1) return (found[0] as StoredEntity).identifier;
    const error =
      found.length === 0
        ? notFound(`The search query identifier matched no entity of blueprint "${blueprint.identifier}".`)
        : new PortApiError(422, 'bad_request', `The search query identifier matched more than one entity of blueprint "${blueprint.identifier}"; it must match exactly one.`);
    throw new EntityWriteError(error, 'unknown');
  }

  private writeResolved(blueprint: Blueprint, identifier: string, input: EntityInput, options: WriteOptions): WriteResult {
    const existing = this.store.getEntity(blueprint.identifier, identifier);
    if (existing && !options.upsert) {
      throw identifierTaken(`An entity with identifier "${identifier}" already exists in blueprint "${blueprint.identifier}". Use upsert=true to update it.`);
    }
    const base = existing && options.merge ? existing : undefined;

    const properties: Record<string, unknown> = { ...(base?.properties ?? {}) };
    for (const [key, value] of Object.entries(input.properties ?? {})) {
      const schema = blueprint.schema.properties[key];
      if (!schema) {
        throw blueprintSchemaMismatch(`Entity "${identifier}": "${key}" is not a property of blueprint "${blueprint.identifier}" (known: ${Object.keys(blueprint.schema.properties).join(', ') || 'none'}).`);
      }
      if (value === null) {
        delete properties[key];
        continue;
      }
      const problem = checkPropertyValue(schema, value);
      if (problem) throw blueprintSchemaMismatch(`Entity "${identifier}": property "${key}" ${problem}.`);
      properties[key] = value;
    }

    const relations: Record<string, RelationValue> = { ...(base?.relations ?? {}) };
    const missingTargets: { blueprint: string; identifier: string }[] = [];
    for (const [key, value] of Object.entries(input.relations ?? {})) {
      const relation = blueprint.relations[key];
      if (!relation) {
        throw blueprintSchemaMismatch(`Entity "${identifier}": "${key}" is not a relation of blueprint "${blueprint.identifier}" (known: ${Object.keys(blueprint.relations).join(', ') || 'none'}).`);
      }
      const targets = this.relationTargets(relation.target, value, identifier, key);
      if (!relation.many && targets !== null && targets.length > 1) {
        throw new PortApiError(422, 'relation_many_violation', `Entity "${identifier}": relation "${key}" is a single relation and cannot hold ${targets.length} entities.`);
      }
      if (!relation.many && Array.isArray(value)) {
        throw new PortApiError(422, 'relation_many_violation', `Entity "${identifier}": relation "${key}" is a single relation; give one identifier (a string), not an array.`);
      }
      if (relation.many && typeof value === 'string') {
        throw blueprintSchemaMismatch(`Entity "${identifier}": relation "${key}" is a many relation; give an array of identifiers.`);
      }
      if (targets === null || targets.length === 0) {
        delete relations[key];
        continue;
      }
      for (const target of targets) {
        const isSelf = relation.target === blueprint.identifier && target === identifier;
        if (!isSelf && !this.store.getEntity(relation.target, target)) missingTargets.push({ blueprint: relation.target, identifier: target });
      }
      relations[key] = relation.many ? [...new Set(targets)] : (targets[0] as string);
    }

    for (const required of blueprint.schema.required) {
      if (!(required in properties)) {
        throw blueprintSchemaMismatch(`Entity "${identifier}": the required property "${required}" of blueprint "${blueprint.identifier}" is missing or null.`);
      }
    }
    for (const [key, relation] of Object.entries(blueprint.relations)) {
      if (relation.required && !(key in relations)) {
        throw new PortApiError(422, 'required_relation', `Entity "${identifier}": the relation "${key}" is required by blueprint "${blueprint.identifier}".`);
      }
    }

    if (missingTargets.length > 0 && !options.createMissingRelatedEntities) {
      const first = missingTargets[0] as { blueprint: string; identifier: string };
      throw notFound(`Entity "${identifier}": the related entity "${first.identifier}" of blueprint "${first.blueprint}" was not found. Create it first or use create_missing_related_entities=true.`);
    }

    const title = 'title' in input ? (input.title ?? null) : (base?.title ?? null);
    const icon = 'icon' in input ? (input.icon ?? null) : (base?.icon ?? null);
    const team = 'team' in input ? this.resolveTeam(input.team ?? null) : (base?.team ?? []);
    const now = this.clock.now();
    const entity: StoredEntity = {
      identifier,
      blueprint: blueprint.identifier,
      title,
      icon,
      team,
      properties,
      relations,
      datasource: options.datasource,
      createdAt: existing?.createdAt ?? options.createdAt ?? now,
      updatedAt: options.updatedAt ?? now,
      createdBy: existing?.createdBy ?? options.actor,
      updatedBy: options.actor,
      seq: existing?.seq ?? 0,
    };
    if (options.validationOnly) return { identifier, created: !existing, entity };

    for (const target of missingTargets) {
      if (this.store.getEntity(target.blueprint, target.identifier)) continue;
      this.store.entitiesOf(target.blueprint).set(target.identifier, {
        identifier: target.identifier,
        blueprint: target.blueprint,
        title: null,
        icon: null,
        team: [],
        properties: {},
        relations: {},
        datasource: options.datasource,
        createdAt: now,
        updatedAt: now,
        createdBy: options.actor,
        updatedBy: options.actor,
        seq: this.store.takeSeq(),
      });
    }
    if (!existing) entity.seq = this.store.takeSeq();
    this.store.entitiesOf(blueprint.identifier).set(identifier, entity);
    return { identifier, created: !existing, entity };
  }

  /** null: clear the relation. Search queries resolve against the target blueprint's entities. */
  private relationTargets(target: string, value: string | string[] | Query | null, identifier: string, key: string): string[] | null {
    if (value === null) return null;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value;
    const found = this.search(target, value, MAX_RELATION_MATCHES + 1);
    if (found.length > MAX_RELATION_MATCHES) {
      throw new PortApiError(422, 'bad_request', `Entity "${identifier}": the search query of relation "${key}" matched more than ${MAX_RELATION_MATCHES} entities.`);
    }
    if (found.length === 0) {
      throw notFound(`Entity "${identifier}": the search query of relation "${key}" matched no entity of blueprint "${target}".`);
    }
    return found.map((e) => e.identifier);
  }

  /** Teams given as a search query resolve against the `_team` blueprint, if one was seeded. */
  private resolveTeam(team: string[] | Query | null): string[] {
    if (team === null) return [];
    if (Array.isArray(team)) return [...new Set(team)];
    return this.search(TEAM_BLUEPRINT, team, MAX_RELATION_MATCHES).map((e) => e.identifier);
  }

  private search(blueprint: string, query: Query, limit: number): StoredEntity[] {
    const found: StoredEntity[] = [];
    for (const entity of this.store.entities.get(blueprint)?.values() ?? []) {
      if (matches(query, entity)) {
        found.push(entity);
        if (found.length >= limit) break;
      }
    }
    return found;
  }
}
