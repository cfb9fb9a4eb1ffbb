/**
 * A strict subset of jq evaluated in JavaScript, for mapping slots that would otherwise each cost a
 * jq-wasm call (docs/performance.md, "Where the time goes").
 *
 * An expression is parsed once ({@link compileFastJq}) by the shared jq parser (../jq-syntax/), then
 * checked against the subset (compile.ts, lexical.ts); anything outside it is refused and stays
 * jq's. Every construct accepted has at most one output per input. Evaluation answers the
 * slot's wrapped value (`[v]`, or `[]` for no output, as mapping-program.ts wraps them) or
 * {@link FAILS}: wherever jq would raise an error, or where this module is not sure to give jq's
 * exact value (a float to format, a regex on non-ASCII text), the item is left to jq whole, which
 * also keeps jq's own error messages.
 *
 * The subset: paths (`.a`, `."a b"`, `.["a"]`, `.[0]`, also after a parenthesis), `.`, string literals
 * (no interpolation), small non-negative integers, `true`/`false`/`null`, `( … )`, `|`, `//`,
 * `and`, `or`, `==`, `!=`, `+`, `if … then … elif … else … end`, an array built around one
 * iteration of an array (`[.a[]? | f]`), and the functions `tostring`, `ascii_downcase`, `not`,
 * `last`, `add` (of an array), `@uri`, `map(f)`, `select(f)`, `split(s)`, `join(s)`,
 * `startswith(s)`, `sub`/`gsub(pattern; replacement[; flags])` with literal arguments and a
 * pattern that is either a literal (optionally anchored with `^`) or one bracket class.
 *
 * jq 1.8.2 behaviours this relies on (checked against jq-wasm by test/unit/mapping/fast-jq.test.ts):
 * `a // b` does not suppress an error raised by `a`; `"" | split(s)` is `[]`; `^` anchors at the
 * start of the string; `sub(…; …; "i")` folds case over Unicode (`ſ` matches `s`), so case-blind
 * matching is only done here on ASCII text.
 */
import { parseJq } from '../jq-syntax/parser';
import { compile } from './compile';
import { evaluate } from './evaluate';
import { lexicallyInSubset } from './lexical';
import { EMPTY, FAILS } from './outcome';

export { FAILS } from './outcome';

/** A slot's wrapped value: `[v]` for one output, `[]` for none. */
export type Wrapped = [unknown] | [];

export type FastJq = (input: unknown) => Wrapped | typeof FAILS;

/** The evaluator for `jq` (already past Port's single-quote rewrite), or undefined when it is outside the subset. */
export function compileFastJq(jq: string): FastJq | undefined {
  const parsed = parseJq(jq);
  if (!parsed.ok || !lexicallyInSubset(jq, parsed.tokens)) return undefined;
  const node = compile(parsed.node);
  if (node === undefined) return undefined;
  return (input) => {
    const out = evaluate(node, input);
    if (out === FAILS) return FAILS;
    return out === EMPTY ? [] : [out];
  };
}
