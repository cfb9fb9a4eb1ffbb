import { z } from 'zod';
import { routeSchemaMismatch } from './errors';
import { ENTITY_IDENTIFIER, ENTITY_IDENTIFIER_MAX } from './identifiers';
import { ENTITY_BODY_OPERATORS, isQueryShape, parseQuery, type Query } from './query';
import { describeIssues } from './validate';

/**
 * An entity as a request body may give it (port-api-and-ocean-core.md §5.1): identifier, team
 * and relation values may be search queries; additional keys (such as `blueprint`) are allowed and
 * ignored. Structural problems fail the whole request with the route schema's 422, as Port's
 * schema validation does before any entity is looked at.
 */
export type EntityInput = {
  identifier?: string | Query;
  title?: string | null;
  icon?: string | null;
  team?: string[] | Query | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, string | string[] | Query | null>;
};

const entityShape = z.looseObject({
  identifier: z.unknown().optional(),
  title: z.string().nullable().optional(),
  icon: z.string().nullable().optional(),
  team: z.unknown().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  relations: z.record(z.string(), z.unknown()).optional(),
});

export function parseEntityInput(value: unknown, path: string): EntityInput {
  const result = entityShape.safeParse(value);
  if (!result.success) {
    throw routeSchemaMismatch(describeIssues(result.error.issues).map((i) => ({ ...i, path: join(path, i.path) })));
  }
  const raw = result.data;
  const input: EntityInput = {};
  if (raw.identifier !== undefined) input.identifier = parseIdentifierOrQuery(raw.identifier, join(path, 'identifier'));
  if ('title' in raw) input.title = raw.title ?? null;
  if ('icon' in raw) input.icon = raw.icon ?? null;
  if ('team' in raw) input.team = parseTeam(raw.team, join(path, 'team'));
  if (raw.properties !== undefined) input.properties = raw.properties;
  if (raw.relations !== undefined) {
    input.relations = {};
    for (const [key, relation] of Object.entries(raw.relations)) {
      input.relations[key] = parseRelationValue(relation, join(path, `relations.${key}`));
    }
  }
  return input;
}

function parseIdentifierOrQuery(value: unknown, path: string): string | Query {
  if (isQueryShape(value)) return parseQuery(value, path, ENTITY_BODY_OPERATORS);
  return checkIdentifier(value, path);
}

function checkIdentifier(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw routeSchemaMismatch([{ path, message: `must be a string or a search query, got ${JSON.stringify(value)}` }]);
  }
  if (value.length > ENTITY_IDENTIFIER_MAX) throw routeSchemaMismatch([{ path, message: `must be at most ${ENTITY_IDENTIFIER_MAX} characters` }]);
  if (!ENTITY_IDENTIFIER.test(value)) {
    throw routeSchemaMismatch([{ path, message: `"${value}" must match ${ENTITY_IDENTIFIER.source} (letters, digits and @ _ . + : \\ / = -)` }]);
  }
  return value;
}

function parseTeam(value: unknown, path: string): string[] | Query | null {
  if (value === null) return null;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  if (isQueryShape(value)) return parseQuery(value, path, ENTITY_BODY_OPERATORS);
  throw routeSchemaMismatch([{ path, message: 'must be a string, an array of strings, null or a search query' }]);
}

function parseRelationValue(value: unknown, path: string): string | string[] | Query | null {
  if (value === null) return null;
  if (typeof value === 'string') return checkIdentifier(value, path);
  if (Array.isArray(value)) return value.map((v, i) => checkIdentifier(v, `${path}.${i}`));
  if (isQueryShape(value)) return parseQuery(value, path, ENTITY_BODY_OPERATORS);
  throw routeSchemaMismatch([{ path, message: 'must be an identifier, an array of identifiers, null or a search query' }]);
}

function join(prefix: string, rest: string): string {
  if (!prefix) return rest;
  return rest === '(body)' ? prefix : `${prefix}.${rest}`;
}
