import { JqError, loadJq, type Jq } from 'jq-wasm/inline';
import { JQ17_BUILTINS_PRELUDE, rewriteSingleQuotes } from './jq-expression';

/**
 * jq 1.8.2 compiled to WebAssembly (`jq-wasm`, pinned exactly, imported from `jq-wasm/inline` so
 * the wasm is embedded in the single bundled file). It has no compile-once API: every call parses
 * the program again (~0.7 ms), so callers evaluate whole batches in one program
 * (packaging-and-conventions.md Part C3–C4).
 */
export interface JqEngine {
  /**
   * Evaluates one program over one input and returns every output. The input is serialized to
   * JSON, unless it is a {@link JsonText} that already holds JSON text.
   * Throws {@link JqCompileError}, {@link JqRuntimeError} or {@link JqEngineCrashError}.
   */
  run(program: string, input: unknown): unknown[];
}

/** The engine behind {@link createJqEngine}. */
export interface WasmJqEngine extends JqEngine {
  /** `jq-1.8.2`. */
  readonly version: string;
  /** Resolves once the spare interpreters used up by crashes have been reloaded. */
  restored(): Promise<void>;
}

/** Input that is already JSON text, passed to jq as is (no second serialization). */
export class JsonText {
  constructor(readonly text: string) {}
}

/** No input at all: jq compiles the program, finds nothing to read and stops without running it. */
const NO_INPUT = new JsonText('');

export class JqCompileError extends Error {
  constructor(
    readonly program: string,
    /** jq's own message, e.g. `syntax error, unexpected end of file at <top-level>, line 1, column 4`. */
    readonly jqMessage: string,
  ) {
    super(`jq compile error: ${jqMessage}`);
    this.name = 'JqCompileError';
  }
}

export class JqRuntimeError extends Error {
  constructor(
    readonly program: string,
    /** jq's message without its `jq: error (at …):` prefix, e.g. `Cannot index number with "a"`. */
    readonly jqMessage: string,
  ) {
    super(`jq error: ${jqMessage}`);
    this.name = 'JqRuntimeError';
  }
}

/** The WebAssembly interpreter itself aborted (stack or memory exhausted). */
export class JqEngineCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqEngineCrashError';
  }
}

export type JqEngineOptions = {
  /**
   * Interpreters kept loaded besides the active one. A wasm abort can leave an interpreter's heap
   * corrupt, so the crashed one is always dropped and the next spare takes over at once (runs are
   * synchronous, a reload is not). Dropped spares are reloaded in the background. Default 2: a
   * batch that crashes is evaluated again item by item, and the culprit crashes a second one, so two
   * spares leave an interpreter for the rest of the batch; each costs ~3 MB of resident memory.
   */
  spares?: number;
};

/** Loads jq once per process (~10 ms per interpreter). */
export async function createJqEngine(options: JqEngineOptions = {}): Promise<WasmJqEngine> {
  const spares = options.spares ?? 2;
  const handles = await Promise.all(Array.from({ length: spares + 1 }, () => loadJq()));
  return new PooledWasmEngine(handles, spares + 1, () => loadJq());
}

/**
 * Whether a user expression compiles. Applies Port's single-quote rewrite first, as evaluation
 * does, and never runs the expression. Returns undefined, or jq's compile message.
 */
export function checkJqCompiles(engine: JqEngine, expression: string): string | undefined {
  try {
    // The builtins programs get, on a line of their own: jq's positions are then the expression's, one line down.
    engine.run(`${JQ17_BUILTINS_PRELUDE}\n${rewriteSingleQuotes(expression)}`, NO_INPUT);
    return undefined;
  } catch (error) {
    if (error instanceof JqCompileError) return error.jqMessage.replace(/\bline (\d+)/g, (_, line: string) => `line ${Math.max(1, Number(line) - 1)}`);
    throw error;
  }
}

const END_OF_OPTIONS = ['--'];

class PooledWasmEngine implements WasmJqEngine {
  private readonly reloads = new Set<Promise<void>>();
  readonly version: string;

  constructor(
    private readonly handles: Jq[],
    private readonly poolSize: number,
    private readonly load: () => Promise<Jq>,
  ) {
    this.version = handles[0]?.version ?? 'unknown';
  }

  run(program: string, input: unknown): unknown[] {
    const handle = this.handles[0];
    if (!handle) {
      throw new JqEngineCrashError(
        'The jq engine is unavailable: its interpreters crashed and are still being reloaded. Items evaluated now are reported as failed.',
      );
    }
    const text = input instanceof JsonText ? input.text : (JSON.stringify(input) ?? 'null');
    try {
      // jq-wasm hands the program to jq's command line: without `--`, an expression that starts
      // with a dash (`-.a`, `-A`) is read as an option ("Unknown option") instead of as jq.
      return handle.json(text, program, END_OF_OPTIONS);
    } catch (error) {
      if (error instanceof JqError) {
        // jq's CLI exits 3 for compile errors; 5 (runtime), 2 (bad input) and halt_error codes are runtime.
        if (error.exitCode === 3) throw new JqCompileError(program, compileMessage(error.stderr));
        throw new JqRuntimeError(program, runtimeMessage(error.stderr));
      }
      this.retire(handle);
      const reason = error instanceof Error ? error.message : String(error);
      throw new JqEngineCrashError(`The jq interpreter crashed (${reason.split('.')[0] ?? reason}) on ${text.length} characters of input; it was replaced.`);
    }
  }

  restored(): Promise<void> {
    return Promise.all([...this.reloads]).then(() => undefined);
  }

  private retire(handle: Jq): void {
    const at = this.handles.indexOf(handle);
    if (at >= 0) this.handles.splice(at, 1);
    while (this.handles.length + this.reloads.size < this.poolSize) {
      const reload: Promise<void> = this.load().then(
        (fresh) => {
          this.handles.push(fresh);
        },
        () => {
          // A failed reload only leaves one interpreter fewer; a later crash then reports the engine unavailable.
        },
      );
      this.reloads.add(reload);
      void reload.finally(() => this.reloads.delete(reload));
    }
  }
}

function compileMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('jq: error'))
    .map((line) => line.replace(/^jq: error: /, '').replace(/:$/, ''));
  return lines.length > 0 ? lines.join('; ') : stderr.trim();
}

function runtimeMessage(stderr: string): string {
  const text = stderr.trim().replace(/^jq: error \(at [^)]*\): /, '');
  return text === '' ? 'jq failed without a message' : text;
}
