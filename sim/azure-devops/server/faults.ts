/**
 * Fault injection per route: what a flaky network or a struggling service does to a client.
 * - `latency`: answer after `latencyMs` more.
 * - `status`: answer with an error status (default 503) and the standard error body.
 * - `reset`: destroy the socket without answering (ECONNRESET on the client).
 * - `timeout`: never answer (the client's timeout must fire).
 * - `truncate`: send the headers and half the body, then end the connection.
 * - `repeat-token`: a paged list answers with the continuation token it was given, forever
 *   (vsts-rest-api-specs#178 reports a token that returned the first page again).
 * - `ignore-skip`: a `$top`/`$skip` list answers every page as if `$skip` were 0 (a proxy or an
 *   older service version that drops the parameter): the same full page, forever.
 * - `body`: the route runs, then answers 200 with `body` instead (valid JSON of an unexpected
 *   shape: an older service version, a proxy, a preview API that changed).
 */
export type FaultKind = 'latency' | 'status' | 'reset' | 'timeout' | 'truncate' | 'repeat-token' | 'ignore-skip' | 'body';

export interface FaultSpec {
  kind: FaultKind;
  /** Route id (`git.refs.list`), or a prefix ending in `*` (`git.*`). Absent: every route. */
  route?: string;
  /** Substring of the request path. */
  path?: string;
  method?: string;
  /** Identity key (`pat:…`, `bearer:…`). */
  identity?: string;
  /** For `status`: the status code (default 503). */
  status?: number;
  /** For `latency`. */
  latencyMs?: number;
  /** For `body`: the JSON answered instead. */
  body?: unknown;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Apply to this many matching requests, then stop. Absent: until cleared. */
  times?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  seen: number;
  applied: number;
}

export interface FaultTarget {
  routeId: string;
  path: string;
  method: string;
  identity: string;
}

export class Faults {
  private readonly active: ActiveFault[] = [];
  private counter = 0;

  add(spec: FaultSpec): string {
    const id = `fault-${++this.counter}`;
    this.active.push({ ...spec, id, seen: 0, applied: 0 });
    return id;
  }

  clear(id?: string): void {
    if (id === undefined) this.active.length = 0;
    else {
      const index = this.active.findIndex((f) => f.id === id);
      if (index >= 0) this.active.splice(index, 1);
    }
  }

  list(): ActiveFault[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** The faults that apply to this request (each counted once). */
  take(target: FaultTarget): ActiveFault[] {
    const out: ActiveFault[] = [];
    for (const fault of this.active) {
      if (!matches(fault, target)) continue;
      fault.seen++;
      if (fault.seen <= (fault.skip ?? 0)) continue;
      if (fault.times !== undefined && fault.applied >= fault.times) continue;
      fault.applied++;
      out.push(fault);
    }
    return out;
  }
}

function matches(fault: FaultSpec, target: FaultTarget): boolean {
  if (fault.method && fault.method.toUpperCase() !== target.method) return false;
  if (fault.identity && fault.identity !== target.identity) return false;
  if (fault.path && !target.path.toLowerCase().includes(fault.path.toLowerCase())) return false;
  if (fault.route) {
    if (fault.route.endsWith('*')) return target.routeId.startsWith(fault.route.slice(0, -1));
    return fault.route === target.routeId;
  }
  return true;
}
