/**
 * This client's recent requests to one identity, oldest first, each with the route it took and
 * the TSTUs we believe it cost. Azure DevOps charges an identity's requests to a sliding window
 * (azure-devops-api.md §3.1) and says only how much of the window is spent; the client knows when
 * it spent it, on what, and so when each part comes back.
 *
 * Costs start as the route's estimate and are corrected by every reading of the service's usage
 * (`calibrate`): what the estimates miss is charged to the requests whose route has no learned cost
 * yet (a WIQL sent before the service said anything, say), so it leaves the window with them.
 */
export class SendLedger {
  private times: number[] = [];
  private routes: string[] = [];
  private costs: number[] = [];
  private learned: boolean[] = [];
  private head = 0;

  record(at: number, route: string, cost: number, learned: boolean): void {
    this.times.push(at);
    this.routes.push(route);
    this.costs.push(cost);
    this.learned.push(learned);
  }

  /** Forgets sends at or before `before` (they left every window that matters). */
  forget(before: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? Infinity) <= before) this.head++;
    // Compact once the forgotten prefix is most of the arrays, so memory follows the window.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.routes = this.routes.slice(this.head);
      this.costs = this.costs.slice(this.head);
      this.learned = this.learned.slice(this.head);
      this.head = 0;
    }
  }

  /** Sends in (`after`, `upTo`]. */
  countBetween(after: number, upTo = Infinity): number {
    return Math.max(0, this.firstAfter(upTo) - this.firstAfter(after));
  }

  /** The route of the newest send in (`after`, `upTo`], if any. */
  lastRouteBetween(after: number, upTo: number): string | undefined {
    const end = this.firstAfter(upTo);
    return end > this.firstAfter(after) ? this.routes[end - 1] : undefined;
  }

  /** TSTUs of the sends in (`after`, `upTo`]. */
  usageBetween(after: number, upTo = Infinity): number {
    let usage = 0;
    for (let i = this.firstAfter(after), end = this.firstAfter(upTo); i < end; i++) usage += this.costs[i] ?? 0;
    return usage;
  }

  /**
   * The earliest time at which the sends after `since` leave enough of the window (each `windowMs`
   * after it was sent) for `usage + cost ≤ cap`; `since` itself when they already do, undefined
   * when even an empty window would not.
   */
  roomAt(since: number, windowMs: number, cost: number, cap: number): number | undefined {
    if (cost > cap) return undefined;
    let usage = this.usageBetween(since);
    for (let i = this.firstAfter(since); usage + cost > cap && i < this.costs.length; i++) {
      usage -= this.costs[i] ?? 0;
      if (usage + cost <= cap) return (this.times[i] ?? since) + windowMs;
    }
    return since;
  }

  /**
   * Makes the sends in (`after`, `upTo`] add up to `observed`, the usage the service reported for
   * that window: the difference goes to the sends of routes with no learned cost, or, when every
   * route has one (another client of the identity, or a cost that changed), to all of them in
   * proportion to their cost.
   */
  calibrate(after: number, upTo: number, observed: number): void {
    const start = this.firstAfter(after);
    const end = this.firstAfter(upTo);
    if (end <= start) return;
    let estimated = 0;
    let unlearned = 0;
    for (let i = start; i < end; i++) {
      estimated += this.costs[i] ?? 0;
      if (!this.learned[i]) unlearned++;
    }
    const missing = observed - estimated;
    if (unlearned > 0) {
      for (let i = start; i < end; i++) if (!this.learned[i]) this.costs[i] = Math.max(0, (this.costs[i] ?? 0) + missing / unlearned);
    } else if (estimated > 0) {
      const scale = Math.max(0, observed / estimated);
      for (let i = start; i < end; i++) this.costs[i] = (this.costs[i] ?? 0) * scale;
    }
  }

  private firstAfter(since: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? Infinity) <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
