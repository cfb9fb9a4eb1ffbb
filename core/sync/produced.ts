/**
 * The (blueprint, identifier) pairs a run produced, and per blueprint whether its listings can be
 * trusted to be whole: the two inputs of reconciliation.
 */
export class ProducedEntities {
  private readonly byBlueprint = new Map<string, Set<string>>();
  private readonly held = new Map<string, string>();
  private everythingHeld: string | undefined;
  /** Entities the integration owned before the run and rewrote during it (keys `blueprint\0identifier`). */
  private readonly rewritten = new Set<string>();

  add(blueprint: string, identifier: string): void {
    let set = this.byBlueprint.get(blueprint);
    if (!set) {
      set = new Set();
      this.byBlueprint.set(blueprint, set);
    }
    set.add(identifier);
  }

  has(blueprint: string, identifier: string): boolean {
    return this.byBlueprint.get(blueprint)?.has(identifier) ?? false;
  }

  /** Nothing of this blueprint may be deleted this run, and why. The first reason is kept. */
  hold(blueprint: string, reason: string): void {
    if (!this.held.has(blueprint)) this.held.set(blueprint, reason);
  }

  /** No blueprint may lose entities this run (e.g. a resource with a dynamic blueprint was incomplete). */
  holdAll(reason: string): void {
    this.everythingHeld ??= reason;
  }

  heldReason(blueprint: string): string | undefined {
    return this.everythingHeld ?? this.held.get(blueprint);
  }

  /**
   * This entity was ours before the run and the run rewrote it. Port's listing of owned entities
   * "last updated before the run started" no longer shows it, but it still counts among what the
   * integration owned when the deletion threshold is applied.
   */
  rewrote(blueprint: string, identifier: string): void {
    this.rewritten.add(`${blueprint}\u0000${identifier}`);
  }

  rewrittenCount(): number {
    return this.rewritten.size;
  }

  count(): number {
    let n = 0;
    for (const set of this.byBlueprint.values()) n += set.size;
    return n;
  }
}
