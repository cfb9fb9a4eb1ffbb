import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPortAppConfig } from '../../../core/kinds/defaults';
import { portAppConfigFromObject } from '../../../core/mapping/app-config';
import { DEFAULT_BATCH_LIMITS, evaluateEach } from '../../../core/mapping/batch-evaluator';
import { compileFastJq, FAILS, type FastJq } from '../../../core/mapping/fast-jq';
import { createJqEngine, type JqEngine } from '../../../core/mapping/jq-engine';
import { planResource, PROGRAM_PRELUDE, slotsBody } from '../../../core/mapping/mapping-program';
import { rewriteSingleQuotes } from '../../../core/mapping/jq-expression';

/**
 * Differential: every expression the JavaScript subset accepts must give, on any item, the value
 * jq 1.8.2 (jq-wasm) gives, and must answer FAILS wherever jq raises an error. (FAILS where jq
 * succeeds is allowed: the item is then evaluated in jq.)
 */
let engine: JqEngine;
beforeAll(async () => {
  engine = await createJqEngine();
});

const config = portAppConfigFromObject(defaultPortAppConfig(), 'default');
const defaultSlots = config.resources.flatMap((resource) => planResource(resource).slots.map((slot) => ({ kind: resource.kind, jq: rewriteSingleQuotes(slot.jq) })));
const defaultExpressions = [...new Set(defaultSlots.map((s) => s.jq))];


const EDGE_EXPRESSIONS = [
  '.',
  '.a',
  '.[0]',
  '.a[0]',
  '.a[1].b',
  '.a[0][0]',
  '.a[0].b == .c',
  '.a.b.c',
  '.a["b"]',
  '.["a"].b',
  '."a".b',
  '(.a // .).b',
  '"lit"',
  '"with \\"escapes\\" \\\\ \\n / \\/"',
  '"é → 日本"',
  'true',
  'false',
  'null',
  '0',
  '42',
  '.a + .b',
  '.a + "/" + .b',
  '.a + 1',
  '.a + .a',
  '(.a | tostring) + "/" + (.b | tostring)',
  '.a // .b',
  '.a // .b // "d"',
  '.a.b // "none"',
  '.a // null | if . == null then "n" else . end',
  '.a == .b',
  '.a != .b',
  '.a == null',
  '.a == "x"',
  '.a != ""',
  '.a and .b',
  '.a or .b',
  '.a and .b or .c',
  '.a == .b and .c',
  'if .a then .b else .c end',
  'if .a then .b end',
  'if .a then 1 elif .b then 2 else 3 end',
  'if .a == "user" then .b | ascii_downcase else null end',
  '.a | tostring',
  '.a | ascii_downcase',
  '.a | not',
  '.a | last',
  '.a | @uri',
  '.a | split("; ")',
  '.a | split(",") | join("-")',
  '.a | split("/") | last | @uri',
  '.a | split("\\\\") | map(@uri) | join("/")',
  '(.a // "") | split("; ") | map(select(. != ""))',
  '.a | map(select(. != null))',
  '.a | map(tostring)',
  '.a | select(. == "x")',
  'select(.a) | .b',
  '(.a | select(. != null)) + "x"',
  '.a + (.b | select(.))',
  '(.b | select(.)) + .a',
  'select(.a) // "none"',
  '.a | startswith("0001")',
  'if (.a // "0001") | startswith("0001") then null else .a end',
  '.a | sub("x"; "y")',
  '.a | sub("a"; "\\\\1")',
  '.a | gsub("a"; "-")',
  '.a | sub("ab"; "Z"; "g")',
  '.a | sub("k"; "_"; "i")',
  '.a | sub("/_apis/wit/workItems/"; "/_workitems/edit/"; "i")',
  '.a | gsub("S"; "5"; "i")',
  '.a | sub("^refs/heads/"; "")',
  '.a | gsub("^a"; "b")',
  '.a | gsub("[^a-z0-9]"; "")',
  '.a | sub("[0-9]"; "#")',
  '.a | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_")',
  '.a | ascii_downcase | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_")',
  '.a | tostring | @uri',
  '[.a[]?]',
  '[.a[]]',
  '[.[]]',
  '[.[]?]',
  '[.a[]?.b]',
  '[.a[].b]',
  '[.a[]?[0]]',
  '[.a[]? | .b.c]',
  '[.a[]? | select(. != null)]',
  '[.a[]? | select(.b == "x") | .c]',
  '[.a[]? | select(.b) | .c] | add',
  '([.a[]? | select(.b == "Failed") | .c] | add) // .d',
  '[.a[]? | tostring] | join(",")',
  '[(.a // .b)[]?]',
  '[.a.b[]?.c]',
  '.a | add',
  '.a | add // "none"',
  '[.a[]? | .b] | add',
  // The same trees as accepted ones, written as jq 1.7+ also reads them.
  '.a.["b"]',
  '. "a"',
  '.[("a")]',
  '.a[(0)]',
  'if .a then 1else 2 end',
];

/** Expressions that must stay jq's: they may have several outputs, or their meaning is not the same here. */
const REFUSED = [
  '',
  '.a, .b',
  '.[]',
  '.a[]?',
  '.a?',
  '..',
  '.a[-1]',
  '.a[1:]',
  '$ENV',
  'env',
  '.a as $x | $x',
  '.a - 1',
  '.a * 2',
  '.a / 2',
  '.a < 1',
  '-1',
  '1.5',
  '1e3',
  '007',
  '"\\(.a)"',
  '"\\u00e9"',
  '@uri "x\\(.a)"',
  '@base64',
  'def f: .; f',
  'try .a',
  'reduce .[] as $x (0; . + $x)',
  '.a |= 1',
  '.a += 1',
  '.a //= 1',
  '{a: .a}',
  '[.a]',
  '[]',
  '.a[]',
  '.a[]?',
  '[.a[], .b[]]',
  '[.a[][]]',
  '[.a[] | .b[]]',
  '[.a[]?.b?]',
  '[.a[]? // .b]',
  '[.a | .[]]',
  '[..]',
  '[.a[]?] | add(.[])',
  '.a # comment',
  'empty',
  'error("x")',
  'halt',
  'input',
  'length',
  'ascii_upcase',
  'tostring(.a)',
  'split("")',
  'split(.a)',
  'split("a"; "g")',
  'sub("a.b"; "x")',
  'sub("a"; "b"; "x")',
  'sub("$"; "x")',
  'sub("^"; "x")',
  'sub("a"; .b)',
  'sub("[a-z]"; "x"; "i")',
  'gsub("[[:alpha:]]"; "x")',
  'gsub("[a&&b]"; "x")',
  'gsub("[\\\\d]"; "x")',
  'sub("é"; "x"; "i")',
  '.a == .b == .c',
  'true(1)',
  'if .a then .b',
  'map(.a; .b)',
  'foo::bar',
  // Names of Object.prototype's functions are no jq builtins.
  'constructor',
  'toString',
  '.a | valueOf',
  '(.a)?',
];

const fields = [...new Set(defaultExpressions.concat(EDGE_EXPRESSIONS).flatMap((jq) => [...jq.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\."([^"\\]*)"/g)].map((m) => (m[1] ?? m[2]) as string)))];

const interestingStrings = [
  '',
  'x',
  'a',
  'A',
  'user',
  'group',
  'TfsGit',
  'Failed',
  'Work item linking',
  'refs/heads/main',
  'refs/heads/feature/a b',
  'a\nrefs/heads/x',
  'refs/heads/',
  'tag1; tag2; ; tag3',
  '; ',
  'a,b,,c,',
  'https://dev.azure.com/o/p/_apis/wit/workItems/17',
  'https://dev.azure.com/o/p/_APIS/WIT/WORKITEMS/17',
  'ſ and K',
  '0001-01-01T00:00:00Z',
  '2024-05-01T12:34:56.789Z',
  'Area\\Team A\\Sub',
  'Name With Spaces!*()\'~',
  'Jöhn.Dœ@Example.com',
  'ab@CD.ef+g:h/i=j-k_l',
  '日本語 / テスト',
  '😀 emoji',
  'aaa',
  'abab',
  'kKsS',
];

const numbers = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, 1, 17, -42, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 53 + 2, 1e17, 1e21, 1.5, -2.25, 0.1, 1e-7, 1e300, 1.7976931348623157e308, -1.7976931348623157e308),
);
const strings = fc.oneof(fc.constantFrom(...interestingStrings), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'A', 's', 'S', 'k', '/', ';', ' ', '-', '_', '\\', '\n', 'é', '0'), maxLength: 10 }));
const scalar = fc.oneof(strings, numbers, fc.boolean(), fc.constant(null));
const key = fc.constantFrom(...fields, 'a', 'b', 'c');
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(strings, { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const item = fc.oneof({ weight: 1, arbitrary: value }, { weight: 6, arbitrary: fc.dictionary(key, value, { minKeys: 1, maxKeys: 8 }) });

/** jq's wrapped answer for every expression on every item: `[v]`, `[]`, or `{e}` for an error. */
function jqAnswers(expressions: readonly string[], items: readonly unknown[]): unknown[][] {
  const body = slotsBody(expressions.map((jq, i) => ({ path: [i], jq })));
  return evaluateEach(engine, PROGRAM_PRELUDE, body, items, DEFAULT_BATCH_LIMITS, { engineCalls: 0, fallbacks: 0 }).map((outcome) => {
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.value as unknown[];
  });
}

function compileAll(expressions: readonly string[]): FastJq[] {
  return expressions.map((jq) => {
    const fast = compileFastJq(jq);
    if (fast === undefined) throw new Error(`not accepted: ${jq}`);
    return fast;
  });
}

function checkAgainstJq(expressions: readonly string[], items: readonly unknown[], tally: { values: number; fails: number }): void {
  const fast = compileAll(expressions);
  const answers = jqAnswers(expressions, items);
  items.forEach((input, i) => {
    fast.forEach((evaluate, e) => {
      const expected = (answers[i] as unknown[])[e];
      const got = evaluate(input);
      const where = `${expressions[e] as string} on ${JSON.stringify(input)}`;
      if (got === FAILS) {
        tally.fails += 1;
        return;
      }
      tally.values += 1;
      expect(got, where).toEqual(expected);
    });
  });
}

describe('compileFastJq', () => {
  it('accepts every slot of the default mapping', () => {
    const refused = defaultExpressions.filter((jq) => compileFastJq(jq) === undefined);
    expect(refused).toEqual([]);
  });

  it('refuses what it cannot evaluate exactly', () => {
    const accepted = REFUSED.filter((jq) => compileFastJq(jq) !== undefined);
    expect(accepted).toEqual([]);
  });

  it('answers as jq does for every default-mapping slot on random items', () => {
    const expressions = defaultExpressions;
    const tally = { values: 0, fails: 0 };
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 25 }), (items) => checkAgainstJq(expressions, items, tally)),
      { numRuns: 120 },
    );
    // Most answers must come from JavaScript, or the test would prove little.
    expect(tally.values).toBeGreaterThan(tally.fails);
  });

  it('answers as jq does for hand-written edge cases on random items', () => {
    const tally = { values: 0, fails: 0 };
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 25 }), (items) => checkAgainstJq(EDGE_EXPRESSIONS, items, tally)),
      { numRuns: 150 },
    );
    expect(tally.values).toBeGreaterThan(tally.fails);
  });

  it('answers as jq does on chosen values, and leaves to jq what jq would reject', () => {
    const inputs: unknown[] = [
      null,
      true,
      0,
      -1,
      2 ** 53,
      1.5,
      'str',
      '',
      [],
      [null, 'a', '', 1],
      ['a', 'b'],
      {},
      { a: null, b: null },
      { a: 'x', b: 'y', c: false },
      { a: 1, b: 2 },
      { a: 1e308, b: 1e308 },
      { a: 'x', b: 1 },
      { a: true, b: true },
      { a: {}, b: {} },
      { a: [1], b: [2] },
      { a: { b: { c: 3 } } },
      { a: 'a; b; ; c' },
      { a: ['x', ''] },
      { a: 'ſ' },
      { a: 'K' },
      { a: 'refs/heads/x\n' },
      { a: 'Straße' },
      { a: '日本' },
      { a: 'A b/C' },
      { a: 12345 },
      { a: 1e17 },
      { a: -0.5 },
      { a: [] },
      { a: '' },
      { a: 'x', b: null },
      { a: null, b: 'y' },
      { a: false, b: 0 },
      { a: [{ b: 'x', c: 1 }, { b: 'Failed', c: 2 }, { b: null }, { b: 'Failed', c: 3 }], d: 7 },
      { a: [{ b: true, c: 'p' }, { b: false, c: 'q' }, { c: 'r' }] },
      { a: [{ b: { c: 'deep' } }, { b: null }] },
      { a: [['n'], []] },
      { a: [null, 1.5, 'x'] },
      { a: [{ b: 'Failed', c: 'x' }, { b: 'Failed', c: 1 }] },
      { a: { b: 1 } },
      { a: 'abc' },
      { b: { c: [{ c: 1 }] } },
    ];
    checkAgainstJq(EDGE_EXPRESSIONS, inputs, { values: 0, fails: 0 });
  });

  it('gives the values jq gives on chosen items (written out, not computed)', () => {
    const run = (jq: string, input: unknown) => (compileAll([jq])[0] as FastJq)(input);
    expect(run('.__projectId + "/" + (.id | tostring)', { __projectId: 'p', id: 7 })).toEqual(['p/7']);
    expect(run('(.fields."System.Tags" // "") | split("; ") | map(select(. != ""))', { fields: { 'System.Tags': 'a; ; b' } })).toEqual([['a', 'b']]);
    expect(run('(.fields."System.Tags" // "") | split("; ") | map(select(. != ""))', { fields: {} })).toEqual([[]]);
    expect(run('.url | sub("/_apis/wit/workItems/"; "/_workitems/edit/"; "i")', { url: 'https://x/P/_apis/wit/WorkItems/5' })).toEqual(['https://x/P/_workitems/edit/5']);
    expect(run('.a | select(. == "x")', { a: 'y' })).toEqual([]);
    expect(run('.a | @uri', { a: "a b!*'()~" })).toEqual(['a%20b%21%2A%27%28%29~']);
    expect(run('.a | tostring', { a: 1.5 })).toBe(FAILS);
    expect(run('.a.b', { a: 'string' })).toBe(FAILS);
    expect(run('.a + 1', { a: 'x' })).toBe(FAILS);
    expect(run('[.reviewers[]?.uniqueName]', { reviewers: [{ uniqueName: 'a@x' }, { uniqueName: null }, {}] })).toEqual([['a@x', null, null]]);
    expect(run('[.reviewers[]?.uniqueName]', { reviewers: null })).toEqual([[]]);
    expect(run('[.reviewers[]?.uniqueName]', { reviewers: 'x' })).toEqual([[]]);
    expect(run('[.reviewers[].uniqueName]', { reviewers: null })).toBe(FAILS);
    expect(run('[.reviewers[]?.uniqueName]', { reviewers: ['x'] })).toBe(FAILS);
    expect(run('[.a[]?]', { a: { k: 1 } })).toBe(FAILS);
    const failed = '([.runStatistics[]? | select(.outcome == "Failed") | .count] | add) // .unanalyzedTests';
    expect(run(failed, { runStatistics: [{ outcome: 'Failed', count: 2 }, { outcome: 'Passed', count: 9 }, { outcome: 'Failed', count: 3 }] })).toEqual([5]);
    expect(run(failed, { runStatistics: [{ outcome: 'Passed', count: 9 }], unanalyzedTests: 4 })).toEqual([4]);
    expect(run('.a | add', { a: ['x', null, 'y'] })).toEqual(['xy']);
    expect(run('.a | add', { a: [] })).toEqual([null]);
    expect(run('.a | add', { a: [1, 'x'] })).toBe(FAILS);
  });
});
