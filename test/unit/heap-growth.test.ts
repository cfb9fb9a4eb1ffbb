import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { limitHeapGrowth, userChoseGrowth } from '../../core/util/heap-growth';

const dir = mkdtempSync(join(tmpdir(), 'heap-growth-'));

/**
 * Peak heap in use of a fresh Node process doing what a sync does to its heap: ~20 MB kept for the
 * whole run, pages that survive a while and then die. Fresh processes, because a heap once grown
 * stays grown for a while and the flag is process-wide.
 */
function peakHeapMiB(limit: boolean): number {
  const script = join(dir, `work-${String(limit)}.mjs`);
  writeFileSync(
    script,
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
  return Number(execFileSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }));
}

describe('limitHeapGrowth', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes V8 collect before the heap grows far past the live data', () => {
    buildSync({ entryPoints: [resolve('core/util/heap-growth.ts')], outfile: join(dir, 'heap-growth.mjs'), format: 'esm', platform: 'node', logLevel: 'silent' });
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
