/**
 * The engine under measurement, in a process of its own (`dist/bench-engine.js`), so its peak RSS
 * and CPU time are its own and not the simulators' or the harness's. It goes through the same
 * front door as the CLI in a pipeline (Ocean's environment variables → resolveConfig → runSync)
 * and reports once over IPC.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { layerFromEnvironment, resolveConfig, secretValues, type SyncConfig } from '../core/config';
import type { Outcome } from '../core/platform';
import { exitCodeOf, summaryJson } from '../core/run-from-layers';
import type { Location, RunReporter } from '../core/sync/reporter';
import { runSync } from '../core/sync/run';
import type { RunResult } from '../core/sync/stats';
import { ENGINE_OPTIONS_VARIABLE, engineOptionsSchema, type EngineReport } from './engine-protocol';

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

/** Samples the V8 heap; with a directory, writes a snapshot each time the heap grows by a quarter. */
function heapSampler(snapshotDir: string | undefined) {
  let peak = 0;
  let snapshotAt = 32 * MiB;
  const timer = setInterval(() => {
    const used = process.memoryUsage().heapUsed;
    peak = Math.max(peak, used);
    if (snapshotDir && used > snapshotAt) {
      snapshotAt = used * 1.25;
      writeHeapSnapshot(join(snapshotDir, `engine-${process.pid}-${Math.round(used / MiB)}MiB.heapsnapshot`));
    }
  }, 250);
  timer.unref();
  return { peakMiB: () => Math.max(peak, process.memoryUsage().heapUsed) / MiB, stop: () => clearInterval(timer) };
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
  const cpu = process.cpuUsage();
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
  const used = process.cpuUsage(cpu);
  return {
    type: 'report',
    outcome,
    run,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapUsedMiB: sampler.peakMiB(),
    cpuUserSeconds: used.user / 1e6,
    cpuSystemSeconds: used.system / 1e6,
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
