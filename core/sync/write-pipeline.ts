import type { MappedEntity } from '../mapping/entity-mapper';
import { BULK_MAX_ENTITIES, identifierText, isUnchanged, type Datasource, type EntityApi, type PortEntity, type StoredEntity } from '../port/entities';
import type { OwnedEntities } from './owned-entities';
import type { ProducedEntities } from './produced';
import { recordFailure, type ResourceStats } from './stats';

export type PlanCounts = { create: number; update: number; unchanged: number; samples: { create: string[]; update: string[] } };

export type WritePipelineDeps = {
  entities: EntityApi;
  /** What Port held of ours when the run started; undefined when it could not be read (then everything is searched). */
  owned: Promise<OwnedEntities | undefined>;
  datasource: Datasource;
  mode: 'sync' | 'plan';
  /** enableMergeEntity: how two writes of one entity combine. */
  merge: boolean;
  plan: Map<string, PlanCounts>;
  /** Told which entities of ours this run rewrote (their share counts in the deletion threshold). */
  produced: Pick<ProducedEntities, 'rewrote'>;
  stats: ResourceStats;
  /** Port requests (searches and writes) this resource may have outstanding before the listing waits. */
  maxInFlight: number;
};

/** Entities compared with Port per search, as Ocean does (port-api-and-ocean-core.md §2.8). */
const CHECK_CHUNK = 50;
const SAMPLES = 5;

type Queue = {
  blueprint: string;
  /** Waiting for the unchanged check, by identifier (duplicates are combined here). */
  checking: Map<string, PortEntity>;
  /** Identifiers whose check is running, with the check. */
  checkingIds: Map<string, Promise<void>>;
  /** Passed the check, waiting to fill a bulk request of 20. */
  writing: PortEntity[];
  writingIndex: Map<string, number>;
  /** Identifiers whose write is on its way, with the write. */
  writingIds: Map<string, Promise<void>>;
};

/**
 * The Port side of one resource: entities go in page by page and leave in full bulk requests.
 *
 * Per blueprint, entities wait until 50 are ready for the unchanged check: those Port cannot hold
 * (not in the owned listing) need no search; the others are compared with one search. What
 * changed waits until 20 fill a bulk upsert, across pages, so small pages (a repository's few
 * branches) do not become small writes. `ready()` is the back-pressure: the listing pauses while
 * this resource has `maxInFlight` Port requests outstanding, which bounds memory.
 *
 * One identifier's writes stay in order: a second occurrence is combined with the first while the
 * first still waits here; once the first is on its way, the second's check waits for it.
 */
export class WritePipeline {
  private readonly queues = new Map<string, Queue>();
  private readonly tasks = new Set<Promise<void>>();
  private active = 0;
  private waiters: (() => void)[] = [];

  /** The owned listing once it has arrived; until then (or if it failed) every entity is searched. */
  private owned: OwnedEntities | undefined;

  constructor(private readonly deps: WritePipelineDeps) {
    // Not awaited: it only spares searches. Listing what an integration owns takes one request per
    // 5,000 entities, in sequence (half a minute for 300,000), and on an unchanged run every entity
    // is searched anyway; waiting for it would hold every write of the run (docs/performance.md).
    void deps.owned.then((owned) => (this.owned = owned));
  }

  add(entities: readonly MappedEntity[]): void {
    for (const entity of entities) {
      const queue = this.queue(entity.blueprint);
      if (typeof entity.identifier !== 'string') {
        // A search-query identifier is resolved by Port: it cannot be compared, only written.
        this.countChange(queue, entity, undefined);
        if (this.deps.mode === 'sync') this.enqueueWrite(queue, entity);
        continue;
      }
      const id = entity.identifier;
      const waiting = queue.writingIndex.get(id);
      if (waiting !== undefined) {
        queue.writing[waiting] = this.combine(queue.writing[waiting] as PortEntity, entity);
        continue;
      }
      const previous = queue.checking.get(id);
      queue.checking.set(id, previous ? this.combine(previous, entity) : entity);
      if (queue.checking.size >= CHECK_CHUNK) this.startCheck(queue);
    }
  }

  /** Resolves when this resource has fewer than `maxInFlight` Port requests outstanding. */
  ready(): Promise<void> {
    if (this.active < this.deps.maxInFlight) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Checks and writes everything still waiting, and waits for all of it. */
  async flush(): Promise<void> {
    for (const queue of this.queues.values()) if (queue.checking.size > 0) this.startCheck(queue);
    await this.settle();
    for (const queue of this.queues.values()) if (queue.writing.length > 0) this.sendWrites(queue);
    await this.settle();
  }

  private async settle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
  }

  private queue(blueprint: string): Queue {
    let queue = this.queues.get(blueprint);
    if (!queue) {
      queue = { blueprint, checking: new Map(), checkingIds: new Map(), writing: [], writingIndex: new Map(), writingIds: new Map() };
      this.queues.set(blueprint, queue);
    }
    return queue;
  }

  private combine(previous: PortEntity, entity: PortEntity): PortEntity {
    return combineWrites(previous, entity, this.deps.merge);
  }

  private startCheck(queue: Queue): void {
    const chunk = [...queue.checking.values()] as (PortEntity & { identifier: string })[];
    queue.checking.clear();
    const earlier = chunk.flatMap((e) => [queue.checkingIds.get(e.identifier), queue.writingIds.get(e.identifier)]).filter((p): p is Promise<void> => p !== undefined);
    const task = this.track(this.check(queue, chunk, earlier));
    pendingUntilDone(queue.checkingIds, chunk.map((e) => e.identifier), task);
  }

  private async check(queue: Queue, chunk: (PortEntity & { identifier: string })[], earlier: Promise<void>[]): Promise<void> {
    if (earlier.length > 0) await Promise.all(earlier);
    // A write of the same identifier may have started while this check waited.
    const stillWriting = chunk.map((e) => queue.writingIds.get(e.identifier)).filter((p): p is Promise<void> => p !== undefined);
    if (stillWriting.length > 0) await Promise.all(stillWriting);
    const owned = this.owned;
    const toSearch = chunk.filter((e) => !owned || owned.mayHold(queue.blueprint, e.identifier)).map((e) => e.identifier);
    let stored = new Map<string, StoredEntity>();
    if (toSearch.length > 0) {
      this.active++;
      try {
        stored = await this.deps.entities.fetch(queue.blueprint, toSearch, fieldsOf(chunk), this.deps.datasource, !this.deps.merge);
      } catch (error) {
        // The check only spares writes: without it every entity is written, as Ocean does when
        // its diff search throws (§2.8). A plan cannot say what would change, so it fails.
        if (this.deps.mode === 'plan') throw error;
        this.deps.stats.checkError ??= error instanceof Error ? error.message : String(error);
        this.deps.stats.uncheckedWrites += toSearch.length;
        // Those the owned listing has are rewritten entities of ours, which the deletion threshold
        // counts among the owned (Port's end-of-run listing no longer shows them). Without the
        // listing nothing is counted: the guard can only err towards deleting nothing.
        for (const id of toSearch) if (this.owned?.mayHold(queue.blueprint, id)) this.deps.produced.rewrote(queue.blueprint, id);
      } finally {
        this.release();
      }
    }
    for (const entity of chunk) {
      const existing = stored.get(entity.identifier);
      const waiting = queue.writingIndex.get(entity.identifier);
      if (waiting !== undefined) {
        // An earlier occurrence is about to be written: this one must follow it, changed or not.
        queue.writing[waiting] = this.combine(queue.writing[waiting] as PortEntity, entity);
        continue;
      }
      if (existing && isUnchanged(entity, existing, !this.deps.merge)) {
        this.deps.stats.unchanged++;
        this.counts(queue.blueprint).unchanged++;
        continue;
      }
      this.countChange(queue, entity, existing);
      if (this.deps.mode === 'sync') this.enqueueWrite(queue, entity);
    }
  }

  private countChange(queue: Queue, entity: PortEntity, existing: StoredEntity | undefined): void {
    const counts = this.counts(queue.blueprint);
    const id = typeof entity.identifier === 'string' ? entity.identifier : JSON.stringify(entity.identifier);
    if (existing) {
      if (this.deps.mode === 'sync' && typeof entity.identifier === 'string') this.deps.produced.rewrote(queue.blueprint, entity.identifier);
      counts.update++;
      if (counts.samples.update.length < SAMPLES) counts.samples.update.push(id);
      if (this.deps.mode === 'plan') this.deps.stats.wouldUpdate++;
    } else {
      counts.create++;
      if (counts.samples.create.length < SAMPLES) counts.samples.create.push(id);
      if (this.deps.mode === 'plan') this.deps.stats.wouldCreate++;
    }
  }

  private enqueueWrite(queue: Queue, entity: PortEntity): void {
    if (typeof entity.identifier === 'string') queue.writingIndex.set(entity.identifier, queue.writing.length);
    queue.writing.push(entity);
    if (queue.writing.length >= BULK_MAX_ENTITIES) this.sendWrites(queue);
  }

  private sendWrites(queue: Queue): void {
    const entities = queue.writing;
    queue.writing = [];
    queue.writingIndex.clear();
    // ≤20 entities per request; upsertBatch splits one whose JSON is too large.
    for (let start = 0; start < entities.length; start += BULK_MAX_ENTITIES) {
      const batch = entities.slice(start, start + BULK_MAX_ENTITIES);
      const ids = batch.map((e) => e.identifier).filter((id): id is string => typeof id === 'string');
      const earlier = ids.map((id) => queue.writingIds.get(id)).filter((p): p is Promise<void> => p !== undefined);
      const task = this.track(this.write(queue.blueprint, batch, earlier));
      pendingUntilDone(queue.writingIds, ids, task);
    }
  }

  private async write(blueprint: string, batch: PortEntity[], earlier: Promise<void>[]): Promise<void> {
    this.active++;
    try {
      if (earlier.length > 0) await Promise.all(earlier);
      const stats = this.deps.stats;
      let outcome;
      try {
        outcome = await this.deps.entities.upsertBatch(blueprint, batch);
      } catch (error) {
        // Port refused the request as a whole, after the client's retries (5xx, network): every
        // entity of it failed, and the summary counts and names them; the first such error is
        // also the resource's.
        const message = error instanceof Error ? error.message : String(error);
        stats.error ??= `writing to Port failed: ${message}`;
        stats.failed += batch.length;
        for (const entity of batch) recordFailure(stats, { identifier: identifierText(entity.identifier), message });
        return;
      }
      stats.upserted += outcome.upserted;
      for (const failure of outcome.failed) {
        if (failure.unmetDependency) stats.unmetDependencies.push({ blueprint, entity: failure.unmetDependency, message: failure.message });
        else {
          stats.failed++;
          recordFailure(stats, failure);
        }
      }
    } finally {
      this.release();
    }
  }

  /** Runs a task in the background; its failure is the resource's error, the others go on. */
  private track(work: Promise<void>): Promise<void> {
    const task = work.catch((error: unknown) => {
      this.deps.stats.error ??= `writing to Port failed: ${error instanceof Error ? error.message : String(error)}`;
    });
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
    return task;
  }

  private release(): void {
    this.active--;
    while (this.active < this.deps.maxInFlight && this.waiters.length > 0) this.waiters.shift()?.();
  }

  private counts(blueprint: string): PlanCounts {
    let counts = this.deps.plan.get(blueprint);
    if (!counts) {
      counts = { create: 0, update: 0, unchanged: 0, samples: { create: [], update: [] } };
      this.deps.plan.set(blueprint, counts);
    }
    return counts;
  }
}

/**
 * Port applies two writes of one entity in order; sending their combination once ends in the same
 * state: the later one alone, or with enableMergeEntity both merged key by key.
 */
export function combineWrites(previous: PortEntity, entity: PortEntity, merge: boolean): PortEntity {
  if (!merge) return entity;
  return {
    ...previous,
    ...entity,
    ...(previous.properties || entity.properties ? { properties: { ...previous.properties, ...entity.properties } } : {}),
    ...(previous.relations || entity.relations ? { relations: { ...previous.relations, ...entity.relations } } : {}),
  };
}

/**
 * Several items of one batch can map to the same entity (two policies of one repository, say).
 * Port would apply them in order; sending the combined result once gives Port the same final state,
 * and lets the unchanged-check see it, instead of rewriting the entity on every run.
 */
export function coalesce(entities: readonly MappedEntity[], merge: boolean): MappedEntity[] {
  const byKey = new Map<string, MappedEntity>();
  const out: MappedEntity[] = [];
  for (const entity of entities) {
    if (typeof entity.identifier !== 'string') {
      out.push(entity);
      continue;
    }
    const key = `${entity.blueprint}\u0000${entity.identifier}`;
    const previous = byKey.get(key);
    byKey.set(key, previous ? combineWrites(previous, entity, merge) : entity);
  }
  return [...byKey.values(), ...out];
}

/** The fields the search must return to compare: those the mapping writes. */
function fieldsOf(group: readonly PortEntity[]) {
  const properties = new Set<string>();
  const relations = new Set<string>();
  let title = false;
  let icon = false;
  let team = false;
  for (const entity of group) {
    title ||= 'title' in entity;
    icon ||= 'icon' in entity;
    team ||= 'team' in entity;
    for (const key of Object.keys(entity.properties ?? {})) properties.add(key);
    for (const key of Object.keys(entity.relations ?? {})) relations.add(key);
  }
  return { title, icon, team, properties: [...properties], relations: [...relations] };
}

/**
 * Records `task` as what each identifier waits on until it settles, unless a later task took the
 * identifier over. One callback per task, not one per identifier.
 */
function pendingUntilDone(pending: Map<string, Promise<void>>, identifiers: readonly string[], task: Promise<void>): void {
  for (const id of identifiers) pending.set(id, task);
  void task.finally(() => {
    for (const id of identifiers) if (pending.get(id) === task) pending.delete(id);
  });
}
