/**
 * A strict subset of jq evaluated in JavaScript, for mapping slots that would otherwise each cost a
 * jq-wasm call (docs/performance.md, "Where the time goes").
 *
 * An expression is parsed once ({@link compileFastJq}); anything outside the subset is refused and
 * stays jq's. Every construct accepted has at most one output per input. Evaluation answers the
 * slot's wrapped value (`[v]`, or `[]` for no output, as mapping-program.ts wraps them) or
 * {@link FAILS}: wherever jq would raise an error, or where this module is not sure to give jq's
 * exact value (a float to format, a regex on non-ASCII text), the item is left to jq whole, which
 * also keeps jq's own error messages.
 *
 * The subset: paths (`.a`, `."a b"`, `.["a"]`, also after a parenthesis), `.`, string literals
 * (no interpolation), small non-negative integers, `true`/`false`/`null`, `( … )`, `|`, `//`,
 * `and`, `or`, `==`, `!=`, `+`, `if … then … elif … else … end`, and the functions `tostring`,
 * `ascii_downcase`, `not`, `last`, `@uri`, `map(f)`, `select(f)`, `split(s)`, `join(s)`,
 * `startswith(s)`, `sub`/`gsub(pattern; replacement[; flags])` with literal arguments and a
 * pattern that is either a literal (optionally anchored with `^`) or one bracket class.
 *
 * jq 1.8.2 behaviours this relies on (checked against jq-wasm by test/unit/mapping/fast-jq.test.ts):
 * `a // b` does not suppress an error raised by `a`; `"" | split(s)` is `[]`; `^` anchors at the
 * start of the string; `sub(…; …; "i")` folds case over Unicode (`ſ` matches `s`), so case-blind
 * matching is only done here on ASCII text.
 */

/** The item must be evaluated in jq (jq raises an error, or this module cannot be sure of jq's value). */
export const FAILS: unique symbol = Symbol('evaluate in jq');

/** A slot's wrapped value: `[v]` for one output, `[]` for none. */
export type Wrapped = [unknown] | [];

export type FastJq = (input: unknown) => Wrapped | typeof FAILS;

/** The evaluator for `jq` (already past Port's single-quote rewrite), or undefined when it is outside the subset. */
export function compileFastJq(jq: string): FastJq | undefined {
  const tokens = tokenize(jq);
  if (tokens === undefined || tokens.length === 0) return undefined;
  const parser = new Parser(tokens);
  const node = parser.parseAll();
  if (node === undefined) return undefined;
  return (input) => {
    const out = evaluate(node, input);
    if (out === FAILS) return FAILS;
    return out === EMPTY ? [] : [out];
  };
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: 'field'; name: string } // `.name`, `."name"`
  | { t: 'dot' } // `.` alone
  | { t: 'str'; value: string }
  | { t: 'num'; value: number }
  | { t: 'ident'; name: string }
  | { t: 'format'; name: string } // `@uri`
  | { t: 'op'; op: string }; // ( ) [ ] | // + == != ; ,

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** A jq string literal at `at` (the opening quote), or undefined for one with `\(…)`, `\u` or an unknown escape. */
function readString(text: string, at: number): { value: string; end: number } | undefined {
  let value = '';
  let i = at + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const escaped = SIMPLE_ESCAPES[text[i + 1] ?? ''];
      if (escaped === undefined) return undefined;
      value += escaped;
      i += 2;
      continue;
    }
    value += c;
    i += 1;
  }
  return undefined;
}

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i += 1;
      continue;
    }
    if (c === '"') {
      const s = readString(text, i);
      if (!s) return undefined;
      tokens.push({ t: 'str', value: s.value });
      i = s.end;
      continue;
    }
    if (c === '.') {
      const next = text[i + 1];
      if (next === '"') {
        const s = readString(text, i + 1);
        if (!s) return undefined;
        tokens.push({ t: 'field', name: s.value });
        i = s.end;
        continue;
      }
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(text);
      if (m) {
        tokens.push({ t: 'field', name: m[0] });
        i = IDENT.lastIndex;
        continue;
      }
      // `..` (recurse) and `.5` (a number) are not in the subset.
      if (next === '.' || (next !== undefined && next >= '0' && next <= '9')) return undefined;
      tokens.push({ t: 'dot' });
      i += 1;
      continue;
    }
    if (c >= '0' && c <= '9') {
      const m = /(?:0|[1-9][0-9]{0,14})(?![0-9.eE])/y;
      m.lastIndex = i;
      const found = m.exec(text);
      if (!found) return undefined;
      tokens.push({ t: 'num', value: Number(found[0]) });
      i = m.lastIndex;
      continue;
    }
    if (c === '@') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(text);
      if (!m) return undefined;
      tokens.push({ t: 'format', name: m[0] });
      i = IDENT.lastIndex;
      continue;
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(text);
    if (ident) {
      // `foo::bar` (modules) and `$__loc__`-like forms are not in the subset.
      if (text[IDENT.lastIndex] === ':') return undefined;
      tokens.push({ t: 'ident', name: ident[0] });
      i = IDENT.lastIndex;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '//' || two === '==' || two === '!=') {
      // `//=` is an update-assignment.
      if (text[i + 2] === '=') return undefined;
      tokens.push({ t: 'op', op: two });
      i += 2;
      continue;
    }
    if ('()[]|+;'.includes(c)) {
      // `|=` and `+=` are update-assignments.
      if ((c === '|' || c === '+') && text[i + 1] === '=') return undefined;
      tokens.push({ t: 'op', op: c });
      i += 1;
      continue;
    }
    return undefined;
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

type Node =
  | { k: 'identity' }
  | { k: 'const'; value: unknown }
  | { k: 'index'; of: Node; key: string }
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

type Builtin = (input: unknown) => unknown;

const IDENTITY: Node = { k: 'identity' };
const KEYWORDS = new Set(['and', 'or', 'if', 'then', 'elif', 'else', 'end', 'as', 'def', 'reduce', 'foreach', 'try', 'catch', 'label', 'import', 'include', '__loc__']);

/**
 * Recursive descent over jq's precedence (lowest first): `|` (right), `//` (right), `or`, `and`,
 * `==`/`!=` (non-associative), `+` (left), then postfix indexing. `,`, `-`, `*`, comparisons and
 * everything else are refused by leaving a token unread.
 */
class Parser {
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
    let left = this.and();
    while (left !== undefined && this.expectWord('or')) {
      const right = this.and();
      left = right === undefined ? undefined : { k: 'or', left, right };
    }
    return left;
  }

  private and(): Node | undefined {
    let left = this.eq();
    while (left !== undefined && this.expectWord('and')) {
      const right = this.eq();
      left = right === undefined ? undefined : { k: 'and', left, right };
    }
    return left;
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
    let left = this.postfix();
    while (left !== undefined && this.expectOp('+')) {
      const right = this.postfix();
      left = right === undefined ? undefined : { k: 'plus', left, right };
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
        node = { k: 'index', of: node, key };
        continue;
      }
      // `?`, `as`, and `.[…]` after a dot are not in the subset (and `?` is not even tokenized).
      return node;
    }
  }

  /** `["key"]`: a string literal in brackets; anything else (numbers, slices, `[]`) is refused. */
  private bracketKey(): string | undefined {
    const key = this.tokens[this.at + 1];
    if (key?.t !== 'str' || !(this.tokens[this.at + 2]?.t === 'op' && (this.tokens[this.at + 2] as { op: string }).op === ']')) return undefined;
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

// ---------------------------------------------------------------------------------------------
// Evaluation

/** No output (from `select`). */
const EMPTY: unique symbol = Symbol('no output');

type Out = unknown;

function evaluate(node: Node, input: unknown): Out {
  switch (node.k) {
    case 'identity':
      return input;
    case 'const':
      return node.value;
    case 'index': {
      const of = evaluate(node.of, input);
      if (of === FAILS || of === EMPTY) return of;
      return index(of, node.key);
    }
    case 'pipe': {
      const left = evaluate(node.left, input);
      if (left === FAILS || left === EMPTY) return left;
      return evaluate(node.right, left);
    }
    case 'alt': {
      // jq 1.8: an error in the left side is not suppressed; no output or a false/null one gives the right side.
      const left = evaluate(node.left, input);
      if (left === FAILS) return FAILS;
      return left !== EMPTY && truthy(left) ? left : evaluate(node.right, input);
    }
    case 'and':
    case 'or': {
      const left = evaluate(node.left, input);
      if (left === FAILS || left === EMPTY) return left;
      if (truthy(left) === (node.k === 'or')) return node.k === 'or';
      const right = evaluate(node.right, input);
      if (right === FAILS || right === EMPTY) return right;
      return truthy(right);
    }
    case 'eq':
    case 'plus': {
      // jq evaluates a binary operator's right operand first: an error there wins, and no output
      // there means the left operand is never evaluated.
      const right = evaluate(node.right, input);
      if (right === FAILS || right === EMPTY) return right;
      const left = evaluate(node.left, input);
      if (left === FAILS || left === EMPTY) return left;
      return node.k === 'plus' ? plus(left, right) : equal(left, right) !== node.negate;
    }
    case 'if': {
      const cond = evaluate(node.cond, input);
      if (cond === FAILS || cond === EMPTY) return cond;
      return evaluate(truthy(cond) ? node.then : node.else, input);
    }
    case 'call':
      return node.fn(input);
    case 'map': {
      if (!Array.isArray(input)) return FAILS;
      const out: unknown[] = [];
      for (const element of input as unknown[]) {
        const value = evaluate(node.f, element);
        if (value === FAILS) return FAILS;
        if (value !== EMPTY) out.push(value);
      }
      return out;
    }
    case 'select': {
      const cond = evaluate(node.f, input);
      if (cond === FAILS || cond === EMPTY) return cond;
      return truthy(cond) ? input : EMPTY;
    }
  }
}

function truthy(value: unknown): boolean {
  return value !== false && value !== null;
}

/** `.key`: null through null and missing keys; jq raises an error on anything but an object. */
function index(value: unknown, key: string): Out {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return FAILS;
  if (!Object.prototype.hasOwnProperty.call(value, key)) return null;
  const found = (value as Record<string, unknown>)[key];
  return found === undefined ? null : found;
}

/** jq's `+` for the types mappings add; objects and arrays are left to jq, other mixes are jq errors. */
function plus(left: unknown, right: unknown): Out {
  if (left === null || left === undefined) return right ?? null;
  if (right === null || right === undefined) return left;
  if (typeof left === 'string' && typeof right === 'string') return left + right;
  if (typeof left === 'number' && typeof right === 'number') {
    // jq prints an overflow as ±1.7976931348623157e+308, not as null.
    const sum = left + right;
    return Number.isFinite(sum) ? sum : FAILS;
  }
  return FAILS;
}

/** jq's `==`: by value, objects regardless of key order. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => equal(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Strings as they are, booleans and null spelled out, integers that a double holds exactly; jq
 * formats other numbers its own way (`1E+17`, 17 significant digits) and objects with its own
 * escaping, so those go to jq.
 */
function tostring(input: unknown): Out {
  if (typeof input === 'string') return input;
  if (typeof input === 'number') return Number.isSafeInteger(input) ? String(input) : FAILS;
  if (input === null || typeof input === 'boolean') return String(input);
  return FAILS;
}

/** jq's `split/1` (not the regex one): `""` splits into `[]`. */
function split(input: unknown, separator: string): Out {
  if (typeof input !== 'string') return FAILS;
  return input === '' ? [] : input.split(separator);
}

/** `join` over strings only; jq turns numbers and booleans into JSON text and nulls into "", left to jq. */
function join(input: unknown, separator: string): Out {
  if (!Array.isArray(input) || !input.every((x) => typeof x === 'string')) return FAILS;
  return input.join(separator);
}

/** `@uri`: `tostring`, then every byte but `A-Za-z0-9-_.~` percent-encoded. */
function uri(input: unknown): Out {
  const text = tostring(input);
  if (typeof text !== 'string') return FAILS;
  try {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    // A lone surrogate: jq would not even have read the input.
    return FAILS;
  }
}

// ---------------------------------------------------------------------------------------------
// sub / gsub

const REGEX_META = /[\\^$.|?*+()[\]{}]/;
const NON_ASCII = /[^\p{ASCII}]/u;
const isAscii = (text: string): boolean => !NON_ASCII.test(text);

/**
 * `sub`/`gsub` for patterns whose meaning is the same in Oniguruma and here: a literal (optionally
 * anchored at the start with `^`), case-blind only on ASCII text; or one bracket class, applied only
 * to ASCII text (where `\p{L}` is `A-Za-z`). The replacement is a literal, so there are no captures
 * to refer to. Any other flag, pattern or input is left to jq.
 */
function substitution(pattern: string, replacement: string, flags: string, global: boolean): Builtin | undefined {
  if (!/^[gi]*$/.test(flags)) return undefined;
  const all = global || flags.includes('g');
  const caseBlind = flags.includes('i');
  const cls = bracketClass(pattern);
  if (cls !== undefined) {
    if (caseBlind) return undefined;
    return (input) => {
      if (typeof input !== 'string') return FAILS;
      if (!isAscii(input)) return FAILS;
      let out = '';
      let replaced = false;
      for (const c of input) {
        if ((all || !replaced) && cls(c.charCodeAt(0))) {
          out += replacement;
          replaced = true;
        } else {
          out += c;
        }
      }
      return out;
    };
  }
  const anchored = pattern.startsWith('^');
  const literal = anchored ? pattern.slice(1) : pattern;
  if (literal === '' || REGEX_META.test(literal)) return undefined;
  if (caseBlind && !isAscii(literal)) return undefined;
  const needle = caseBlind ? literal.toLowerCase() : literal;
  return (input) => {
    if (typeof input !== 'string') return FAILS;
    if (caseBlind && !isAscii(input)) return FAILS;
    // `^` with a line break in the text: multi-line anchoring rules differ between engines; left to jq.
    if (anchored && input.includes('\n')) return FAILS;
    const haystack = caseBlind ? input.toLowerCase() : input;
    if (anchored) return haystack.startsWith(needle) ? replacement + input.slice(needle.length) : input;
    let out = '';
    let from = 0;
    for (;;) {
      const at = haystack.indexOf(needle, from);
      if (at < 0) break;
      out += input.slice(from, at) + replacement;
      from = at + needle.length;
      if (!all) break;
    }
    return out + input.slice(from);
  };
}

/**
 * A pattern that is exactly one bracket class (`[…]` or `[^…]`) of ASCII letters, digits, `\p{L}`,
 * ranges between two letters or two digits, and the punctuation `@_.+:/=` and a final `-`; as a
 * test on one ASCII code. Anything else (escapes, nested brackets, `&&`, POSIX classes) is refused.
 */
function bracketClass(pattern: string): ((code: number) => boolean) | undefined {
  const m = /^\[(\^?)(.+)\]$/s.exec(pattern);
  if (!m) return undefined;
  const negate = m[1] === '^';
  let body = m[2] as string;
  const tests: ((code: number) => boolean)[] = [];
  if (body.endsWith('-')) {
    tests.push((code) => code === 0x2d);
    body = body.slice(0, -1);
  }
  let i = 0;
  while (i < body.length) {
    if (body.startsWith('\\p{L}', i)) {
      tests.push((code) => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a));
      i += 5;
      continue;
    }
    const c = body[i] as string;
    const kind = charKind(c);
    if (kind === undefined) return undefined;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const end = body[i + 2] as string;
      if (kind === 'punct' || charKind(end) !== kind || end < c) return undefined;
      const lo = c.charCodeAt(0);
      const hi = end.charCodeAt(0);
      tests.push((code) => code >= lo && code <= hi);
      i += 3;
      continue;
    }
    if (body[i + 1] === '-') return undefined;
    const code0 = c.charCodeAt(0);
    tests.push((code) => code === code0);
    i += 1;
  }
  if (tests.length === 0) return undefined;
  return (code) => tests.some((t) => t(code)) !== negate;
}

function charKind(c: string): 'lower' | 'upper' | 'digit' | 'punct' | undefined {
  if (c >= 'a' && c <= 'z') return 'lower';
  if (c >= 'A' && c <= 'Z') return 'upper';
  if (c >= '0' && c <= '9') return 'digit';
  if ('@_.+:/='.includes(c)) return 'punct';
  return undefined;
}
