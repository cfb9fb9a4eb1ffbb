/**
 * `npm run bench [-- --scale small|medium|large]`: syncs a simulated Azure DevOps organization
 * into a simulated Port with realistic latency, a cap on requests in flight and the TSTU model,
 * each simulator and the engine in its own process, and compares the wall time with the physical
 * limit the simulators compute from what they served. Writes bench/results/<scale>.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { benchIncremental } from './incremental-scenario';
import { parseBenchArgs, UsageError, type BenchOptions } from './options';
import { checkTargets, renderScale, scalingChecks, table, type TargetCheck } from './report';
import { incrementalTargets, renderIncremental, renderShards, shardTargets } from './scenario-report';
import { benchScale, type Bundles, type ScaleResult } from './scenarios';
import { benchShards } from './shard-scenario';

function commitOf(root: string): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    // The results files are the benchmark's output, not its code: a scale written earlier in the same session leaves the tree clean.
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'core', 'bench', 'sim', ':(exclude)bench/results'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return undefined;
  }
}

function readResults(dir: string): ScaleResult[] {
  return ['tiny', 'small', 'medium', 'large']
    .map((scale) => join(dir, `${scale}.json`))
    .filter((file) => existsSync(file))
    .map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { result: ScaleResult }).result);
}

function provenance(root: string, started: number) {
  return {
    generatedAt: new Date().toISOString(),
    commit: commitOf(root),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGB: Math.round(os.totalmem() / 1e9), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) },
    benchSeconds: (Date.now() - started) / 1000,
  };
}

/** `--shards` or `--incremental`: one scenario, its table, and `bench/results/<scale>-<scenario>.json`. */
async function runScenario(root: string, bundles: Bundles, options: BenchOptions, started: number): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const out = process.stdout;
  let targets: TargetCheck[];
  let result: unknown;
  let succeeded: boolean;
  if (options.scenario === 'shards') {
    const shards = await benchShards(bundles, options, log);
    out.write(`\n${renderShards(shards)}\n`);
    targets = shardTargets(shards);
    result = shards;
    succeeded = shards.rounds.every((r) => r.shards.every((x) => x.outcome === 'success'));
  } else {
    const incremental = await benchIncremental(bundles, options, log);
    out.write(`\n${renderIncremental(incremental)}\n`);
    targets = incrementalTargets(incremental);
    result = incremental;
    succeeded = [incremental.full, ...incremental.variants.map((v) => v.run), incremental.catchUp].every((r) => r.outcome === 'success');
  }
  if (options.outDir) {
    mkdirSync(options.outDir, { recursive: true });
    const file = join(options.outDir, `${options.scale}-${options.scenario}.json`);
    writeFileSync(file, `${JSON.stringify({ ...provenance(root, started), targets, result }, null, 2)}\n`);
    out.write(`\nWrote ${file}\n`);
  }
  return succeeded ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const root = resolve(__dirname, '..');
  let options;
  try {
    options = parseBenchArgs(argv, root);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const bundles = { sim: join(root, 'dist/sim.js'), engine: join(root, 'dist/bench-engine.js') };
  for (const bundle of Object.values(bundles)) {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`node scripts/build.mjs --only sim,bench,bench-engine\` (npm run bench does).`);
  }
  if (options.engineNodeFlags.length || options.heapSnapshot) mkdirSync(join(root, 'bench/profiles'), { recursive: true });

  const started = Date.now();
  if (options.scenario !== 'standard') return runScenario(root, bundles, options, started);
  const result = await benchScale(bundles, options, (line) => process.stderr.write(`${line}\n`));
  const out = process.stdout;
  out.write(`\n${renderScale(result)}\n`);

  if (options.outDir) {
    mkdirSync(options.outDir, { recursive: true });
    const file = join(options.outDir, `${options.scale}.json`);
    const document = { ...provenance(root, started), targets: checkTargets(result), result };
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    out.write(`\nWrote ${file}\n`);
  }

  const all = options.outDir ? readResults(options.outDir) : [result];
  if (all.length > 1) {
    const scaling = scalingChecks(all);
    out.write(`\nScaling (first run, from bench/results):\n${table(scaling.rows)}\n`);
    if (scaling.memoryGrowth) out.write(`${scaling.memoryGrowth.target}: ${scaling.memoryGrowth.value} → ${scaling.memoryGrowth.met ? 'met' : 'NOT met'}\n`);
  }
  return result.firstRun.outcome === 'success' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`The benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
