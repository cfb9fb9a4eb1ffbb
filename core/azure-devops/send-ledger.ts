/**
 * When this client sent each of its recent requests, oldest first. Azure DevOps charges an
 * identity's requests to a sliding window (azure-devops-api.md §3.1); the service only says how
 * much of the window is spent, but the client knows when it spent it, and so when it comes back.
 */
export class SendLedger {
  private times: number[] = [];
  private head = 0;

  record(at: number): void {
    this.times.push(at);
  }

  /** Forgets sends at or before `before` (they left every window that matters). */
  forget(before: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? Infinity) <= before) this.head++;
    // Compact once the forgotten prefix is most of the array, so memory follows the window.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Sends after `since`. */
  countAfter(since: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? Infinity) <= since) lo = mid + 1;
      else hi = mid;
    }
    return this.times.length - lo;
  }

  /**
   * The `k`-th oldest (1-based) send after `since`, or undefined when there are fewer. Once it
   * leaves the window, `k` fewer sends are in it.
   */
  nthAfter(since: number, k: number): number | undefined {
    const count = this.countAfter(since);
    if (k < 1 || k > count) return undefined;
    return this.times[this.times.length - count + k - 1];
  }
}
