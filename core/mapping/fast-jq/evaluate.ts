import { EMPTY, FAILS, type Out } from './outcome';
import type { Node } from './compile';

export function evaluate(node: Node, input: unknown): Out {
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
    case 'at': {
      const of = evaluate(node.of, input);
      if (of === FAILS || of === EMPTY) return of;
      return at(of, node.position);
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
    case 'select': {
      const cond = evaluate(node.f, input);
      if (cond === FAILS || cond === EMPTY) return cond;
      return truthy(cond) ? input : EMPTY;
    }
    case 'collect': {
      const source = evaluate(node.source, input);
      if (source === FAILS) return FAILS;
      if (source === EMPTY) return [];
      // jq iterates an object's values in its own key order: left to jq. `[]?` turns the error of
      // iterating null or a scalar into no output; `[]` leaves that error to jq.
      if (!Array.isArray(source)) return node.optional && (source === null || typeof source !== 'object') ? [] : FAILS;
      const out: unknown[] = [];
      for (const element of source as unknown[]) {
        const value = evaluate(node.each, element);
        if (value === FAILS) return FAILS;
        if (value !== EMPTY) out.push(value);
      }
      return out;
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

/** `.[n]`: null on null and past the end; indexing anything but an array with a number is a jq error. */
function at(value: unknown, position: number): Out {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) return FAILS;
  return position < value.length ? (value[position] as unknown) : null;
}

/** jq's `+` for the types mappings add; objects and arrays are left to jq, other mixes are jq errors. */
export function plus(left: unknown, right: unknown): Out {
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
