import { BlueprintIdentifiers } from '../util/identifier-set';

/**
 * The (blueprint, identifier) pairs a run produced, and per blueprint whether its listings can be
 * trusted to be whole: the two inputs of reconciliation. Identifiers are kept as hashes
 * (IdentifierSet): a collision can only keep a stale entity one run longer, never delete one.
 */
export class ProducedEntities {
  private readonly identifiers = new BlueprintIdentifiers();
  private readonly held = new Map<string, string>();
  private everythingHeld: string | undefined;
  /** `blueprint \0 relation` → identifiers the produced entities point at through that relation. */
  private readonly references = new Map<string, Set<string>>();
  /** Entities the integration owned before the run and rewrote during it (keys `blueprint\0identifier`). */
  private readonly rewritten = new Set<string>();

  add(blueprint: string, identifier: string): void {
    this.identifiers.add(blueprint, identifier);
  }

  has(blueprint: string, identifier: string): boolean {
    return this.identifiers.has(blueprint, identifier);
  }

  /** Every (blueprint, identifier) of `identifiers` was produced (by hash: a collision answers yes). */
  includesAll(identifiers: BlueprintIdentifiers): boolean {
    return identifiers.everyIn(this.identifiers);
  }

  /** Records the relation values of a produced entity (strings, or lists of strings). */
  addReferences(blueprint: string, relations: Readonly<Record<string, unknown>> | undefined): void {
    for (const [relation, value] of Object.entries(relations ?? {})) {
      const targets = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const target of targets) {
        if (typeof target !== 'string' || target.length === 0) continue;
        const key = `${blueprint}\u0000${relation}`;
        let set = this.references.get(key);
        if (!set) this.references.set(key, (set = new Set()));
        set.add(target);
      }
    }
  }

  /** Every (blueprint, relation) with the identifiers it points at. */
  *referencesByRelation(): IterableIterator<{ blueprint: string; relation: string; targets: ReadonlySet<string> }> {
    for (const [key, targets] of this.references) {
      const [blueprint = '', relation = ''] = key.split('\u0000');
      yield { blueprint, relation, targets };
    }
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

  count(): number {
    return this.identifiers.size;
  }
}
