/**
 * Input projection: what part of a raw item a resource's jq expressions can possibly read, so the
 * rest is not serialized into jq at all.
 *
 * Why: jq-wasm parses JSON at roughly 15 MB/s, and raw Azure DevOps items are large (a work item
 * with `$expand=All` is ~5 KB, mostly identity references the mapping never reads). Parsing is most
 * of a large sync's CPU time (docs/performance.md). The mapping still runs in jq, unchanged: only
 * keys no expression can observe are left out, so every output and every error is the same.
 *
 * How: each expression is parsed with a small grammar covering what mappings are written with
 * (paths, literals, operators, `|`, `,`, `//`, `if`, `try`, array and object construction, string
 * interpolation, function calls and formats). Anything else (`$variables`, `as`, `reduce`,
 * `foreach`, `def`, assignments, …) gives up: the resource then gets whole items, as before. The
 * analysis follows which parts of the item flow where:
 * - a path step (`.a`, `.["a"]`, `.[]`, `.[0]`) keeps that key (or every element) and the type of
 *   what it reaches, so the same errors arise;
 * - a value that is emitted, compared, combined by an operator, or passed to any function is kept
 *   whole (`tostring`, `length`, `keys`, `==`, `+`, a slot's result…);
 * - truthiness tests (`//`, `and`, `or`, `not`, `if`, `select`) need only the value's type, which
 *   every kept value has.
 * Iteration keeps every element, so counts and order never change.
 */

type Path = readonly string[];
/** One segment of a path meaning "every key or element". */
const ANY = '\u0000*';

/** The parts of an item to keep. `whole`: keep everything below. */
export class ProjectionNode {
  whole = false;
  readonly children = new Map<string, ProjectionNode>();
  any: ProjectionNode | undefined;
  private readonly merged = new Map<string, ProjectionNode>();

  child(key: string): ProjectionNode {
    let node = key === ANY ? this.any : this.children.get(key);
    if (!node) {
      node = new ProjectionNode();
      if (key === ANY) this.any = node;
      else this.children.set(key, node);
    }
    return node;
  }

  /** What to keep of the value under `key`: its own node and the any-key node together. */
  forKey(key: string): ProjectionNode | undefined {
    const own = this.children.get(key);
    if (!this.any) return own;
    if (!own) return this.any;
    let merged = this.merged.get(key);
    if (!merged) {
      merged = ProjectionNode.union(own, this.any);
      this.merged.set(key, merged);
    }
    return merged;
  }

  static union(a: ProjectionNode, b: ProjectionNode): ProjectionNode {
    const out = new ProjectionNode();
    out.whole = a.whole || b.whole;
    if (out.whole) return out;
    for (const [key, node] of a.children) out.children.set(key, node);
    for (const [key, node] of b.children) {
      const other = out.children.get(key);
      out.children.set(key, other ? ProjectionNode.union(other, node) : node);
    }
    out.any = a.any && b.any ? ProjectionNode.union(a.any, b.any) : (a.any ?? b.any);
    return out;
  }
}

/**
 * The projection that serves all these expressions (each evaluated with the raw item as input),
 * or undefined when one of them is outside the analysed grammar.
 */
export function projectionOf(expressions: readonly string[]): ProjectionNode | undefined {
  const root = new ProjectionNode();
  try {
    for (const expression of expressions) {
      const ast = new Parser(tokenize(expression)).parseProgram();
      const analysis = new Analysis(root);
      analysis.keepWhole(analysis.evaluate(ast, { paths: [[]], derived: false }));
    }
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return root.whole ? undefined : root;
}

/** A copy of `value` with only what `node` keeps; keys stay in their order. */
export function project(value: unknown, node: ProjectionNode): unknown {
  if (node.whole || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const each = node.any;
    return each ? value.map((element: unknown) => project(element, each)) : [];
  }
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const child = node.forKey(key);
    if (child) out[key] = project((value as Record<string, unknown>)[key], child);
  }
  return out;
}

/** Thrown for anything outside the analysed grammar. */
class Unsupported extends Error {}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: 'dot' }
  | { t: 'recurse' }
  | { t: 'field'; name: string }
  | { t: 'num' }
  | { t: 'str'; parts: (string | Token[])[] }
  | { t: 'ident'; name: string }
  | { t: 'format'; name: string }
  | { t: 'op'; op: string }
  | { t: 'end' };

const OPERATORS = ['?//', '//=', '|=', '+=', '-=', '*=', '/=', '%=', '==', '!=', '<=', '>=', '//', '|', ',', '+', '-', '*', '/', '%', '<', '>', '=', '(', ')', '[', ']', '{', '}', ':', ';', '?'];
const UNSUPPORTED_OPERATORS = new Set(['?//', '//=', '|=', '+=', '-=', '*=', '/=', '%=', '=']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
  const isIdent = (c: string) => /[A-Za-z_0-9]/.test(c);
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      const comment = text.slice(i, end < 0 ? text.length : end);
      // jq 1.8 continues a comment after a backslash at the end of a line: rare, not followed here.
      if (comment.includes('\\')) throw new Unsupported();
      i = end < 0 ? text.length : end;
    } else if (c === '"') {
      const [token, next] = readString(text, i);
      tokens.push(token);
      i = next;
    } else if (c === '.' && text[i + 1] === '.') {
      tokens.push({ t: 'recurse' });
      i += 2;
    } else if (c === '.' && /[0-9]/.test(text[i + 1] ?? '')) {
      i = readNumber(text, i);
      tokens.push({ t: 'num' });
    } else if (c === '.' && isIdentStart(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && isIdent(text[j] as string)) j++;
      if (text.startsWith('::', j)) throw new Unsupported();
      tokens.push({ t: 'field', name: text.slice(i + 1, j) });
      i = j;
    } else if (c === '.' && text[i + 1] === '"') {
      const [token, next] = readString(text, i + 1);
      tokens.push({ t: 'field', name: plainText(token.parts) });
      i = next;
    } else if (c === '.') {
      tokens.push({ t: 'dot' });
      i++;
    } else if (/[0-9]/.test(c)) {
      i = readNumber(text, i);
      tokens.push({ t: 'num' });
    } else if (isIdentStart(c)) {
      let j = i;
      while (j < text.length && isIdent(text[j] as string)) j++;
      if (text.startsWith('::', j)) throw new Unsupported();
      tokens.push({ t: 'ident', name: text.slice(i, j) });
      i = j;
    } else if (c === '@') {
      let j = i + 1;
      while (j < text.length && isIdent(text[j] as string)) j++;
      tokens.push({ t: 'format', name: text.slice(i + 1, j) });
      i = j;
    } else if (c === '$') {
      throw new Unsupported();
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op || UNSUPPORTED_OPERATORS.has(op)) throw new Unsupported();
      tokens.push({ t: 'op', op });
      i += op.length;
    }
  }
  tokens.push({ t: 'end' });
  return tokens;
}

/** The text of a string literal without interpolation; one with `\(…)` is not a plain name. */
function plainText(parts: readonly (string | Token[])[]): string {
  let text = '';
  for (const part of parts) {
    if (typeof part !== 'string') throw new Unsupported();
    text += part;
  }
  return text;
}

function readNumber(text: string, start: number): number {
  const match = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(start));
  if (!match) throw new Unsupported();
  return start + match[0].length;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A string literal starting at `start` (the quote); `\(…)` parts become token lists. */
function readString(text: string, start: number): [{ t: 'str'; parts: (string | Token[])[] }, number] {
  const parts: (string | Token[])[] = [];
  let literal = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      if (literal || parts.length === 0) parts.push(literal);
      return [{ t: 'str', parts }, i + 1];
    }
    if (c !== '\\') {
      literal += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) break;
    if (e === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Unsupported();
      literal += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else if (e === '(') {
      let depth = 1;
      let j = i + 2;
      // Find the closing parenthesis, skipping nested strings.
      while (j < text.length && depth > 0) {
        const d = text[j] as string;
        if (d === '"') {
          j = readString(text, j)[1];
          continue;
        }
        if (d === '(') depth++;
        if (d === ')') depth--;
        j++;
      }
      if (depth !== 0) throw new Unsupported();
      if (literal) parts.push(literal);
      literal = '';
      const inner = tokenize(text.slice(i + 2, j - 1));
      parts.push(inner);
      i = j;
    } else if (ESCAPES[e] !== undefined) {
      literal += ESCAPES[e];
      i += 2;
    } else {
      throw new Unsupported();
    }
  }
  throw new Unsupported();
}

// ---------------------------------------------------------------------------------------------
// Syntax

type Node =
  | { k: 'identity' }
  | { k: 'recurse' }
  /** A number, true/false/null, or a string without interpolation (`text`). */
  | { k: 'literal'; text?: string }
  | { k: 'string'; parts: Node[] }
  | { k: 'field'; target: Node; name: string }
  | { k: 'iterate'; target: Node }
  | { k: 'index'; target: Node; index: Node }
  | { k: 'slice'; target: Node; from: Node | undefined; to: Node | undefined }
  | { k: 'optional'; target: Node }
  | { k: 'pipe'; left: Node; right: Node }
  | { k: 'comma'; left: Node; right: Node }
  | { k: 'alternative'; left: Node; right: Node }
  | { k: 'logic'; left: Node; right: Node }
  | { k: 'binary'; left: Node; right: Node }
  | { k: 'negate'; operand: Node }
  | { k: 'array'; body: Node | undefined }
  | { k: 'object'; entries: { key: Node | undefined; value: Node }[] }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'format'; string: Node | undefined }
  | { k: 'if'; branches: { condition: Node; then: Node }[]; otherwise: Node | undefined }
  | { k: 'try'; body: Node; handler: Node | undefined };

const UNSUPPORTED_KEYWORDS = new Set(['def', 'as', 'reduce', 'foreach', 'label', 'import', 'include', '__loc__']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parseProgram(): Node {
    const node = this.pipe();
    if (this.peek().t !== 'end') throw new Unsupported();
    return node;
  }

  private peek(): Token {
    return this.tokens[this.at] as Token;
  }
  private next(): Token {
    return this.tokens[this.at++] as Token;
  }
  private isOp(op: string): boolean {
    const token = this.peek();
    return token.t === 'op' && token.op === op;
  }
  private isWord(word: string): boolean {
    const token = this.peek();
    return token.t === 'ident' && token.name === word;
  }
  private expectOp(op: string): void {
    if (!this.isOp(op)) throw new Unsupported();
    this.at++;
  }
  private expectWord(word: string): void {
    if (!this.isWord(word)) throw new Unsupported();
    this.at++;
  }

  private pipe(): Node {
    const left = this.comma();
    if (this.isOp('|')) {
      this.at++;
      return { k: 'pipe', left, right: this.pipe() };
    }
    return left;
  }
  private comma(): Node {
    let left = this.alternative();
    while (this.isOp(',')) {
      this.at++;
      left = { k: 'comma', left, right: this.alternative() };
    }
    return left;
  }
  private alternative(): Node {
    const left = this.or();
    if (this.isOp('//')) {
      this.at++;
      return { k: 'alternative', left, right: this.alternative() };
    }
    return left;
  }
  private or(): Node {
    let left = this.and();
    while (this.isWord('or')) {
      this.at++;
      left = { k: 'logic', left, right: this.and() };
    }
    return left;
  }
  private and(): Node {
    let left = this.comparison();
    while (this.isWord('and')) {
      this.at++;
      left = { k: 'logic', left, right: this.comparison() };
    }
    return left;
  }
  private comparison(): Node {
    const left = this.additive();
    const token = this.peek();
    if (token.t === 'op' && COMPARISONS.has(token.op)) {
      this.at++;
      return { k: 'binary', left, right: this.additive() };
    }
    return left;
  }
  private additive(): Node {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      this.at++;
      left = { k: 'binary', left, right: this.multiplicative() };
    }
    return left;
  }
  private multiplicative(): Node {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      this.at++;
      left = { k: 'binary', left, right: this.unary() };
    }
    return left;
  }
  private unary(): Node {
    if (this.isOp('-')) {
      this.at++;
      return { k: 'negate', operand: this.postfix() };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      const token = this.peek();
      if (token.t === 'field') {
        this.at++;
        node = { k: 'field', target: node, name: token.name };
      } else if (token.t === 'dot' && this.tokens[this.at + 1]?.t === 'op' && (this.tokens[this.at + 1] as { op: string }).op === '[') {
        this.at++;
      } else if (token.t === 'dot' && this.tokens[this.at + 1]?.t === 'str') {
        this.at++;
        const str = this.next() as { t: 'str'; parts: (string | Token[])[] };
        node = { k: 'field', target: node, name: plainText(str.parts) };
      } else if (this.isOp('[')) {
        this.at++;
        node = this.bracket(node);
      } else if (this.isOp('?')) {
        this.at++;
        node = { k: 'optional', target: node };
      } else {
        return node;
      }
    }
  }

  /** After `[` following a term: `[]`, `[e]`, `[e:e]`, `[:e]`, `[e:]`. */
  private bracket(target: Node): Node {
    if (this.isOp(']')) {
      this.at++;
      return { k: 'iterate', target };
    }
    if (this.isOp(':')) {
      this.at++;
      const to = this.pipe();
      this.expectOp(']');
      return { k: 'slice', target, from: undefined, to };
    }
    const index = this.pipe();
    if (this.isOp(':')) {
      this.at++;
      const to = this.isOp(']') ? undefined : this.pipe();
      this.expectOp(']');
      return { k: 'slice', target, from: index, to };
    }
    this.expectOp(']');
    return { k: 'index', target, index };
  }

  private primary(): Node {
    const token = this.next();
    switch (token.t) {
      case 'dot':
        if (this.peek().t === 'str') {
          const str = this.next() as { t: 'str'; parts: (string | Token[])[] };
          return { k: 'field', target: { k: 'identity' }, name: plainText(str.parts) };
        }
        return { k: 'identity' };
      case 'recurse':
        return { k: 'recurse' };
      case 'field':
        return { k: 'field', target: { k: 'identity' }, name: token.name };
      case 'num':
        return { k: 'literal' };
      case 'str':
        return this.string(token);
      case 'format':
        return { k: 'format', string: this.peek().t === 'str' ? this.string(this.next() as { t: 'str'; parts: (string | Token[])[] }) : undefined };
      case 'op':
        if (token.op === '(') {
          const inner = this.pipe();
          this.expectOp(')');
          return inner;
        }
        if (token.op === '[') {
          if (this.isOp(']')) {
            this.at++;
            return { k: 'array', body: undefined };
          }
          const body = this.pipe();
          this.expectOp(']');
          return { k: 'array', body };
        }
        if (token.op === '{') return this.object();
        throw new Unsupported();
      case 'ident':
        return this.word(token.name);
      default:
        throw new Unsupported();
    }
  }

  private string(token: { t: 'str'; parts: (string | Token[])[] }): Node {
    const parts = token.parts.filter((p): p is Token[] => typeof p !== 'string').map((tokens) => new Parser(tokens).parseProgram());
    return parts.length === 0 ? { k: 'literal', text: plainText(token.parts) } : { k: 'string', parts };
  }

  private word(name: string): Node {
    if (UNSUPPORTED_KEYWORDS.has(name)) throw new Unsupported();
    if (name === 'true' || name === 'false' || name === 'null') return { k: 'literal' };
    if (name === 'if') return this.conditional();
    if (name === 'try') {
      // jq gives `try` the tightest binding: it takes one postfix term (and `catch` another).
      const body = this.postfix();
      let handler: Node | undefined;
      if (this.isWord('catch')) {
        this.at++;
        handler = this.postfix();
      }
      return { k: 'try', body, handler };
    }
    if (['then', 'elif', 'else', 'end', 'catch', 'and', 'or'].includes(name)) throw new Unsupported();
    const args: Node[] = [];
    if (this.isOp('(')) {
      this.at++;
      args.push(this.pipe());
      while (this.isOp(';')) {
        this.at++;
        args.push(this.pipe());
      }
      this.expectOp(')');
    }
    return { k: 'call', name, args };
  }

  private conditional(): Node {
    const branches: { condition: Node; then: Node }[] = [];
    const condition = this.pipe();
    this.expectWord('then');
    branches.push({ condition, then: this.pipe() });
    let otherwise: Node | undefined;
    for (;;) {
      if (this.isWord('elif')) {
        this.at++;
        const c = this.pipe();
        this.expectWord('then');
        branches.push({ condition: c, then: this.pipe() });
      } else if (this.isWord('else')) {
        this.at++;
        otherwise = this.pipe();
        this.expectWord('end');
        break;
      } else {
        this.expectWord('end');
        break;
      }
    }
    return { k: 'if', branches, otherwise };
  }

  /** `{a: v, "b": v, (k): v, a, "b"}`; values are pipes of unary terms, as in jq's grammar. */
  private object(): Node {
    const entries: { key: Node | undefined; value: Node }[] = [];
    if (this.isOp('}')) {
      this.at++;
      return { k: 'object', entries };
    }
    for (;;) {
      const token = this.next();
      let key: Node | undefined;
      let name: string | undefined;
      if (token.t === 'ident') name = token.name;
      else if (token.t === 'str') {
        if (token.parts.every((p) => typeof p === 'string')) name = plainText(token.parts);
        else key = this.string(token);
      } else if (token.t === 'op' && token.op === '(') {
        key = this.pipe();
        this.expectOp(')');
      } else throw new Unsupported();
      if (this.isOp(':')) {
        this.at++;
        let value = this.unary();
        while (this.isOp('|')) {
          this.at++;
          value = { k: 'pipe', left: value, right: this.unary() };
        }
        entries.push({ key, value });
      } else {
        // `{a}` is `{a: .a}`; `{(k)}` and `{"\(…)"}` have no such shorthand.
        if (name === undefined) throw new Unsupported();
        entries.push({ key: undefined, value: { k: 'field', target: { k: 'identity' }, name } });
      }
      if (this.isOp(',')) {
        this.at++;
        continue;
      }
      this.expectOp('}');
      return { k: 'object', entries };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Analysis

/** The values an expression outputs: parts of the item (paths from its root) and/or new values. */
type Flow = { paths: Path[]; derived: boolean };

const NOTHING: Flow = { paths: [], derived: false };
const DERIVED: Flow = { paths: [], derived: true };
/** Beyond this many distinct paths in one flow the analysis gives up rather than grow. */
const MAX_PATHS = 256;

/** Functions that test or pass their input by type only: what any kept value already has. */
const TYPE_ONLY = new Set(['not', 'type', 'values', 'nulls', 'booleans', 'numbers', 'strings', 'arrays', 'objects', 'iterables', 'scalars', 'empty']);

class Analysis {
  constructor(private readonly root: ProjectionNode) {}

  evaluate(node: Node, input: Flow): Flow {
    switch (node.k) {
      case 'identity':
        return input;
      case 'literal':
        return DERIVED;
      case 'recurse':
        this.keepWhole(input);
        return DERIVED;
      case 'string':
        for (const part of node.parts) this.keepWhole(this.evaluate(part, input));
        return DERIVED;
      case 'format':
        if (node.string) this.evaluate(node.string, input);
        else this.keepWhole(input);
        return DERIVED;
      case 'field':
        return this.step(this.evaluate(node.target, input), node.name);
      case 'iterate':
        return this.step(this.evaluate(node.target, input), ANY);
      case 'index': {
        const target = this.evaluate(node.target, input);
        // `.["a"]` is the key a; `.[0]` (or any literal) is some element: keep them all.
        if (node.index.k === 'literal') return this.step(target, node.index.text ?? ANY);
        this.keepWhole(this.evaluate(node.index, input));
        this.keepWhole(target);
        return DERIVED;
      }
      case 'slice': {
        const target = this.evaluate(node.target, input);
        if (node.from) this.keepWhole(this.evaluate(node.from, input));
        if (node.to) this.keepWhole(this.evaluate(node.to, input));
        this.keepWhole(target);
        return DERIVED;
      }
      case 'optional':
        return this.evaluate(node.target, input);
      case 'pipe':
        return this.evaluate(node.right, this.evaluate(node.left, input));
      case 'comma':
      case 'alternative':
        return union(this.evaluate(node.left, input), this.evaluate(node.right, input));
      case 'logic':
        this.evaluate(node.left, input);
        this.evaluate(node.right, input);
        return DERIVED;
      case 'binary':
        this.keepWhole(this.evaluate(node.left, input));
        this.keepWhole(this.evaluate(node.right, input));
        return DERIVED;
      case 'negate':
        this.keepWhole(this.evaluate(node.operand, input));
        return DERIVED;
      case 'array':
        if (node.body) this.keepWhole(this.evaluate(node.body, input));
        return DERIVED;
      case 'object':
        for (const entry of node.entries) {
          if (entry.key) this.keepWhole(this.evaluate(entry.key, input));
          this.keepWhole(this.evaluate(entry.value, input));
        }
        return DERIVED;
      case 'if': {
        let out = NOTHING;
        for (const branch of node.branches) {
          this.evaluate(branch.condition, input);
          out = union(out, this.evaluate(branch.then, input));
        }
        // jq 1.7+: a missing `else` passes the input through.
        return union(out, node.otherwise ? this.evaluate(node.otherwise, input) : input);
      }
      case 'try':
        // The handler's input is the error message, never a part of the item.
        return union(this.evaluate(node.body, input), node.handler ? this.evaluate(node.handler, DERIVED) : NOTHING);
      case 'call':
        return this.call(node.name, node.args, input);
    }
  }

  private call(name: string, args: Node[], input: Flow): Flow {
    if (name === 'select' && args.length === 1) {
      this.evaluate(args[0] as Node, input);
      return input;
    }
    if (name === 'map' && args.length === 1) {
      this.keepWhole(this.evaluate(args[0] as Node, this.step(input, ANY)));
      return DERIVED;
    }
    if ((name === 'first' || name === 'last') && args.length === 1) return this.evaluate(args[0] as Node, input);
    if (name === 'limit' && args.length === 2) {
      this.keepWhole(this.evaluate(args[0] as Node, input));
      return this.evaluate(args[1] as Node, input);
    }
    if (TYPE_ONLY.has(name) && args.length === 0) return name === 'not' || name === 'type' ? DERIVED : name === 'empty' ? NOTHING : input;
    // Any other builtin reads only its input (no variables or definitions reach here), so keeping
    // the input whole covers whatever it and its arguments do with it.
    for (const arg of args) this.evaluate(arg, input);
    this.keepWhole(input);
    return DERIVED;
  }

  private step(flow: Flow, key: string): Flow {
    const paths = flow.paths.map((p) => [...p, key]);
    for (const path of paths) this.node(path);
    if (paths.length > MAX_PATHS) throw new Unsupported();
    // Indexing a new value yields a new value (or an error): nothing of the item.
    return { paths, derived: flow.derived };
  }

  keepWhole(flow: Flow): void {
    for (const path of flow.paths) this.node(path).whole = true;
  }

  private node(path: Path): ProjectionNode {
    let node = this.root;
    for (const key of path) node = node.child(key);
    return node;
  }
}

function union(a: Flow, b: Flow): Flow {
  const paths = [...a.paths];
  for (const path of b.paths) if (!paths.some((p) => p.length === path.length && p.every((s, i) => s === path[i]))) paths.push(path);
  if (paths.length > MAX_PATHS) throw new Unsupported();
  return { paths, derived: a.derived || b.derived };
}
