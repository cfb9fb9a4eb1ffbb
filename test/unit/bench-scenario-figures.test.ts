import { describe, expect, it } from 'vitest';
import { largestShare, listingTally, ratiosToSingle, requestShare, shardTargetMet, slowestShard } from '../../bench/scenario-figures';

describe('the scale-out and incremental figures (bench/scenario-figures.ts)', () => {
  it('a round takes as long as its slowest shard', () => {
    const round = slowestShard([
      { shard: '0/3', wallSeconds: 12 },
      { shard: '1/3', wallSeconds: 20 },
      { shard: '2/3', wallSeconds: 10 },
    ]);
    expect(round).toEqual({ shard: '1/3', wallSeconds: 20, fastestSeconds: 10, spread: 2 });
    expect(() => slowestShard([])).toThrow(/at least one shard/);
  });

  it("gives the largest shard's share of the requests, the best ratio these shards can reach", () => {
    expect(largestShare([185, 200, 170, 297])).toBeCloseTo(297 / 852);
    expect(largestShare([10])).toBe(1);
    expect(largestShare([0, 0])).toBe(0);
  });

  it('compares every round with the single job, and checks 4 shards against 0.35×', () => {
    const rounds = [
      { n: 1, slowestSeconds: 60 },
      { n: 2, slowestSeconds: 33 },
      { n: 4, slowestSeconds: 20 },
    ];
    expect(ratiosToSingle(rounds)?.get(2)).toBeCloseTo(0.55);
    expect(shardTargetMet(rounds)).toEqual({ ratio: 20 / 60, met: true });
    expect(shardTargetMet([rounds[0]!, { n: 4, slowestSeconds: 21 }]).met).toBe(false);
    // Without a single job there is nothing to compare with: neither met nor missed.
    expect(shardTargetMet([{ n: 4, slowestSeconds: 20 }])).toEqual({ ratio: undefined, met: null });
  });

  it('gives the incremental run its share of the full run requests, under 5 % to meet the target', () => {
    expect(requestShare(40, 1_000)).toEqual({ share: 0.04, met: true });
    expect(requestShare(50, 1_000).met).toBe(false);
    expect(() => requestShare(3, 0)).toThrow(/nothing to compare/);
  });

  it('tallies the cursors by how each resource was listed', () => {
    const tally = listingTally([
      { kind: 'work-item', index: 19, listing: 'changes', changed: 20, advanced: true },
      { kind: 'build', index: 11, listing: 'changes', changed: 6, advanced: false },
      { kind: 'branch', index: 8, listing: 'skipped', changed: 0, advanced: false },
    ]);
    expect(tally).toEqual({ changes: { resources: 2, changed: 26, advanced: 1 }, skipped: { resources: 1, changed: 0, advanced: 0 } });
  });
});
