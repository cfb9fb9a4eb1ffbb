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
  /** What produced entities point at: blueprint → relation → target identifiers. */
  private readonly references = new Map<string, Map<string, Set<string>>>();

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

  /**
   * A produced entity of `blueprint` relates to `identifier` through `relation`. Such a target stays
   * even when no resource produced it (a bare entity `createMissingRelatedEntities` made, which
   * Ocean protects too, port-api-and-ocean-core.md §2.9 step 5): deleting it would break the
   * relation or, with `deleteDependentEntities`, take the produced entity with it.
   */
  reference(blueprint: string, relation: string, identifier: string): void {
    let byRelation = this.references.get(blueprint);
    if (!byRelation) this.references.set(blueprint, (byRelation = new Map<string, Set<string>>()));
    let targets = byRelation.get(relation);
    if (!targets) byRelation.set(relation, (targets = new Set()));
    targets.add(identifier);
  }

  /** Each (blueprint, relation) that produced entities used, with the identifiers they point at. */
  *relations(): Generator<{ blueprint: string; relation: string; targets: ReadonlySet<string> }> {
    for (const [blueprint, byRelation] of this.references) {
      for (const [relation, targets] of byRelation) yield { blueprint, relation, targets };
    }
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
