import { PortApiError } from './errors';

export type Reply = {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
};

export type RequestContext = {
  method: string;
  /** The raw (still percent-encoded) path. */
  path: string;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  userAgent: string | null;
  /** The client id the bearer token was issued to (null on unauthenticated routes). */
  clientId: string | null;
};

export type RouteHandler = (ctx: RequestContext) => Reply | Promise<Reply>;

export type Route = {
  method: string;
  pattern: string;
  /** Routes that need no bearer token: the token route itself and the ingest side channel. */
  public: boolean;
  handler: RouteHandler;
  segments: string[];
};

export type RouteMatch = { route: Route; params: Record<string, string> };

/**
 * A method + path table. Patterns use `:name` for one segment and a final `*` for the rest.
 * Segments are compared raw and decoded afterwards, so an entity identifier containing `/`
 * (allowed by Port, sent as `%2F`) stays one parameter.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler, options: { public?: boolean } = {}): void {
    this.routes.push({
      method,
      pattern,
      public: options.public ?? false,
      handler,
      segments: pattern.split('/').filter((s) => s.length > 0),
    });
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const parts = rawPath.split('/').filter((s) => s.length > 0);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { route, params };
    }
    return undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    if (expected === '*' && i === pattern.length - 1) {
      params['*'] = parts.slice(i).map(decodeSegment).join('/');
      return params;
    }
    const actual = parts[i];
    if (actual === undefined) return undefined;
    if (expected.startsWith(':')) params[expected.slice(1)] = decodeSegment(actual);
    else if (expected !== actual) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new PortApiError(400, 'bad_request', `The path segment '${segment}' is not valid percent-encoding.`);
  }
}
