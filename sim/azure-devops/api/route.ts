import type { ServiceHost } from '../wire/hosts';
import type { Method, Scope } from '../wire/router';
import type { Handler, Route } from './context';

export interface RouteOptions {
  /** Cloud hosts serving the route. Default: `core` (dev.azure.com). */
  hosts?: readonly ServiceHost[];
  /** Whether Azure DevOps Server has the route. Default: true. */
  server?: boolean;
  /** Whether an answer may be replayed while the organization is unchanged (`RouteDefinition.replayable`). Default: GET routes. */
  replayable?: boolean;
}

export function route(id: string, method: Method, path: string, scope: Scope, version: string, handler: Handler, options: RouteOptions = {}): Route {
  return { id, method, path, scope, version, handler, hosts: options.hosts ?? ['core'], server: options.server ?? true, replayable: options.replayable ?? method === 'GET' };
}
