import { setFlagsFromString } from 'node:v8';

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
  const mentions = (arg: string) => arg.replace(/^--/, '').replaceAll('_', '-').startsWith(FLAG);
  return execArgv.some(mentions) || (nodeOptions ?? '').split(/\s+/).some(mentions);
}
