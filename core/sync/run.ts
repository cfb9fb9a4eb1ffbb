import { RequestMetrics, type RetryPolicy } from '../azure-devops/client';
import { connectAzureDevOps, PreflightError, preflightAzureDevOps } from '../azure-devops/connect';
import { CursorStore } from '../incremental/cursor-store';
import { PortApiError } from '../port/errors';
import { DEFAULT_INCREMENTAL_SETTINGS } from '../incremental/listing-plan';
import { ResourceCursors } from '../incremental/resource-cursors';
import { onServiceClock } from '../util/service-clock';
import { DEFAULT_CONCURRENCY, type ConcurrencyPolicy } from '../kinds/kind';
import { ParentListings } from '../kinds/parents';
import { createJqEngine } from '../mapping/jq-engine';
import { portAppConfigToObject, type ResourceConfig } from '../mapping/app-config';
import { defaultBlueprints } from '../kinds/defaults';
import { describeMisfits, literalBlueprints, misfitKeys } from './mapping-fit';
import { BlueprintApi, shapeOfDefinition } from '../port/blueprints';
import { DEFAULT_PORT_RETRY_POLICY, PortClient, type PortRetryPolicy } from '../port/client';
import { EntityApi } from '../port/entities';
import { IntegrationApi, requireSelfHosted } from '../port/integration';
import { VERSION } from '../version';
import { ShardRun } from '../shards/shard-run';
import type { SetupWait } from '../shards/setup-wait';
import { failedReport } from '../webhooks/report';
import { registerWebhooks } from '../webhooks/register';
import type { WebhookReport } from '../webhooks/report';
import type { EngineConfig } from './engine-config';
import { AbortedResync } from './aborted-resync';
import { ensureIntegration, foreignText, planPortSetup, type PortSetupPlan } from './port-setup';
import { prepareMapping, type PreparedResource } from './prepare-mapping';
import { OwnedEntities } from './owned-entities';
import { ProducedEntities } from './produced';
import { reconcile } from './reconcile';
import { deletionBlockers, projectsFilterNarrowing } from './deletion-policy';
import { resendUnmetDependencies } from './unmet-dependencies';
import { syncInLanes } from './resource-lanes';
import type { RunReporter } from './reporter';
import { literalBlueprint, syncResource, type PlanCounts } from './resource-sync';
import type { DeletionReport, PlanRow, ResourceStats, RunResult } from './stats';
import { capYoungGeneration, limitHeapGrowth } from '../util/heap-growth';

export type RunDependencies = {
  reporter: RunReporter;
  /** A debug line for every answer from Azure DevOps and Port (log level debug). */
  logRequests?: boolean;
  /** Secrets known up front (from the configuration), redacted from raw examples. */
  secrets?: readonly string[];
  /** Called with every secret the run derives (Port access tokens), so wrappers can mask it. */
  onSecret?: (secret: string) => void;
  /** Host → IP overrides (tests and diagnostics; see NetworkOptions.resolve). */
  resolve?: Readonly<Record<string, string>>;
  concurrency?: Partial<ConcurrencyPolicy>;
  now?: () => Date;
  signal?: AbortSignal;
  /** How long shards other than 0 wait for shard 0's first-run setup (core/shards/setup-wait). */
  shardSetupWait?: SetupWait;
  /**
   * Retry attempts and backoff of both clients. Not a user setting: fault tests shorten the
   * backoffs so a storm of failures takes milliseconds instead of minutes.
   */
  retry?: { azureDevOps?: Partial<RetryPolicy>; port?: Partial<PortRetryPolicy> };
};

// Raised for problems found before any write (exit code 2); defined with the Azure DevOps pre-flight.
export { PreflightError };

/**
 * One ONCE run (BRIEF §4): pre-flight both sides, read and validate the mapping, register the
 * integration, sync each resource in order, reconcile, report. Configuration and credential
 * problems throw before anything is written; everything later is recorded in the result.
 */
export async function runSync(config: EngineConfig, deps: RunDependencies): Promise<RunResult> {
  // A run cancelled after it reported "running" reports "aborted" (aborted-resync.ts); it ends once that report has.
  const aborted = new AbortedResync();
  try {
    return await syncOnce(config, deps, aborted);
  } finally {
    await aborted.settled();
  }
}

async function syncOnce(config: EngineConfig, deps: RunDependencies, aborted: AbortedResync): Promise<RunResult> {
  const { reporter } = deps;
  // A sync's live data is small and its garbage large: keep V8 from growing the heap 4× past it,
  // and its young generation from holding 32 MiB of it between scavenges.
  limitHeapGrowth();
  capYoungGeneration();
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const concurrency = { ...DEFAULT_CONCURRENCY, ...deps.concurrency };
  const identifier = config.integration.identifier;
  const onAnswer = deps.logRequests ? { onAnswer: (line: string) => reporter.debug(line) } : {};
  const { transport, limiter, client: ado } = await connectAzureDevOps(
    { organizationUrl: config.azureDevOps.organizationUrl, credential: config.azureDevOps.credential, network: config.network },
    { maxConcurrent: concurrency.requests, resolve: deps.resolve, retry: deps.retry?.azureDevOps, signal: deps.signal, ...onAnswer },
  );
  const { organization } = ado;
  const shard = new ShardRun(config.shard, identifier);
  const userAgent = shard.userAgent;
  const port = new PortClient({
    baseUrl: config.port.baseUrl,
    credentials: { clientId: config.port.clientId, clientSecret: config.port.clientSecret },
    transport,
    userAgent,
    maxConcurrent: concurrency.portRequests,
    ...(deps.onSecret ? { onToken: deps.onSecret } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    retry: { ...DEFAULT_PORT_RETRY_POLICY, ...deps.retry?.port },
    now,
    ...onAnswer,
  });
  const integrationApi = new IntegrationApi(port, identifier);

  // 1. Pre-flight: both credentials, before anything is read or written.
  reporter.progress(0, 'Checking credentials');
  try {
    await port.authenticate();
  } catch (error) {
    // Unreachable (a mistyped URL or region, a proxy): found before any write, like Azure DevOps'.
    if (error instanceof PortApiError && error.status === undefined) throw new PreflightError(error.message);
    throw error;
  }
  // Port compares `before` with the `updatedAt` it stamps: an agent whose clock runs fast would
  // count entities another writer (the receiver) wrote after this run started as this run's stale ones.
  const portTime = onServiceClock(startedAt, port.clock?.serviceDate, port.clock?.agentNow ?? now());
  // Cursors are compared with the times Azure DevOps stamps, so they are taken from its clock: an
  // agent whose clock runs ahead would otherwise move them past changes it never listed.
  const cursorTime = onServiceClock(startedAt, await preflightAzureDevOps(ado), now());

  // 2–3. The integration and its mapping; every mapping problem surfaces here, before writes.
  const found = await integrationApi.get();
  requireSelfHosted(found, identifier);
  const existing = await shard.awaitSetup({
    existing: found,
    initializePortResources: config.initializePortResources,
    mode: config.mode === 'plan' ? 'plan' : 'sync',
    read: () => integrationApi.get(),
    reporter,
    ...(deps.shardSetupWait ? { wait: deps.shardSetupWait } : {}),
  });
  const engine = await createJqEngine();
  const mapping = await prepareMapping(config, existing, engine);
  for (const warning of mapping.warnings) reporter.warn(warning.message, { ...(warning.file ? { file: warning.file } : {}), ...(warning.line ? { line: warning.line } : {}) });
  reporter.info(`Mapping: ${mapping.origin}, ${mapping.resources.length} resource(s)${mapping.filteredOut ? ` (${mapping.filteredOut} left out by the kinds filter)` : ''}.`);
  const entities = new EntityApi(port, { merge: mapping.config.enableMergeEntity, createMissingRelatedEntities: mapping.config.createMissingRelatedEntities });

  const plan = config.mode === 'plan';
  // An incremental run writes like a sync; what differs is what it lists (core/incremental).
  const incremental = config.mode === 'incremental';
  const writeMode = plan ? 'plan' : 'sync';
  const blueprints = new BlueprintApi(port);
  // Checked before the set-up writes anything: a run that cannot write its mapping must not leave
  // an integration registered with it and marked initialized, failing every run after it.
  const setup = await planPortSetup({ blueprints, existing, initializePortResources: config.initializePortResources });
  const resources = mapping.resources.map((r) => r.resource);
  await requireBlueprints(literalBlueprints(resources), blueprints, setup);
  await checkMappingFit(resources, blueprints, setup, reporter);
  if (!plan) {
    await ensureIntegration({
      integration: integrationApi,
      blueprints,
      existing,
      plan: setup,
      deployment: organization.deployment,
      configForNewIntegration: portAppConfigToObject(mapping.config),
      version: VERSION,
      reporter,
    });
  }

  const interval = config.scheduledResyncIntervalMinutes ?? null;
  if (!plan) {
    await integrationApi
      .reportResyncState({ status: 'running', lastResyncStart: startedAt.toISOString(), lastResyncEnd: null, nextResync: nextResync(startedAt, interval), intervalInMinuets: interval })
      .catch((error: unknown) => reporter.debug(`resync state not reported: ${String(error)}`));
    aborted.arm(deps.signal, {
      port: { baseUrl: config.port.baseUrl, credentials: { clientId: config.port.clientId, clientSecret: config.port.clientSecret }, transport, userAgent, ...(deps.onSecret ? { onToken: deps.onSecret } : {}) },
      identifier,
      state: () => ({ lastResyncEnd: now().toISOString(), nextResync: nextResync(startedAt, interval), intervalInMinuets: interval }),
      reporter,
    });
  }

  // 4. Resources: in mapping order, several at once where that cannot change the outcome (resource-lanes.ts).
  const produced = new ProducedEntities();
  const planCounts = new Map<string, PlanCounts>();
  const projectScope = { include: config.filters.projects ?? [], excludedTags: config.azureDevOps.excludedTags };
  const parents = new ParentListings(ado, shard.projectScope(projectScope), concurrency);
  // Organization-level kinds and service hooks see every project, whatever the shard.
  const wholeParents = shard.sharded ? new ParentListings(ado, projectScope, concurrency) : parents;
  if (shard.sharded) reporter.info(`This run is ${shard.label}: its share of the projects${shard.shard.index === 0 ? ', and the organization-level kinds' : ''}.`);
  // Read while the listings run; until it has arrived (or if it fails) every entity is searched.
  const owned = OwnedEntities.load(entities, shard.datasource, portTime.toISOString(), () => produced.rewrittenCount()).catch((error: unknown) => {
    reporter.debug(`the entities this integration owns could not be listed, every entity is compared before writing: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  const total = mapping.resources.length;
  const cursors = plan
    ? undefined
    : new ResourceCursors({
        store: new CursorStore(port, identifier),
        mode: incremental ? 'incremental' : 'sync',
        settings: config.incremental ?? DEFAULT_INCREMENTAL_SETTINGS,
        startedAt: cursorTime,
        reporter,
        // Every shard shares the integration's cursors (Ocean's keys have no shard): one shard's
        // success would claim the other shards' projects were seen.
        holdBecause: projectsFilterNarrowing(config.filters) ?? (shard.sharded ? `${shard.label} lists only its share of the projects, and the cursors are the whole organization's` : undefined),
      });
  const sync = cursors ? cursors.wrap(syncResource) : syncResource;
  const labelOf = (prepared: PreparedResource) => `${prepared.resource.kind} (resources[${prepared.resource.index}])`;
  const synced: PreparedResource[] = [];
  for (const prepared of mapping.resources) {
    if (shard.syncsResource(prepared.resource.kind, `${prepared.resource.kind} #${prepared.resource.index}`)) synced.push(prepared);
    else reporter.info(`${labelOf(prepared)}: left to shard 0 (organization-level kind).`);
  }
  const results = await syncInLanes({
    resources: synced,
    blueprintsOf: (prepared) => prepared.resource.port.entity.mappings.map((m) => literalBlueprint(m.blueprint)),
    volumeOf: (prepared) => prepared.kind.volume,
    labelOf,
    createMissingRelatedEntities: mapping.config.createMissingRelatedEntities,
    slots: concurrency.resources,
    reporter,
    sync: (prepared, log, finished) =>
      sync(prepared, {
        ado,
        parents: shard.parentsFor(prepared.resource.kind, parents, wholeParents),
        concurrency,
        entities,
        owned,
        integration: integrationApi,
        datasource: shard.datasource,
        mode: writeMode,
        merge: mapping.config.enableMergeEntity,
        sendRawDataExamples: config.sendRawDataExamples,
        secrets: deps.secrets ?? [],
        reporter: log,
        now: startedAt,
        produced,
        plan: planCounts,
        onProgress: (s) => reporter.progress((finished() + 0.5) / (total + 1), `${labelOf(prepared)}: ${s.listed} listed`),
      }),
    report: (stats) => reportResource(stats, reporter),
    onReported: (prepared, finished) => reporter.progress(finished / (total + 1), `${labelOf(prepared)}: done`),
  });
  // What Port refused for a relation target not written yet goes again now that every resource has run (§2.8).
  await resendUnmetDependencies(results, { entities, relationTargets: (blueprint) => blueprints.relationTargets(blueprint), reporter });

  // 5. Reconciliation.
  const failedResources = results.filter((r) => !r.ok);
  const blockers = deletionBlockers(config, { failedResources, mappedResources: mapping.config.resources });
  for (const { blueprint, reason } of blockers.held) {
    if (blueprint) produced.hold(blueprint, reason);
    else produced.holdAll(reason);
  }
  reporter.progress(total / (total + 1), 'Reconciling');
  const referencedElsewhere = shard.referencedElsewhere({
    port,
    createMissingRelatedEntities: mapping.config.createMissingRelatedEntities,
    blueprints: literalBlueprints(mapping.config.resources),
    relationTargets: (bp) => blueprints.relationTargets(bp),
    reporter,
  });
  const deletions = await reconcile({
    entities,
    ...(mapping.config.createMissingRelatedEntities ? { relationTargets: (bp: string) => blueprints.relationTargets(bp) } : {}),
    ...(referencedElsewhere ? { referencedElsewhere } : {}),
    datasource: shard.datasource,
    produced,
    ownedAtStart: owned,
    before: portTime.toISOString(),
    threshold: mapping.config.entityDeletionThreshold,
    deleteDependents: mapping.config.deleteDependentEntities,
    blockedBecause: blockers.reconciliation,
    mode: writeMode,
    reporter,
  });
  creditDeletions(results, deletions);
  const shardReport = await shard.finish({
    port,
    entities,
    startedAt: portTime,
    mode: writeMode,
    results,
    deletions,
    narrowedByFilter: blockers.narrowedByFilter,
    produced,
    referencedElsewhere,
    threshold: mapping.config.entityDeletionThreshold,
    deleteDependents: mapping.config.deleteDependentEntities,
    now,
    reporter,
  });
  const sweep = shardReport?.sweep.ran ? shardReport.sweep.deletions : undefined;

  // 6. Webhooks (BRIEF §7), whatever the sync's outcome: registration does not depend on it.
  let webhooks: WebhookReport | undefined;
  const hooks = config.webhooks;
  if (hooks?.register && !shard.registersWebhooks) reporter.info(`Webhooks: registered by shard 0 for the whole organization; ${shard.label} leaves them alone.`);
  if (hooks?.register && shard.registersWebhooks) {
    const { baseUrl } = hooks;
    webhooks = await reporter.section('webhooks', () =>
      baseUrl === undefined
        ? Promise.resolve(failedReport({ mode: plan ? 'plan' : 'apply', receiverUrl: '(none)', problem: 'webhooks.baseUrl is not set' }))
        : registerWebhooks(
            { settings: { ...hooks, baseUrl }, integration: identifier, isProjectsLimited: config.azureDevOps.isProjectsLimited ?? true, mode: plan ? 'plan' : 'apply' },
            { client: ado.withMetrics(new RequestMetrics()), parents: wholeParents, reporter, concurrency: concurrency.projects },
          ),
    );
    for (const problem of webhooks.problems) reporter.error(`Webhooks: ${problem}`);
  }

  const deletionFailed = deletions.error !== undefined || deletions.blueprints.some((b) => b.error) || sweep?.error !== undefined || (sweep?.blueprints.some((b) => b.error) ?? false);
  const guardTripped = deletions.guardTripped || (sweep?.guardTripped ?? false);
  const syncStatus = failedResources.length === 0 && !deletionFailed && !(plan && guardTripped) ? 'success' : failedResources.length === results.length && results.length > 0 ? 'failed' : 'partial';
  // A cancelled run has reported "aborted" already (its client could not send this any more).
  if (!plan && !deps.signal?.aborted) {
    await integrationApi
      .reportResyncState({ status: syncStatus === 'success' ? 'completed' : 'failed', lastResyncEnd: now().toISOString(), nextResync: nextResync(startedAt, interval), intervalInMinuets: interval })
      .catch((error: unknown) => reporter.debug(`resync state not reported: ${String(error)}`));
  }
  aborted.disarm();
  reporter.progress(1, 'Done');
  // A failed registration is a partial failure of the run (exit code 1), as a failed kind is.
  const status = webhooks?.status === 'failed' && syncStatus === 'success' ? 'partial' : syncStatus;

  return {
    status,
    ...(webhooks ? { webhooks } : {}),
    ...(shardReport ? { shard: shardReport } : {}),
    // The run's mode as reported; the writes above only tell plan from sync (an incremental run writes like a sync).
    mode: incremental ? 'incremental' : writeMode,
    ...(cursors ? { cursors: cursors.report() } : {}),
    resources: results,
    deletions,
    seconds: (now().getTime() - startedAt.getTime()) / 1000,
    adoRequests: ado.metrics.requests,
    portRequests: port.metrics.requests,
    throttledSeconds: limiter.throttled.milliseconds / 1000,
    portThrottledSeconds: port.metrics.throttled.milliseconds / 1000,
    problems: deletions.error !== undefined ? ['reconciliation could not list the entities this integration owns'] : deletionFailed ? ['some stale entities could not be deleted'] : [],
    integrationUrl: undefined,
    plan: planRows(planCounts, deletions),
  };
}

/**
 * Each blueprint's deletions counted on the resources' stats, once, on the first resource that
 * writes the blueprint (several may: the repository and both repository-policy resources of the
 * default mapping).
 */
function creditDeletions(results: readonly ResourceStats[], deletions: DeletionReport): void {
  for (const entry of deletions.blueprints) {
    const firstWriter = results.find((stats) => stats.blueprints.has(entry.blueprint));
    if (firstWriter) firstWriter.deleted += entry.deleted;
  }
}

/**
 * A plan's rows: every blueprint the run would write, and every one it would delete from, which
 * includes blueprints it writes nothing to (a kind whose listing is now empty, bare relation targets).
 */
function planRows(planCounts: ReadonlyMap<string, PlanCounts>, deletions: DeletionReport): PlanRow[] {
  const blueprints = new Set([...planCounts.keys(), ...deletions.blueprints.filter((d) => !d.held && d.stale > 0).map((d) => d.blueprint)]);
  return [...blueprints].map((blueprint) => {
    const counts = planCounts.get(blueprint) ?? { create: 0, update: 0, unchanged: 0, samples: { create: [], update: [] } };
    const deletion = deletions.blueprints.find((d) => d.blueprint === blueprint);
    const toDelete = deletion && !deletion.held && !deletions.skipped ? deletion.stale : 0;
    return { blueprint, create: counts.create, update: counts.update, unchanged: counts.unchanged, delete: toDelete, samples: { create: counts.samples.create, update: counts.samples.update, delete: toDelete ? (deletion?.samples ?? []) : [] } };
  });
}

/**
 * Port refuses an entity with a property or relation its blueprint lacks. Default blueprints this
 * run would create for a mapping written for others (Ocean's mapping, say) would fail every entity
 * and stay in the catalog: that stops the run before any write. Keys the blueprints already in
 * Port lack are warned about, at the mapping's line: the other resources still sync, as in Ocean.
 */
async function checkMappingFit(resources: readonly ResourceConfig[], blueprints: BlueprintApi, setup: PortSetupPlan, reporter: RunReporter): Promise<void> {
  const shapes = new Map(await Promise.all(literalBlueprints(resources).map(async (b) => [b, await blueprints.shape(b)] as const)));
  const defaults = new Map(defaultBlueprints().map((b) => [b.identifier, b]));
  const misfits = misfitKeys(resources, (blueprint) => {
    const created = setup.willCreate.has(blueprint) ? defaults.get(blueprint) : undefined;
    const shape = shapes.get(blueprint) ?? (created && shapeOfDefinition(created));
    return shape && { properties: shape.properties, relations: Object.keys(shape.relations) };
  });
  const intoDefaults = misfits.filter((m) => setup.willCreate.has(m.blueprint));
  if (intoDefaults.length > 0) {
    throw new PreflightError(
      `The mapping writes ${describeMisfits(intoDefaults)}, which the default blueprints this run would create do not have: it was written for other blueprints (Ocean's, say). Nothing was written. Create the blueprints it needs (then the defaults are not created), or use a mapping written for these defaults.`,
    );
  }
  for (const m of misfits) {
    reporter.warn(`${m.path}: '${m.key}' is not a ${m.field === 'properties' ? 'property' : 'relation'} of blueprint ${m.blueprint} in Port; Port will refuse these entities.`, { file: m.file, ...(m.line ? { line: m.line } : {}) });
  }
}

async function requireBlueprints(literals: readonly string[], blueprints: BlueprintApi, setup: PortSetupPlan): Promise<void> {
  const present = await Promise.all(literals.map((blueprint) => blueprints.exists(blueprint)));
  const missing = literals.filter((blueprint, i) => !present[i] && !setup.willCreate.has(blueprint));
  if (missing.length === 0) return;
  const listed = `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, and ${missing.length - 5} more` : ''}`;
  const advice =
    setup.defaults === 'leave'
      ? `The default blueprints were not created because some already exist in Port (${foreignText(setup)}), as Ocean leaves such a catalog alone. Use a mapping that writes to the blueprints you have (the integration's mapping in Port, or a mapping file), or create the missing ones.`
      : setup.emptyOrigin
        ? "The integration's createPortResourcesOrigin in Port is Empty, so no default blueprints are created: create them, or map to the blueprints you have."
        : 'Create them, or run once with initializePortResources (OCEAN__INITIALIZE_PORT_RESOURCES=true) on an integration Port has not marked initialized, to create the defaults.';
  throw new PreflightError(`The mapping writes to blueprint(s) that do not exist in Port: ${listed}. ${advice} Nothing was written.`);
}

function nextResync(start: Date, intervalMinutes: number | null): string | null {
  if (!intervalMinutes) return null;
  return new Date(start.getTime() + intervalMinutes * 60_000).toISOString();
}

function reportResource(stats: ResourceStats, reporter: RunReporter): void {
  const unmet = stats.unmetDependencies.length;
  const counts = `${stats.listed} listed, ${stats.upserted} upserted, ${stats.unchanged} unchanged, ${stats.failed} failed${unmet ? `, ${unmet} to send again at the end (relation target missing)` : ''} in ${stats.seconds.toFixed(1)} s`;
  if (stats.checkError) reporter.warn(`${stats.label}: comparing with what Port holds failed (${stats.checkError}); ${stats.uncheckedWrites} entit${stats.uncheckedWrites === 1 ? 'y was' : 'ies were'} written without the check.`);
  for (const failure of stats.failures.slice(0, 5)) reporter.warn(`${stats.label}: entity ${failure.identifier} was rejected by Port: ${failure.message}`);
  // One line per resource: a failed one says so with what it managed, not as a clean "0 listed".
  if (stats.error) reporter.error(`${stats.label} failed (${counts}): ${stats.error}`);
  else reporter.info(`${stats.label}: ${counts}`);
}
