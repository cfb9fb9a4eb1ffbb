/**
 * The engine under measurement, in a process of its own (`dist/bench-engine.js`), so its peak RSS
 * and CPU time are its own and not the simulators' or the harness's. It goes through the same
 * front door as the CLI in a pipeline (Ocean's environment variables → resolveConfig → runSync)
 * and reports once over IPC.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { layerFromEnvironment, resolveConfig, secretValues, type SyncConfig } from '../core/config';
import type { Outcome } from '../core/platform';
import { exitCodeOf, summaryJson } from '../core/run-from-layers';
import type { Location, RunReporter } from '../core/sync/reporter';
import { runSync } from '../core/sync/run';
import type { RunResult } from '../core/sync/stats';
import { ENGINE_OPTIONS_VARIABLE, engineOptionsSchema, type EngineReport, type GcTotals, type MemoryBreakdown } from './engine-protocol';
import { mainThreadCpuSeconds } from './processes';

const MiB = 1024 * 1024;

/** Logs nothing while the clock runs (a terminal would cost time); keeps counts and the first errors. */
class QuietReporter implements RunReporter {
  warnings = 0;
  readonly errors: string[] = [];
  info(): void {}
  debug(): void {}
  progress(): void {}
  warn(message: string, _location?: Location): void {
    this.warnings++;
    if (process.env.PORT_ADO_SYNC_BENCH_VERBOSE) process.stderr.write(`warn: ${message}\n`);
  }
  error(message: string, _location?: Location): void {
    if (this.errors.length < 10) this.errors.push(message);
  }
  section<T>(_title: string, body: () => Promise<T>): Promise<T> {
    return body();
  }
}

function memorySample(): MemoryBreakdown {
  const usage = process.memoryUsage();
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return {
    rss: usage.rss / MiB,
    heapTotal: usage.heapTotal / MiB,
    heapUsed: usage.heapUsed / MiB,
    youngGenerationCommitted: (young?.physical_space_size ?? 0) / MiB,
    external: usage.external / MiB,
    arrayBuffers: usage.arrayBuffers / MiB,
  };
}

/**
 * Samples memory every 250 ms: the V8 heap's peak, and the breakdown at the highest RSS (which
 * says how much of the peak is data, how much V8's spaces and how much outside the heap). With a
 * directory, writes a heap snapshot each time the heap grows by a quarter.
 */
function heapSampler(snapshotDir: string | undefined) {
  let peak = 0;
  let atPeakRss: MemoryBreakdown | undefined;
  let snapshotAt = 32 * MiB;
  const timer = setInterval(() => {
    const sample = memorySample();
    const used = sample.heapUsed * MiB;
    peak = Math.max(peak, used);
    if (!atPeakRss || sample.rss > atPeakRss.rss) atPeakRss = sample;
    if (snapshotDir && used > snapshotAt) {
      snapshotAt = used * 1.25;
      writeHeapSnapshot(join(snapshotDir, `engine-${process.pid}-${Math.round(used / MiB)}MiB.heapsnapshot`));
    }
  }, 250);
  timer.unref();
  return { peakMiB: () => Math.max(peak, process.memoryUsage().heapUsed) / MiB, atPeakRss: () => atPeakRss, stop: () => clearInterval(timer) };
}

/**
 * Garbage-collection pauses of the main thread, by kind, as Node's `gc` performance entries report
 * them: how much of the engine's CPU is collection, without a profiler's overhead.
 */
function gcObserver() {
  const totals: GcTotals = { minorSeconds: 0, minorCount: 0, majorSeconds: 0, majorCount: 0, incrementalSeconds: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) addGc(totals, entry);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: (): GcTotals => {
      for (const entry of observer.takeRecords()) addGc(totals, entry);
      observer.disconnect();
      return totals;
    },
  };
}

function addGc(totals: GcTotals, entry: PerformanceEntry): void {
  const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  const seconds = entry.duration / 1000;
  if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
    totals.minorSeconds += seconds;
    totals.minorCount++;
  } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
    totals.majorSeconds += seconds;
    totals.majorCount++;
  } else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) totals.incrementalSeconds += seconds;
}

function runTotals(result: RunResult): NonNullable<EngineReport['run']> {
  const summary = summaryJson(result) as { resources: NonNullable<EngineReport['run']>['resources'] };
  return {
    seconds: result.seconds,
    adoRequests: result.adoRequests,
    portRequests: result.portRequests,
    throttledSeconds: result.throttledSeconds,
    resources: summary.resources,
    deleted: result.resources.reduce((n, r) => n + r.deleted, 0),
    cursors: result.cursors ? result.cursors.resources.map((c) => ({ kind: c.kind, index: c.index, listing: c.listing, since: c.since, advanced: c.advanced, changed: c.changed })) : null,
  };
}

async function main(): Promise<EngineReport> {
  const options = engineOptionsSchema.parse(JSON.parse(process.env[ENGINE_OPTIONS_VARIABLE] ?? '{}'));
  if (options.heapSnapshotDir) mkdirSync(options.heapSnapshotDir, { recursive: true });
  const sampler = heapSampler(options.heapSnapshotDir);
  const gc = gcObserver();
  const cpu = process.cpuUsage();
  const mainThreadCpu = mainThreadCpuSeconds();
  const reporter = new QuietReporter();
  let outcome: Outcome;
  let run: EngineReport['run'] = null;
  try {
    const { config }: { config: SyncConfig } = resolveConfig([layerFromEnvironment(process.env)]);
    const result = await runSync(config, { reporter, secrets: secretValues(config), resolve: options.resolve, ...(options.shardSetupWait ? { shardSetupWait: options.shardSetupWait } : {}) });
    outcome = result.status;
    run = runTotals(result);
  } catch (error) {
    reporter.error(error instanceof Error ? error.message : String(error));
    outcome = 'failed';
  }
  sampler.stop();
  const gcTotals = gc.stop();
  const used = process.cpuUsage(cpu);
  const mainThreadCpuEnd = mainThreadCpuSeconds();
  return {
    type: 'report',
    outcome,
    run,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapUsedMiB: sampler.peakMiB(),
    memoryAtPeakRss: sampler.atPeakRss(),
    gc: gcTotals,
    cpuUserSeconds: used.user / 1e6,
    cpuSystemSeconds: used.system / 1e6,
    ...(mainThreadCpu !== undefined && mainThreadCpuEnd !== undefined ? { mainThreadCpuSeconds: mainThreadCpuEnd - mainThreadCpu } : {}),
    warnings: reporter.warnings,
    errors: reporter.errors,
  };
}

void main().then(
  (report) => {
    process.exitCode = exitCodeOf(report.outcome);
    if (process.send) process.send(report, () => process.disconnect());
    else process.stdout.write(`${JSON.stringify(report)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`The benchmark engine failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
