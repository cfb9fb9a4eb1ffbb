import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BULK_MAX_ENTITIES, isUnchanged, packBatches, sameJson, type PortEntity } from '../../core/port/entities';

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

  it('with a replacing write (enableMergeEntity: false), is false while Port holds a property or relation the mapping no longer sends', () => {
    const sent = entity('a', { title: 'A', team: ['t1', 't2'], properties: { n: 1, s: 'x', o: { a: 2, b: 1 } }, relations: { r: 'p', many: ['x', 'y'] } });
    expect(isUnchanged(sent, stored, true)).toBe(true);
    expect(isUnchanged(sent, { ...stored, properties: { ...stored.properties, dropped: 'old' } }, true)).toBe(false);
    expect(isUnchanged(sent, { ...stored, relations: { ...stored.relations, gone: 'q' } }, true)).toBe(false);
    // A key Port holds as null is nothing to clear.
    expect(isUnchanged(sent, { ...stored, properties: { ...stored.properties, empty: null } }, true)).toBe(true);
  });
});

/** The rule written the obvious way: both sides normalized (nulls dropped, keys sorted), then deep-equal. */
function normalized(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(normalized);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      // defineProperty: a key named __proto__ is data in JSON, not the prototype.
      if (v !== undefined && v !== null) Object.defineProperty(out, key, { value: normalized(v), enumerable: true });
    }
    return out;
  }
  return value;
}

describe('sameJson', () => {
  // Small alphabets so that random pairs are often equal or nearly so.
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, false, 0, 1, -0, 2.5, '', 'a', 'b', 'é'),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor'), tie('value'), { maxKeys: 3 }),
    ),
  })).value;
  /** The same value rewritten as Port may return it: keys in another order, null keys dropped or added. */
  const rewritten = (value: unknown, flip: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => rewritten(v, flip));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value).filter(([, v]) => !(flip && v === null));
    const out: Record<string, unknown> = {};
    for (const [k, v] of flip ? entries.reverse() : entries) Object.defineProperty(out, k, { value: rewritten(v, !flip), enumerable: true, writable: true, configurable: true });
    if (!flip) out['zz'] = null;
    return out;
  };

  it('agrees with normalizing both sides and comparing them deeply, on random JSON values', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(sameJson(a, b)).toBe(isDeepStrictEqual(normalized(a), normalized(b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('holds a value equal to itself rewritten with other key orders and null keys', () => {
    fc.assert(
      fc.property(json, fc.boolean(), (a, flip) => {
        expect(sameJson(a, rewritten(a, flip))).toBe(true);
        expect(sameJson(rewritten(a, flip), a)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('treats null and absent alike but not null and false, 0 or an empty string, and keeps array order', () => {
    expect(sameJson(undefined, null)).toBe(true);
    expect(sameJson({ a: 1, b: null }, { a: 1 })).toBe(true);
    for (const falsy of [false, 0, '']) expect(sameJson(null, falsy)).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
