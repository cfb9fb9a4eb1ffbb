import type { ServiceHost } from './hosts';

/**
 * Route matching. Paths are split at `_apis`: what comes before is the optional project and team
 * (path parameters the spec marks `x-ms-required: false`, azure-devops-api.md §1.4 item 4), what
 * comes after is matched against the route template, case-insensitively (the specs themselves
 * mix `pullRequests` and `pullrequests`).
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Which prefixes a route accepts before `_apis`:
 * - `org`: none (`/{org}/_apis/…`)
 * - `project`: the project (`/{org}/{project}/_apis/…`)
 * - `org-or-project`: project optional
 * - `project-or-team`: project required, team optional (work APIs default to the default team)
 * - `any`: project and team both optional (WIQL)
 */
export type Scope = 'org' | 'project' | 'org-or-project' | 'project-or-team' | 'any';

const PREFIX_LENGTHS: Record<Scope, readonly number[]> = {
  org: [0],
  project: [1],
  'org-or-project': [0, 1],
  'project-or-team': [1, 2],
  any: [0, 1, 2],
};

export interface RouteDefinition<H> {
  /** Stable id used for counters, throttle costs and fault targeting, e.g. `git.pullRequests.list`. */
  id: string;
  method: Method;
  /** Template after `_apis/`, e.g. `git/repositories/{repositoryId}/refs`. */
  path: string;
  scope: Scope;
  /** Cloud hosts that serve the route. */
  hosts: readonly ServiceHost[];
  /** Whether Azure DevOps Server has it. */
  server: boolean;
  /** Current version as the spec declares it (`7.1`, `7.1-preview.3`). */
  version: string;
  /**
   * Whether an answer depends only on the request and the organization, so it may be replayed
   * while the organization is unchanged (`server/answer-memo.ts`). Not where it reads the clock or
   * service-hook state, nor where the request changes something.
   */
  replayable: boolean;
  handler: H;
}

export interface RouteMatch<H> {
  route: RouteDefinition<H>;
  params: Record<string, string>;
  project: string | undefined;
  team: string | undefined;
}

export type MatchResult<H> = { kind: 'match'; match: RouteMatch<H> } | { kind: 'method-not-allowed' } | { kind: 'not-found' };

interface CompiledRoute<H> {
  route: RouteDefinition<H>;
  parts: { literal?: string; param?: string; rest?: boolean }[];
}

export class Router<H> {
  private readonly compiled: CompiledRoute<H>[] = [];

  constructor(routes: readonly RouteDefinition<H>[]) {
    for (const route of routes) {
      const parts = route.path.split('/').filter(Boolean).map((part) => {
        const param = /^\{(\*?)(.+)\}$/.exec(part);
        return param ? { param: param[2], rest: param[1] === '*' } : { literal: part.toLowerCase() };
      });
      this.compiled.push({ route, parts });
    }
    // Literal segments win over parameters (`work/boards/boardparents` before `work/boards/{id}`).
    const params = (c: CompiledRoute<H>) => c.parts.filter((p) => p.param !== undefined).length + (c.parts.some((p) => p.rest) ? 10 : 0);
    this.compiled.sort((a, b) => params(a) - params(b));
  }

  get routes(): RouteDefinition<H>[] {
    return this.compiled.map((c) => c.route);
  }

  /**
   * Matches segments (after the organization) for a host. Routes served on other hosts do not
   * match: a request for an area on the wrong host gets the 404 the real service returns.
   */
  match(method: string, segments: readonly string[], host: ServiceHost | 'server'): MatchResult<H> {
    const apis = segments.findIndex((s) => s.toLowerCase() === '_apis');
    if (apis < 0 || apis > 2) return { kind: 'not-found' };
    const prefix = segments.slice(0, apis);
    const rest = segments.slice(apis + 1);
    let pathMatched = false;
    for (const { route, parts } of this.compiled) {
      if (host === 'server' ? !route.server : !route.hosts.includes(host)) continue;
      if (!PREFIX_LENGTHS[route.scope].includes(prefix.length)) continue;
      const restParam = parts[parts.length - 1]?.rest === true;
      if (restParam ? rest.length < parts.length : parts.length !== rest.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const part = parts[i];
        const segment = rest[i] ?? '';
        if (part?.literal !== undefined) ok = part.literal === segment.toLowerCase();
        else if (part?.param !== undefined) params[part.param] = part.rest ? rest.slice(i).join('/') : segment;
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      return { kind: 'match', match: { route, params, project: prefix[0], team: prefix[1] } };
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}
