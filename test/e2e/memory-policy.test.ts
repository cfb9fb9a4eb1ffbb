/**
 * The engine's memory policy applies to a real run: the built CLI syncs the simulated organization
 * in its own process, and V8's young generation stays within the cap (core/util/heap-growth.ts).
 * A preloaded script keeps allocating short-lived pages beside the sync, so the young generation
 * would grow past the cap if nothing held it, and records the largest it got.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_MIB } from '../../core/util/heap-growth';
import { startSimulators, type Simulators } from '../support/simulators';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'memory-policy-'));
const PRELOAD = join(dir, 'young-peak.cjs');

let sims: Simulators;

beforeAll(async () => {
  // CI builds everything before the tests; building the CLI again keeps a local run honest.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stderr}`);
  writeFileSync(
    PRELOAD,
    `const { getHeapSpaceStatistics } = require('node:v8');
const { writeFileSync } = require('node:fs');
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
let peak = young();
const inFlight = [];
(function churn() {
  inFlight.push(Array.from({ length: 5000 }, (_, i) => ({ text: 'value ' + i, n: i })));
  if (inFlight.length > 4) inFlight.shift();
  peak = Math.max(peak, young());
  setImmediate(churn).unref();
})();
process.on('exit', () => writeFileSync(process.env.YOUNG_PEAK_FILE, String(peak / 1048576)));
`,
  );
  sims = await startSimulators({ ado: { seed: 7, scale: { base: 'tiny' } } });
}, 120_000);
afterAll(async () => {
  await sims?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one sync through the built CLI and returns its exit code and the young generation's peak, MiB. */
async function syncAndMeasure(name: string, nodeOptions: string): Promise<{ code: number | null; output: string; peakMiB: number }> {
  const peakFile = join(dir, `${name}.txt`);
  const child = spawn(process.execPath, ['--require', PRELOAD, CLI, 'sync', '--no-progress'], {
    env: { PATH: process.env.PATH ?? '', ...sims.env(), YOUNG_PEAK_FILE: peakFile, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output, peakMiB: Number(readFileSync(peakFile, 'utf8')) };
}

describe('the memory policy in a real run', () => {
  it('keeps the young generation within the cap, and leaves one the user sized alone', async () => {
    const capped = await syncAndMeasure('capped', '');
    expect(capped.code, capped.output).toBe(0);
    expect(capped.peakMiB).toBeLessThanOrEqual(YOUNG_GENERATION_MIB);

    // The same run with the young generation sized by the user: V8 grows it past the cap, which
    // also shows the churn beside the sync is enough to make it grow.
    const sized = await syncAndMeasure('sized', '--max-semi-space-size=16');
    expect(sized.code, sized.output).toBe(0);
    expect(sized.peakMiB).toBeGreaterThan(YOUNG_GENERATION_MIB);
  }, 120_000);
});
