import { isIPv4, isIPv6 } from 'node:net';
import type { PropertySchema } from './model';
import { isPlainObject } from './validate';

/**
 * Checks one entity property value against its blueprint property schema, the way Port's JSON
 * schema validation does (type, format, enum and the common JSON-Schema keywords, §6).
 * Returns a reason when the value does not fit, undefined when it does.
 */
export function checkPropertyValue(schema: PropertySchema, value: unknown): string | undefined {
  const typeProblem = checkType(schema.type, value);
  if (typeProblem) return typeProblem;
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    return `must be one of ${JSON.stringify(schema.enum)}, got ${short(value)}`;
  }
  if (typeof value === 'string') {
    if (schema.format) {
      const formatProblem = checkFormat(schema.format, value);
      if (formatProblem) return formatProblem;
    }
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) return `must be at least ${schema['minLength']} characters`;
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) return `must be at most ${schema['maxLength']} characters`;
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value)) return `must match the pattern ${schema['pattern']}`;
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return `must be >= ${schema['minimum']}`;
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return `must be <= ${schema['maximum']}`;
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) return `must have at least ${schema['minItems']} items`;
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) return `must have at most ${schema['maxItems']} items`;
    if (schema['uniqueItems'] === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return 'must not contain duplicate items';
    const items = schema.items;
    if (items?.type) {
      for (let i = 0; i < value.length; i++) {
        const itemProblem = checkPropertyValue({ ...items, type: items.type as PropertySchema['type'] }, value[i]);
        if (itemProblem) return `item ${i} ${itemProblem}`;
      }
    }
  }
  return undefined;
}

function checkType(type: PropertySchema['type'], value: unknown): string | undefined {
  const ok =
    type === 'string' ? typeof value === 'string'
    : type === 'number' ? typeof value === 'number' && Number.isFinite(value)
    : type === 'boolean' ? typeof value === 'boolean'
    : type === 'array' ? Array.isArray(value)
    : isPlainObject(value);
  return ok ? undefined : `must be of type ${type}, got ${short(value)}`;
}

/** RFC 3339 date-time; Azure DevOps' 7-digit fractions are fine, a missing offset is not. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkFormat(format: string, value: string): string | undefined {
  switch (format) {
    case 'date-time':
    case 'timer':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : `must be a date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z), got ${short(value)}`;
    case 'url':
      return isAbsoluteUrl(value) ? undefined : `must be a URL, got ${short(value)}`;
    case 'email':
    case 'idn-email':
      return EMAIL.test(value) ? undefined : `must be an e-mail address, got ${short(value)}`;
    case 'ipv4':
      return isIPv4(value) ? undefined : `must be an IPv4 address, got ${short(value)}`;
    case 'ipv6':
      return isIPv6(value) ? undefined : `must be an IPv6 address, got ${short(value)}`;
    default:
      return undefined;
  }
}

function isAbsoluteUrl(value: string): boolean {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) && new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
