/**
 * A jq program's syntax tree, one for every reader of mapping expressions: the input projection
 * (what of an item an expression can read) and fast-jq (the subset evaluated in JavaScript).
 * Parentheses leave no node; `.a`, `."a"` and `.["a"]` are all an `index` by a string.
 */

export type AssignOp = '=' | '|=' | '+=' | '-=' | '*=' | '/=' | '%=' | '//=';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type BinaryOp = '|' | ',' | '//' | AssignOp | 'or' | 'and' | CompareOp | '+' | '-' | '*' | '/' | '%';

export type JqNode =
  | { k: 'identity' }
  | { k: 'recurse' } // `..`
  /** `value` is the text read as a double; jq 1.8 keeps more digits than that when it can. */
  | { k: 'number'; text: string; value: number }
  /** `true`, `false`, `null` (as names, not keywords: `true(1)` is a call). */
  | { k: 'literal'; value: boolean | null }
  /** Text and `\(…)` parts in order; `format` for `@base64 "…"`, which formats the interpolated parts only. */
  | { k: 'string'; parts: (string | JqNode)[]; format: string | undefined }
  /** `@base64` alone, formatting its input. */
  | { k: 'format'; name: string }
  /**
   * A path step. `optional` for `.a?`, `.[0]?`, `.[]?`: only this step's error is suppressed, not
   * the target's (`"x" | .a.b?` is an error); `?` after any other term is `try`.
   */
  | { k: 'index'; target: JqNode; key: JqNode; optional: boolean }
  | { k: 'iterate'; target: JqNode; optional: boolean } // `[]`
  | { k: 'slice'; target: JqNode; from: JqNode | undefined; to: JqNode | undefined; optional: boolean }
  | { k: 'binary'; op: BinaryOp; left: JqNode; right: JqNode }
  | { k: 'negate'; operand: JqNode }
  | { k: 'array'; body: JqNode | undefined }
  /** `{a}` and `{"a"}` are written out as `{a: .a}`. */
  | { k: 'object'; entries: { key: JqNode; value: JqNode }[] }
  | { k: 'call'; name: string; args: JqNode[] }
  /** `elif` is a nested `if`; a missing `else` is `.` (jq 1.7+). */
  | { k: 'if'; cond: JqNode; then: JqNode; else: JqNode }
  /** `try b`, `try b catch h`, and `b?` (the same in jq: errors give no output). */
  | { k: 'try'; body: JqNode; handler: JqNode | undefined };

export const IDENTITY: JqNode = { k: 'identity' };

/** The text of a string literal without interpolation or format; undefined for any other node. */
export function plainText(node: JqNode): string | undefined {
  if (node.k !== 'string' || node.format !== undefined) return undefined;
  let text = '';
  for (const part of node.parts) {
    if (typeof part !== 'string') return undefined;
    text += part;
  }
  return text;
}

export function stringNode(text: string): JqNode {
  return { k: 'string', parts: text ? [text] : [], format: undefined };
}

/** `target[key]`: `.a` is `.["a"]`. */
export function indexNode(target: JqNode, key: JqNode): JqNode {
  return { k: 'index', target, key, optional: false };
}
