import { describe, expect, it } from 'vitest';
import { BULK_MAX_ENTITIES, isUnchanged, packBatches, type PortEntity } from '../../core/port/entities';

const entity = (id: string, extra: Partial<PortEntity> = {}): PortEntity => ({ identifier: id, blueprint: 'bp', ...extra });

describe('packBatches', () => {
  it('never puts more than 20 entities in one request', () => {
    const batches = packBatches(Array.from({ length: 45 }, (_, i) => entity(`e${i}`)));
    expect(batches.map((b) => b.length)).toEqual([20, 20, 5]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(BULK_MAX_ENTITIES);
  });

  it('keeps each request well under 1 MiB of JSON', () => {
    const big = 'x'.repeat(300 * 1024);
    const batches = packBatches([1, 2, 3, 4, 5].map((i) => entity(`e${i}`, { properties: { readme: big } })));
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify({ entities: batch }))).toBeLessThan(1024 * 1024);
    expect(batches.flat()).toHaveLength(5);
  });

  it('sends an entity bigger than the target alone rather than dropping it', () => {
    const batches = packBatches([entity('small'), entity('huge', { properties: { p: 'y'.repeat(950 * 1024) } }), entity('small2')]);
    expect(batches.map((b) => b.map((e) => e.identifier))).toEqual([['small'], ['huge'], ['small2']]);
  });
});

describe('isUnchanged', () => {
  const stored = { identifier: 'a', title: 'A', team: ['t2', 't1'], properties: { n: 1, s: 'x', o: { b: 1, a: 2 } }, relations: { r: 'p', many: ['y', 'x'] } };

  it('is true when every mapped field matches, ignoring key and team order', () => {
    expect(isUnchanged(entity('a', { title: 'A', team: ['t1', 't2'], properties: { n: 1, o: { a: 2, b: 1 } }, relations: { many: ['x', 'y'] } }), stored)).toBe(true);
  });

  it('treats null and absent alike, as Ocean does', () => {
    expect(isUnchanged(entity('a', { properties: { missing: null } }), stored)).toBe(true);
    expect(isUnchanged(entity('a', { relations: { other: null } }), stored)).toBe(true);
  });

  it.each([
    ['title', { title: 'B' }],
    ['a property', { properties: { n: 2 } }],
    ['a nested property', { properties: { o: { a: 2, b: 2 } } }],
    ['a relation', { relations: { r: 'q' } }],
    ['a many relation', { relations: { many: ['x'] } }],
    ['team', { team: 't1' }],
    ['a property that Port does not have yet', { properties: { fresh: 'v' } }],
  ])('is false when %s differs', (_, extra) => {
    expect(isUnchanged(entity('a', extra as Partial<PortEntity>), stored)).toBe(false);
  });

  it('ignores fields the mapping does not write (merge keeps them)', () => {
    expect(isUnchanged(entity('a', { properties: { s: 'x' } }), { ...stored, properties: { ...stored.properties, other: 'set by someone else' } })).toBe(true);
  });
});
