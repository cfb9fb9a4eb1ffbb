import { defaultPortAppConfig } from '../core/kinds/defaults';
import type { EngineReport, EngineResource, GcTotals, MemoryBreakdown } from './engine-protocol';
import { runEngine, type EngineRun } from './engine-runner';
import {
  addRoutes,
  budgetBoundSeconds,
  fewestBulkWrites,
  latencyBound,
  lowerBound,
  mappingFanOutRequests,
  minimumTstu,
  scaledTstuModel,
  type LowerBound,
  type MappingFanOut,
} from './lower-bound';
import type { BenchOptions } from './options';
import { startSimulatorProcess, type SimulatorProcess } from './processes';
import { AzureDevOpsSimControl, PortSimControl, type AdoCounters, type MinimumRequests, type PortCounters } from './sim-control';

export const PAT = 'bench-personal-access-token';
const PORT_CREDENTIALS = { clientId: 'bench-client-id', clientSecret: 'bench-client-secret' };
const BULK_ROUTE = 'POST /v1/blueprints/:blueprint/entities/bulk';
const SINGLE_ROUTE = 'POST /v1/blueprints/:blueprint/entities';
const SEARCH_ROUTE = 'POST /v1/entities/search';
const MB = 1e6;
/** The engine and the simulators report MiB; the results are in MB. */
export const mibToMB = (mib: number): number => (mib * 1024 * 1024) / MB;
const inMB = (m: MemoryBreakdown): MemoryBreakdown => ({
  rss: mibToMB(m.rss),
  heapTotal: mibToMB(m.heapTotal),
  heapUsed: mibToMB(m.heapUsed),
  youngGenerationCommitted: mibToMB(m.youngGenerationCommitted),
  external: mibToMB(m.external),
  arrayBuffers: mibToMB(m.arrayBuffers),
});
const mb = (mib: number | undefined) => (mib === undefined ? undefined : mibToMB(mib));

export type Bundles = { sim: string; engine: string };

/** One engine run as both sides saw it. */
export type RunFigures = {
  outcome: EngineReport['outcome'];
  wallSeconds: number;
  /** runSync's own clock (no process start-up). */
  engineSeconds: number;
  entities: number;
  entitiesPerSecond: number;
  /** `replayed`: answers the simulator's memo served (`--no-sim-memo`: none), counted in `requests` and `bytesIn` too. */
  azureDevOps: { requests: number; bytesIn: number; status429: number; delayedResponses: number; delayedSeconds: number; replayed: number; byRoute: Record<string, number>; bytesByRoute: Record<string, number> };
  port: { requests: number; bulkWrites: number; singleWrites: number; searches: number; bytesIn: number; bytesOut: number; status429: number; peakInFlight: number };
  peakRssMB: number;
  peakRssPolledMB: number | undefined;
  peakHeapUsedMB: number;
  /** Breakdown of the engine's memory at its highest sampled RSS (MB): rss, heapTotal, heapUsed, youngGenerationCommitted, external, arrayBuffers. */
  memoryAtPeakRssMB: MemoryBreakdown | undefined;
  /** Garbage-collection pauses of the engine's main thread: scavenges (minor), full collections (major), incremental marking. */
  gc: GcTotals;
  cpuSeconds: number;
  /** Of `cpuSeconds`, the engine's main thread (Linux only); the rest is V8's helper threads and libuv's pool. */
  mainThreadCpuSeconds?: number | undefined;
  /** CPU the simulators spent serving this run (both share the machine with the engine). */
  simulatorCpuSeconds: { azureDevOps: number | undefined; port: number | undefined };
  /** Time the engine's requests waited on throttling (its pacing and pauses, plus server delays). */
  throttledSeconds: number;
  upserted: number;
  unchanged: number;
  deleted: number;
  warnings: number;
  errors: string[];
  resources: EngineResource[];
  /** Per resource: how it was listed and what changed (the run's incremental cursors). */
  cursors?: NonNullable<EngineReport['run']>['cursors'];
};

export type ScaleResult = {
  scale: string;
  options: RecordedOptions & Pick<BenchOptions, 'secondRun' | 'tstu'>;
  kinds: { mapped: string[]; unknownToSimulator: string[] };
  minimum: {
    azureDevOpsRequests: number;
    listingRequests: number;
    mappingFanOut: Record<string, number>;
    perKind: Record<string, number>;
    portBulkWrites: number;
    entitiesPerBlueprint: Record<string, number>;
  };
  firstRun: RunFigures & { lowerBound: LowerBound; efficiency: number; adoRequestsOverMinimum: number; bulkWritesOverMinimum: number };
  secondRun?: RunFigures & { ratioToFirst: number };
  tstu?: RunFigures & { lowerBound: LowerBound; budget: number; windowMs: number; costOfMinimum: number; withinBudgetBound: number };
  /** Why the TSTU scenario has no figures (it did not finish in time, say). */
  tstuError?: string;
  simulatorsPeakRssMB: { azureDevOps: number | undefined; port: number | undefined };
};

export type Simulators = { ado: SimulatorProcess; port: SimulatorProcess; adoControl: AzureDevOpsSimControl; portControl: PortSimControl; cloudUrl: string };

export async function startSimulators(bundles: Bundles, options: BenchOptions): Promise<Simulators> {
  const ado = await startSimulatorProcess(bundles.sim, ['ado', '--port', '0', '--scale', options.scale, '--seed', String(options.seed), '--latency-ms', String(options.adoLatencyMs), '--pat', PAT, '--warm', ...(options.simMemo ? ['--memo'] : [])], options.simulatorNodeFlags.ado);
  let port: SimulatorProcess;
  try {
    port = await startSimulatorProcess(bundles.sim, [
      'port',
      '--port',
      '0',
      '--latency-ms',
      String(options.portLatencyMs),
      '--max-concurrent-requests',
      String(options.portConcurrency),
      '--client-id',
      PORT_CREDENTIALS.clientId,
      '--client-secret',
      PORT_CREDENTIALS.clientSecret,
    ], options.simulatorNodeFlags.port);
  } catch (error) {
    await ado.stop();
    throw error;
  }
  const serverUrl = new URL(ado.url);
  const adoControl = new AzureDevOpsSimControl(serverUrl.origin);
  await adoControl.setConcurrency(options.adoConcurrency);
  // The cloud form (dev.azure.com and its vsrm/vssps/vsaex/advsec hosts), answered on 127.0.0.1.
  const cloudUrl = `http://dev.azure.com:${serverUrl.port}${serverUrl.pathname}`;
  return { ado, port, adoControl, portControl: new PortSimControl(port.url, PORT_CREDENTIALS), cloudUrl };
}

/**
 * The engine's environment: the pipeline step's variables, then the benchmark's `--engine-env`
 * settings, then `extra` (another identity's PAT, a shard, a mode).
 */
export function engineEnvironment(sims: Simulators, options: Pick<BenchOptions, 'engineEnv'>, extra: Record<string, string> = {}): Record<string, string> {
  // Exactly the variables of Port's documented pipeline step (variable group port-ocean-credentials).
  return {
    OCEAN__PORT__CLIENT_ID: PORT_CREDENTIALS.clientId,
    OCEAN__PORT__CLIENT_SECRET: PORT_CREDENTIALS.clientSecret,
    OCEAN__PORT__BASE_URL: sims.port.url,
    OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
    OCEAN__INITIALIZE_PORT_RESOURCES: 'true',
    OCEAN__SEND_RAW_DATA_EXAMPLES: 'true',
    OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: sims.cloudUrl,
    OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT,
    ...options.engineEnv,
    ...extra,
  };
}

/** The kinds of the default mapping, and how its selectors fan out beyond the listings. */
/**
 * The simulator's minimum for the default mapping's kinds it knows (`measured`); the kinds it does
 * not model are `unknown` and left out of the bound.
 */
export async function minimumForMapping(sims: Simulators, kinds: readonly string[]): Promise<{ measured: string[]; unknown: string[]; minimum: MinimumRequests }> {
  const simKinds = Object.keys((await sims.adoControl.minimumRequests([])).kinds);
  const measured = kinds.filter((k) => simKinds.includes(k));
  const unknown = kinds.filter((k) => !simKinds.includes(k));
  return { measured, unknown, minimum: await sims.adoControl.minimumRequests(measured) };
}

export function defaultMappingShape(): { kinds: string[]; fanOut: MappingFanOut } {
  const resources = defaultPortAppConfig().resources;
  const selector = (kind: string): Record<string, unknown> => resources.find((r) => r.kind === kind)?.selector ?? {};
  const includedFiles = selector('repository').includedFiles;
  return {
    kinds: [...new Set(resources.map((r) => r.kind))],
    fanOut: {
      includedFiles: Array.isArray(includedFiles) ? includedFiles.length : 0,
      defaultTeam: selector('project').defaultTeam === true,
      includeRepo: selector('pipeline').includeRepo === true,
    },
  };
}

/**
 * The options every scenario's results file records: the service model, the seed, whether the
 * Azure DevOps simulator replayed answers (files before it have no `simMemo`: it did not), and
 * the engine's extra environment if any.
 */
export type RecordedOptions = Pick<BenchOptions, 'scale' | 'adoLatencyMs' | 'portLatencyMs' | 'adoConcurrency' | 'portConcurrency' | 'seed' | 'simMemo'> & { engineEnv?: Record<string, string> };

export function recordedOptions(options: BenchOptions): RecordedOptions {
  return {
    scale: options.scale,
    adoLatencyMs: options.adoLatencyMs,
    portLatencyMs: options.portLatencyMs,
    adoConcurrency: options.adoConcurrency,
    portConcurrency: options.portConcurrency,
    seed: options.seed,
    simMemo: options.simMemo,
    ...(Object.keys(options.engineEnv).length > 0 ? { engineEnv: options.engineEnv } : {}),
  };
}

export const ENGINE_RESOLVE = { 'dev.azure.com': '127.0.0.1', '*.dev.azure.com': '127.0.0.1' };

export async function measuredRun(bundles: Bundles, sims: Simulators, options: BenchOptions, label: string, heapSnapshot: boolean, timeoutMs = 30 * 60_000, extraEnv: Record<string, string> = {}): Promise<RunFigures> {
  const [ado0, port0] = await Promise.all([sims.adoControl.counters(), sims.portControl.counters()]);
  const cpu0 = { ado: sims.ado.cpuSeconds(), port: sims.port.cpuSeconds() };
  let run: EngineRun;
  try {
    run = await runEngine(
      bundles.engine,
      engineEnvironment(sims, options, extraEnv),
      { resolve: ENGINE_RESOLVE, ...(heapSnapshot ? { heapSnapshotDir: 'bench/profiles' } : {}) },
      options.engineNodeFlags,
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [ado1, port1] = await Promise.all([sims.adoControl.counters(), sims.portControl.counters()]);
  const delta = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : b - a);
  return { ...figures(run, ado0, ado1, port0, port1), simulatorCpuSeconds: { azureDevOps: delta(cpu0.ado, sims.ado.cpuSeconds()), port: delta(cpu0.port, sims.port.cpuSeconds()) } };
}

/** What each route served between two counter snapshots; routes that served nothing are left out. */
function routeDeltas(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const deltas: Record<string, number> = {};
  for (const [route, n] of Object.entries(after)) {
    const delta = n - (before[route] ?? 0);
    if (delta > 0) deltas[route] = delta;
  }
  return deltas;
}

export function figures(run: EngineRun, ado0: AdoCounters, ado1: AdoCounters, port0: PortCounters, port1: PortCounters): Omit<RunFigures, 'simulatorCpuSeconds'> {
  const r = run.report;
  const resources = r.run?.resources ?? [];
  const byRoute = routeDeltas(ado0.byRoute, ado1.byRoute);
  const bytesByRoute = routeDeltas(ado0.bytesByRoute, ado1.bytesByRoute);
  const portRoute = (route: string) => (port1.requestsByRoute[route] ?? 0) - (port0.requestsByRoute[route] ?? 0);
  const upserted = resources.reduce((n, x) => n + x.upserted, 0);
  const unchanged = resources.reduce((n, x) => n + x.unchanged, 0);
  const entities = upserted + unchanged;
  return {
    outcome: r.outcome,
    wallSeconds: run.wallSeconds,
    engineSeconds: r.run?.seconds ?? run.wallSeconds,
    entities,
    entitiesPerSecond: entities / run.wallSeconds,
    azureDevOps: {
      requests: ado1.requests - ado0.requests,
      bytesIn: ado1.bytesOut - ado0.bytesOut,
      status429: (ado1.byStatus['429'] ?? 0) - (ado0.byStatus['429'] ?? 0),
      delayedResponses: ado1.delayed - ado0.delayed,
      delayedSeconds: (ado1.delayedMs - ado0.delayedMs) / 1000,
      replayed: (ado1.replayed ?? 0) - (ado0.replayed ?? 0),
      byRoute,
      bytesByRoute,
    },
    port: {
      requests: port1.requests - port0.requests,
      bulkWrites: portRoute(BULK_ROUTE),
      singleWrites: portRoute(SINGLE_ROUTE),
      searches: portRoute(SEARCH_ROUTE),
      bytesIn: port1.bytesIn - port0.bytesIn,
      bytesOut: port1.bytesOut - port0.bytesOut,
      status429: (port1.statuses['429'] ?? 0) - (port0.statuses['429'] ?? 0),
      peakInFlight: port1.peakInFlight,
    },
    peakRssMB: mibToMB(r.maxRssMiB),
    peakRssPolledMB: mb(run.polledPeakRssMiB),
    peakHeapUsedMB: mibToMB(r.peakHeapUsedMiB),
    memoryAtPeakRssMB: r.memoryAtPeakRss && inMB(r.memoryAtPeakRss),
    gc: r.gc,
    cpuSeconds: r.cpuUserSeconds + r.cpuSystemSeconds,
    mainThreadCpuSeconds: r.mainThreadCpuSeconds,
    throttledSeconds: r.run?.throttledSeconds ?? 0,
    upserted,
    unchanged,
    deleted: r.run?.deleted ?? 0,
    warnings: r.warnings,
    errors: r.errors,
    resources,
    cursors: r.run?.cursors ?? null,
  };
}

/**
 * Turns the simulator's TSTU model on with the service's own budget (200 TSTUs per window) and
 * every route's cost scaled by one factor, so that the minimal sync costs four budgets whatever
 * the scale: the budget bound is three windows. Shrinking the budget instead would leave the
 * integer X-RateLimit-Remaining header with a handful of values, which no real identity sees.
 */
export async function switchOnTstu(sims: Simulators, minimumByRoute: Readonly<Record<string, number>>, windowMs: number): Promise<{ cost: number; budget: number; windowMs: number; budgetSeconds: number }> {
  const defaults = await sims.adoControl.throttle({});
  if ('enabled' in defaults) throw new Error('The simulator did not turn its TSTU model on.');
  const settings = await sims.adoControl.throttle({ windowMs, ...scaledTstuModel(defaults, minimumByRoute, 4) });
  if ('enabled' in settings) throw new Error('The simulator did not accept the TSTU settings.');
  const cost = minimumTstu(minimumByRoute, settings);
  return { cost, budget: settings.budget, windowMs, budgetSeconds: budgetBoundSeconds(cost, settings.budget, windowMs) };
}

/**
 * One scale, end to end: a first sync into an empty Port, an unchanged second sync, and the TSTU
 * budget scenario on a fresh pair of simulators' state. Progress lines go to `log`.
 */
export async function benchScale(bundles: Bundles, options: BenchOptions, log: (line: string) => void): Promise<ScaleResult> {
  const shape = defaultMappingShape();
  log(`Starting the simulators (scale ${options.scale}) …`);
  const sims = await startSimulators(bundles, options);
  try {
    const { measured, unknown, minimum } = await minimumForMapping(sims, shape.kinds);
    const fanOut = mappingFanOutRequests(minimum, shape.fanOut);
    const adoMinimum = (minimum.selected ?? 0) + fanOut.requests;

    log(`First run: sync into an empty Port …`);
    const first = await measuredRun(bundles, sims, options, 'first run', options.heapSnapshot);
    const entitiesPerBlueprint = await sims.portControl.entityCounts();
    const portMinimum = fewestBulkWrites(entitiesPerBlueprint);
    // The simulator's minimum counts the documented per-project listings; where the engine needed
    // fewer (organization-wide listings), its own count is the better estimate of the fewest, and
    // the bound must not claim more time than a client like it needs.
    const adoBoundRequests = Math.min(adoMinimum, first.azureDevOps.requests);
    const firstBound = lowerBound(latencyBound(adoBoundRequests, options.adoLatencyMs, options.adoConcurrency), latencyBound(portMinimum, options.portLatencyMs, options.portConcurrency));
    const result: ScaleResult = {
      scale: options.scale,
      options: { ...recordedOptions(options), secondRun: options.secondRun, tstu: options.tstu },
      kinds: { mapped: shape.kinds, unknownToSimulator: unknown },
      minimum: {
        azureDevOpsRequests: adoMinimum,
        listingRequests: minimum.selected ?? 0,
        mappingFanOut: fanOut.detail,
        perKind: Object.fromEntries(measured.map((k) => [k, minimum.kinds[k]?.own ?? 0])),
        portBulkWrites: portMinimum,
        entitiesPerBlueprint: Object.fromEntries([...entitiesPerBlueprint].sort(([a], [b]) => a.localeCompare(b))),
      },
      firstRun: {
        ...first,
        entities: [...entitiesPerBlueprint.values()].reduce((a, b) => a + b, 0),
        lowerBound: firstBound,
        efficiency: firstBound.seconds / first.wallSeconds,
        adoRequestsOverMinimum: first.azureDevOps.requests / adoMinimum,
        bulkWritesOverMinimum: portMinimum === 0 ? 0 : first.port.bulkWrites / portMinimum,
      },
      simulatorsPeakRssMB: { azureDevOps: undefined, port: undefined },
    };
    result.firstRun.entitiesPerSecond = result.firstRun.entities / first.wallSeconds;
    log(`  ${first.wallSeconds.toFixed(1)} s, efficiency ${result.firstRun.efficiency.toFixed(2)} (bound ${firstBound.seconds.toFixed(1)} s, ${firstBound.limitedBy})`);

    if (options.secondRun) {
      log(`Second run: nothing changed …`);
      const second = await measuredRun(bundles, sims, options, 'second run', false);
      result.secondRun = { ...second, ratioToFirst: second.wallSeconds / first.wallSeconds };
      log(`  ${second.wallSeconds.toFixed(1)} s, ${second.port.bulkWrites + second.port.singleWrites} writes`);
    }

    if (options.tstu) {
      log(`TSTU scenario: the service's budget, four times smaller than the sync needs …`);
      await Promise.all([sims.adoControl.reset(), sims.portControl.reset()]);
      await sims.adoControl.setConcurrency(options.adoConcurrency);
      // The window is long enough that the budget, not latency, is the limit (≥ 1.5× the first
      // run's latency bound), and at least 10 s so the model's whole-second Retry-After stays meaningful.
      const { cost, budget, windowMs, budgetSeconds } = await switchOnTstu(sims, addRoutes(minimum.selectedByRoute ?? {}, fanOut.byRoute), Math.max(10_000, Math.ceil(firstBound.seconds * 500)));
      try {
        // A pacing that stalls must not hold the benchmark: ten times the bound is plenty.
        const tstuRun = await measuredRun(bundles, sims, options, 'TSTU scenario', false, Math.max(120_000, budgetSeconds * 10_000));
        const bound = lowerBound(firstBound.azureDevOps, firstBound.port, { cost, budget, windowMs, seconds: budgetSeconds });
        result.tstu = { ...tstuRun, lowerBound: bound, budget, windowMs, costOfMinimum: cost, withinBudgetBound: tstuRun.wallSeconds / budgetSeconds };
        log(`  ${tstuRun.wallSeconds.toFixed(1)} s for a budget bound of ${budgetSeconds.toFixed(1)} s, ${tstuRun.azureDevOps.status429} × 429`);
      } catch (error) {
        result.tstuError = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
        log(`  failed: ${result.tstuError}`);
      }
      await sims.adoControl.throttle(false);
    }
    result.simulatorsPeakRssMB = {
      azureDevOps: mb(sims.ado.peakRssMiB()),
      port: mb(sims.port.peakRssMiB()),
    };
    return result;
  } finally {
    await Promise.all([sims.ado.stop(), sims.port.stop()]);
  }
}

