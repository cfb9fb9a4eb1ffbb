import { IdentifierSet } from '../util/identifier-set';

/**
 * The (blueprint, identifier) pairs a run produced, and per blueprint whether its listings can be
 * trusted to be whole: the two inputs of reconciliation. Identifiers are kept as hashes
 * (IdentifierSet): a collision can only keep a stale entity one run longer, never delete one.
 */
export class ProducedEntities {
  private readonly byBlueprint = new Map<string, IdentifierSet>();
  private readonly held = new Map<string, string>();
  private everythingHeld: string | undefined;

  add(blueprint: string, identifier: string): void {
    let set = this.byBlueprint.get(blueprint);
    if (!set) {
      set = new IdentifierSet();
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

  count(): number {
    let n = 0;
    for (const set of this.byBlueprint.values()) n += set.size;
    return n;
  }
}
