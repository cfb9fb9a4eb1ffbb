/** jq's tokens, as far as the subset needs them; undefined for text outside it. */
export type Token =
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

export function tokenize(text: string): Token[] | undefined {
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
