import type { RawItem } from '../azure-devops/paging';
import type { MappedEntity } from '../mapping/entity-mapper';
import type { Datasource, EntityApi, UpsertFailure } from '../port/entities';
import { coalesce } from '../sync/write-pipeline';
import type { EventRoute, Subject } from './event-routes';
import type { ReceiverLogger } from './json-logger';
import { liveKind, type LiveFetchContext, type Lookup } from './live-kinds';
import type { LiveMapping, LiveResource } from './live-mapping';
import { groupBy } from '../util/group-by';

export type ApplyDependencies = {
  mapping: LiveMapping;
  entities: EntityApi;
  datasource: Datasource;
  fetch: LiveFetchContext;
  log: ReceiverLogger;
  signal: AbortSignal;
};

export type ApplyOutcome = {
  /** Mapping resources (by kind) the event was applied to. */
  kinds: string[];
  upserted: Map<string, number>;
  deleted: Map<string, number>;
  failures: UpsertFailure[];
};

/** Raised when an event was cut off (timeout, shutdown); the message says whether it had written anything. */
export class EventAbortedError extends Error {}

type EntityKey = string;
const keyOf = (blueprint: string, identifier: string): EntityKey => `${blueprint}\u0000${identifier}`;

/** The resources of the mapping this event is for: their kind is one the event concerns and can be re-read live. */
export function resourcesFor(route: EventRoute, subject: Subject['type'] | undefined, mapping: LiveMapping): LiveResource[] {
  return mapping.resources.filter((r) => {
    if (!route.kinds.includes(r.kind.kind)) return false;
    const live = liveKind(r.kind.kind);
    return live !== undefined && (subject === undefined || live.subjects.includes(subject));
  });
}

/**
 * One event, end to end: for each resource of the mapping whose kind the event concerns, re-read
 * the event's items from Azure DevOps (once per kind and selector), map them with the resource's
 * selector and mappings, upsert what is selected, and delete (only entities this integration owns)
 * what the event's items map to but no resource produced: items that are gone, or that the
 * selector now rejects. That is what a full sync followed by reconciliation leaves for those items.
 */
export async function applyEvent(route: EventRoute, subject: Subject, deps: ApplyDependencies): Promise<ApplyOutcome> {
  const { mapping, fetch, log } = deps;
  const orgFields = { __organizationUrl: fetch.organization.url, __organizationName: fetch.organization.name };
  const withOrg = (item: RawItem): RawItem => ({ ...item, ...orgFields });
  const lookups = new Map<string, Promise<Lookup>>();
  const upserts: MappedEntity[] = [];
  const candidates = new Map<EntityKey, { blueprint: string; identifier: string }>();
  const resources = resourcesFor(route, subject.type, mapping);

  for (const resource of resources) {
    const live = liveKind(resource.kind.kind);
    if (!live) continue;
    const lookupKey = `${resource.kind.kind}\u0000${JSON.stringify(resource.selector)}`;
    let lookup = lookups.get(lookupKey);
    if (!lookup) {
      lookup = live.fetch(resource.kind, resource.selector, subject, fetch);
      lookups.set(lookupKey, lookup);
    }
    const { current, tombstones, complete } = await lookup;
    const items = current.map(withOrg);
    const mapped = resource.mapper.mapBatch(items);
    reportFieldErrors(resource, mapped.fieldErrors, mapping, log);
    upserts.push(...mapped.entities);
    // An item that could not be judged (a selector error) says nothing about what should exist.
    if (!complete || mapped.hasErrors) continue;
    const identities = resource.identities.mapBatch([...items, ...tombstones.map(withOrg)]);
    if (identities.hasErrors) continue;
    for (const entity of identities.entities) {
      if (typeof entity.identifier === 'string') candidates.set(keyOf(entity.blueprint, entity.identifier), { blueprint: entity.blueprint, identifier: entity.identifier });
    }
  }

  const produced = new Set(upserts.flatMap((e) => (typeof e.identifier === 'string' ? [keyOf(e.blueprint, e.identifier)] : [])));
  const deletions = [...candidates].filter(([key]) => !produced.has(key)).map(([, entity]) => entity);

  // Everything so far only read; past this point Port changes, so a cut-off event stops here.
  if (deps.signal.aborted) throw new EventAbortedError('the event was cut off before it wrote anything');
  const outcome: ApplyOutcome = { kinds: [...new Set(resources.map((r) => r.kind.kind))], upserted: new Map(), deleted: new Map(), failures: [] };
  const merge = mapping.prepared.config.enableMergeEntity;
  // Cut off once writing, the request under way is aborted and nothing more is sent.
  const port = deps.entities.withRequests({ signal: deps.signal });
  const stopIfCutOff = () => {
    if (deps.signal.aborted) throw new EventAbortedError('the event was cut off after writing part of it');
  };
  for (const [blueprint, entities] of groupBy(coalesce(upserts, merge), (e) => e.blueprint)) {
    stopIfCutOff();
    const result = await port.upsert(blueprint, entities);
    outcome.upserted.set(blueprint, result.upserted);
    outcome.failures.push(...result.failed);
  }
  for (const [blueprint, entities] of groupBy(deletions, (e) => e.blueprint)) {
    stopIfCutOff();
    // Only what this integration wrote: an entity someone else owns is not ours to remove.
    const owned = await port.fetch(blueprint, entities.map((e) => e.identifier), { title: false, icon: false, team: false, properties: [], relations: [] }, deps.datasource);
    if (owned.size === 0) continue;
    stopIfCutOff();
    const deleted = await port.delete(blueprint, [...owned.keys()], mapping.prepared.config.deleteDependentEntities);
    outcome.deleted.set(blueprint, deleted.length);
  }
  return outcome;
}

function reportFieldErrors(resource: LiveResource, errors: readonly { field: string; jq: string; message: string }[], mapping: LiveMapping, log: ReceiverLogger): void {
  for (const error of errors) {
    const key = `${resource.resource.index}\u0000${error.field}`;
    if (mapping.reportedFieldErrors.has(key)) continue;
    mapping.reportedFieldErrors.add(key);
    log.warn(`${resource.kind.kind}: ${error.field} failed and was set to null: ${error.message}`, { resource: resource.resource.index, jq: error.jq });
  }
}
