import { Rng } from './random';

/**
 * Which parent each generated child belongs to, in compressed form (one typed array per relation),
 * so 200,000 work items cost under 2 MB of index.
 */
export class ParentIndex {
  private constructor(
    /** parent index of each child */
    private readonly parents: Uint32Array,
    /** children grouped by parent (CSR): children of p are members[offsets[p] .. offsets[p+1]) */
    private readonly offsets: Uint32Array,
    private readonly members: Uint32Array,
  ) {}

  get childCount(): number {
    return this.parents.length;
  }

  get parentCount(): number {
    return this.offsets.length - 1;
  }

  parentOf(child: number): number {
    return this.parents[child] ?? 0;
  }

  children(parent: number): Uint32Array {
    const start = this.offsets[parent] ?? 0;
    const end = this.offsets[parent + 1] ?? start;
    return this.members.subarray(start, end);
  }

  countOf(parent: number): number {
    return (this.offsets[parent + 1] ?? 0) - (this.offsets[parent] ?? 0);
  }

  /** Children numbered parent by parent: the first `counts[0]` belong to parent 0, and so on. */
  static contiguous(counts: readonly number[]): ParentIndex {
    const total = counts.reduce((a, b) => a + b, 0);
    const parents = new Uint32Array(total);
    const offsets = new Uint32Array(counts.length + 1);
    const members = new Uint32Array(total);
    let next = 0;
    counts.forEach((count, p) => {
      offsets[p] = next;
      for (let i = 0; i < count; i++) {
        parents[next] = p;
        members[next] = next;
        next++;
      }
    });
    offsets[counts.length] = next;
    return new ParentIndex(parents, offsets, members);
  }

  /**
   * Children interleaved over parents (ids handed out over time across many repositories or
   * projects, as real pull-request, build and work-item ids are). `counts` says how many each
   * parent gets; the order is shuffled deterministically.
   */
  static interleaved(counts: readonly number[], seed: number): ParentIndex {
    const total = counts.reduce((a, b) => a + b, 0);
    const parents = new Uint32Array(total);
    let next = 0;
    counts.forEach((count, p) => {
      parents.fill(p, next, next + count);
      next += count;
    });
    const rng = new Rng(seed);
    for (let i = total - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const tmp = parents[i] ?? 0;
      parents[i] = parents[j] ?? 0;
      parents[j] = tmp;
    }
    const offsets = new Uint32Array(counts.length + 1);
    for (let p = 0; p < counts.length; p++) offsets[p + 1] = (offsets[p] ?? 0) + (counts[p] ?? 0);
    const cursor = offsets.slice(0, counts.length);
    const members = new Uint32Array(total);
    for (let child = 0; child < total; child++) {
      const p = parents[child] ?? 0;
      members[cursor[p] ?? 0] = child;
      cursor[p] = (cursor[p] ?? 0) + 1;
    }
    return new ParentIndex(parents, offsets, members);
  }
}

/**
 * Splits `total` over `parents` with a realistic skew (a few big parents, many small ones), giving
 * each at least `min` when the total allows it. Deterministic for a seed.
 */
export function allocate(total: number, parents: number, seed: number, min = 0): number[] {
  if (parents <= 0) return [];
  const floor = Math.min(min, Math.floor(total / parents));
  const counts = new Array<number>(parents).fill(floor);
  let remaining = total - floor * parents;
  if (remaining <= 0) return counts;
  const rng = new Rng(seed);
  const weights = counts.map(() => 0.2 + Math.pow(rng.next(), 2) * 3);
  const sum = weights.reduce((a, b) => a + b, 0);
  let given = 0;
  weights.forEach((w, p) => {
    const share = Math.floor((remaining * w) / sum);
    counts[p] = (counts[p] ?? 0) + share;
    given += share;
  });
  remaining -= given;
  for (let p = 0; remaining > 0; p = (p + 1) % parents, remaining--) counts[p] = (counts[p] ?? 0) + 1;
  return counts;
}
