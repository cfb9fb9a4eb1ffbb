import { evaluateEach, type BatchLimits, type EvaluationStats, type ItemOutcome } from './batch-evaluator';
import { project, projectionOf, type ProjectionNode } from './input-projection';
import { rewriteSingleQuotes } from './jq-expression';
import type { JqEngine } from './jq-engine';
import { mappingBody, PROGRAM_PRELUDE, slotsBody, type Slot } from './mapping-program';

/**
 * Evaluates a resource's slots (selector first) for a batch of items and returns, per item, what
 * the full mapping program would: `[selector]` for an item filtered out, else one wrapped value
 * per slot (`[v]`, `[]`, `{e}`; mapping-program.ts).
 *
 * Most mapping expressions are plain paths (`.fields."System.Title"`, `.id`) or constants
 * (`"azureDevopsWorkItem"`, `true`). Those are read in JavaScript, which gives the very value jq
 * would: a path through objects and nulls cannot fail and has one output. Only the other
 * expressions go to jq, with an input cut to what they can read (input-projection.ts). An item on
 * which a path would fail in jq (indexing a string, say) is evaluated wholly in jq instead, so
 * errors keep jq's exact messages. jq-wasm's cost is per call and per byte parsed, and this
 * removes most of both (docs/performance.md).
 */
export class SlotEvaluator {
  private readonly fast: (FastSlot | undefined)[];
  private readonly selectorFast: boolean;
  /** Slots (≥ 1) evaluated in jq, in order. */
  private readonly jqSlots: number[];
  private readonly jqBody: string | undefined;
  private readonly jqProjection: ProjectionNode | undefined;
  private readonly fullBody: string;
  private readonly fullProjection: ProjectionNode | undefined;

  constructor(
    private readonly engine: JqEngine,
    slots: readonly Slot[],
    private readonly limits: BatchLimits,
    /** False when items are not raw Azure DevOps items (itemsToParse): then nothing is projected. */
    projectable: boolean,
  ) {
    this.fast = slots.map((slot) => fastSlot(rewriteSingleQuotes(slot.jq)));
    this.selectorFast = this.fast[0] !== undefined;
    this.jqSlots = slots.map((_, i) => i).filter((i) => i > 0 && this.fast[i] === undefined);
    const jqExpressions = (this.selectorFast ? [] : [0]).concat(this.jqSlots).map((i) => rewriteSingleQuotes((slots[i] as Slot).jq));
    this.jqBody = this.selectorFast
      ? this.jqSlots.length > 0
        ? slotsBody(this.jqSlots.map((i) => slots[i] as Slot))
        : undefined
      : mappingBody([slots[0] as Slot, ...this.jqSlots.map((i) => slots[i] as Slot)]);
    this.jqProjection = projectable ? projectionOf(jqExpressions) : undefined;
    this.fullBody = mappingBody(slots);
    this.fullProjection = projectable ? projectionOf(slots.map((slot) => rewriteSingleQuotes(slot.jq))) : undefined;
  }

  /** Every program body this evaluator may run. */
  programBodies(): string[] {
    return this.jqBody === undefined ? [this.fullBody] : [this.fullBody, this.jqBody];
  }

  evaluate(items: readonly unknown[], stats: EvaluationStats): ItemOutcome[] {
    const outcomes: ItemOutcome[] = new Array<ItemOutcome>(items.length);
    const toJq: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (this.selectorFast) {
        const selected = readFast(this.fast[0] as FastSlot, item);
        if (selected === FAILS) {
          whole.push(i);
          continue;
        }
        if (selected !== true) {
          outcomes[i] = { ok: true, value: [[selected]] };
          continue;
        }
      }
      toJq.push(i);
    }

    if (this.jqBody !== undefined && toJq.length > 0) {
      const inputs = toJq.map((i) => this.input(items[i], this.jqProjection));
      const results = evaluateEach(this.engine, PROGRAM_PRELUDE, this.jqBody, inputs, this.limits, stats);
      results.forEach((result, k) => {
        const i = toJq[k] as number;
        outcomes[i] = this.combine(items[i], result, whole, i);
      });
    } else {
      for (const i of toJq) outcomes[i] = this.combine(items[i], { ok: true, value: [] }, whole, i);
    }

    if (whole.length > 0) {
      const inputs = whole.map((i) => this.input(items[i], this.fullProjection));
      const results = evaluateEach(this.engine, PROGRAM_PRELUDE, this.fullBody, inputs, this.limits, stats);
      results.forEach((result, k) => (outcomes[whole[k] as number] = result));
    }
    return outcomes;
  }

  private input(item: unknown, projection: ProjectionNode | undefined): unknown {
    return projection ? project(item, projection) : item;
  }

  /**
   * Merges jq's answer for one item with its fast slots into the full program's shape. An item on
   * which a fast path fails is queued in `whole`, whose evaluation then replaces this outcome.
   */
  private combine(item: unknown, result: ItemOutcome, whole: number[], index: number): ItemOutcome {
    if (!result.ok) return result;
    const values = result.value;
    // jq ran the selector: an item it filtered out (or whose selector failed) is answered as is.
    if (!this.selectorFast && Array.isArray(values) && values.length === 1) return result;
    const expected = this.jqSlots.length + (this.selectorFast ? 0 : 1);
    if (!Array.isArray(values) || values.length !== expected) {
      return { ok: false, message: `the mapping program returned ${Array.isArray(values) ? `${values.length} values` : 'no list'} where ${expected} were expected` };
    }
    let next = 0;
    const out: unknown[] = [];
    if (this.selectorFast) {
      out.push([true]);
    } else {
      out.push(values[0]);
      next = 1;
    }
    for (let slot = 1; slot < this.fast.length; slot++) {
      const fast = this.fast[slot];
      if (fast === undefined) {
        out.push(values[next++]);
        continue;
      }
      const value = readFast(fast, item);
      if (value === FAILS) {
        whole.push(index);
        return { ok: true, value: [] };
      }
      out.push([value]);
    }
    return { ok: true, value: out };
  }
}

type FastSlot = { path: string[] } | { constant: unknown };

const FAILS = Symbol('fails in jq');

/**
 * A path (`.a`, `."b c"`, `.["d"]`, chained) or a constant (`true`, `false`, `null`, a string
 * without escapes); anything else, including whitespace inside, is left to jq.
 */
export function fastSlot(jq: string): FastSlot | undefined {
  const text = jq.trim();
  if (text === 'true') return { constant: true };
  if (text === 'false') return { constant: false };
  if (text === 'null') return { constant: null };
  if (/^"[^"\\]*"$/.test(text)) return { constant: text.slice(1, -1) };
  const path: string[] = [];
  // `.a`, `."a"`, `.["a"]`; after the first segment also `["a"]` (alone, that is an array literal).
  const segment = /\.([A-Za-z_][A-Za-z0-9_]*)|\."([^"\\]*)"|\.\["([^"\\]*)"\]|\["([^"\\]*)"\]/y;
  let at = 0;
  while (at < text.length) {
    segment.lastIndex = at;
    const match = segment.exec(text);
    if (!match || (at === 0 && match[4] !== undefined)) return undefined;
    path.push((match[1] ?? match[2] ?? match[3] ?? match[4]) as string);
    at = segment.lastIndex;
  }
  return path.length > 0 ? { path } : undefined;
}

/** jq's value for a fast slot, or FAILS where jq would raise an error (indexing a non-object). */
function readFast(slot: FastSlot, item: unknown): unknown {
  if ('constant' in slot) return slot.constant;
  let value: unknown = item;
  for (const key of slot.path) {
    if (value === null || value === undefined) {
      value = null;
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) return FAILS;
    value = Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : null;
  }
  return value === undefined ? null : value;
}
