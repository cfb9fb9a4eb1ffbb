/**
 * What one request of each route costs in TSTUs, learned from the service's own readings. Routes
 * cost very different amounts (a WIQL or a work-item batch many times a plain listing,
 * azure-devops-api.md §3.1), so pacing by one average cost per request either overspends while
 * expensive requests go out or leaves most of the window unspent after they have left it.
 */
export class RouteCosts {
  private readonly costs = new Map<string, number>();
  /** For a route not learned yet: the average cost per request of the latest reading. */
  private fallback = 1;

  estimate(route: string): { cost: number; learned: boolean } {
    const cost = this.costs.get(route);
    return cost === undefined ? { cost: this.fallback, learned: false } : { cost, learned: true };
  }

  /** One request of `route` was seen to cost `cost` (the integer `Remaining` makes it ±1). */
  learn(route: string, cost: number): void {
    const before = this.costs.get(route);
    const sample = Math.max(0, cost);
    this.costs.set(route, before === undefined ? sample : before * 0.5 + sample * 0.5);
  }

  setFallback(cost: number): void {
    if (Number.isFinite(cost) && cost > 0) this.fallback = cost;
  }
}

/**
 * A request's route: its method and the path after `_apis/`, with every segment that names one
 * thing (an id, a number, a descriptor: anything with a digit) as `*`, so that all reads of one
 * endpoint share a cost.
 */
export function routeOf(method: string, url: URL): string {
  const path = url.pathname;
  const apis = path.toLowerCase().indexOf('/_apis/');
  const tail = apis >= 0 ? path.slice(apis + '/_apis/'.length) : path;
  const segments = tail.split('/').map((segment) => (/\d/.test(segment) || segment.length > 40 ? '*' : segment.toLowerCase()));
  return `${method} ${segments.join('/')}`;
}
