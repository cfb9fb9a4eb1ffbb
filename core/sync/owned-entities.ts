import type { Datasource, EntityApi } from '../port/entities';
import { BlueprintIdentifiers } from '../util/identifier-set';
import type { ProducedEntities } from './produced';

/**
 * The entities this integration already owns in Port when the run starts, per blueprint, read
 * with Port's light listing (identifier and blueprint only, 5,000 per request; §2.9). An entity
 * that is not in it cannot be unchanged in Port, so it is written without first being searched:
 * a first sync into an empty Port costs one listing instead of one search per 50 entities.
 *
 * It also spares reconciliation its own listing when nothing can be stale (`leavesNothingStale`).
 */
export class OwnedEntities {
  private readonly identifiers = new BlueprintIdentifiers();
  /** No entity of ours had been rewritten when the last page arrived: see `leavesNothingStale`. */
  private undisturbed = false;

  /** `rewrites`: how many entities Port held before the run has the run rewritten so far. */
  static async load(entities: EntityApi, datasource: Datasource, before: string, rewrites: () => number): Promise<OwnedEntities> {
    const owned = new OwnedEntities();
    for await (const page of entities.owned(datasource, before)) {
      for (const { identifier, blueprint } of page) owned.add(blueprint, identifier);
    }
    owned.undisturbed = rewrites() === 0;
    return owned;
  }

  add(blueprint: string, identifier: string): void {
    this.identifiers.add(blueprint, identifier);
  }

  /** False only when Port certainly holds no entity of ours with this identifier (a hash match may be a false "true"). */
  mayHold(blueprint: string, identifier: string): boolean {
    return this.identifiers.has(blueprint, identifier);
  }

  get size(): number {
    return this.identifiers.size;
  }

  /**
   * True when the end-of-run listing reconciliation reads could only show entities the run
   * produced: this listing shows nothing else, and it was read whole before the run rewrote any
   * entity of ours. (A rewrite takes an entity out of the "updated before the run" listing, which
   * could shift a later page past entities it never showed.) Entities that appear later are
   * written after the run started, and the end listing leaves them out too. A hash collision can
   * only answer true for a stale entity, which then stays one run longer.
   */
  leavesNothingStale(produced: ProducedEntities): boolean {
    return this.undisturbed && produced.includesAll(this.identifiers);
  }
}
