import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceHookStore } from '../hooks/subscriptions';
import type { OrganizationModel } from '../model/organization';
import type { Identity } from '../server/auth';
import type { ServiceHost, ServiceUrls } from '../wire/hosts';
import type { QueryParams } from '../wire/query';
import type { SimResponse } from '../wire/response';
import type { Method, RouteDefinition } from '../wire/router';

/** Everything a route handler may use to answer one request. */
export interface RequestContext {
  readonly method: Method;
  readonly routeId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: QueryParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when none). */
  readonly body: unknown;
  readonly org: OrganizationModel;
  readonly urls: ServiceUrls;
  readonly deployment: 'cloud' | 'server';
  /** The host the request came to (`server` for Azure DevOps Server). */
  readonly service: ServiceHost | 'server';
  readonly identity: Identity;
  /** Project and team path segments before `_apis`, as sent. */
  readonly projectSegment: string | undefined;
  readonly teamSegment: string | undefined;
  readonly hooks: ServiceHookStore;
}

/** What presenters need: the model and the URL form. Webhook payloads use it without a request. */
export type View = Pick<RequestContext, 'org' | 'urls'>;

export type Handler = (ctx: RequestContext) => SimResponse | Promise<SimResponse>;
export type Route = RouteDefinition<Handler>;
