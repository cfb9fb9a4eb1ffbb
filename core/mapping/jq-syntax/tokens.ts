import { JqSyntaxProblem } from './problem';

/**
 * jq 1.8's lexical syntax, as far as mapping expressions use it. Whitespace is only space, tab, CR
 * and LF (jq rejects a form feed or a no-break space), and a number keeps its text (jq 1.8 keeps a
 * literal's digits). `$variables`, `foo::bar` module names, `?//` and comments holding a backslash
 * are outside: jq continues a comment after a backslash at the end of a line (odd counts only),
 * which is not followed here.
 */

/** Longest first, so that `//=` is not read as `//` then `=`. */
const OPERATORS = ['//=', '|=', '+=', '-=', '*=', '/=', '%=', '==', '!=', '<=', '>=', '//', '|', ',', '+', '-', '*', '/', '%', '<', '>', '=', '(', ')', '[', ']', '{', '}', ':', ';', '?'] as const;
export type Op = (typeof OPERATORS)[number];

/** A string literal's text, or the tokens of one `\(…)` in it. */
export type StringPart = string | Token[];

/** `at`/`end`: the token's offsets in the source (a string spans its quotes). */
export type Token = { at: number; end: number } & (
  | { t: 'dot' }
  | { t: 'recurse' } // `..`
  | { t: 'field'; name: string } // `.name`
  | { t: 'number'; text: string }
  | { t: 'string'; parts: StringPart[] }
  | { t: 'format'; name: string } // `@base64`
  | { t: 'ident'; name: string } // names and keywords alike
  | { t: 'op'; op: Op }
);

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const FORMAT = /@[A-Za-z0-9_]+/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The tokens of `source`; throws {@link JqSyntaxProblem}. */
export function tokenize(source: string): Token[] {
  return new Lexer(source).tokens(false);
}

class Lexer {
  private i = 0;
  constructor(private readonly source: string) {}

  /** Tokens to the end, or (inside `\(…)`) to the parenthesis closing it, which is consumed. */
  tokens(interpolation: boolean): Token[] {
    const tokens: Token[] = [];
    let depth = 0;
    for (;;) {
      this.skipSpace();
      if (this.i >= this.source.length) {
        if (interpolation) throw new JqSyntaxProblem('syntax', this.i, 'unterminated string interpolation');
        return tokens;
      }
      const token = this.next();
      if (token.t === 'op' && OPENERS.has(token.op)) depth++;
      if (token.t === 'op' && CLOSERS.has(token.op)) {
        // jq's lexer ends an interpolation at the `)` matching its `\(`, as brackets nest.
        if (interpolation && depth === 0 && token.op === ')') return tokens;
        depth--;
      }
      tokens.push(token);
    }
  }

  private skipSpace(): void {
    const s = this.source;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.i++;
      } else if (c === '#') {
        const newline = s.indexOf('\n', this.i);
        const end = newline < 0 ? s.length : newline;
        if (s.slice(this.i, end).includes('\\')) throw new JqSyntaxProblem('unsupported', this.i, 'a comment with a backslash (jq may continue it on the next line)');
        this.i = end;
      } else {
        return;
      }
    }
  }

  private next(): Token {
    const s = this.source;
    const at = this.i;
    const c = s[at] as string;
    const after = s[at + 1] ?? '';
    if (c === '"') return this.string();
    if (c === '.' && after === '.') return this.advance({ t: 'recurse', at, end: at + 2 });
    if ((c === '.' && isDigit(after)) || isDigit(c)) {
      const text = this.match(NUMBER) as string;
      return { t: 'number', text, at, end: this.i };
    }
    if (c === '.' && isIdentStart(after)) {
      this.i++;
      const name = this.name();
      return { t: 'field', name, at, end: this.i };
    }
    if (c === '.') return this.advance({ t: 'dot', at, end: at + 1 });
    if (isIdentStart(c)) {
      const name = this.name();
      return { t: 'ident', name, at, end: this.i };
    }
    if (c === '@') {
      const format = this.match(FORMAT);
      if (format === undefined) throw new JqSyntaxProblem('syntax', at, 'a format needs a name, as in @base64');
      return { t: 'format', name: format.slice(1), at, end: this.i };
    }
    if (c === '$') throw new JqSyntaxProblem('unsupported', at, 'variables ($name)');
    if (s.startsWith('?//', at)) throw new JqSyntaxProblem('unsupported', at, 'destructuring alternatives (?//)');
    const op = OPERATORS.find((o) => s.startsWith(o, at));
    if (op === undefined) throw new JqSyntaxProblem('syntax', at, `unexpected character ${JSON.stringify(c)}`);
    return this.advance({ t: 'op', op, at, end: at + op.length });
  }

  private advance(token: Token): Token {
    this.i = token.end;
    return token;
  }

  /** An identifier at the current offset; `foo::bar` names a module's definition, outside the grammar. */
  private name(): string {
    const name = this.match(IDENT) as string;
    if (this.source.startsWith('::', this.i)) throw new JqSyntaxProblem('unsupported', this.i, 'module names (::)');
    return name;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.i;
    const found = pattern.exec(this.source);
    if (!found) return undefined;
    this.i = pattern.lastIndex;
    return found[0];
  }

  private string(): Token {
    const s = this.source;
    const at = this.i;
    const parts: StringPart[] = [];
    let text = '';
    this.i++;
    for (;;) {
      const c = s[this.i];
      if (c === undefined) throw new JqSyntaxProblem('syntax', at, 'unterminated string');
      if (c === '"') {
        this.i++;
        if (text) parts.push(text);
        return { t: 'string', parts, at, end: this.i };
      }
      if (c !== '\\') {
        text += c;
        this.i++;
        continue;
      }
      const escaped = s[this.i + 1] ?? '';
      if (escaped === '(') {
        if (text) parts.push(text);
        text = '';
        this.i += 2;
        parts.push(this.tokens(true));
      } else if (escaped === 'u') {
        text += this.unicodeEscape();
      } else if (ESCAPES[escaped] !== undefined) {
        text += ESCAPES[escaped];
        this.i += 2;
      } else {
        throw new JqSyntaxProblem('syntax', this.i, `invalid escape \\${escaped}`);
      }
    }
  }

  /** `\uXXXX`; a surrogate must come as a high and low pair, as jq requires. */
  private unicodeEscape(): string {
    const at = this.i;
    const high = this.hex4();
    if (high >= 0xdc00 && high <= 0xdfff) throw new JqSyntaxProblem('syntax', at, 'a low surrogate without a high one');
    if (high < 0xd800 || high > 0xdbff) return String.fromCharCode(high);
    const low = this.source.startsWith('\\u', this.i) ? this.hex4() : undefined;
    if (low === undefined || low < 0xdc00 || low > 0xdfff) throw new JqSyntaxProblem('syntax', at, 'a high surrogate without a low one');
    return String.fromCharCode(high, low);
  }

  /** The code of the `\uXXXX` at the current offset. */
  private hex4(): number {
    const hex = this.source.slice(this.i + 2, this.i + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JqSyntaxProblem('syntax', this.i, 'invalid \\uXXXX escape');
    this.i += 6;
    return parseInt(hex, 16);
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
