/**
 * Wall-clock time during which at least one of many concurrent activities was active. Summing the
 * waits of 16 parallel requests would report 16 s for one second of throttling.
 */
export class ActiveTime {
  private active = 0;
  private since = 0;
  private accumulated = 0;

  constructor(private readonly now: () => number = Date.now) {}

  begin(): void {
    if (this.active++ === 0) this.since = this.now();
  }

  end(): void {
    if (this.active > 0 && --this.active === 0) this.accumulated += this.now() - this.since;
  }

  add(ms: number): void {
    this.accumulated += ms;
  }

  get milliseconds(): number {
    return this.accumulated + (this.active > 0 ? this.now() - this.since : 0);
  }
}
