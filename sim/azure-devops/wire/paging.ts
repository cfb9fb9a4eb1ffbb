import { errors } from './errors';
import type { QueryParams } from './query';

/**
 * Paging styles (azure-devops-api.md §1.4 item 3, §3.3). Limits per endpoint live in
 * `page-limits.ts`; the helpers here only slice.
 */

export interface PageLimit {
  /** Items per page when the client sends no size. `undefined`: everything (no paging). */
  defaultTop: number | undefined;
  /** Largest page the service returns; bigger requests are clamped. */
  maxTop: number;
}

/** Reads a page size parameter, applying the endpoint's default and maximum. */
export function pageSize(query: QueryParams, name: string, limit: PageLimit, whenAbsent?: number): number | undefined {
  const requested = query.int(name);
  if (requested === undefined) return whenAbsent ?? limit.defaultTop;
  if (requested < 0) throw errors.badRequest(`The value '${requested}' is not valid for ${name}. It must be zero or greater.`, 'InvalidArgumentValueException');
  return Math.min(requested, limit.maxTop);
}

/** `$top`/`$skip` paging: the client stops on a short page. */
export function topSkip<T>(items: readonly T[], query: QueryParams, limit: PageLimit, names = { top: '$top', skip: '$skip' }): T[] {
  const top = pageSize(query, names.top, limit);
  const skip = Math.max(0, query.int(names.skip) ?? 0);
  return items.slice(skip, top === undefined ? undefined : skip + top);
}

/**
 * Continuation paging: returns the page starting at `start` and the token of the next page (the
 * next item's token), or no token on the last page.
 */
export function continuationPage<T>(items: readonly T[], start: number, top: number | undefined, tokenOf: (item: T, index: number) => string): { page: T[]; next: string | undefined } {
  const end = top === undefined ? items.length : Math.min(items.length, start + top);
  const page = items.slice(start, end);
  const nextItem = items[end];
  return { page, next: end < items.length && nextItem !== undefined ? tokenOf(nextItem, end) : undefined };
}

/** Index of the first item whose token is the given one (tokens point at the next page's first item). */
export function startAt<T>(items: readonly T[], token: string | undefined, tokenOf: (item: T, index: number) => string, compare?: (item: T, token: string) => boolean): number {
  if (token === undefined || token === '') return 0;
  const index = compare ? items.findIndex((item) => compare(item, token)) : items.findIndex((item, i) => tokenOf(item, i) === token);
  return index < 0 ? items.length : index;
}

export function invalidToken(token: string): Error {
  return errors.badRequest(`The continuation token '${token}' is not valid.`, 'InvalidContinuationTokenException');
}

export const base64Token = {
  encode: (value: string) => Buffer.from(value, 'utf8').toString('base64'),
  decode: (token: string): string => {
    const text = Buffer.from(token, 'base64').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') !== token.replace(/=+$/, '')) throw invalidToken(token);
    return text;
  },
};
