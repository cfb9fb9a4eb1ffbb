import { FAILS, type Out } from './outcome';
import type { Builtin } from './compile';

/**
 * Strings as they are, booleans and null spelled out, integers that a double holds exactly; jq
 * formats other numbers its own way (`1E+17`, 17 significant digits) and objects with its own
 * escaping, so those go to jq.
 */
export function tostring(input: unknown): Out {
  if (typeof input === 'string') return input;
  if (typeof input === 'number') return Number.isSafeInteger(input) ? String(input) : FAILS;
  if (input === null || typeof input === 'boolean') return String(input);
  return FAILS;
}

/** jq's `split/1` (not the regex one): `""` splits into `[]`. */
export function split(input: unknown, separator: string): Out {
  if (typeof input !== 'string') return FAILS;
  return input === '' ? [] : input.split(separator);
}

/** `join` over strings only; jq turns numbers and booleans into JSON text and nulls into "", left to jq. */
export function join(input: unknown, separator: string): Out {
  if (!Array.isArray(input) || !input.every((x) => typeof x === 'string')) return FAILS;
  return input.join(separator);
}

/** `@uri`: `tostring`, then every byte but `A-Za-z0-9-_.~` percent-encoded. */
export function uri(input: unknown): Out {
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
export function substitution(pattern: string, replacement: string, flags: string, global: boolean): Builtin | undefined {
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
