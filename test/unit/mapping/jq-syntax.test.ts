import { describe, expect, it } from 'vitest';
import type { JqNode } from '../../../core/mapping/jq-syntax/ast';
import { parseJq } from '../../../core/mapping/jq-syntax/parser';
import type { JqEngine } from '../../../core/mapping/jq-engine';
import { testEngine } from './mapping-fixtures';

/**
 * The shared jq parser against jq 1.8.2 itself (jq-wasm): each tree, printed back with every
 * operand in parentheses, must give jq's answer (values or error message) for the program as
 * written; where a case names the wrong reading, jq must answer differently for it, so the input
 * does tell the readings apart.
 */

function parse(source: string): JqNode {
  const parsed = parseJq(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.problem.kind} at ${parsed.problem.at}: ${parsed.problem.message}`);
  return parsed.node;
}

/** The tree as jq text, every operand in parentheses: jq reads it one way only. */
function printed(node: JqNode): string {
  const p = (n: JqNode) => `(${printed(n)})`;
  switch (node.k) {
    case 'identity':
      return '.';
    case 'recurse':
      return '..';
    case 'number':
      return node.text;
    case 'literal':
      return JSON.stringify(node.value);
    case 'string': {
      const body = node.parts.map((part) => (typeof part === 'string' ? JSON.stringify(part).slice(1, -1) : `\\(${printed(part)})`)).join('');
      return `${node.format === undefined ? '' : `@${node.format} `}"${body}"`;
    }
    case 'format':
      return `@${node.name}`;
    case 'index':
      return `${p(node.target)}[${printed(node.key)}]${node.optional ? '?' : ''}`;
    case 'iterate':
      return `${p(node.target)}[]${node.optional ? '?' : ''}`;
    case 'slice':
      return `${p(node.target)}[${node.from ? p(node.from) : ''}:${node.to ? p(node.to) : ''}]${node.optional ? '?' : ''}`;
    case 'binary':
      return `${p(node.left)} ${node.op} ${p(node.right)}`;
    case 'negate':
      return `-${p(node.operand)}`;
    case 'array':
      return node.body ? `[${printed(node.body)}]` : '[]';
    case 'object':
      return `{${node.entries.map((e) => `${p(e.key)}: ${p(e.value)}`).join(', ')}}`;
    case 'call':
      return node.args.length === 0 ? node.name : `${node.name}(${node.args.map(p).join('; ')})`;
    case 'if':
      return `if ${p(node.cond)} then ${p(node.then)} else ${p(node.else)} end`;
    case 'try':
      return `try ${p(node.body)}${node.handler ? ` catch ${p(node.handler)}` : ''}`;
  }
}

function answer(engine: JqEngine, program: string, input: unknown): string {
  try {
    return JSON.stringify(engine.run(program, input));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

type Case = { jq: string; input: unknown; wrong?: string };

const CASES: Case[] = [
  // `|` lowest, then `,`, then `//`.
  { jq: '.a | .b, .c', input: { a: { b: 1, c: 2 }, c: 3 }, wrong: '(.a | .b), .c' },
  { jq: '.a, .b // .c', input: { a: null, b: null, c: 3 }, wrong: '(.a, .b) // .c' },
  { jq: '.a // .b | .c', input: { a: { c: 2 }, b: { c: 1 } }, wrong: '.a // (.b | .c)' },
  // Assignments: below `or`, above `//`.
  { jq: '.a = null // 2', input: {}, wrong: '.a = (null // 2)' },
  { jq: '.a = 1 or false', input: {}, wrong: '(.a = 1) or false' },
  { jq: '.a |= . + 1 | .a', input: { a: 1 } },
  { jq: '.a += 2, .b', input: { a: 1, b: 0 }, wrong: '.a += (2, .b)' },
  // `and` above `or`, comparisons above `and`, arithmetic above comparisons.
  { jq: 'true or false and false', input: null, wrong: '(true or false) and false' },
  { jq: 'null == false or true', input: null, wrong: 'null == (false or true)' },
  { jq: '1 + 1 == 2', input: null, wrong: '1 + (1 == 2)' },
  { jq: '1 + 2 * 3', input: null, wrong: '(1 + 2) * 3' },
  { jq: '10 - 2 - 3', input: null, wrong: '10 - (2 - 3)' },
  { jq: '2 * 3 % 4', input: null, wrong: '2 * (3 % 4)' },
  { jq: '12 / 2 / 3', input: null, wrong: '12 / (2 / 3)' },
  // Unary minus takes a postfix term (jq 1.8).
  { jq: '-.a * 2', input: { a: 'ab' }, wrong: '-(.a * 2)' },
  { jq: '-.a?', input: { a: 'x' }, wrong: '(-.a)?' },
  { jq: '- - 1 + 2', input: null, wrong: '-(-1 + 2)' },
  { jq: '2 - -1', input: null },
  // `?` after a step makes only that step optional; after any other term it is `try`.
  { jq: '.a.b?', input: 'x', wrong: '(.a.b)?' },
  { jq: '.a[]?', input: 'x', wrong: '(.a[])?' },
  { jq: '[.a[]?]', input: { a: 'x' } },
  { jq: '[.a?.b]', input: 'x' },
  { jq: '[(.a.b)?]', input: 'x', wrong: '[.a.b?]' },
  { jq: '[.a[0]?, .a[1:]?, ."a"?]', input: 'x' },
  { jq: '[1 + "x"?]', input: null, wrong: '[(1 + "x")?]' },
  { jq: '[..?]', input: [1] },
  // `try` and `catch` take a postfix term each.
  { jq: 'try .a + 1', input: { a: 's' }, wrong: 'try (.a + 1)' },
  { jq: 'try 1 catch . + 1', input: null, wrong: 'try 1 catch (. + 1)' },
  { jq: 'try {"a":1} catch 2 .a', input: null, wrong: '(try {"a":1} catch 2) .a' },
  { jq: 'try -.a catch .', input: { a: 'x' } },
  { jq: 'try error("x") catch ., 2', input: null },
  // `if` is a term: a path may follow `end`; `elif` and a missing `else`.
  { jq: 'if . then {"a":1} else {} end .a', input: true },
  { jq: '[.[] | if . == 1 then "one" elif . == 2 then "two" end]', input: [1, 2, 3] },
  // Paths: `.a`, `."a"`, `. "a"`, `.["a"]`, `.a.["b"]`, positions, slices, iteration.
  { jq: '[.a, ."a", . "a", .["a"], .[("a")]]', input: { a: 1 } },
  { jq: '.a.["b"], .a .b, .c.[0], .c.[], .c[1:], .c[:-1], .c[-1]', input: { a: { b: 2 }, c: [1, 2, 3] } },
  { jq: '1 .a', input: null },
  { jq: '"x" .a', input: null },
  { jq: '...a', input: { a: 1 } },
  // Objects: keywords as keys, shorthands, computed keys, values are pipes without `,`.
  { jq: '{a: 1 + 2, b: .c | length, if: 1, "d": 2, "e\\(1)": 3, (.k): 4, c, "k", "\\(.k)"}', input: { c: 'abc', k: 'z', z: 9 } },
  { jq: '{a: .b = 1, c: .d // 5, e: -1 | . * 2, f: try error("x") catch ., }', input: { d: null } },
  // Strings: escapes, surrogate pairs, interpolation nested in strings and parentheses, formats.
  { jq: '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"', input: null },
  { jq: '"a\\("b\\(1 + (2))" + ")")c"', input: null },
  { jq: '"\\( 1 # a comment ) in an interpolation\n)"', input: null },
  { jq: '@base64 "x\\(.a)y", @base64, @text "\\(1)"', input: { a: 'hi' }, wrong: '"x\\(.a)y" | @base64' },
  // Numbers as jq reads them; a number then a word.
  { jq: '[.5, 1., 1.e3, 007, 1e2, 1E-1]', input: null },
  { jq: 'if . then 1else 2 end', input: true },
  // Calls: names, arguments as pipes; `true(…)` would be a call.
  { jq: 'map(. + 1) | (map(tostring) | join(", ") | ltrimstr("2"?)), length', input: [1, 2] },
  { jq: '[.[] | select(. > 1)], (.[0] | tostring), not', input: [1, 2] },
  // Comments run to the end of the line, past a carriage return.
  { jq: '.a # c\r| .b\n| .b', input: { a: { b: { b: 1 } } } },
];

describe('parseJq', () => {
  it.each(CASES)('reads $jq as jq 1.8.2 does', async ({ jq, input, wrong }) => {
    const engine = await testEngine();
    const expected = answer(engine, jq, input);
    expect(expected).not.toMatch(/compile error/);
    expect(answer(engine, printed(parse(jq)), input)).toBe(expected);
    if (wrong !== undefined) expect(answer(engine, wrong, input)).not.toBe(expected);
  });

  it('gives paths, shorthands and conditionals one tree each', () => {
    const dotA = parse('.a');
    for (const same of ['."a"', '. "a"', '.["a"]', '.[("a")]']) expect(parse(same), same).toEqual(dotA);
    expect(parse('.a.b["c"]')).toEqual(parse('.a.b.c'));
    expect(parse('.a.["b"]')).toEqual(parse('.a["b"]'));
    expect(parse('{a, "b"}')).toEqual(parse('{a: .a, "b": .b}'));
    expect(parse('if .a then 1 end')).toEqual(parse('if .a then 1 else . end'));
    expect(parse('if .a then 1 elif .b then 2 else 3 end')).toEqual(parse('if .a then 1 else (if .b then 2 else 3 end) end'));
    expect(parse('.a?')).toMatchObject({ k: 'index', optional: true });
    expect(parse('(.a)?')).toMatchObject({ k: 'try', body: { k: 'index', optional: false }, handler: undefined });
    expect(parse('.a??')).toMatchObject({ k: 'try', body: { k: 'index', optional: true } });
  });

  it('keeps what the readers need: operators, number text, string parts, calls, formats', () => {
    expect(parse('.a // .b == 1')).toMatchObject({ k: 'binary', op: '//', right: { k: 'binary', op: '==', right: { k: 'number', text: '1', value: 1 } } });
    expect(parse('1.50')).toEqual({ k: 'number', text: '1.50', value: 1.5 });
    expect(parse('"a\\(.b)c"')).toEqual({ k: 'string', parts: ['a', parse('.b'), 'c'], format: undefined });
    expect(parse('@uri "x\\(.)"')).toEqual({ k: 'string', parts: ['x', { k: 'identity' }], format: 'uri' });
    expect(parse('@uri')).toEqual({ k: 'format', name: 'uri' });
    expect(parse('sub("a"; "b"; "g")')).toEqual({ k: 'call', name: 'sub', args: [parse('"a"'), parse('"b"'), parse('"g"')] });
    expect(parse('true(1)')).toMatchObject({ k: 'call', name: 'true', args: [{ k: 'number', text: '1' }] });
    expect(parse('null')).toEqual({ k: 'literal', value: null });
  });

  it.each([
    ['$ENV', 0],
    ['.a as $x | $x', 6],
    ['reduce .[] as $x (0; . + $x)', 14],
    ['foreach .[] as $x (0; 1)', 15],
    ['def f: .; f', 0],
    ['label $out | 1', 6],
    ['import "a" as a; .', 0],
    ['include "a"; .', 0],
    ['foo::bar', 3],
    ['.a?//.b', 2],
    ['.a # a comment ending in \\\n| .b', 3],
    ['__loc__', 0],
    ['', 0],
  ])('leaves %j to jq: outside the grammar (at %i)', (jq, at) => {
    const parsed = parseJq(jq);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect([parsed.problem.kind, parsed.problem.at]).toEqual(['unsupported', at]);
  });

  it.each([
    ['.a.[1:]', 5],
    ['1 < 2 < 3', 6],
    ['.a = 1 = 2', 7],
    ['{a: 1, 2}', 7],
    ['{(.a)}', 5],
    ['{,}', 1],
    ['[1,]', 3],
    ['"\\a"', 1],
    ['"\\ud800"', 1],
    ['"\\udc00\\ud800"', 1],
    ['"\\u00e"', 1],
    ['"abc', 0],
    ['"\\(1"', 4],
    ['.a\f', 2],
    ['.a\u00a0', 2],
    ['@', 0],
    ['..a', 2],
    ['if . then 1', 11],
    ['try', 3],
    ['and', 0],
    ['1e', 1],
    ['.a | | .b', 5],
    ['()', 1],
    ['.a ]', 3],
  ])('rejects %j as jq does (at %i)', async (jq, at) => {
    const parsed = parseJq(jq);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect([parsed.problem.kind, parsed.problem.at]).toEqual(['syntax', at]);
    expect(answer(await testEngine(), jq, null)).toMatch(/compile error/);
  });

  it('gives every token its place in the source', () => {
    const parsed = parseJq('.a | "x\\(1)" # c\n// 12');
    expect(parsed.ok && parsed.tokens.map((t) => [t.t, t.at, t.end])).toEqual([
      ['field', 0, 2],
      ['op', 3, 4],
      ['string', 5, 12],
      ['op', 17, 19],
      ['number', 20, 22],
    ]);
  });
});
