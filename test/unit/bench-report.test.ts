import { describe, expect, it } from 'vitest';
import { rssValue, simulatorLine } from '../../bench/report';

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
