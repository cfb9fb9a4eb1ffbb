import { JsonText, type JqEngine } from './jq-engine';

/**
 * Runs one jq program body over many items with as few engine calls as possible.
 *
 * jq-wasm re-parses the program on every call (~0.7 ms), so items are evaluated in batches with
 * `map(BODY)`. Batches are capped: above roughly 2 MB of JSON the wasm heap can abort
 * (packaging-and-conventions.md Part C3). When a batch fails for any reason (an abort, `halt`,
 * a result of the wrong shape) its items are evaluated one by one, so one bad item costs only
 * itself.
 */

export type BatchLimits = {
  /** Most items per engine call. */
  maxItems: number;
  /** Most characters of JSON per engine call; an item larger than this is evaluated alone. */
  maxChars: number;
};

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxItems: 1000, maxChars: 2_000_000 };

/** The body's single result for one item, or why there is none. */
export type ItemOutcome = { ok: true; value: unknown } | { ok: false; message: string };

export type EvaluationStats = { engineCalls: number; fallbacks: number };

export function evaluateEach(
  engine: JqEngine,
  prelude: string,
  body: string,
  items: readonly unknown[],
  limits: BatchLimits,
  stats: EvaluationStats,
): ItemOutcome[] {
  const texts = items.map((item) => wellFormedJson(JSON.stringify(item) ?? 'null'));
  const outcomes: ItemOutcome[] = [];
  for (const [start, end] of chunks(texts, limits)) {
    const slice = texts.slice(start, end);
    const batched = slice.length > 1 ? runBatch(engine, `${prelude}map(${body})`, slice, stats) : undefined;
    if (batched) {
      for (const value of batched) outcomes.push({ ok: true, value });
      continue;
    }
    if (slice.length > 1) stats.fallbacks += 1;
    for (const text of slice) outcomes.push(runOne(engine, `${prelude}${body}`, text, stats));
  }
  return outcomes;
}

const ESCAPES = /\\\\|\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u(d[89a-f][0-9a-f]{2})/gi;

/**
 * JSON text jq can read: a lone surrogate (a title cut in the middle of an emoji) is written
 * `\ud83d` by JSON.stringify, which jq refuses outright, losing the whole item; it becomes U+FFFD,
 * as jq itself makes of a lone low one. Escaped backslashes are matched first, so `\\ud83d` (text) stays.
 */
export function wellFormedJson(text: string): string {
  if (!/\\u[dD][89a-fA-F]/.test(text)) return text;
  return text.replace(ESCAPES, (match, _high: string | undefined, _low: string | undefined, lone: string | undefined) => (lone === undefined ? match : '\\ufffd'));
}

/** [start, end) ranges that respect both limits; string length stands in for bytes (a heuristic cap). */
function chunks(texts: readonly string[], limits: BatchLimits): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let chars = 0;
  texts.forEach((text, i) => {
    const size = text.length + 1;
    if (i > start && (i - start >= limits.maxItems || chars + size > limits.maxChars)) {
      ranges.push([start, i]);
      start = i;
      chars = 0;
    }
    chars += size;
  });
  if (start < texts.length) ranges.push([start, texts.length]);
  return ranges;
}

function runBatch(engine: JqEngine, program: string, texts: string[], stats: EvaluationStats): unknown[] | undefined {
  stats.engineCalls += 1;
  try {
    const outputs = engine.run(program, new JsonText(`[${texts.join(',')}]`));
    const [result] = outputs;
    if (outputs.length === 1 && Array.isArray(result) && result.length === texts.length) return result as unknown[];
    return undefined;
  } catch {
    return undefined;
  }
}

function runOne(engine: JqEngine, program: string, text: string, stats: EvaluationStats): ItemOutcome {
  stats.engineCalls += 1;
  try {
    const outputs = engine.run(program, new JsonText(text));
    if (outputs.length === 1) return { ok: true, value: outputs[0] };
    return { ok: false, message: `the mapping produced ${outputs.length} results for one item (does an expression call halt?)` };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
