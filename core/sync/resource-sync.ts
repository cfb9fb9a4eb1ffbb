import type { AzureDevOpsClient } from '../azure-devops/client';
import type { RawItem } from '../azure-devops/paging';
import type { ConcurrencyPolicy, KindContext } from '../kinds/kind';
import type { ParentListings } from '../kinds/parents';
import type { Datasource, EntityApi } from '../port/entities';
import { PortApiError } from '../port/errors';
import { EXAMPLES_BODY_MAX_BYTES } from '../port/raw-examples';
import type { IntegrationApi } from '../port/integration';
import type { PreparedResource } from './prepare-mapping';
import type { ProducedEntities } from './produced';
import type { OwnedEntities } from './owned-entities';
import { redact } from './redact';
import type { RunReporter } from './reporter';
import { ResourceStats } from './stats';
import { WritePipeline, type PlanCounts } from './write-pipeline';

export type { PlanCounts } from './write-pipeline';

export type ResourceSyncDeps = {
  ado: AzureDevOpsClient;
  parents: ParentListings;
  concurrency: ConcurrencyPolicy;
  entities: EntityApi;
  /** What Port held of ours when the run started (see OwnedEntities); undefined = unknown. */
  owned: Promise<OwnedEntities | undefined>;
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

const EXAMPLES = 5;
/** Raw items mapped per jq call (at most; a resource's last group is smaller). */
const MAP_GROUP = 500;

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
  const targets = resource.port.entity.mappings.map((m) => literalBlueprint(m.blueprint));
  for (const blueprint of targets) if (blueprint) stats.blueprints.add(blueprint);

  const client = deps.ado.withMetrics(stats.ado);
  const ctx: KindContext = {
    client,
    organization: deps.ado.organization,
    parents: deps.parents.withClient(client),
    concurrency: deps.concurrency,
    now: deps.now,
    fieldsRead: prepared.fieldsRead,
    rawExamples: deps.sendRawDataExamples && deps.mode === 'sync',
    listing: {
      incomplete: (reason, options) => {
        stats.incomplete.push(reason);
        if (!options?.olderOnly) stats.recentMayBeMissing ??= reason;
        deps.reporter.warn(`${resource.kind}: listing incomplete: ${reason}`);
      },
      warn: (message) => deps.reporter.warn(`${resource.kind}: ${message}`),
    },
  };
  const examples: unknown[] = [];
  const pipeline = new WritePipeline({
    // Counted into the resource's own stats, as the Azure DevOps client above: other resources write at the same time.
    entities: deps.entities.withRequests({ counter: stats.port }),
    owned: deps.owned,
    datasource: deps.datasource,
    mode: deps.mode,
    merge: deps.merge,
    plan: deps.plan,
    produced: deps.produced,
    stats,
    maxInFlight: deps.concurrency.portBacklog,
  });
  const orgFields = { __organizationUrl: deps.ado.organization.url, __organizationName: deps.ado.organization.name };

  // Items are mapped in groups of MAP_GROUP rather than page by page: each jq call costs 1–3 ms
  // before it reads any input, and many kinds come in pages of a few items (docs/performance.md).
  let pending: RawItem[] = [];
  const mapPending = () => {
    if (pending.length === 0) return;
    const result = mapper.mapBatch(pending);
    pending = [];
    stats.filteredOut += result.filteredOut;
    stats.skippedNoIdentifier += result.skippedNoIdentifier;
    if (result.hasErrors) stats.mappingErrors += result.selectorErrors + result.failedItems;
    for (const entity of result.entities) {
      stats.blueprints.add(entity.blueprint);
      if (typeof entity.identifier === 'string') deps.produced.add(entity.blueprint, entity.identifier);
      else deps.produced.hold(entity.blueprint, `resource ${stats.label} identifies entities by search query, so its listing cannot prove which entities are gone`);
      deps.produced.addReferences(entity.blueprint, entity.relations);
    }
    pipeline.add(result.entities);
  };

  try {
    for await (const page of kind.list(ctx, prepared.selector)) {
      stats.listed += page.length;
      for (const item of page) pending.push({ ...item, ...orgFields });
      if (deps.sendRawDataExamples && examples.length < EXAMPLES) examples.push(...pending.slice(-page.length).slice(0, EXAMPLES - examples.length));
      deps.onProgress(stats);
      if (pending.length >= MAP_GROUP) {
        mapPending();
        await pipeline.ready();
      }
    }
  } catch (error) {
    stats.error = error instanceof Error ? error.message : String(error);
  }
  // What was listed before a failure is still written.
  try {
    mapPending();
  } catch (error) {
    stats.error ??= error instanceof Error ? error.message : String(error);
  }
  await pipeline.flush();
  if (examples.length > 0 && deps.mode === 'sync') await sendExamples(resource.kind, examples.map((e) => redact(e, deps.secrets)), deps);
  for (const fieldError of mapper.summary().fieldErrors) {
    const at = resource.lineOf([]);
    deps.reporter.warn(`${resource.kind}: ${fieldError.field} failed for ${fieldError.count} item(s), set to null: ${fieldError.message} (jq: ${fieldError.jq})`, { file: at.file, ...(at.line ? { line: at.line } : {}) });
  }

  const unsafe = stats.error ?? (stats.incomplete.length > 0 ? `listing incomplete: ${stats.incomplete[0]}` : stats.mappingErrors > 0 ? `${stats.mappingErrors} item(s) could not be mapped` : undefined);
  if (unsafe) {
    if (targets.some((t) => t === undefined)) deps.produced.holdAll(`resource ${stats.label} (blueprint computed by jq): ${unsafe}`);
    for (const blueprint of stats.blueprints) deps.produced.hold(blueprint, `resource ${stats.label}: ${unsafe}`);
  }
  stats.seconds = (Date.now() - started) / 1000;
  return stats;
}

/**
 * Sends a resource's raw examples (redacted), sized for Port by IntegrationApi.sendExamples. Not
 * worth failing a resource for: a refusal by Port is a warning (its mapping editor will lack
 * them), anything else (a network failure, a 5xx) a debug line, as in Ocean.
 */
async function sendExamples(kind: string, examples: readonly unknown[], deps: Pick<ResourceSyncDeps, 'integration' | 'reporter'>): Promise<void> {
  try {
    const sent = await deps.integration.sendExamples(kind, examples);
    if (sent.sent === 0) deps.reporter.warn(`${kind}: raw examples not sent: even one is over ${Math.round(EXAMPLES_BODY_MAX_BYTES / 1024)} KiB after cutting long strings.`);
    else if (sent.dropped > 0) deps.reporter.debug(`raw examples for ${kind}: ${sent.dropped} of ${examples.length} left out to keep the request under Port's size limit`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const status = error instanceof PortApiError ? error.status : undefined;
    if (status !== undefined && status >= 400 && status < 500) deps.reporter.warn(`${kind}: Port refused the raw examples: ${message}`);
    else deps.reporter.debug(`raw examples for ${kind} not sent: ${message}`);
  }
}
