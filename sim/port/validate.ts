import type { z } from 'zod';
import { routeSchemaMismatch } from './errors';

export type SchemaIssue = { path: string; message: string };

/** Validates a request body or query against a route schema; a mismatch is Port's 422. */
export function parseRoute<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw routeSchemaMismatch(describeIssues(result.error.issues));
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): SchemaIssue[] {
  return issues.slice(0, 20).map((issue) => ({
    path: issue.path.map((p) => String(p)).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Port's boolean query parameters take `true`/`false`; anything else fails the route schema. */
export function booleanQuery(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw routeSchemaMismatch([{ path: `querystring.${name}`, message: `must be true or false, got '${raw}'` }]);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
