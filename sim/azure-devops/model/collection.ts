/**
 * A collection of generated records with a mutation overlay.
 *
 * A base record is derived from its index (`generate(index)`) the first time it is asked for and
 * kept, frozen, from then on; a `ParentIndex` knows which base records belong to which parent.
 * Mutations (create, update, delete, move to another parent) live in small maps on top.
 *
 * Why kept: a listing pages through the same parent's records once per page, and a WIQL query
 * reads every work item of its projects, so deriving on every read made the simulator spend more
 * CPU than the client it serves (docs/performance.md). The `large` organization's records take a
 * few hundred MB once read; nothing is derived before a client asks for it.
 */

export interface CollectionSource<K, R> {
  readonly size: number;
  keyAt: (index: number) => K;
  indexOf: (key: K) => number | undefined;
  generate: (index: number) => R;
}

export interface CollectionOptions<K, P, R> {
  source: CollectionSource<K, R>;
  keyOf: (record: R) => K;
  parentOf?: (record: R) => P;
  /** Base indices belonging to a parent, in base order. */
  baseChildren?: (parent: P) => Iterable<number>;
}

export class Collection<K extends string | number, P extends string | number, R> {
  private readonly overrides = new Map<K, R>();
  private readonly deleted = new Map<K, R>();
  private readonly added = new Map<K, R>();
  private readonly moved = new Set<K>();
  private readonly derived: (R | undefined)[] = [];
  private changes = 0;

  constructor(private readonly options: CollectionOptions<K, P, R>) {}

  /** Counts mutations, so a view computed from the collection knows when to compute again. */
  get version(): number {
    return this.changes;
  }

  /** The base record at `index`, derived once. Frozen: a caller editing it in place would edit every later answer. */
  private base(index: number): R {
    let record = this.derived[index];
    if (record === undefined) {
      record = deepFreeze(this.options.source.generate(index));
      this.derived[index] = record;
    }
    return record;
  }

  /** Number of base (generated) records, before mutations. */
  get baseSize(): number {
    return this.options.source.size;
  }

  get(key: K): R | undefined {
    if (this.deleted.has(key)) return undefined;
    const changed = this.overrides.get(key) ?? this.added.get(key);
    if (changed !== undefined) return changed;
    const index = this.options.source.indexOf(key);
    return index === undefined ? undefined : this.base(index);
  }

  /** A deleted record (for recycle-bin style restores). */
  getDeleted(key: K): R | undefined {
    return this.deleted.get(key);
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Every live record: base records in base order, then created ones in creation order. */
  *all(): IterableIterator<R> {
    const { source } = this.options;
    for (let i = 0; i < source.size; i++) {
      const key = source.keyAt(i);
      if (this.deleted.has(key)) continue;
      yield this.overrides.get(key) ?? this.base(i);
    }
    for (const [key, record] of this.added) if (!this.deleted.has(key)) yield record;
  }

  count(): number {
    let n = 0;
    for (const _ of this.all()) n++;
    return n;
  }

  /** Live records of one parent: base children in base order, then moved-in and created ones. */
  children(parent: P): R[] {
    const { source, parentOf, baseChildren } = this.options;
    if (!parentOf || !baseChildren) throw new Error('collection has no parent relation');
    const out: R[] = [];
    for (const index of baseChildren(parent)) {
      const key = source.keyAt(index);
      if (this.deleted.has(key)) continue;
      const record = this.overrides.get(key) ?? this.base(index);
      if (this.moved.has(key) && parentOf(record) !== parent) continue;
      out.push(record);
    }
    for (const key of this.moved) {
      const record = this.overrides.get(key);
      if (record === undefined || this.deleted.has(key)) continue;
      const index = source.indexOf(key);
      const baseParent = index === undefined ? undefined : parentOf(this.base(index));
      if (parentOf(record) === parent && baseParent !== parent) out.push(record);
    }
    for (const [key, record] of this.added) {
      if (!this.deleted.has(key) && parentOf(record) === parent) out.push(record);
    }
    return out;
  }

  /** How many live records a parent has, without generating the unchanged ones. */
  countChildren(parent: P): number {
    const { source, parentOf, baseChildren } = this.options;
    if (!parentOf || !baseChildren) throw new Error('collection has no parent relation');
    let n = 0;
    for (const index of baseChildren(parent)) {
      const key = source.keyAt(index);
      if (this.deleted.has(key)) continue;
      const override = this.moved.has(key) ? this.overrides.get(key) : undefined;
      if (override !== undefined && parentOf(override) !== parent) continue;
      n++;
    }
    for (const key of this.moved) {
      const record = this.overrides.get(key);
      const index = source.indexOf(key);
      if (record === undefined || this.deleted.has(key) || index === undefined) continue;
      if (parentOf(record) === parent && parentOf(this.base(index)) !== parent) n++;
    }
    for (const [key, record] of this.added) if (!this.deleted.has(key) && parentOf(record) === parent) n++;
    return n;
  }

  /** Creates or replaces a record. Returns whether it existed before. */
  put(record: R): 'created' | 'updated' {
    const key = this.options.keyOf(record);
    const existed = this.get(key) !== undefined;
    this.changes++;
    this.deleted.delete(key);
    const index = this.options.source.indexOf(key);
    if (index === undefined) {
      this.added.set(key, record);
    } else {
      this.overrides.set(key, record);
      const { parentOf } = this.options;
      if (parentOf && parentOf(this.base(index)) !== parentOf(record)) this.moved.add(key);
    }
    return existed ? 'updated' : 'created';
  }

  /** Removes a record; it can be brought back with `restore`. */
  delete(key: K): R | undefined {
    const record = this.get(key);
    if (record === undefined) return undefined;
    this.changes++;
    this.deleted.set(key, record);
    return record;
  }

  restore(key: K): R | undefined {
    const record = this.deleted.get(key);
    if (record === undefined) return undefined;
    this.changes++;
    this.deleted.delete(key);
    return record;
  }

  /** Number of records touched by mutations (for memory sanity checks). */
  get overlaySize(): number {
    return this.overrides.size + this.deleted.size + this.added.size;
  }
}

/** A source over a plain array (for the small collections generated up front). */
export function arraySource<K, R>(records: readonly R[], keyOf: (record: R) => K): CollectionSource<K, R> {
  const index = new Map<K, number>();
  records.forEach((record, i) => index.set(keyOf(record), i));
  return {
    size: records.length,
    keyAt: (i) => keyOf(records[i] as R),
    indexOf: (key) => index.get(key),
    generate: (i) => records[i] as R,
  };
}

function deepFreeze<T>(value: T): T {
  // Typed arrays cannot be frozen; records hold none, but a buffer is data, not structure.
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
