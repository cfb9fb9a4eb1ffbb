import { compileFastJq, FAILS, type FastJq, type Wrapped } from './fast-jq';
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
 * Most mapping expressions are plain paths (`.fields."System.Title"`, `.id`), constants
 * (`"azureDevopsWorkItem"`, `true`) or small compositions of them (`.__projectId + "/" + (.id |
 * tostring)`). Those are evaluated in JavaScript by a strict subset of jq (fast-jq/) that gives
 * the very value jq would. Only the other expressions go to jq, with an input cut to what they can
 * read (input-projection.ts). An item on which the subset would fail in jq (indexing a string,
 * say) or cannot be sure of jq's value is evaluated wholly in jq instead, so errors keep jq's exact
 * messages. jq-wasm's cost is per call and per byte parsed, and this
 * removes most of both (docs/performance.md).
 */
export class SlotEvaluator {
  private readonly fast: (FastJq | undefined)[];
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
    this.fast = slots.map((slot) => compileFastJq(rewriteSingleQuotes(slot.jq)));
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
    // With the selector in JavaScript, the other JavaScript slots are evaluated before jq runs, so
    // an item on which one fails goes to jq once (whole) rather than twice.
    const known = new Map<number, (Wrapped | undefined)[]>();
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (this.selectorFast) {
        const selected = (this.fast[0] as FastJq)(item);
        if (selected === FAILS) {
          whole.push(i);
          continue;
        }
        if (selected.length === 0 || selected[0] !== true) {
          outcomes[i] = { ok: true, value: [selected] };
          continue;
        }
        const values = this.fastValues(item);
        if (values === FAILS) {
          whole.push(i);
          continue;
        }
        known.set(i, values);
      }
      toJq.push(i);
    }

    if (this.jqBody !== undefined && toJq.length > 0) {
      const inputs = toJq.map((i) => this.input(items[i], this.jqProjection));
      const results = evaluateEach(this.engine, PROGRAM_PRELUDE, this.jqBody, inputs, this.limits, stats);
      results.forEach((result, k) => {
        const i = toJq[k] as number;
        outcomes[i] = this.combine(items[i], known.get(i), result, whole, i);
      });
    } else {
      for (const i of toJq) outcomes[i] = this.combine(items[i], known.get(i), { ok: true, value: [] }, whole, i);
    }

    if (whole.length > 0) {
      const inputs = whole.map((i) => this.input(items[i], this.fullProjection));
      const results = evaluateEach(this.engine, PROGRAM_PRELUDE, this.fullBody, inputs, this.limits, stats);
      results.forEach((result, k) => (outcomes[whole[k] as number] = result));
    }
    return outcomes;
  }

  /** Every JavaScript slot's value but the selector's (undefined where the slot is jq's), or FAILS. */
  private fastValues(item: unknown): (Wrapped | undefined)[] | typeof FAILS {
    const values: (Wrapped | undefined)[] = [undefined];
    for (let slot = 1; slot < this.fast.length; slot++) {
      const fast = this.fast[slot];
      const value = fast === undefined ? undefined : fast(item);
      if (value === FAILS) return FAILS;
      values.push(value);
    }
    return values;
  }

  private input(item: unknown, projection: ProjectionNode | undefined): unknown {
    return projection ? project(item, projection) : item;
  }

  /**
   * Merges jq's answer for one item with its fast slots into the full program's shape. An item on
   * which a fast path fails is queued in `whole`, whose evaluation then replaces this outcome.
   */
  private combine(item: unknown, known: (Wrapped | undefined)[] | undefined, result: ItemOutcome, whole: number[], index: number): ItemOutcome {
    if (!result.ok) return result;
    const values = result.value;
    // jq ran the selector: an item it filtered out (or whose selector failed) is answered as is,
    // `[selector]`; a selected one is `[[true], …]`, which is also one value long when every
    // other slot is JavaScript's.
    if (!this.selectorFast && Array.isArray(values) && values.length === 1 && !isTrueWrapped(values[0])) return result;
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
      const value = known?.[slot] ?? fast(item);
      if (value === FAILS) {
        whole.push(index);
        return { ok: true, value: [] };
      }
      out.push(value);
    }
    return { ok: true, value: out };
  }
}

function isTrueWrapped(value: unknown): boolean {
  return Array.isArray(value) && value.length === 1 && value[0] === true;
}
