import type { EngineReport } from './engine-protocol';
import { runEngine, type EngineRun } from './engine-runner';
import { latencyBound } from './lower-bound';
import type { BenchOptions } from './options';
import { largestShare, ratiosToSingle, shardTargetMet, slowestShard } from './scenario-figures';
import { defaultMappingShape, ENGINE_RESOLVE, engineEnvironment, mibToMB, minimumForMapping, recordedOptions, startSimulators, type RecordedOptions, switchOnTstu, type Bundles, type Simulators } from './scenarios';
import type { AdoCounters, PortCounters } from './sim-control';

export const SHARD_COUNTS = [1, 2, 4] as const;

/** One shard's engine process, as it reported itself. */
export type ShardFigures = {
  shard: string;
  outcome: EngineReport['outcome'];
  /** Fork to exit of this shard's process. */
  wallSeconds: number;
  engineSeconds: number;
  /** The engine's own request counts (the simulators count the round as a whole). */
  adoRequests: number;
  portRequests: number;
  upserted: number;
  unchanged: number;
  throttledSeconds: number;
  peakRssMB: number;
  cpuSeconds: number;
  errors: string[];
};

export type ShardRound = {
  n: number;
  /** The round is over when its slowest shard is. */
  slowestSeconds: number;
  slowestShard: string;
  /** Slowest over fastest shard. */
  spread: number;
  /** The largest shard's share of the Azure DevOps requests (engine counts): the best ratio to one job this partition allows. */
  largestShare: number;
  ratioToSingle?: number;
  shards: ShardFigures[];
  /** What the simulators served during the round (all shards together). */
  azureDevOps: { requests: number; status429: number; delayedResponses: number };
  port: { requests: number; bulkWrites: number; searches: number };
  /** Entities Port holds after the round: the same for every `n` when the shards together do what one job does. */
  portEntities: number;
  /** The same per blueprint, to find which blueprint differs between rounds. */
  portEntitiesPerBlueprint: Record<string, number>;
};

export type ShardScenarioResult = {
  scale: string;
  options: RecordedOptions;
  tstu: { budget: number; windowMs: number; costOfMinimum: number; budgetBoundSeconds: number };
  rounds: ShardRound[];
  target: { ratio: number | undefined; met: boolean | null };
};

const patOf = (i: number) => `bench-personal-access-token-shard-${i}`;

/**
 * Issue 12's scenario: the same organization synced by 1, 2 and 4 jobs started at the same time,
 * each with its own Azure DevOps identity (so its own concurrency cap and TSTU budget), the TSTU
 * model on as in the TSTU scenario (the single job's minimal sync costs four budgets). Both
 * simulators are reset before each round, so each starts from an empty Port.
 */
export async function benchShards(bundles: Bundles, options: BenchOptions, log: (line: string) => void): Promise<ShardScenarioResult> {
  const shape = defaultMappingShape();
  log(`Starting the simulators (scale ${options.scale}) …`);
  const sims = await startSimulators(bundles, options);
  try {
    const { minimum } = await minimumForMapping(sims, shape.kinds);
    const adoMinimum = minimum.selected ?? 0;
    // As in the TSTU scenario: a window long enough that the budget, not latency, is the limit
    // (here from the simulator's minimum, as there is no unthrottled first run to measure).
    const windowMs = Math.max(10_000, Math.ceil(latencyBound(adoMinimum, options.adoLatencyMs, options.adoConcurrency).seconds * 500));
    const rounds: ShardRound[] = [];
    let tstu: ShardScenarioResult['tstu'] | undefined;
    for (const n of SHARD_COUNTS) {
      log(`${n} shard${n === 1 ? ' (one job)' : 's'}, each with its own identity and TSTU budget …`);
      await Promise.all([sims.adoControl.reset(), sims.portControl.reset()]);
      await sims.adoControl.setConcurrency(options.adoConcurrency);
      for (let i = 0; i < n; i++) await sims.adoControl.addPat(patOf(i), `shard${i}`);
      const settings = await switchOnTstu(sims, minimum.selectedByRoute ?? {}, windowMs);
      tstu = { budget: settings.budget, windowMs, costOfMinimum: settings.cost, budgetBoundSeconds: settings.budgetSeconds };
      const round = await runRound(bundles, sims, options, n, Math.max(180_000, settings.budgetSeconds * 10_000));
      rounds.push(round);
      await sims.adoControl.throttle(false);
      log(`  slowest shard ${round.slowestShard}: ${round.slowestSeconds.toFixed(1)} s; ${round.azureDevOps.requests} ADO, ${round.port.requests} Port requests; ${round.portEntities} entities in Port`);
    }
    const ratios = ratiosToSingle(rounds);
    for (const round of rounds) {
      const ratio = ratios?.get(round.n);
      if (ratio !== undefined) round.ratioToSingle = ratio;
    }
    return {
      scale: options.scale,
      options: recordedOptions(options),
      tstu: tstu ?? { budget: 0, windowMs, costOfMinimum: 0, budgetBoundSeconds: 0 },
      rounds,
      target: shardTargetMet(rounds),
    };
  } finally {
    await Promise.all([sims.ado.stop(), sims.port.stop()]);
  }
}

async function runRound(bundles: Bundles, sims: Simulators, options: BenchOptions, n: number, timeoutMs: number): Promise<ShardRound> {
  const [ado0, port0] = await Promise.all([sims.adoControl.counters(), sims.portControl.counters()]);
  const label = (i: number) => (n === 1 ? 'single' : `${i}/${n}`);
  // All shards start together, as the parallel jobs of one pipeline run do. Shard 0 registers
  // the integration and creates the blueprints; the others look for that every 250 ms.
  const runs = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      runEngine(
        bundles.engine,
        engineEnvironment(sims, options, { OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: patOf(i), ...(n > 1 ? { PORT_ADO_SYNC_SHARD: `${i}/${n}` } : {}) }),
        { resolve: ENGINE_RESOLVE, shardSetupWait: { intervalMs: 250, timeoutMs: 300_000 } },
        options.engineNodeFlags,
        timeoutMs,
      ).catch((error: unknown) => {
        throw new Error(`shard ${label(i)}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ),
  );
  const [ado1, port1] = await Promise.all([sims.adoControl.counters(), sims.portControl.counters()]);
  const perBlueprint = await sims.portControl.entityCounts();
  const entities = [...perBlueprint.values()].reduce((a, b) => a + b, 0);
  const shards = runs.map((run, i) => shardFigures(label(i), run));
  const slowest = slowestShard(shards);
  return {
    n,
    slowestSeconds: slowest.wallSeconds,
    slowestShard: slowest.shard,
    spread: slowest.spread,
    largestShare: largestShare(shards.map((x) => x.adoRequests)),
    shards,
    ...served(ado0, ado1, port0, port1),
    portEntities: entities,
    portEntitiesPerBlueprint: Object.fromEntries([...perBlueprint].sort(([a], [b]) => a.localeCompare(b))),
  };
}

function shardFigures(shard: string, run: EngineRun): ShardFigures {
  const r = run.report;
  const resources = r.run?.resources ?? [];
  return {
    shard,
    outcome: r.outcome,
    wallSeconds: run.wallSeconds,
    engineSeconds: r.run?.seconds ?? run.wallSeconds,
    adoRequests: r.run?.adoRequests ?? 0,
    portRequests: r.run?.portRequests ?? 0,
    upserted: resources.reduce((n, x) => n + x.upserted, 0),
    unchanged: resources.reduce((n, x) => n + x.unchanged, 0),
    throttledSeconds: r.run?.throttledSeconds ?? 0,
    peakRssMB: mibToMB(r.maxRssMiB),
    cpuSeconds: r.cpuUserSeconds + r.cpuSystemSeconds,
    errors: r.errors,
  };
}

function served(ado0: AdoCounters, ado1: AdoCounters, port0: PortCounters, port1: PortCounters): Pick<ShardRound, 'azureDevOps' | 'port'> {
  const portRoute = (route: string) => (port1.requestsByRoute[route] ?? 0) - (port0.requestsByRoute[route] ?? 0);
  return {
    azureDevOps: {
      requests: ado1.requests - ado0.requests,
      status429: (ado1.byStatus['429'] ?? 0) - (ado0.byStatus['429'] ?? 0),
      delayedResponses: ado1.delayed - ado0.delayed,
    },
    port: {
      requests: port1.requests - port0.requests,
      bulkWrites: portRoute('POST /v1/blueprints/:blueprint/entities/bulk'),
      searches: portRoute('POST /v1/entities/search'),
    },
  };
}
