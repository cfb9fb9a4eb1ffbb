import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * collects again, in percent.
 *
 * V8 sizes the heap for an interactive program on a machine with memory to spare: with a heap limit
 * of a gigabyte or more (Node's default on any machine with more than a few GB) it grows the old
 * generation up to 4× the live data before a full collection. A sync keeps little for the whole run
 * (parent listings, identifier hashes: tens of MB), but every page it waits on (a work-item batch
 * while Port writes catch up, a page of 1,000 builds) survives two young collections and is
 * promoted, and every response body above 128 KB is allocated in the old generation directly; all
 * of it is dead a moment later. With the default policy the large benchmark's heap peaked at
 * 4–5× its live data (docs/performance.md, "Memory"). Growing by 40 % instead costs more full
 * collections. 50 % was enough while work items synced at the end of a run, alone; started first
 * (sync/resource-lanes.ts) they overlap the other large resources, and the large benchmark's
 * first run peaked at 256–271 MB. 35 % did not lower the peaks measurably (239–258 MB against
 * 244–265 MB at 40 %, within the noise); fewer large pages in flight did (core/kinds/kind.ts). 30 %
 * once cost 40 % more CPU, when the engine's CPU was twice what it is now.
 */
export const HEAP_GROWING_PERCENT = 40;

const FLAG = 'heap-growing-percent';

/**
 * Applies {@link HEAP_GROWING_PERCENT} to this process, unless the user chose a growth policy of
 * their own on the command line or in NODE_OPTIONS. V8 reads this flag at every full collection,
 * so setting it after start-up takes effect from the next one (unlike the heap size limits).
 * Returns whether it was applied.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS): boolean {
  if (userChoseGrowth(execArgv, nodeOptions)) return false;
  setFlagsFromString(`--${FLAG}=${HEAP_GROWING_PERCENT}`);
  return true;
}

/** V8 accepts `--heap-growing-percent` and `--heap_growing_percent`. */
export function userChoseGrowth(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return userChose([FLAG], execArgv, nodeOptions);
}

/**
 * The most memory V8's young generation (both semi-spaces) may hold, in MiB.
 *
 * V8 grows it to 32 MiB on a 64-bit machine, and a sync allocates fast enough to get there within
 * seconds. What it holds between scavenges is mostly garbage, but also socket reads and pages
 * still waiting on Port. At 8 MiB the large benchmark's engine peaked at 204–230 MB when nothing
 * changed, against 235–247 MB at 16 MiB and 251–276 MB uncapped, for five times as many scavenges
 * (2–3 CPU-seconds more) and unchanged runs about 3 s slower on average (docs/performance.md, "The
 * young generation capped at 8 MiB").
 */
export const YOUNG_GENERATION_MIB = 8;

const YOUNG_FLAGS = ['max-semi-space-size', 'min-semi-space-size', 'semi-space-growth-factor'];
let youngCapInstalled = false;

/**
 * Keeps the young generation within {@link YOUNG_GENERATION_MIB} from now on, unless the user sized
 * it on the command line or in NODE_OPTIONS. Its maximum is fixed when the process starts, but V8
 * reads the growth factor whenever the young generation grows: after every collection this lets it
 * double while that stays within the cap, and stops it there. After a quiet spell (a long
 * throttling pause) V8 may shrink it; it then grows back. Returns whether the cap applies.
 */
export function capYoungGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS): boolean {
  if (userChose(YOUNG_FLAGS, execArgv, nodeOptions)) return false;
  if (youngCapInstalled) return true;
  youngCapInstalled = true;
  const cap = YOUNG_GENERATION_MIB * 1024 * 1024;
  let factor = 0;
  const apply = () => {
    const size = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    const next = size * 2 > cap ? 1 : 2;
    if (next === factor) return;
    factor = next;
    setFlagsFromString(`--semi-space-growth-factor=${String(next)}`);
  };
  apply();
  new PerformanceObserver(apply).observe({ entryTypes: ['gc'] });
  return true;
}

/** Whether one of these V8 flags was given, with dashes or underscores. */
function userChose(flags: readonly string[], execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const mentions = (arg: string) => {
    const name = arg.replace(/^--/, '').replaceAll('_', '-');
    return flags.some((flag) => name.startsWith(flag));
  };
  return execArgv.some(mentions) || (nodeOptions ?? '').split(/\s+/).some(mentions);
}
