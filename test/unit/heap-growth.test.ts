import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capYoungGeneration, limitHeapGrowth, userChoseGrowth, YOUNG_GENERATION_MIB } from '../../core/util/heap-growth';

const dir = mkdtempSync(join(tmpdir(), 'heap-growth-'));

/** Runs a script beside the bundled module in a fresh Node process and reads the number it prints. */
function runFresh(name: string, source: string): number {
  const script = join(dir, `${name}.mjs`);
  writeFileSync(script, source);
  return Number(execFileSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }));
}

/**
 * Peak heap in use of a fresh Node process doing what a sync does to its heap: ~20 MB kept for the
 * whole run, pages that survive a while and then die. Fresh processes, because a heap once grown
 * stays grown for a while and the flag is process-wide.
 */
function peakHeapMiB(limit: boolean): number {
  return runFresh(
    `work-${String(limit)}`,
    `import { limitHeapGrowth } from './heap-growth.mjs';
if (${String(limit)}) limitHeapGrowth([], undefined);
const live = Array.from({ length: 150000 }, (_, i) => ({ id: 'entity-' + i, n: i }));
const inFlight = [];
let peak = 0;
for (let round = 0; round < 250; round++) {
  inFlight.push(Array.from({ length: 10000 }, (_, i) => ({ text: 'field value ' + round + '/' + i, n: i, nested: { i } })));
  if (inFlight.length > 6) inFlight.shift();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}
process.stdout.write(String(peak / 1048576 + live.length * 0));
`,
  );
}

/**
 * Largest young generation (MiB) of a fresh Node process allocating short-lived pages the way a
 * sync does, yielding to the event loop between pages as a sync does between answers.
 */
function peakYoungMiB(cap: boolean): number {
  return runFresh(
    `young-${String(cap)}`,
    `import { getHeapSpaceStatistics } from 'node:v8';
import { capYoungGeneration } from './heap-growth.mjs';
if (${String(cap)}) capYoungGeneration([], undefined);
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
let peak = young();
const inFlight = [];
for (let round = 0; round < 400; round++) {
  inFlight.push(Array.from({ length: 5000 }, (_, i) => ({ text: 'field value ' + round + '/' + i, n: i })));
  if (inFlight.length > 4) inFlight.shift();
  await new Promise((resolve) => setImmediate(resolve));
  peak = Math.max(peak, young());
}
process.stdout.write(String(peak / 1048576));
`,
  );
}

beforeAll(() => {
  buildSync({ entryPoints: [resolve('core/util/heap-growth.ts')], outfile: join(dir, 'heap-growth.mjs'), format: 'esm', platform: 'node', logLevel: 'silent' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('limitHeapGrowth', () => {
  it('makes V8 collect before the heap grows far past the live data', () => {
    const unlimited = peakHeapMiB(false);
    const limited = peakHeapMiB(true);
    // Typically ~70 MB against ~135 MB; V8's own factor varies with the machine's load, hence the margin.
    expect(limited).toBeLessThan(unlimited * 0.85);
  });

  it('leaves a growth policy the user chose on the command line or in NODE_OPTIONS alone', () => {
    expect(userChoseGrowth(['--heap-growing-percent=20'], undefined)).toBe(true);
    expect(userChoseGrowth([], '--max-old-space-size=512 --heap_growing_percent=80')).toBe(true);
    expect(userChoseGrowth(['--max-old-space-size=512'], '--enable-source-maps')).toBe(false);
    expect(limitHeapGrowth(['--heap-growing-percent=20'], undefined)).toBe(false);
  });
});

describe('capYoungGeneration', () => {
  it('lets the young generation grow to the cap and no further', () => {
    // V8 alone grows it to 32 MiB under this load; capped, it stops at the cap.
    expect(peakYoungMiB(false)).toBeGreaterThan(YOUNG_GENERATION_MIB);
    expect(peakYoungMiB(true)).toBe(YOUNG_GENERATION_MIB);
  });

  it('leaves a young generation the user sized alone', () => {
    expect(capYoungGeneration(['--max-semi-space-size=16'], undefined)).toBe(false);
    expect(capYoungGeneration([], '--semi_space_growth_factor=4')).toBe(false);
  });
});
