import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { mainThreadCpuSeconds } from '../../bench/processes';
import { cpuCell, rssValue, simulatorLine } from '../../bench/report';

describe('benchmark report: the Azure DevOps simulator line', () => {
  const run = (requests: number, replayed: number) => ({ azureDevOps: { requests, replayed } });

  it('gives the answers replayed in each run when the simulator replays them', () => {
    expect(simulatorLine(true, [['first', run(10_813, 38)], ['unchanged', run(10_813, 10_421)]])).toBe(
      'Azure DevOps simulator: replays answers of an unchanged organization (38 of 10813 in the first run, 10421 of 10813 in the unchanged run)',
    );
  });

  it('says every answer was made afresh with --no-sim-memo, and for results files from before the memo', () => {
    for (const simMemo of [false, undefined]) expect(simulatorLine(simMemo, [['first', run(156, 0)]])).toBe('Azure DevOps simulator: every answer made afresh (--no-sim-memo)');
  });
});

describe('benchmark report: the peak RSS target', () => {
  const peak = (peakRssMB: number) => ({ peakRssMB });

  it('shows the highest peak, which the target is judged by, and names its run', () => {
    expect(rssValue({ firstRun: peak(230.6), secondRun: peak(257.2), tstu: peak(254) })).toBe('257 MB (unchanged; first 231, TSTU 254)');
    expect(rssValue({ firstRun: peak(240), secondRun: peak(233) })).toBe('240 MB (first; unchanged 233)');
  });

  it('shows the first run alone when no other run was made', () => {
    expect(rssValue({ firstRun: peak(128) })).toBe('128 MB (first)');
  });
});

describe('benchmark report: CPU', () => {
  const simulators = { azureDevOps: 5.2, port: 7.4 };

  it("gives the engine's CPU with its main thread's share, then each simulator's", () => {
    expect(cpuCell({ cpuSeconds: 36.4, mainThreadCpuSeconds: 21.6, simulatorCpuSeconds: simulators })).toBe('36 (22)/5/7');
  });

  it('leaves the share out where it was not measured (off Linux, older results files), and marks a missing simulator figure', () => {
    expect(cpuCell({ cpuSeconds: 36.4, simulatorCpuSeconds: { azureDevOps: undefined, port: 7.4 } })).toBe('36/?/7');
  });

  // In a worker thread (another vitest pool) the spinning would not be on the main thread.
  it.runIf(process.platform === 'linux' && isMainThread)("reads the main thread's CPU, a part of the process's", () => {
    const before = mainThreadCpuSeconds() ?? Number.NaN;
    const process0 = process.cpuUsage();
    // Spin until the process has used 300 ms of CPU (not of wall time: the machine may be busy).
    let spin = 0;
    while (process.cpuUsage(process0).user < 300_000) spin++;
    const thread = (mainThreadCpuSeconds() ?? Number.NaN) - before;
    const used = process.cpuUsage(process0);
    expect(spin).toBeGreaterThan(0);
    // Nearly all of it on this thread, counted in ticks of 10 ms.
    expect(thread).toBeGreaterThanOrEqual(0.2);
    expect(thread).toBeLessThanOrEqual((used.user + used.system) / 1e6 + 0.02);
  });
});
