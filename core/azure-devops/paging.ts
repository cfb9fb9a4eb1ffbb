import type { AdoRequest, AzureDevOpsClient } from './client';
import { AzureDevOpsResponseError } from './errors';
import { isJsonObject } from '../util/json-object';

export type RawItem = Record<string, unknown>;

/**
 * The closed set of ways Azure DevOps pages a list (azure-devops-api.md §1.4, §3.3). Each list
 * endpoint declares one; the loop for each exists once, here.
 */
export type Paging =
  /** One `{count, value}` answer. */
  | { type: 'single' }
  /** `x-ms-continuationtoken` response header, sent back as `continuationToken`. */
  | { type: 'continuation-header'; pageSize: number; topParam: string }
  /** Token in the body (user entitlements: `{items, continuationToken}`). */
  | { type: 'continuation-body'; pageSize?: number; topParam?: string; itemsField: string; tokenField: string }
  /** `$top`/`$skip`; a page shorter than `$top` is the last one. */
  | { type: 'top-skip'; pageSize: number; topParam: string; skipParam: string }
  /**
   * A POST whose body carries the page size and the token from the last `x-ms-continuationtoken`
   * header (wiki pages batch). Every non-empty batch carries a token, the last one too (wiki 7.1
   * examples): a batch shorter than asked is the last.
   */
  | { type: 'continuation-header-in-body'; pageSize: number; topField: string; tokenField: string };

export const paging = {
  single: (): Paging => ({ type: 'single' }),
  continuationHeader: (pageSize: number, topParam = '$top'): Paging => ({ type: 'continuation-header', pageSize, topParam }),
  continuationBody: (options: { itemsField: string; tokenField?: string; pageSize?: number; topParam?: string }): Paging => ({
    type: 'continuation-body',
    tokenField: 'continuationToken',
    ...options,
  }),
  topSkip: (pageSize: number, topParam = '$top', skipParam = '$skip'): Paging => ({ type: 'top-skip', pageSize, topParam, skipParam }),
  continuationHeaderInBody: (pageSize: number, topField = 'top', tokenField = 'continuationToken'): Paging => ({ type: 'continuation-header-in-body', pageSize, topField, tokenField }),
};


/** Streams the pages of one list request. Throws (so the listing is marked incomplete) on any failed page. */
export async function* listPages(client: AzureDevOpsClient, request: AdoRequest, strategy: Paging): AsyncGenerator<RawItem[]> {
  const describe = () => client.urlOf({ ...request, query: {} }).replace(/\?.*$/, '');
  switch (strategy.type) {
    case 'single': {
      const response = await client.request(request);
      yield itemsOf(response.body, 'value', describe);
      return;
    }
    case 'continuation-header':
    case 'continuation-body':
    case 'continuation-header-in-body': {
      const seen = new Set<string>();
      let token: string | undefined;
      for (;;) {
        let page: AdoRequest;
        if (strategy.type === 'continuation-header-in-body') {
          const body = { ...(request.body as Record<string, unknown> | undefined), [strategy.topField]: strategy.pageSize, ...(token !== undefined ? { [strategy.tokenField]: token } : {}) };
          page = { ...request, body };
        } else {
          const query = { ...request.query };
          if (strategy.type === 'continuation-header' || strategy.pageSize) {
            query[(strategy.topParam ?? '$top')] = strategy.pageSize;
          }
          if (token !== undefined) query.continuationToken = token;
          page = { ...request, query };
        }
        const response = await client.request(page);
        const items = strategy.type === 'continuation-body' ? itemsOf(response.body, strategy.itemsField, describe) : itemsOf(response.body, 'value', describe);
        yield items;
        if (strategy.type === 'continuation-header-in-body' && items.length < strategy.pageSize) return;
        const next = strategy.type === 'continuation-body' ? tokenOf(response.body, strategy.tokenField) : response.headers['x-ms-continuationtoken'];
        if (!next) return;
        if (seen.has(next)) {
          // Seen on builds (vsts-rest-api-specs#178): a repeated token would loop forever.
          throw new AzureDevOpsResponseError(`${describe()} returned a continuation token it had already returned; the listing cannot be completed.`, describe());
        }
        seen.add(next);
        token = next;
      }
    }
    case 'top-skip': {
      let previous: string | undefined;
      for (let skip = 0; ; ) {
        const query = { ...request.query, [strategy.topParam]: strategy.pageSize, [strategy.skipParam]: skip };
        const response = await client.request({ ...request, query });
        const items = itemsOf(response.body, 'value', describe);
        // A service (or proxy) that drops `$skip` answers the first page forever; a full page whose
        // first and last items are those of the page before is that, not new data.
        const edges = items.length > 0 ? JSON.stringify([items[0], items[items.length - 1]]) : undefined;
        if (edges !== undefined && edges === previous) {
          throw new AzureDevOpsResponseError(`${describe()} answered ${strategy.skipParam}=${skip} with the same page as before; the listing cannot be completed.`, describe());
        }
        previous = edges;
        if (items.length > 0) yield items;
        if (items.length < strategy.pageSize) return;
        skip += items.length;
      }
    }
  }
}

/**
 * The list in `field`, checked to be an array of objects. Checked by hand rather than with zod:
 * a schema parse copies every item, and pages are most of what a sync reads (docs/performance.md).
 */
function itemsOf(body: unknown, field: string, describe: () => string): RawItem[] {
  const list = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (!isListOfObjects(list)) {
    throw new AzureDevOpsResponseError(`${describe()} did not answer with a list in '${field}'.`, describe());
  }
  return list;
}

/** An array whose every element is a JSON object (not null, not an array). */
export function isListOfObjects(value: unknown): value is RawItem[] {
  return Array.isArray(value) && (value as unknown[]).every(isJsonObject);
}

function tokenOf(body: unknown, field: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
