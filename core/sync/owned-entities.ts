import type { Datasource, EntityApi } from '../port/entities';
import { BlueprintIdentifiers } from '../util/identifier-set';

/**
 * The entities this integration already owns in Port when the run starts, per blueprint, read
 * with Port's light listing (identifier and blueprint only, 5,000 per request; §2.9). An entity
 * that is not in it cannot be unchanged in Port, so it is written without first being searched:
 * a first sync into an empty Port costs one listing instead of one search per 50 entities.
 */
export class OwnedEntities {
  private readonly identifiers = new BlueprintIdentifiers();

  static async load(entities: EntityApi, datasource: Datasource, before: string): Promise<OwnedEntities> {
    const owned = new OwnedEntities();
    for await (const page of entities.owned(datasource, before)) {
      for (const { identifier, blueprint } of page) owned.add(blueprint, identifier);
    }
    return owned;
  }

  add(blueprint: string, identifier: string): void {
    this.identifiers.add(blueprint, identifier);
  }

  /** False only when Port certainly holds no entity of ours with this identifier (a hash match may be a false "true"). */
  mayHold(blueprint: string, identifier: string): boolean {
    return this.identifiers.has(blueprint, identifier);
  }
}
