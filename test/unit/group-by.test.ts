import { describe, expect, it } from 'vitest';
import { groupBy } from '../../core/util/group-by';

describe('groupBy', () => {
  it('keeps groups in the order their keys first appear, and items in their order', () => {
    const groups = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
    expect([...groups]).toEqual([
      ['b', ['b1', 'b2']],
      ['a', ['a1', 'a2']],
      ['c', ['c1']],
    ]);
  });

  it('groups by any key, an empty input into no groups', () => {
    expect(groupBy([], () => 1).size).toBe(0);
    const byParity = groupBy([1, 2, 3, 4, 5], (n) => n % 2 === 0);
    expect(byParity.get(true)).toEqual([2, 4]);
    expect(byParity.get(false)).toEqual([1, 3, 5]);
  });

  it('groups a large input whole', () => {
    const groups = groupBy(
      Array.from({ length: 300_000 }, (_, i) => i),
      (i) => i % 3,
    );
    expect([...groups.values()].map((g) => g.length)).toEqual([100_000, 100_000, 100_000]);
    expect(groups.get(2)?.slice(0, 3)).toEqual([2, 5, 8]);
  });
});
