import { describe, expect, it } from 'vitest';
import { BlueprintIdentifiers, IdentifierSet } from '../../core/util/identifier-set';

describe('IdentifierSet', () => {
  it('holds what was added, across growth, and counts each value once', () => {
    const set = new IdentifierSet();
    const values = Array.from({ length: 5000 }, (_, i) => `project-${i % 37}/${i}`);
    for (const value of values) set.add(value);
    for (const value of values.slice(0, 100)) set.add(value);
    expect(set.size).toBe(5000);
    for (const value of values) expect(set.has(value)).toBe(true);
  });

  it('answers false for values never added (no collision among 20,000 near-identical strings)', () => {
    const set = new IdentifierSet();
    for (let i = 0; i < 10_000; i++) set.add(`azureDevopsWorkItem/${i}`);
    let falsePresent = 0;
    for (let i = 10_000; i < 20_000; i++) if (set.has(`azureDevopsWorkItem/${i}`)) falsePresent++;
    expect(falsePresent).toBe(0);
    expect(set.has('')).toBe(false);
  });
});

describe('BlueprintIdentifiers', () => {
  it('keeps blueprints apart and counts every identifier', () => {
    const ids = new BlueprintIdentifiers();
    ids.add('azureDevopsRepository', 'r1');
    ids.add('azureDevopsRepository', 'r2');
    ids.add('azureDevopsProject', 'r1');
    expect(ids.has('azureDevopsRepository', 'r2')).toBe(true);
    expect(ids.has('azureDevopsProject', 'r2')).toBe(false);
    expect(ids.has('azureDevopsBranch', 'r1')).toBe(false);
    expect(ids.size).toBe(3);
  });
});

describe('everyIn', () => {
  it('is true only when every member of one set is in the other', () => {
    const small = new IdentifierSet();
    const large = new IdentifierSet();
    for (let i = 0; i < 1000; i++) large.add(`p/${i}`);
    for (let i = 0; i < 1000; i += 7) small.add(`p/${i}`);
    expect(small.everyIn(large)).toBe(true);
    expect(large.everyIn(small)).toBe(false);
    small.add('p/1000');
    expect(small.everyIn(large)).toBe(false);
    expect(new IdentifierSet().everyIn(small)).toBe(true);
  });

  it('compares blueprint by blueprint', () => {
    const owned = new BlueprintIdentifiers();
    const produced = new BlueprintIdentifiers();
    owned.add('azureDevopsRepository', 'r1');
    produced.add('azureDevopsProject', 'r1');
    expect(owned.everyIn(produced)).toBe(false);
    produced.add('azureDevopsRepository', 'r1');
    expect(owned.everyIn(produced)).toBe(true);
  });
});
