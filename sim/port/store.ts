import type { Blueprint, Integration, IntegrationRecords, StoredEntity } from './model';

/** The simulated Port organization: blueprints, entities and integrations, in memory. */
export class PortStore {
  readonly blueprints = new Map<string, Blueprint>();
  /** blueprint → identifier → entity; Maps keep insertion order, which listings follow. */
  readonly entities = new Map<string, Map<string, StoredEntity>>();
  readonly integrations = new Map<string, Integration>();
  readonly integrationRecords = new Map<string, IntegrationRecords>();
  private nextSeq = 1;

  takeSeq(): number {
    return this.nextSeq++;
  }

  entitiesOf(blueprint: string): Map<string, StoredEntity> {
    let map = this.entities.get(blueprint);
    if (!map) {
      map = new Map();
      this.entities.set(blueprint, map);
    }
    return map;
  }

  getEntity(blueprint: string, identifier: string): StoredEntity | undefined {
    return this.entities.get(blueprint)?.get(identifier);
  }

  countEntities(blueprint: string): number {
    return this.entities.get(blueprint)?.size ?? 0;
  }

  *allEntities(): Generator<StoredEntity> {
    for (const map of this.entities.values()) yield* map.values();
  }

  recordsOf(installationId: string): IntegrationRecords {
    let records = this.integrationRecords.get(installationId);
    if (!records) {
      records = { resyncStateHistory: [], examples: {}, cursors: {}, logs: [], metrics: [] };
      this.integrationRecords.set(installationId, records);
    }
    return records;
  }

  clear(): void {
    this.blueprints.clear();
    this.entities.clear();
    this.integrations.clear();
    this.integrationRecords.clear();
    this.nextSeq = 1;
  }
}

/** Port timestamps are ISO strings with milliseconds, never going backwards. */
export class Clock {
  private last = 0;

  now(): string {
    this.last = Math.max(this.last, Date.now());
    return new Date(this.last).toISOString();
  }
}
