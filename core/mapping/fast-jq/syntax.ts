import { join, split, substitution, tostring, uri } from './builtins';
import { FAILS } from './outcome';
import type { Token } from './tokens';

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
  | { k: 'map'; f: Node }
  | { k: 'select'; f: Node };

export type Builtin = (input: unknown) => unknown;

const IDENTITY: Node = { k: 'identity' };
const KEYWORDS = new Set(['and', 'or', 'if', 'then', 'elif', 'else', 'end', 'as', 'def', 'reduce', 'foreach', 'try', 'catch', 'label', 'import', 'include', '__loc__']);

/**
 * Recursive descent over jq's precedence (lowest first): `|` (right), `//` (right), `or`, `and`,
 * `==`/`!=` (non-associative), `+` (left), then postfix indexing. `,`, `-`, `*`, comparisons and
 * everything else are refused by leaving a token unread.
 */
export class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node | undefined {
    const node = this.pipe();
    return node !== undefined && this.at === this.tokens.length ? node : undefined;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'op' && t.op === op;
  }

  private isWord(name: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'ident' && t.name === name;
  }

  private expectOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.at += 1;
    return true;
  }

  private expectWord(name: string): boolean {
    if (!this.isWord(name)) return false;
    this.at += 1;
    return true;
  }

  private pipe(): Node | undefined {
    const left = this.alt();
    if (left === undefined) return undefined;
    if (!this.expectOp('|')) return left;
    const right = this.pipe();
    return right === undefined ? undefined : { k: 'pipe', left, right };
  }

  private alt(): Node | undefined {
    const left = this.or();
    if (left === undefined) return undefined;
    if (!this.expectOp('//')) return left;
    const right = this.alt();
    return right === undefined ? undefined : { k: 'alt', left, right };
  }

  private or(): Node | undefined {
    return this.leftAssociative(() => this.and(), () => this.expectWord('or'), 'or');
  }

  private and(): Node | undefined {
    return this.leftAssociative(() => this.eq(), () => this.expectWord('and'), 'and');
  }

  private eq(): Node | undefined {
    const left = this.plus();
    if (left === undefined) return undefined;
    const negate = this.isOp('!=');
    if (!negate && !this.isOp('==')) return left;
    this.at += 1;
    const right = this.plus();
    // Non-associative: `a == b == c` does not compile in jq; the trailing `==` is left unread.
    return right === undefined ? undefined : { k: 'eq', left, right, negate };
  }

  private plus(): Node | undefined {
    return this.leftAssociative(() => this.postfix(), () => this.expectOp('+'), 'plus');
  }

  /** `a op b op c` as `(a op b) op c`; undefined as soon as an operand is outside the subset. */
  private leftAssociative(operand: () => Node | undefined, operator: () => boolean, k: 'or' | 'and' | 'plus'): Node | undefined {
    let left = operand();
    while (left !== undefined && operator()) {
      const right = operand();
      left = right === undefined ? undefined : { k, left, right };
    }
    return left;
  }

  private postfix(): Node | undefined {
    let node = this.term();
    for (;;) {
      if (node === undefined) return undefined;
      const t = this.peek();
      if (t?.t === 'field') {
        this.at += 1;
        node = { k: 'index', of: node, key: t.name };
        continue;
      }
      if (t?.t === 'op' && t.op === '[') {
        const key = this.bracketKey();
        if (key === undefined) return undefined;
        node = typeof key === 'number' ? { k: 'at', of: node, position: key } : { k: 'index', of: node, key };
        continue;
      }
      // `?`, `as`, and `.[…]` after a dot are not in the subset (and `?` is not even tokenized).
      return node;
    }
  }

  /**
   * `["key"]` or `[n]`: a string literal or a small non-negative integer in brackets; anything else
   * (negative positions, slices, `[]`) is refused.
   */
  private bracketKey(): string | number | undefined {
    const key = this.tokens[this.at + 1];
    if ((key?.t !== 'str' && key?.t !== 'num') || !(this.tokens[this.at + 2]?.t === 'op' && (this.tokens[this.at + 2] as { op: string }).op === ']')) return undefined;
    this.at += 3;
    return key.value;
  }

  private term(): Node | undefined {
    const t = this.peek();
    if (t === undefined) return undefined;
    switch (t.t) {
      case 'dot': {
        this.at += 1;
        // `.["a"]`: the bracket is the postfix of `.`; `.[0]`, `.[]` are refused there.
        return IDENTITY;
      }
      case 'field':
        this.at += 1;
        return { k: 'index', of: IDENTITY, key: t.name };
      case 'str':
        this.at += 1;
        return { k: 'const', value: t.value };
      case 'num':
        this.at += 1;
        return { k: 'const', value: t.value };
      case 'format': {
        this.at += 1;
        // `@uri "…\(.x)"` formats a string literal; only the bare filter is in the subset.
        if (t.name !== 'uri' || this.peek()?.t === 'str') return undefined;
        return { k: 'call', fn: uri };
      }
      case 'op': {
        if (t.op !== '(') return undefined;
        this.at += 1;
        const inner = this.pipe();
        return inner !== undefined && this.expectOp(')') ? inner : undefined;
      }
      case 'ident':
        return this.word(t.name);
    }
  }

  private word(name: string): Node | undefined {
    this.at += 1;
    if (name === 'if') return this.ifThen();
    if (KEYWORDS.has(name)) return undefined;
    if (name === 'true' || name === 'false' || name === 'null') {
      return this.isOp('(') ? undefined : { k: 'const', value: name === 'true' ? true : name === 'false' ? false : null };
    }
    if (!this.isOp('(')) {
      const fn = NULLARY[name];
      return fn === undefined ? undefined : { k: 'call', fn };
    }
    this.at += 1;
    const args: Node[] = [];
    for (;;) {
      const arg = this.pipe();
      if (arg === undefined) return undefined;
      args.push(arg);
      if (this.expectOp(';')) continue;
      if (this.expectOp(')')) break;
      return undefined;
    }
    return callOf(name, args);
  }

  private ifThen(): Node | undefined {
    const cond = this.pipe();
    if (cond === undefined || !this.expectWord('then')) return undefined;
    const then = this.pipe();
    if (then === undefined) return undefined;
    if (this.expectWord('elif')) {
      const rest = this.ifThen();
      return rest === undefined ? undefined : { k: 'if', cond, then, else: rest };
    }
    let otherwise: Node | undefined = IDENTITY; // jq 1.7+: `if c then a end` is `if c then a else . end`.
    if (this.expectWord('else')) otherwise = this.pipe();
    if (otherwise === undefined || !this.expectWord('end')) return undefined;
    return { k: 'if', cond, then, else: otherwise };
  }
}

/** The literal string an argument must be, or undefined. */
function literalString(node: Node | undefined): string | undefined {
  return node?.k === 'const' && typeof node.value === 'string' ? node.value : undefined;
}

function callOf(name: string, args: Node[]): Node | undefined {
  const [a, b, c] = args;
  if (args.length === 1 && a !== undefined) {
    if (name === 'map') return { k: 'map', f: a };
    if (name === 'select') return { k: 'select', f: a };
    const s = literalString(a);
    if (s === undefined) return undefined;
    // An empty separator splits into characters (and joins nothing in particular): refused.
    if (name === 'split' && s !== '') return { k: 'call', fn: (input) => split(input, s) };
    if (name === 'join') return { k: 'call', fn: (input) => join(input, s) };
    if (name === 'startswith') return { k: 'call', fn: (input) => (typeof input === 'string' ? input.startsWith(s) : FAILS) };
    return undefined;
  }
  if ((name === 'sub' || name === 'gsub') && (args.length === 2 || args.length === 3)) {
    const pattern = literalString(a);
    const replacement = literalString(b);
    const flags = args.length === 3 ? literalString(c) : '';
    if (pattern === undefined || replacement === undefined || flags === undefined) return undefined;
    const fn = substitution(pattern, replacement, flags, name === 'gsub');
    return fn === undefined ? undefined : { k: 'call', fn };
  }
  return undefined;
}

const NULLARY: Record<string, Builtin> = {
  tostring,
  ascii_downcase: (input) => (typeof input === 'string' ? input.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : FAILS),
  not: (input) => input === false || input === null,
  // `last` is `.[-1]`: null on null and on an empty array; an error on anything but an array.
  last: (input) => (input === null ? null : Array.isArray(input) ? (input.length > 0 ? (input[input.length - 1] as unknown) : null) : FAILS),
};
