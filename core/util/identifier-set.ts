/**
 * A set of strings that stores a 53-bit hash of each instead of the string: 16 bytes per entry
 * instead of the string and a hash-table slot (~60–100 bytes for an entity identifier). The run
 * keeps one per blueprint for what it produced and for what Port already holds, so a sync of
 * hundreds of thousands of entities costs a few megabytes here (docs/performance.md).
 *
 * Two different strings collide with a probability of about n²/2⁵⁴ (4·10⁻⁶ for 275,000 entries).
 * Callers only use it where a false "present" is safe: an unneeded Port search, or a stale entity
 * kept one run longer; never a deletion or a skipped write.
 */
export class IdentifierSet {
  private table = new Float64Array(64);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(value: string): void {
    const hash = hash53(value);
    if (this.insert(this.table, hash)) {
      this.count++;
      if (this.count * 2 > this.table.length) this.grow();
    }
  }

  has(value: string): boolean {
    return this.hasHash(hash53(value));
  }

  /** Every string of this set is (by its hash) in `other`. */
  everyIn(other: IdentifierSet): boolean {
    for (const entry of this.table) if (entry !== 0 && !other.hasHash(entry)) return false;
    return true;
  }

  private hasHash(hash: number): boolean {
    const table = this.table;
    const mask = table.length - 1;
    for (let i = slotOf(hash, mask); ; i = (i + 1) & mask) {
      const entry = table[i];
      if (entry === 0) return false;
      if (entry === hash) return true;
    }
  }

  private insert(table: Float64Array, hash: number): boolean {
    const mask = table.length - 1;
    for (let i = slotOf(hash, mask); ; i = (i + 1) & mask) {
      const entry = table[i];
      if (entry === hash) return false;
      if (entry === 0) {
        table[i] = hash;
        return true;
      }
    }
  }

  private grow(): void {
    const bigger = new Float64Array(this.table.length * 2);
    for (const entry of this.table) if (entry !== 0) this.insert(bigger, entry);
    this.table = bigger;
  }
}

/** An {@link IdentifierSet} per blueprint: the shape both the produced and the owned entities take. */
export class BlueprintIdentifiers {
  private readonly byBlueprint = new Map<string, IdentifierSet>();

  add(blueprint: string, identifier: string): void {
    let set = this.byBlueprint.get(blueprint);
    if (!set) {
      set = new IdentifierSet();
      this.byBlueprint.set(blueprint, set);
    }
    set.add(identifier);
  }

  has(blueprint: string, identifier: string): boolean {
    return this.byBlueprint.get(blueprint)?.has(identifier) ?? false;
  }

  /** Every (blueprint, identifier) of this set is (by its hash) in `other`. */
  everyIn(other: BlueprintIdentifiers): boolean {
    for (const [blueprint, set] of this.byBlueprint) {
      if (set.size === 0) continue;
      const theirs = other.byBlueprint.get(blueprint);
      if (!theirs || !set.everyIn(theirs)) return false;
    }
    return true;
  }

  get size(): number {
    let n = 0;
    for (const set of this.byBlueprint.values()) n += set.size;
    return n;
  }
}

function slotOf(hash: number, mask: number): number {
  // The low 32 bits are well mixed (see hash53); `hash % 2³²` keeps them.
  return (hash % 0x1_0000_0000) & mask;
}

/** Two independent 32-bit murmur-style hashes of the UTF-16 code units, joined into 53 bits; never 0. */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 0x1_0000_0000 * (0x1f_ffff & h2) + (h1 >>> 0);
  return hash === 0 ? 1 : hash;
}
