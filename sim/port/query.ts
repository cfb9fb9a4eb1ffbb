import { PortApiError, routeSchemaMismatch } from './errors';
import type { StoredEntity } from './model';
import { isPlainObject } from './validate';

/**
 * Port's entity query language (port-api-and-ocean-core.md §5.1): `{combinator, rules}` where a
 * rule is `{property, operator, value}` or another query. Used by `POST /v1/entities/search` and
 * to resolve search-query identifiers, relations and teams inside entity bodies.
 */
export type Query = { combinator: 'and' | 'or'; rules: (Query | Rule)[] };
export type Rule = { property: string; operator: string; value?: unknown };

export const SEARCH_OPERATORS = new Set([
  '=', '!=', 'in', 'notIn', 'contains', 'doesNotContains', 'containsAny', 'beginsWith', 'doesNotBeginsWith',
  'endsWith', 'doesNotEndsWith', 'isEmpty', 'isNotEmpty', '>', '>=', '<', '<=', 'between', 'notBetween',
]);
/** Port documents these but the simulator does not evaluate them; they answer 422 with a clear message. */
const UNSUPPORTED_OPERATORS = new Set(['relatedTo', 'matchAny', 'isExpired', 'isNotExpired']);
/** Entity bodies allow only these in search-query identifiers, relations and teams (§5.1). */
export const ENTITY_BODY_OPERATORS = new Set(['=', 'in', 'containsAny', 'contains']);

export function isQueryShape(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && 'combinator' in value && 'rules' in value;
}

/** Checks a query's structure; a mismatch is the route schema's 422 naming the path. */
export function parseQuery(value: unknown, path: string, operators: Set<string> = SEARCH_OPERATORS): Query {
  if (!isPlainObject(value)) throw routeSchemaMismatch([{ path, message: 'must be an object {combinator, rules}' }]);
  const { combinator, rules } = value;
  if (combinator !== 'and' && combinator !== 'or') throw routeSchemaMismatch([{ path: `${path}.combinator`, message: 'must be "and" or "or"' }]);
  if (!Array.isArray(rules)) throw routeSchemaMismatch([{ path: `${path}.rules`, message: 'must be an array' }]);
  const parsed = rules.map((rule: unknown, i): Query | Rule => {
    const rulePath = `${path}.rules.${i}`;
    if (isPlainObject(rule) && 'combinator' in rule) return parseQuery(rule, rulePath, operators);
    if (!isPlainObject(rule)) throw routeSchemaMismatch([{ path: rulePath, message: 'must be a rule or a nested query' }]);
    const { property, operator } = rule;
    if ('propertySchema' in rule && operators === SEARCH_OPERATORS) {
      throw new PortApiError(422, 'bad_request', 'Property-schema search rules are valid in Port but not implemented by the simulator.');
    }
    if (typeof operator !== 'string') throw routeSchemaMismatch([{ path: `${rulePath}.operator`, message: 'is required' }]);
    if (UNSUPPORTED_OPERATORS.has(operator) && operators === SEARCH_OPERATORS) {
      throw new PortApiError(422, 'bad_request', `The search operator "${operator}" is valid in Port but not implemented by the simulator.`);
    }
    if (!operators.has(operator)) {
      throw routeSchemaMismatch([{ path: `${rulePath}.operator`, message: `"${operator}" is not one of ${[...operators].join(', ')}` }]);
    }
    if (typeof property !== 'string' || property.length === 0) throw routeSchemaMismatch([{ path: `${rulePath}.property`, message: 'must be a non-empty string' }]);
    checkValue(operator, rule['value'], 'value' in rule, `${rulePath}.value`);
    return { property, operator, value: rule['value'] };
  });
  return { combinator, rules: parsed };
}

function checkValue(operator: string, value: unknown, present: boolean, path: string): void {
  const fail = (message: string) => routeSchemaMismatch([{ path, message }]);
  if (operator === 'isEmpty' || operator === 'isNotEmpty') return;
  if (!present) throw fail('is required');
  if (operator === 'in' || operator === 'notIn' || operator === 'containsAny') {
    if (!Array.isArray(value)) throw fail(`must be an array for "${operator}"`);
  } else if (operator === 'between' || operator === 'notBetween') {
    if (!isPlainObject(value) || typeof value['from'] !== 'string' || typeof value['to'] !== 'string') throw fail('must be {from, to} date-times');
  } else if (['>', '>=', '<', '<='].includes(operator)) {
    if (typeof value !== 'number' && typeof value !== 'string') throw fail('must be a number or a date-time');
  } else if (isPlainObject(value)) {
    throw fail('must be a string, number, boolean, null or array');
  }
}

const META: Record<string, (e: StoredEntity) => unknown> = {
  $identifier: (e) => e.identifier,
  $title: (e) => e.title,
  $icon: (e) => e.icon,
  $blueprint: (e) => e.blueprint,
  $team: (e) => e.team,
  $datasource: (e) => e.datasource,
  $createdAt: (e) => e.createdAt,
  $updatedAt: (e) => e.updatedAt,
  $createdBy: (e) => e.createdBy,
  $updatedBy: (e) => e.updatedBy,
};

/** Reads `$meta`, `properties.x`, `relations.x` or a plain property/relation id from an entity. */
export function readProperty(entity: StoredEntity, property: string): unknown {
  const meta = META[property];
  if (meta) return meta(entity);
  if (property.startsWith('properties.')) return entity.properties[property.slice('properties.'.length)];
  if (property.startsWith('relations.')) return entity.relations[property.slice('relations.'.length)];
  if (property in entity.properties) return entity.properties[property];
  return entity.relations[property];
}

export function matches(query: Query, entity: StoredEntity): boolean {
  const test = (rule: Query | Rule) => ('combinator' in rule ? matches(rule, entity) : matchRule(rule, entity));
  return query.combinator === 'and' ? query.rules.every(test) : query.rules.some(test);
}

function matchRule(rule: Rule, entity: StoredEntity): boolean {
  const actual = readProperty(entity, rule.property);
  const value = rule.value;
  switch (rule.operator) {
    case '=':
      return equals(actual, value);
    case '!=':
      return !equals(actual, value);
    case 'in':
      return asArray(value).some((v) => equals(actual, v));
    case 'notIn':
      return !asArray(value).some((v) => equals(actual, v));
    case 'contains':
      return Array.isArray(value) ? value.some((v) => contains(actual, v)) : contains(actual, value);
    case 'containsAny':
      return asArray(value).some((v) => contains(actual, v));
    case 'doesNotContains':
      return !(Array.isArray(value) ? value.some((v) => contains(actual, v)) : contains(actual, value));
    case 'beginsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
    case 'doesNotBeginsWith':
      return !(typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value));
    case 'endsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.endsWith(value);
    case 'doesNotEndsWith':
      return !(typeof actual === 'string' && typeof value === 'string' && actual.endsWith(value));
    case 'isEmpty':
      return isEmpty(actual);
    case 'isNotEmpty':
      return !isEmpty(actual);
    case '>':
    case '>=':
    case '<':
    case '<=':
      return compare(actual, value, rule.operator);
    case 'between':
    case 'notBetween': {
      const range = value as { from: string; to: string };
      const t = toTime(actual);
      const inside = t !== undefined && t >= Date.parse(range.from) && t <= Date.parse(range.to);
      return rule.operator === 'between' ? inside : !inside;
    }
    default:
      return false;
  }
}

/** `=` against an array (team, many relation, array property) means "contains this element". */
function equals(actual: unknown, value: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => equals(item, value));
  if (value === null) return actual === null || actual === undefined;
  return actual === value;
}

function contains(actual: unknown, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(actual)) return actual.some((item) => item === value || (typeof item === 'string' && typeof value === 'string' && item.includes(value)));
  return typeof actual === 'string' && typeof value === 'string' && actual.includes(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

function toTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function compare(actual: unknown, value: unknown, operator: '>' | '>=' | '<' | '<='): boolean {
  let a: number | undefined;
  let b: number | undefined;
  if (typeof actual === 'number' && typeof value === 'number') {
    a = actual;
    b = value;
  } else {
    a = toTime(actual);
    b = toTime(value);
  }
  if (a === undefined || b === undefined) return false;
  switch (operator) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

/**
 * Narrows the candidates of an `and` query by its `$blueprint` and `$identifier` equality rules,
 * so the engine's identifier-batch searches do not scan the whole catalog.
 */
export function candidateHints(query: Query): { blueprints?: Set<string>; identifiers?: Set<string> } {
  if (query.combinator !== 'and') return {};
  const hints: { blueprints?: Set<string>; identifiers?: Set<string> } = {};
  for (const rule of query.rules) {
    if ('combinator' in rule) continue;
    const values = rule.operator === '=' ? [rule.value] : rule.operator === 'in' && Array.isArray(rule.value) ? rule.value : undefined;
    if (!values) continue;
    const set = new Set(values.filter((v): v is string => typeof v === 'string'));
    if (rule.property === '$blueprint') hints.blueprints = intersect(hints.blueprints, set);
    if (rule.property === '$identifier') hints.identifiers = intersect(hints.identifiers, set);
  }
  return hints;
}

function intersect(a: Set<string> | undefined, b: Set<string>): Set<string> {
  if (!a) return b;
  return new Set([...a].filter((x) => b.has(x)));
}
