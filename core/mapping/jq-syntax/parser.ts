import { IDENTITY, indexNode, stringNode, type AssignOp, type BinaryOp, type CompareOp, type JqNode } from './ast';
import { JqSyntaxProblem } from './problem';
import { tokenize, type Op, type Token } from './tokens';

export type ParsedJq = { ok: true; node: JqNode; tokens: readonly Token[] } | { ok: false; problem: JqSyntaxProblem };

/**
 * Parses a jq program (already past Port's single-quote rewrite) into its syntax tree, by jq 1.8's
 * grammar, checked against jq-wasm (test/unit/mapping/jq-syntax.test.ts). Lowest first: `|`
 * (right), `,` (left), `//` (right), `=` `|=` `+=` … (non-associative), `or`, `and` (left),
 * `==` `!=` `<` `<=` `>` `>=` (non-associative), `+ -`, `* / %` (left), unary `-`, then postfix
 * `.name`, `[…]`, `?` on a term (`if`, `try` and literals included). Variables, `as`, `reduce`,
 * `foreach`, `def`, `label`, modules and `?//` are outside it (`unsupported`).
 */
export function parseJq(source: string): ParsedJq {
  try {
    const tokens = tokenize(source);
    // jq runs an empty program as `.`; no mapping is written that way.
    if (tokens.length === 0) throw new JqSyntaxProblem('unsupported', 0, 'an empty program');
    return { ok: true, node: new Parser(tokens, source.length).program(), tokens };
  } catch (error) {
    if (error instanceof JqSyntaxProblem) return { ok: false, problem: error };
    throw error;
  }
}

const ASSIGNMENTS: readonly AssignOp[] = ['=', '|=', '+=', '-=', '*=', '/=', '%=', '//='];
const COMPARISONS: readonly CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];
const ADDITIVE: readonly BinaryOp[] = ['+', '-'];
const MULTIPLICATIVE: readonly BinaryOp[] = ['*', '/', '%'];

/** Keywords that open a construct outside the grammar, and what to call it. */
const UNSUPPORTED_KEYWORDS = new Map([
  ['def', 'function definitions (def)'],
  ['reduce', 'reduce'],
  ['foreach', 'foreach'],
  ['label', 'label and break'],
  ['break', 'label and break'],
  ['import', 'modules'],
  ['include', 'modules'],
  ['module', 'modules'],
  ['__loc__', '__loc__'],
]);
/** jq's other keywords: never a function's name. */
const KEYWORDS = new Set(['as', 'if', 'then', 'elif', 'else', 'end', 'try', 'catch', 'and', 'or']);

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: readonly Token[],
    /** Offset of the end of these tokens' text, for errors at the end. */
    private readonly end: number,
  ) {}

  program(): JqNode {
    const node = this.pipe(true);
    const extra = this.peek();
    if (extra) throw unexpected(extra);
    return node;
  }

  /** `commas` false inside an object value, where `,` separates the entries (jq 1.8). */
  private pipe(commas: boolean): JqNode {
    const left = commas ? this.comma() : this.alternative();
    if (!this.takeOp('|')) return left;
    return binary('|', left, this.pipe(commas));
  }

  private comma(): JqNode {
    return this.leftAssociative(() => this.alternative(), [',']);
  }

  private alternative(): JqNode {
    const left = this.assignment();
    if (!this.takeOp('//')) return left;
    return binary('//', left, this.alternative());
  }

  /** Non-associative: a second operator is left unread, and reported as unexpected. */
  private assignment(): JqNode {
    return this.nonAssociative(() => this.or(), ASSIGNMENTS);
  }

  private or(): JqNode {
    return this.leftAssociative(() => this.and(), ['or']);
  }

  private and(): JqNode {
    return this.leftAssociative(() => this.comparison(), ['and']);
  }

  private comparison(): JqNode {
    return this.nonAssociative(() => this.additive(), COMPARISONS);
  }

  private additive(): JqNode {
    return this.leftAssociative(() => this.multiplicative(), ADDITIVE);
  }

  private multiplicative(): JqNode {
    return this.leftAssociative(() => this.unary(), MULTIPLICATIVE);
  }

  /** jq 1.8: `-` takes a postfix term, so `-.a * 2` is `(-.a) * 2` and `-.a?` is `-(.a?)`. */
  private unary(): JqNode {
    if (this.takeOp('-')) return { k: 'negate', operand: this.unary() };
    return this.postfix();
  }

  private leftAssociative(operand: () => JqNode, level: readonly BinaryOp[]): JqNode {
    let left = operand();
    for (let op = this.operator(level); op !== undefined; op = this.operator(level)) {
      this.at++;
      left = binary(op, left, operand());
    }
    return left;
  }

  private nonAssociative(operand: () => JqNode, level: readonly BinaryOp[]): JqNode {
    const left = operand();
    const op = this.operator(level);
    if (op === undefined) return left;
    this.at++;
    return binary(op, left, operand());
  }

  /** The operator of `level` the next token is, if any (`and`/`or` are words). */
  private operator(level: readonly BinaryOp[]): BinaryOp | undefined {
    const token = this.peek();
    const text = token?.t === 'op' ? token.op : token?.t === 'ident' ? token.name : undefined;
    return level.find((op) => op === text);
  }

  private postfix(): JqNode {
    const first = this.peek();
    let node = this.term();
    // Whether `node` is a path step written here (`.a`, `."a"`, `[…]`), which `?` makes optional.
    let step = first?.t === 'field' || (first?.t === 'dot' && node.k === 'index');
    for (;;) {
      const token = this.peek();
      const after = this.tokens[this.at + 1];
      if (token?.t === 'field') {
        this.at++;
        node = indexNode(node, stringNode(token.name));
      } else if (token?.t === 'dot' && after?.t === 'string') {
        this.at += 2;
        node = indexNode(node, this.string(after, undefined));
      } else if (token?.t === 'dot' && isOp(after, '[')) {
        // jq 1.7+: `.a.[0]`, `.a.["b"]`, `.a.[]`; jq 1.8 has no slice there.
        this.at += 2;
        node = this.bracket(node, false);
      } else if (isOp(token, '[')) {
        this.at++;
        node = this.bracket(node, true);
      } else if (isOp(token, '?')) {
        this.at++;
        if (step && (node.k === 'index' || node.k === 'iterate' || node.k === 'slice') && !node.optional) node = { ...node, optional: true };
        else node = { k: 'try', body: node, handler: undefined };
        step = false;
        continue;
      } else {
        return node;
      }
      step = true;
    }
  }

  /** After `[` following a term: `[]`, `[e]`, and with `slices` `[e:e]`, `[e:]`, `[:e]`. */
  private bracket(target: JqNode, slices: boolean): JqNode {
    if (this.takeOp(']')) return { k: 'iterate', target, optional: false };
    if (slices && this.takeOp(':')) {
      const to = this.pipe(true);
      this.expectOp(']');
      return { k: 'slice', target, from: undefined, to, optional: false };
    }
    const key = this.pipe(true);
    if (slices && this.takeOp(':')) {
      const to = this.isOp(']') ? undefined : this.pipe(true);
      this.expectOp(']');
      return { k: 'slice', target, from: key, to, optional: false };
    }
    this.expectOp(']');
    return indexNode(target, key);
  }

  private term(): JqNode {
    const token = this.take();
    switch (token.t) {
      case 'dot': {
        // `."a"`, also with space between: jq reads `'.' String` from two tokens.
        const next = this.peek();
        if (next?.t !== 'string') return IDENTITY;
        this.at++;
        return indexNode(IDENTITY, this.string(next, undefined));
      }
      case 'recurse':
        return { k: 'recurse' };
      case 'field':
        return indexNode(IDENTITY, stringNode(token.name));
      case 'number':
        return { k: 'number', text: token.text, value: Number(token.text) };
      case 'string':
        return this.string(token, undefined);
      case 'format': {
        const next = this.peek();
        if (next?.t !== 'string') return { k: 'format', name: token.name };
        this.at++;
        return this.string(next, token.name);
      }
      case 'ident':
        return this.word(token);
      case 'op':
        if (token.op === '(') {
          const inner = this.pipe(true);
          this.expectOp(')');
          return inner;
        }
        if (token.op === '[') {
          if (this.takeOp(']')) return { k: 'array', body: undefined };
          const body = this.pipe(true);
          this.expectOp(']');
          return { k: 'array', body };
        }
        if (token.op === '{') return this.object();
        throw unexpected(token);
    }
  }

  private string(token: Token & { t: 'string' }, format: string | undefined): JqNode {
    const parts = token.parts.map((part) => (typeof part === 'string' ? part : new Parser(part, token.end).program()));
    return { k: 'string', parts, format };
  }

  private word(token: Token & { t: 'ident' }): JqNode {
    const name = token.name;
    if (name === 'if') return this.conditional();
    if (name === 'try') return this.tryCatch();
    const unsupported = UNSUPPORTED_KEYWORDS.get(name);
    if (unsupported !== undefined) throw new JqSyntaxProblem('unsupported', token.at, unsupported);
    if (KEYWORDS.has(name)) throw unexpected(token);
    if (!this.takeOp('(')) {
      if (name === 'true' || name === 'false') return { k: 'literal', value: name === 'true' };
      if (name === 'null') return { k: 'literal', value: null };
      return { k: 'call', name, args: [] };
    }
    const args = [this.pipe(true)];
    while (this.takeOp(';')) args.push(this.pipe(true));
    this.expectOp(')');
    return { k: 'call', name, args };
  }

  private conditional(): JqNode {
    const cond = this.pipe(true);
    this.expectWord('then');
    const then = this.pipe(true);
    if (this.takeWord('elif')) return { k: 'if', cond, then, else: this.conditional() };
    const otherwise = this.takeWord('else') ? this.pipe(true) : IDENTITY;
    this.expectWord('end');
    return { k: 'if', cond, then, else: otherwise };
  }

  /** jq 1.8: `try` and `catch` each take one unary term, so `try .a + 1` is `(try .a) + 1`. */
  private tryCatch(): JqNode {
    const body = this.unary();
    const handler = this.takeWord('catch') ? this.unary() : undefined;
    return { k: 'try', body, handler };
  }

  /**
   * `{a: v, if: v, "b": v, "\(k)": v, (k): v, a, "b"}`, a trailing `,` allowed; a value is a pipe
   * without `,` (jq 1.8: `{a: 1 + 2}` is allowed, `{a: 1, 2}` is not).
   */
  private object(): JqNode {
    const entries: { key: JqNode; value: JqNode }[] = [];
    while (!this.takeOp('}')) {
      const token = this.take();
      let key: JqNode;
      if (token.t === 'ident') {
        key = stringNode(token.name); // keywords included (jq 1.7+)
      } else if (token.t === 'string') {
        key = this.string(token, undefined);
      } else if (isOp(token, '(')) {
        key = this.pipe(true);
        this.expectOp(')');
        if (!this.isOp(':')) throw unexpected(this.peek() ?? token);
      } else {
        throw unexpected(token);
      }
      // `{a}` and `{"a"}` are `{a: .a}`, `{"a"}`.
      const value = this.takeOp(':') ? this.pipe(false) : indexNode(IDENTITY, key);
      entries.push({ key, value });
      if (!this.takeOp(',')) {
        this.expectOp('}');
        break;
      }
    }
    return { k: 'object', entries };
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private take(): Token {
    const token = this.tokens[this.at];
    if (token === undefined) throw new JqSyntaxProblem('syntax', this.end, 'unexpected end of the program');
    this.at++;
    return token;
  }

  private isOp(op: Op): boolean {
    return isOp(this.peek(), op);
  }

  private takeOp(op: Op): boolean {
    if (!this.isOp(op)) return false;
    this.at++;
    return true;
  }

  private expectOp(op: Op): void {
    this.expect(this.takeOp(op), op);
  }

  private takeWord(word: string): boolean {
    const token = this.peek();
    if (token?.t !== 'ident' || token.name !== word) return false;
    this.at++;
    return true;
  }

  private expectWord(word: string): void {
    this.expect(this.takeWord(word), word);
  }

  /** Throws unless `taken`: the token `what` was expected. */
  private expect(taken: boolean, what: string): void {
    if (taken) return;
    const token = this.peek();
    throw token ? unexpected(token, what) : new JqSyntaxProblem('syntax', this.end, `unexpected end of the program, expecting ${what}`);
  }
}

function binary(op: BinaryOp, left: JqNode, right: JqNode): JqNode {
  return { k: 'binary', op, left, right };
}

function isOp(token: Token | undefined, op: Op): boolean {
  return token?.t === 'op' && token.op === op;
}

function unexpected(token: Token, expecting?: string): JqSyntaxProblem {
  const what = token.t === 'op' ? token.op : token.t === 'ident' ? token.name : token.t === 'field' ? `.${token.name}` : token.t === 'number' ? token.text : token.t === 'format' ? `@${token.name}` : token.t === 'string' ? 'a string' : token.t === 'dot' ? '.' : '..';
  return new JqSyntaxProblem('syntax', token.at, `unexpected ${what}${expecting ? `, expecting ${expecting}` : ''}`);
}
