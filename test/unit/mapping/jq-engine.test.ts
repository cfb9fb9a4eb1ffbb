import { describe, expect, it } from 'vitest';
import { checkJqCompiles, createJqEngine, JqCompileError, JqEngineCrashError, JqRuntimeError, JsonText } from '../../../core/mapping/jq-engine';
import { rewriteSingleQuotes } from '../../../core/mapping/jq-expression';
import { testEngine } from './mapping-fixtures';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Unbounded recursion exhausts the wasm stack: a real interpreter abort, not a jq error. */
const CRASHING_PROGRAM = 'def f: [f]; f';

describe('jq engine (jq-wasm 1.8.2)', () => {
  it('is jq 1.8.2 and returns every output', async () => {
    const engine = await testEngine();
    expect(engine.version).toBe('jq-1.8.2');
    expect(engine.run('.[] | . * 2', [1, 2, 3])).toEqual([2, 4, 6]);
    expect(engine.run('empty', {})).toEqual([]);
  });

  it('takes pre-serialized JSON as is', async () => {
    const engine = await testEngine();
    expect(engine.run('.a', new JsonText('{"a": [1, 2]}'))).toEqual([[1, 2]]);
  });

  it('tells compile errors from runtime errors, with jq messages', async () => {
    const engine = await testEngine();
    expect(() => engine.run('.a +', {})).toThrow(JqCompileError);
    expect(() => engine.run('.a +', {})).toThrow('syntax error, unexpected end of file at <top-level>, line 1, column 4');
    expect(() => engine.run('.a | error("boom")', { a: 1 })).toThrow(JqRuntimeError);
    const error = thrown(() => engine.run('.a.b', { a: 'text' }));
    expect(error).toBeInstanceOf(JqRuntimeError);
    expect((error as JqRuntimeError).jqMessage).toBe('Cannot index string with string ("b")');
  });

  it('checks that an expression compiles without ever running it', async () => {
    const engine = await testEngine();
    expect(checkJqCompiles(engine, '.name | ascii_downcase')).toBeUndefined();
    // Running these would fail or stop the interpreter; compiling them must not.
    expect(checkJqCompiles(engine, 'error("must not run")')).toBeUndefined();
    expect(checkJqCompiles(engine, 'halt_error(1)')).toBeUndefined();
    expect(checkJqCompiles(engine, CRASHING_PROGRAM)).toBeUndefined();
    expect(checkJqCompiles(engine, '.a | unknownfn(1)')).toBe('unknownfn/1 is not defined at <top-level>, line 1, column 6');
    expect(checkJqCompiles(engine, "'quoted'")).toBeUndefined();
    expect(checkJqCompiles(engine, '.a) | (.b')).toMatch(/^syntax error/);
  });

  it('survives an interpreter crash: the call fails, the next one runs on a spare', async () => {
    const engine = await createJqEngine({ spares: 1 });
    expect(() => engine.run(CRASHING_PROGRAM, null)).toThrow(JqEngineCrashError);
    expect(engine.run('.x', { x: 1 })).toEqual([1]);
    // Both interpreters gone before the reload finishes: a clear error, not a hang or a wrong answer.
    expect(() => engine.run(CRASHING_PROGRAM, null)).toThrow(JqEngineCrashError);
    expect(() => engine.run('.x', { x: 1 })).toThrow('The jq engine is unavailable');
    await engine.restored();
    expect(engine.run('.x', { x: 2 })).toEqual([2]);
  });
});

describe("Port's single-quote rewrite", () => {
  it.each([
    ["'abc'", '"abc"'],
    [".name + '-svc'", '.name + "-svc"'],
    ['\'"azureDevopsRepository"\'', '\'"azureDevopsRepository"\''],
    ['.a == "it\'s"', '.a == "it\'s"'],
    ["'a' + 'b'", '"a" + "b"'],
  ])('%s → %s', (input, expected) => {
    expect(rewriteSingleQuotes(input)).toBe(expected);
  });
});
