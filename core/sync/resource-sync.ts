import type { AzureDevOpsClient } from '../azure-devops/client';
import type { ConcurrencyPolicy, KindContext } from '../kinds/kind';
import type { ParentListings } from '../kinds/parents';
import type { MappedEntity } from '../mapping/entity-mapper';
import { isUnchanged, type Datasource, type EntityApi, type PortEntity } from '../port/entities';
import type { IntegrationApi } from '../port/integration';
import type { PreparedResource } from './prepare-mapping';
import type { ProducedEntities } from './produced';
import { redact } from './redact';
import type { RunReporter } from './reporter';
import { ResourceStats } from './stats';

export type ResourceSyncDeps = {
  ado: AzureDevOpsClient;
  parents: ParentListings;
  concurrency: ConcurrencyPolicy;
  entities: EntityApi;
  integration: IntegrationApi;
  datasource: Datasource;
  mode: 'sync' | 'plan';
  /** enableMergeEntity: how two writes of one entity combine. */
  merge: boolean;
  sendRawDataExamples: boolean;
  secrets: readonly string[];
  reporter: RunReporter;
  now: Date;
  produced: ProducedEntities;
  /** Plan mode: per blueprint, what would change. */
  plan: Map<string, PlanCounts>;
  onProgress: (stats: ResourceStats) => void;
};

export type PlanCounts = { create: number; update: number; unchanged: number; samples: { create: string[]; update: string[] } };

const EXAMPLES = 5;
/** Pages whose Port writes may be in flight while the next page is listed. */
const PAGES_IN_FLIGHT = 4;

/** The blueprint a mapping writes when it is a literal (`"x"` or `'x'`); undefined when jq computes it. */
export function literalBlueprint(expression: string): string | undefined {
  return /^\s*(?:"([^"\\]+)"|'([^'\\]+)')\s*$/.exec(expression)?.slice(1).find(Boolean);
}

/**
 * One resource of the mapping, end to end: list its kind page by page, send raw examples, map with
 * jq, skip what Port already holds, upsert the rest in bulk. Failures are recorded, not thrown:
 * the run goes on with the next resource and reconciliation reads what was recorded.
 */
export async function syncResource(prepared: PreparedResource, deps: ResourceSyncDeps): Promise<ResourceStats> {
  const { resource, kind, mapper } = prepared;
  const stats = new ResourceStats(resource.index, resource.kind);
  const started = Date.now();
  const portRequestsBefore = deps.entities.requestCount();
  const targets = resource.port.entity.mappings.map((m) => literalBlueprint(m.blueprint));
  for (const blueprint of targets) if (blueprint) stats.blueprints.add(blueprint);

  const client = deps.ado.withMetrics(stats.ado);
  const ctx: KindContext = {
    client,
    organization: deps.ado.organization,
    parents: deps.parents.withClient(client),
    concurrency: deps.concurrency,
    now: deps.now,
    listing: {
      incomplete: (reason) => {
        stats.incomplete.push(reason);
        deps.reporter.warn(`${resource.kind}: listing incomplete: ${reason}`);
      },
      warn: (message) => deps.reporter.warn(`${resource.kind}: ${message}`),
    },
  };
  const examples: unknown[] = [];
  const writes = new Set<Promise<void>>();
  const orgFields = { __organizationUrl: deps.ado.organization.url, __organizationName: deps.ado.organization.name };

  try {
    for await (const page of kind.list(ctx, prepared.selector)) {
      const items = page.map((item) => ({ ...item, ...orgFields }));
      stats.listed += items.length;
      if (deps.sendRawDataExamples && examples.length < EXAMPLES) examples.push(...items.slice(0, EXAMPLES - examples.length));
      const result = mapper.mapBatch(items);
      stats.filteredOut += result.filteredOut;
      stats.skippedNoIdentifier += result.skippedNoIdentifier;
      if (result.hasErrors) stats.mappingErrors += result.selectorErrors + result.failedItems;
      stats.entities += result.entities.length;
      for (const entity of result.entities) {
        stats.blueprints.add(entity.blueprint);
        if (typeof entity.identifier === 'string') deps.produced.add(entity.blueprint, entity.identifier);
        else deps.produced.hold(entity.blueprint, `resource ${stats.label} identifies entities by search query, so its listing cannot prove which entities are gone`);
        deps.produced.addReferences(entity.blueprint, entity.relations);
      }
      const write = writeEntities(result.entities, stats, deps).catch((error: unknown) => {
        stats.error ??= `writing to Port failed: ${error instanceof Error ? error.message : String(error)}`;
      });
      writes.add(write);
      void write.finally(() => writes.delete(write));
      if (writes.size >= PAGES_IN_FLIGHT) await Promise.race(writes);
      deps.onProgress(stats);
    }
  } catch (error) {
    stats.error = error instanceof Error ? error.message : String(error);
  }
  await Promise.all(writes);
  if (examples.length > 0 && deps.mode === 'sync') {
    await deps.integration
      .sendExamples(resource.kind, examples.map((e) => redact(e, deps.secrets)))
      .catch((error: unknown) => deps.reporter.debug(`raw examples for ${resource.kind} not sent: ${error instanceof Error ? error.message : String(error)}`));
  }
  for (const fieldError of mapper.summary().fieldErrors) {
    const at = resource.lineOf([]);
    deps.reporter.warn(`${resource.kind}: ${fieldError.field} failed for ${fieldError.count} item(s), set to null: ${fieldError.message} (jq: ${fieldError.jq})`, { file: at.file, ...(at.line ? { line: at.line } : {}) });
  }

  const unsafe = stats.error ?? (stats.incomplete.length > 0 ? `listing incomplete: ${stats.incomplete[0]}` : stats.mappingErrors > 0 ? `${stats.mappingErrors} item(s) could not be mapped` : undefined);
  if (unsafe) {
    if (targets.some((t) => t === undefined)) deps.produced.holdAll(`resource ${stats.label} (blueprint computed by jq): ${unsafe}`);
    for (const blueprint of stats.blueprints) deps.produced.hold(blueprint, `resource ${stats.label}: ${unsafe}`);
  }
  stats.portRequests = deps.entities.requestCount() - portRequestsBefore;
  stats.seconds = (Date.now() - started) / 1000;
  return stats;
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
    if (!previous) {
      byKey.set(key, entity);
      continue;
    }
    byKey.set(
      key,
      merge
        ? {
            ...previous,
            ...entity,
            ...(previous.properties || entity.properties ? { properties: { ...previous.properties, ...entity.properties } } : {}),
            ...(previous.relations || entity.relations ? { relations: { ...previous.relations, ...entity.relations } } : {}),
          }
        : entity,
    );
  }
  return [...byKey.values(), ...out];
}

async function writeEntities(entities: readonly MappedEntity[], stats: ResourceStats, deps: ResourceSyncDeps): Promise<void> {
  const byBlueprint = new Map<string, PortEntity[]>();
  for (const entity of coalesce(entities, deps.merge)) byBlueprint.set(entity.blueprint, [...(byBlueprint.get(entity.blueprint) ?? []), entity]);
  await Promise.all(
    [...byBlueprint].map(async ([blueprint, group]) => {
      const literal = group.filter((e): e is PortEntity & { identifier: string } => typeof e.identifier === 'string');
      const stored = await deps.entities.fetch(blueprint, [...new Set(literal.map((e) => e.identifier))], fieldsOf(group), deps.datasource);
      const changed: PortEntity[] = [];
      const counts = planCounts(deps.plan, blueprint);
      for (const entity of group) {
        const existing = typeof entity.identifier === 'string' ? stored.get(entity.identifier) : undefined;
        if (existing && isUnchanged(entity, existing)) {
          stats.unchanged++;
          counts.unchanged++;
          continue;
        }
        changed.push(entity);
        const id = typeof entity.identifier === 'string' ? entity.identifier : JSON.stringify(entity.identifier);
        if (existing) {
          if (deps.mode === 'sync' && typeof entity.identifier === 'string') deps.produced.rewrote(blueprint, entity.identifier);
          counts.update++;
          if (counts.samples.update.length < 5) counts.samples.update.push(id);
        } else {
          counts.create++;
          if (counts.samples.create.length < 5) counts.samples.create.push(id);
        }
      }
      if (deps.mode === 'plan') {
        for (const entity of changed) {
          if (typeof entity.identifier === 'string' && stored.has(entity.identifier)) stats.wouldUpdate++;
          else stats.wouldCreate++;
        }
        return;
      }
      if (changed.length === 0) return;
      const outcome = await deps.entities.upsert(blueprint, changed);
      stats.upserted += outcome.upserted;
      stats.failed += outcome.failed.length;
      for (const failure of outcome.failed) if (stats.failures.length < 20) stats.failures.push(failure);
    }),
  );
}

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

function planCounts(plan: Map<string, PlanCounts>, blueprint: string): PlanCounts {
  let counts = plan.get(blueprint);
  if (!counts) {
    counts = { create: 0, update: 0, unchanged: 0, samples: { create: [], update: [] } };
    plan.set(blueprint, counts);
  }
  return counts;
}
