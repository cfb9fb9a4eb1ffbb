import { describe, expect, it } from 'vitest';
import type { Volume } from '../../core/kinds/kind';
import { heaviestFirst, resourceLanes, runLanes } from '../../core/sync/resource-lanes';

describe('resource lanes', () => {
  it('keeps resources writing a common blueprint in one lane, in mapping order', () => {
    const lanes = resourceLanes([['repo'], ['branch'], ['repo', 'policy'], ['item'], ['policy']], true);
    expect(lanes).toEqual([[0, 2, 4], [1], [3]]);
  });

  it('puts everything in one lane without createMissingRelatedEntities, or when a blueprint is computed', () => {
    expect(resourceLanes([['a'], ['b']], false)).toEqual([[0, 1]]);
    expect(resourceLanes([['a'], [undefined]], true)).toEqual([[0, 1]]);
  });

  it('starts the heaviest lanes first, in mapping order among equals', () => {
    const volumes: (Volume | undefined)[] = [undefined, 'large', undefined, 'largest', undefined, 'large'];
    const ordered = heaviestFirst([[0], [1, 2], [3], [4], [5]], (order) => volumes[order]);
    expect(ordered).toEqual([[3], [1, 2], [5], [0], [4]]);
  });

  it('runs at most `slots` lanes at once, each lane in order', async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    await runLanes([[0, 1], [2], [3], [4]], 2, async (order) => {
      running++;
      most = Math.max(most, running);
      events.push(`start ${order}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${order}`);
      running--;
    });
    expect(most).toBe(2);
    expect(events.indexOf('end 0')).toBeLessThan(events.indexOf('start 1'));
    expect(events.filter((e) => e.startsWith('end')).length).toBe(5);
  });
});
