import { z } from 'zod';
import { identifierTaken, notFound, PortApiError } from './errors';
import {
  BLUEPRINT_IDENTIFIER,
  BLUEPRINT_IDENTIFIER_MAX,
  PROPERTY_IDENTIFIER,
  PROPERTY_IDENTIFIER_MAX,
} from './identifiers';
import type { Blueprint, PropertySchema, RelationSchema } from './model';
import type { Router } from './router';
import type { Clock, PortStore } from './store';
import { parseRoute } from './validate';

/** Blueprint schema format, port-api-and-ocean-core.md §6. */
export const PROPERTY_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;
export const PROPERTY_FORMATS = [
  'date-time', 'url', 'email', 'idn-email', 'ipv4', 'ipv6', 'markdown', 'yaml', 'user',
  'blueprints', 'team', 'timer', 'proto', 'labeled-url',
] as const;

const propertyId = z
  .string()
  .max(PROPERTY_IDENTIFIER_MAX, `identifiers are at most ${PROPERTY_IDENTIFIER_MAX} characters`)
  .regex(PROPERTY_IDENTIFIER, 'identifiers may only contain A-Z a-z 0-9 @ _ = -');

const propertySchema = z.looseObject({
  type: z.enum(PROPERTY_TYPES),
  format: z.enum(PROPERTY_FORMATS).optional(),
  title: z.string().max(100).optional(),
  description: z.string().optional(),
  icon: z.string().optional(),
  enum: z.array(z.unknown()).min(1).optional(),
  items: z.looseObject({ type: z.enum(PROPERTY_TYPES).optional(), format: z.enum(PROPERTY_FORMATS).optional() }).optional(),
  spec: z.enum(['open-api', 'embedded-url', 'async-api']).optional(),
});

const relationSchema = z.looseObject({
  target: z.string().min(1),
  required: z.boolean().default(false),
  many: z.boolean().default(false),
  title: z.string().max(100).optional(),
  description: z.string().optional(),
});

const MIRROR_PATH = /^(?:[A-Za-z0-9@_=\-$]+\.)+?(\w|\$|@|-)*?[^.]+$/;

const blueprintFields = {
  identifier: z
    .string()
    .max(BLUEPRINT_IDENTIFIER_MAX, `blueprint identifiers are at most ${BLUEPRINT_IDENTIFIER_MAX} characters`)
    .regex(BLUEPRINT_IDENTIFIER, 'blueprint identifiers may only contain letters, digits and @ _ . + : \\ / -'),
  title: z.string().min(1).max(100),
  description: z.string().max(200).optional(),
  icon: z.string().optional(),
  schema: z.looseObject({
    properties: z.record(propertyId, propertySchema),
    required: z.array(z.string()).optional(),
  }),
  relations: z.record(propertyId, relationSchema).optional(),
  mirrorProperties: z.record(propertyId, z.looseObject({ path: z.string().regex(MIRROR_PATH), title: z.string().optional() })).optional(),
  calculationProperties: z.record(propertyId, z.looseObject({ calculation: z.string(), type: z.enum(PROPERTY_TYPES) })).optional(),
  aggregationProperties: z.record(propertyId, z.looseObject({ title: z.string(), target: z.string(), calculationSpec: z.looseObject({}) })).optional(),
  ownership: z.unknown().optional(),
  teamInheritance: z.unknown().optional(),
  changelogDestination: z.unknown().optional(),
  // Read-only fields a client may echo back after a GET; accepted and ignored.
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  createdBy: z.unknown().optional(),
  updatedBy: z.unknown().optional(),
};

const blueprintBody = z.strictObject(blueprintFields);
const blueprintPatch = z.strictObject(blueprintFields).partial();

export type BlueprintInput = z.output<typeof blueprintBody>;
type BlueprintPatchInput = z.output<typeof blueprintPatch>;

function invalidBlueprint(message: string): PortApiError {
  return new PortApiError(422, 'invalid_blueprint', message);
}

export class BlueprintService {
  constructor(
    private readonly store: PortStore,
    private readonly clock: Clock,
  ) {}

  get(identifier: string): Blueprint {
    const blueprint = this.store.blueprints.get(identifier);
    if (!blueprint) throw notFound(`Blueprint with identifier "${identifier}" was not found`);
    return blueprint;
  }

  create(body: unknown, actor: string): Blueprint {
    const input = parseRoute(blueprintBody, body);
    if (this.store.blueprints.has(input.identifier)) {
      throw identifierTaken(`A blueprint with identifier "${input.identifier}" already exists`);
    }
    const now = this.clock.now();
    const blueprint = this.build(input, { createdAt: now, createdBy: actor }, now, actor);
    this.store.blueprints.set(blueprint.identifier, blueprint);
    return blueprint;
  }

  /** PATCH: the given top-level keys replace the stored ones (schema, relations… as a whole). */
  patch(identifier: string, body: unknown, actor: string): Blueprint {
    const existing = this.get(identifier);
    const input: BlueprintPatchInput = parseRoute(blueprintPatch, body);
    if (input.identifier !== undefined && input.identifier !== identifier) {
      throw invalidBlueprint(`The body's identifier "${input.identifier}" differs from the path's "${identifier}"; blueprints cannot be renamed here.`);
    }
    const merged: BlueprintInput = { ...toInput(existing), ...stripUndefined(input), identifier };
    return this.replace(existing, merged, actor);
  }

  /** PUT: the body is the whole new blueprint. */
  put(identifier: string, body: unknown, actor: string): Blueprint {
    const existing = this.get(identifier);
    const input = parseRoute(blueprintBody, body);
    if (input.identifier !== identifier) {
      throw invalidBlueprint(`The body's identifier "${input.identifier}" differs from the path's "${identifier}"; blueprints cannot be renamed here.`);
    }
    return this.replace(existing, input, actor);
  }

  delete(identifier: string): void {
    this.get(identifier);
    const count = this.store.countEntities(identifier);
    if (count > 0) {
      throw new PortApiError(409, 'blueprint_has_entities', `Blueprint "${identifier}" still has ${count} entities; delete them first.`);
    }
    for (const other of this.store.blueprints.values()) {
      if (other.identifier === identifier) continue;
      for (const [relationId, relation] of Object.entries(other.relations)) {
        if (relation.target === identifier) {
          throw new PortApiError(409, 'blueprint_is_relation_target', `Blueprint "${identifier}" is the target of relation "${relationId}" of blueprint "${other.identifier}"; remove that relation first.`);
        }
      }
    }
    this.store.blueprints.delete(identifier);
    this.store.entities.delete(identifier);
  }

  /** Validates and stores a blueprint directly (seeding), replacing any with the same identifier. */
  seed(body: unknown, actor: string): Blueprint {
    const input = parseRoute(blueprintBody, body);
    const existing = this.store.blueprints.get(input.identifier);
    if (existing) return this.replace(existing, input, actor);
    const now = this.clock.now();
    const blueprint = this.build(input, { createdAt: now, createdBy: actor }, now, actor);
    this.store.blueprints.set(blueprint.identifier, blueprint);
    return blueprint;
  }

  private replace(existing: Blueprint, input: BlueprintInput, actor: string): Blueprint {
    for (const [id, property] of Object.entries(input.schema.properties)) {
      const before = existing.schema.properties[id];
      if (before && before.type !== property.type) {
        throw invalidBlueprint(`Property "${id}" is of type "${before.type}"; a property's type cannot be changed after creation (found "${property.type}").`);
      }
    }
    const blueprint = this.build(input, existing, this.clock.now(), actor);
    this.store.blueprints.set(blueprint.identifier, blueprint);
    return blueprint;
  }

  private build(input: BlueprintInput, created: { createdAt: string; createdBy: string }, now: string, actor: string): Blueprint {
    const properties = input.schema.properties as Record<string, PropertySchema>;
    const required = input.schema.required ?? [];
    for (const id of required) {
      if (!(id in properties)) throw invalidBlueprint(`schema.required names "${id}", which is not a property of the blueprint.`);
    }
    const relations: Record<string, RelationSchema> = {};
    for (const [id, relation] of Object.entries(input.relations ?? {})) {
      if (id in properties) throw invalidBlueprint(`"${id}" is both a property and a relation; identifiers must be unique within a blueprint.`);
      if (relation.target !== input.identifier && !this.store.blueprints.has(relation.target)) {
        throw notFound(`Relation "${id}" targets blueprint "${relation.target}", which does not exist. Create the target blueprint first.`);
      }
      relations[id] = relation;
    }
    for (const [id, mirror] of Object.entries(input.mirrorProperties ?? {})) {
      const relation = mirror.path.split('.')[0] as string;
      if (!(relation in relations)) throw invalidBlueprint(`Mirror property "${id}" starts at "${relation}", which is not a relation of the blueprint.`);
    }
    const blueprint: Blueprint = {
      identifier: input.identifier,
      title: input.title,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.icon !== undefined ? { icon: input.icon } : {}),
      schema: { ...input.schema, properties, required },
      relations,
      mirrorProperties: input.mirrorProperties ?? {},
      calculationProperties: input.calculationProperties ?? {},
      aggregationProperties: input.aggregationProperties ?? {},
      ...(input.ownership !== undefined ? { ownership: input.ownership } : {}),
      ...(input.teamInheritance !== undefined ? { teamInheritance: input.teamInheritance } : {}),
      ...(input.changelogDestination !== undefined ? { changelogDestination: input.changelogDestination } : {}),
      createdAt: created.createdAt,
      createdBy: created.createdBy,
      updatedAt: now,
      updatedBy: actor,
    };
    return blueprint;
  }
}

function toInput(blueprint: Blueprint): BlueprintInput {
  const { createdAt: _c, updatedAt: _u, createdBy: _cb, updatedBy: _ub, ...rest } = blueprint;
  return rest as BlueprintInput;
}

function stripUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function registerBlueprintRoutes(router: Router, blueprints: BlueprintService, store: PortStore): void {
  router.add('GET', '/v1/blueprints', () => ({ status: 200, body: { ok: true, blueprints: [...store.blueprints.values()] } }));
  router.add('POST', '/v1/blueprints', (ctx) => ({ status: 201, body: { ok: true, blueprint: blueprints.create(ctx.body, actorOf(ctx.clientId)) } }));
  router.add('GET', '/v1/blueprints/:identifier', (ctx) => ({ status: 200, body: { ok: true, blueprint: blueprints.get(ctx.params['identifier'] as string) } }));
  router.add('PATCH', '/v1/blueprints/:identifier', (ctx) => ({
    status: 200,
    body: { ok: true, blueprint: blueprints.patch(ctx.params['identifier'] as string, ctx.body, actorOf(ctx.clientId)) },
  }));
  router.add('PUT', '/v1/blueprints/:identifier', (ctx) => ({
    status: 200,
    body: { ok: true, blueprint: blueprints.put(ctx.params['identifier'] as string, ctx.body, actorOf(ctx.clientId)) },
  }));
  router.add('DELETE', '/v1/blueprints/:identifier', (ctx) => {
    blueprints.delete(ctx.params['identifier'] as string);
    return { status: 200, body: { ok: true } };
  });
}

export function actorOf(clientId: string | null): string {
  return clientId ?? 'simulator';
}
