import type { AdoRequest, AzureDevOpsClient } from '../azure-devops/client';

/** Rewrites a kind's request so that it asks only for the items one event is about. */
export type Narrowing = (request: AdoRequest) => AdoRequest;

/**
 * The same client, with every request passed through `narrow` first. A kind's listing then runs
 * unchanged (its paging, enrichment and rules) but reads one item instead of a project's worth:
 * the re-fetched item is exactly what a full sync maps. Everything else (URLs, metrics) is the
 * client's own. `withMetrics()` on the result returns a plain client: kinds never call it.
 */
export function narrowingClient(client: AzureDevOpsClient, narrow: Narrowing): AzureDevOpsClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'request') return (request: AdoRequest) => target.request(narrow(request));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Adds query parameters to requests whose path ends with `suffix`. */
export function withQuery(suffix: RegExp, query: Readonly<Record<string, string | number | undefined>>): Narrowing {
  return (request) => (suffix.test(request.path) ? { ...request, query: { ...request.query, ...query } } : request);
}

export class NarrowingError extends Error {}

/**
 * Adds a condition to a WIQL query (`… WHERE <conditions> ORDER BY …`). A query without a WHERE
 * clause cannot be narrowed safely: the listing would read the whole project, so this refuses.
 */
export function withWiqlCondition(condition: string): Narrowing {
  return (request) => {
    // Organization-wide (`_apis/wit/wiql`) or under a project (`{project}/_apis/wit/wiql`).
    if (!/(^|\/)_apis\/wit\/wiql$/.test(request.path)) return request;
    const body = request.body as { query?: unknown } | undefined;
    const query = typeof body?.query === 'string' ? body.query : undefined;
    const where = query ? /\sWHERE\s/i.exec(query) : null;
    if (!query || !where) throw new NarrowingError('the work-item listing could not be narrowed to one item (its WIQL query has no WHERE clause)');
    const at = where.index + where[0].length;
    return { ...request, body: { ...body, query: `${query.slice(0, at)}${condition} AND ${query.slice(at)}` } };
  };
}
