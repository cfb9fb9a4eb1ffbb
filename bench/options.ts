import { parseArgs } from 'node:util';

export const SCALES = ['tiny', 'small', 'medium', 'large'] as const;
export type Scale = (typeof SCALES)[number];

/** The service model and what to run; every figure in a result file records the options it ran with. */
export type BenchOptions = {
  scale: Scale;
  /** Added to every Azure DevOps answer (ms). */
  adoLatencyMs: number;
  /** Added to every Port answer (ms). */
  portLatencyMs: number;
  /** Requests in flight per Azure DevOps identity; the simulator queues the rest. */
  adoConcurrency: number;
  /** Requests in flight to Port; the simulator queues the rest. */
  portConcurrency: number;
  /** Run the unchanged second sync. */
  secondRun: boolean;
  /** Run the TSTU budget scenario. */
  tstu: boolean;
  /**
   * The Azure DevOps simulator replays answers while the organization is unchanged (its `--memo`),
   * so its own CPU stays off the cores the engine shares on a second read. `--no-sim-memo` for
   * the figures taken before it.
   */
  simMemo: boolean;
  /** Write `bench/results/<scale>.json` (off for the smoke test). */
  outDir: string | undefined;
  /** Node flags for the engine process (`--cpu-prof`, `--heap-prof`), with their output directory. */
  engineNodeFlags: string[];
  /**
   * Extra environment variables of the engine process (`--engine-env NAME=VALUE`), on top of the
   * pipeline step's own: process settings a user could give the step, such as glibc's malloc tunables.
   */
  engineEnv: Record<string, string>;
  /** Node flags for each simulator process by name (`--cpu-prof` profiles them too, each in its own directory). */
  simulatorNodeFlags: { ado: string[]; port: string[] };
  /** Write a heap snapshot of the engine when the first run's listing is done. */
  heapSnapshot: boolean;
  seed: number;
  /**
   * What to run: the first, unchanged and TSTU runs (`standard`), the scale-out rounds of 1, 2
   * and 4 shards (`shards`, issue 12) or the incremental runs after 1 % of changes (`incremental`, issue 13).
   */
  scenario: 'standard' | 'shards' | 'incremental';
};

const USAGE = `Usage: npm run bench -- [--scale tiny|small|medium|large] [options]

  --scale <name>              organization size (default medium)
  --ado-latency-ms <n>        latency of every Azure DevOps answer (default 25)
  --port-latency-ms <n>       latency of every Port answer (default 40)
  --ado-concurrency <n>       requests in flight per Azure DevOps identity (default 16)
  --port-concurrency <n>      requests in flight to Port (default 16)
  --no-second-run             skip the unchanged second run
  --no-tstu                   skip the TSTU budget scenario
  --no-sim-memo               the Azure DevOps simulator makes every answer afresh, on a second
                              read too (as before the memo; see docs/performance.md)
  --no-write                  print only; do not write bench/results/<scale>.json
  --cpu-prof                  profile the engine's CPU (bench/profiles/*.cpuprofile) and the
                              simulators' (bench/profiles/{ado,port}-simulator/*.cpuprofile)
  --heap-prof                 sample the engine's heap allocations (bench/profiles/*.heapprofile)
  --heap-snapshot             write a heap snapshot of the engine after the first run (bench/profiles)
  --seed <n>                  seed of the generated organization (default 1)
  --engine-env NAME=VALUE     an environment variable of the engine process (repeatable), e.g.
                              MALLOC_MMAP_THRESHOLD_=131072; recorded in the results file
  --shards                    instead: 1, 2 and 4 shards at once, each its own identity and TSTU
                              budget (bench/results/<scale>-shards.json)
  --incremental               instead: a full run, then incremental runs after 1 % of changes
                              (bench/results/<scale>-incremental.json)
`;

export class UsageError extends Error {}

export function parseBenchArgs(argv: readonly string[], root: string): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        scale: { type: 'string', default: 'medium' },
        'ado-latency-ms': { type: 'string', default: '25' },
        'port-latency-ms': { type: 'string', default: '40' },
        'ado-concurrency': { type: 'string', default: '16' },
        'port-concurrency': { type: 'string', default: '16' },
        'second-run': { type: 'boolean', default: true },
        tstu: { type: 'boolean', default: true },
        'sim-memo': { type: 'boolean', default: true },
        write: { type: 'boolean', default: true },
        'cpu-prof': { type: 'boolean', default: false },
        'heap-prof': { type: 'boolean', default: false },
        'heap-snapshot': { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        'engine-env': { type: 'string', multiple: true, default: [] },
        shards: { type: 'boolean', default: false },
        incremental: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) throw new UsageError(USAGE);
  const scale = v.scale;
  if (!(SCALES as readonly string[]).includes(scale)) throw new UsageError(`--scale must be one of ${SCALES.join(', ')}, got '${scale}'.\n\n${USAGE}`);
  const int = (flag: string, value: string, min: number) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag} needs a whole number ≥ ${min}, got '${value}'.\n\n${USAGE}`);
    return Number(value);
  };
  if (v.shards && v.incremental) throw new UsageError(`--shards and --incremental are separate scenarios: run one at a time.\n\n${USAGE}`);
  const profileDir = `${root}/bench/profiles`;
  const engineNodeFlags = [
    ...(v['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...(v['heap-prof'] ? ['--heap-prof', `--heap-prof-dir=${profileDir}`] : []),
  ];
  const engineEnv: Record<string, string> = {};
  for (const setting of v['engine-env']) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(setting);
    if (!match) throw new UsageError(`--engine-env needs NAME=VALUE, got '${setting}'.\n\n${USAGE}`);
    engineEnv[match[1] as string] = match[2] as string;
  }
  const simulatorFlags = (name: string) => (v['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${name}-simulator`] : []);
  return {
    scale: scale as Scale,
    adoLatencyMs: int('ado-latency-ms', v['ado-latency-ms'], 0),
    portLatencyMs: int('port-latency-ms', v['port-latency-ms'], 0),
    adoConcurrency: int('ado-concurrency', v['ado-concurrency'], 1),
    portConcurrency: int('port-concurrency', v['port-concurrency'], 1),
    secondRun: v['second-run'],
    tstu: v.tstu,
    simMemo: v['sim-memo'],
    outDir: v.write ? `${root}/bench/results` : undefined,
    engineNodeFlags,
    engineEnv,
    simulatorNodeFlags: { ado: simulatorFlags('ado'), port: simulatorFlags('port') },
    heapSnapshot: v['heap-snapshot'],
    seed: int('seed', v.seed, 0),
    scenario: v.shards ? 'shards' : v.incremental ? 'incremental' : 'standard',
  };
}
