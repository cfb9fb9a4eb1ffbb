import { IDENTITY as IDENTITY_SYNTAX, indexNode, plainText, type BinaryOp, type JqNode } from '../jq-syntax/ast';
import { join, split, substitution, tostring, uri } from './builtins';
import { plus } from './evaluate';
import { FAILS } from './outcome';

/** What {@link evaluate} runs: a tree inside the subset, with its functions resolved. */
export type Node =
  | { k: 'identity' }
  | { k: 'const'; value: unknown }
  | { k: 'index'; of: Node; key: string }
  | { k: 'at'; of: Node; position: number }
  | { k: 'pipe'; left: Node; right: Node }
  | { k: 'alt'; left: Node; right: Node }
  | { k: 'and'; left: Node; right: Node }
  | { k: 'or'; left: Node; right: Node }
  | { k: 'eq'; left: Node; right: Node; negate: boolean }
  | { k: 'plus'; left: Node; right: Node }
  | { k: 'if'; cond: Node; then: Node; else: Node }
  | { k: 'call'; fn: Builtin }
  | { k: 'select'; f: Node }
  /** `[source[] | each]` (`[]?` when optional): each element's one output or none, in order. */
  | { k: 'collect'; source: Node; optional: boolean; each: Node };

export type Builtin = (input: unknown) => unknown;

const IDENTITY: Node = { k: 'identity' };

/** Integers a double holds exactly, written as jq prints them; jq 1.8 keeps longer literals' digits. */
const SMALL_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;

/**
 * The plan evaluating `node` as jq does, or undefined when any part of it is outside the subset.
 * Refused: `,` and the operators other than `|`, `//`, `and`, `or`, `==`, `!=` and `+` (several
 * outputs, or arithmetic whose errors and formatting are jq's own), unary `-`, `?` and `try`,
 * `..`, slices, negative or computed positions, object construction, array construction but
 * around one iteration (`[.a[]? | f]`), `[]` anywhere else, interpolation, formats but bare
 * `@uri`, and every function not below.
 */
export function compile(node: JqNode): Node | undefined {
  switch (node.k) {
    case 'identity':
      return IDENTITY;
    case 'number':
      return SMALL_INTEGER.test(node.text) ? { k: 'const', value: node.value } : undefined;
    case 'literal':
      return { k: 'const', value: node.value };
    case 'string': {
      const text = plainText(node);
      return text === undefined ? undefined : { k: 'const', value: text };
    }
    case 'format':
      return node.name === 'uri' ? { k: 'call', fn: uri } : undefined;
    case 'index':
      return node.optional ? undefined : index(node.target, node.key);
    case 'binary':
      return binary(node.op, node.left, node.right);
    case 'if': {
      const cond = compile(node.cond);
      const then = compile(node.then);
      const otherwise = compile(node.else);
      return cond && then && otherwise ? { k: 'if', cond, then, else: otherwise } : undefined;
    }
    case 'call':
      return call(node.name, node.args);
    case 'array':
      return node.body === undefined ? undefined : collect(node.body);
    case 'recurse':
    case 'iterate':
    case 'slice':
    case 'negate':
    case 'object':
    case 'try':
      return undefined;
  }
}

/**
 * `[S]` where S is one iteration followed by single-output steps: `.a[]?.b`, `.a[] | select(f) |
 * .c`. The iteration is the stream's only source of several outputs, so S is split there: what it
 * iterates, and what every element goes through after.
 */
function collect(body: JqNode): Node | undefined {
  const stream = splitAtIteration(body);
  if (stream === undefined) return undefined;
  const source = compile(stream.source);
  const each = source && compile(stream.each);
  return source && each ? { k: 'collect', source, optional: stream.optional, each } : undefined;
}

function splitAtIteration(node: JqNode): { source: JqNode; optional: boolean; each: JqNode } | undefined {
  if (node.k === 'iterate') return { source: node.target, optional: node.optional, each: IDENTITY_SYNTAX };
  if (node.k === 'index' && !node.optional) {
    const inner = splitAtIteration(node.target);
    return inner && { ...inner, each: indexNode(inner.each, node.key) };
  }
  if (node.k === 'binary' && node.op === '|') {
    const inner = splitAtIteration(node.left);
    return inner && { ...inner, each: { k: 'binary', op: '|', left: inner.each, right: node.right } };
  }
  return undefined;
}

/** `.a`, `."a"`, `.["a"]`: a literal name; `.[0]`: a small non-negative position. */
function index(target: JqNode, key: JqNode): Node | undefined {
  const of = compile(target);
  if (of === undefined) return undefined;
  const name = plainText(key);
  if (name !== undefined) return { k: 'index', of, key: name };
  if (key.k === 'number' && SMALL_INTEGER.test(key.text)) return { k: 'at', of, position: key.value };
  return undefined;
}

const BINARY = new Map<BinaryOp, 'pipe' | 'alt' | 'and' | 'or' | 'eq' | 'ne' | 'plus'>([
  ['|', 'pipe'],
  ['//', 'alt'],
  ['and', 'and'],
  ['or', 'or'],
  ['==', 'eq'],
  ['!=', 'ne'],
  ['+', 'plus'],
]);

function binary(op: BinaryOp, leftNode: JqNode, rightNode: JqNode): Node | undefined {
  const kind = BINARY.get(op);
  const left = kind && compile(leftNode);
  const right = left && compile(rightNode);
  if (kind === undefined || left === undefined || right === undefined) return undefined;
  if (kind === 'eq' || kind === 'ne') return { k: 'eq', left, right, negate: kind === 'ne' };
  return { k: kind, left, right };
}

/** The literal string an argument must be, or undefined. */
function literalString(node: JqNode | undefined): string | undefined {
  return node === undefined ? undefined : plainText(node);
}

function call(name: string, argNodes: JqNode[]): Node | undefined {
  if (argNodes.length === 0) {
    const fn = NULLARY.get(name);
    return fn === undefined ? undefined : { k: 'call', fn };
  }
  const [a, b, c] = argNodes;
  if (argNodes.length === 1 && a !== undefined) {
    if (name === 'map' || name === 'select') {
      const f = compile(a);
      if (f === undefined) return undefined;
      // `map(f)` is jq's `[.[] | f]`.
      return name === 'map' ? { k: 'collect', source: IDENTITY, optional: false, each: f } : { k: 'select', f };
    }
    const s = literalString(a);
    if (s === undefined) return undefined;
    // An empty separator splits into characters (and joins nothing in particular): refused.
    if (name === 'split' && s !== '') return { k: 'call', fn: (input) => split(input, s) };
    if (name === 'join') return { k: 'call', fn: (input) => join(input, s) };
    if (name === 'startswith') return { k: 'call', fn: (input) => (typeof input === 'string' ? input.startsWith(s) : FAILS) };
    return undefined;
  }
  if ((name === 'sub' || name === 'gsub') && (argNodes.length === 2 || argNodes.length === 3)) {
    const pattern = literalString(a);
    const replacement = literalString(b);
    const flags = argNodes.length === 3 ? literalString(c) : '';
    if (pattern === undefined || replacement === undefined || flags === undefined) return undefined;
    const fn = substitution(pattern, replacement, flags, name === 'gsub');
    return fn === undefined ? undefined : { k: 'call', fn };
  }
  return undefined;
}

/** A Map, not an object: a name such as `constructor` must not find Object.prototype's. */
const NULLARY = new Map<string, Builtin>([
  ['tostring', tostring],
  ['ascii_downcase', (input) => (typeof input === 'string' ? input.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : FAILS)],
  ['not', (input) => input === false || input === null],
  // `last` is `.[-1]`: null on null and on an empty array; an error on anything but an array.
  ['last', (input) => (input === null ? null : Array.isArray(input) ? (input.length > 0 ? (input[input.length - 1] as unknown) : null) : FAILS)],
  // `add` of an array: its elements summed with `+` from null (an object's values are left to jq).
  ['add', (input) => (Array.isArray(input) ? (input as unknown[]).reduce<unknown>((sum, element) => (sum === FAILS ? FAILS : plus(sum, element)), null) : FAILS)],
]);
