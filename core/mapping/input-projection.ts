import { plainText, type BinaryOp, type JqNode } from './jq-syntax/ast';
import { parseJq } from './jq-syntax/parser';

/**
 * Input projection: what part of a raw item a resource's jq expressions can possibly read, so the
 * rest is not serialized into jq at all.
 *
 * Why: jq-wasm parses JSON at roughly 15 MB/s, and raw Azure DevOps items are large (a work item
 * with `$expand=All` is ~5 KB, mostly identity references the mapping never reads). Parsing is most
 * of a large sync's CPU time (docs/performance.md). The mapping still runs in jq, unchanged: only
 * keys no expression can observe are left out, so every output and every error is the same.
 *
 * How: each expression is parsed by the shared jq parser (jq-syntax/: paths, literals, operators,
 * `|`, `,`, `//`, `if`, `try`, array and object construction, string interpolation, function calls
 * and formats). Anything outside it (`$variables`, `as`, `reduce`, `foreach`, `def`, …) or that
 * the analysis does not follow (assignments) gives up: the resource then gets whole items, as
 * before. The analysis follows which parts of the item flow where:
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
 * or undefined when the analysis cannot follow one of them.
 */
export function projectionOf(expressions: readonly string[]): ProjectionNode | undefined {
  const root = new ProjectionNode();
  try {
    for (const expression of expressions) {
      const parsed = parseJq(expression);
      if (!parsed.ok) return undefined;
      const analysis = new Analysis(root);
      analysis.keepWhole(analysis.evaluate(parsed.node, { paths: [[]], derived: false }));
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

/** Thrown for anything the analysis cannot follow. */
class Unsupported extends Error {}

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

  evaluate(node: JqNode, input: Flow): Flow {
    switch (node.k) {
      case 'identity':
        return input;
      case 'literal':
      case 'number':
        return DERIVED;
      case 'recurse':
        this.keepWhole(input);
        return DERIVED;
      case 'string':
        // A format applies to the interpolated values, which are kept whole either way.
        for (const part of node.parts) if (typeof part !== 'string') this.keepWhole(this.evaluate(part, input));
        return DERIVED;
      case 'format':
        this.keepWhole(input);
        return DERIVED;
      case 'index': {
        const target = this.evaluate(node.target, input);
        const key = staticKey(node.key);
        if (key !== undefined) return this.step(target, key);
        this.keepWhole(this.evaluate(node.key, input));
        this.keepWhole(target);
        return DERIVED;
      }
      case 'iterate':
        return this.step(this.evaluate(node.target, input), ANY);
      case 'slice': {
        const target = this.evaluate(node.target, input);
        if (node.from) this.keepWhole(this.evaluate(node.from, input));
        if (node.to) this.keepWhole(this.evaluate(node.to, input));
        this.keepWhole(target);
        return DERIVED;
      }
      case 'binary':
        return this.binary(node.op, node.left, node.right, input);
      case 'negate':
        this.keepWhole(this.evaluate(node.operand, input));
        return DERIVED;
      case 'array':
        if (node.body) this.keepWhole(this.evaluate(node.body, input));
        return DERIVED;
      case 'object':
        for (const entry of node.entries) {
          this.keepWhole(this.evaluate(entry.key, input));
          this.keepWhole(this.evaluate(entry.value, input));
        }
        return DERIVED;
      case 'if':
        this.evaluate(node.cond, input);
        return union(this.evaluate(node.then, input), this.evaluate(node.else, input));
      case 'try':
        // Also `x?`. The handler's input is the error message, never a part of the item.
        return union(this.evaluate(node.body, input), node.handler ? this.evaluate(node.handler, DERIVED) : NOTHING);
      case 'call':
        return this.call(node.name, node.args, input);
    }
  }

  private binary(op: BinaryOp, left: JqNode, right: JqNode, input: Flow): Flow {
    switch (op) {
      case '|':
        return this.evaluate(right, this.evaluate(left, input));
      case ',':
      case '//':
        return union(this.evaluate(left, input), this.evaluate(right, input));
      case 'and':
      case 'or':
        this.evaluate(left, input);
        this.evaluate(right, input);
        return DERIVED;
      case '=':
      case '|=':
      case '+=':
      case '-=':
      case '*=':
      case '/=':
      case '%=':
      case '//=':
        // An assignment outputs the item with a path changed: not followed.
        throw new Unsupported();
      default:
        this.keepWhole(this.evaluate(left, input));
        this.keepWhole(this.evaluate(right, input));
        return DERIVED;
    }
  }

  private call(name: string, args: JqNode[], input: Flow): Flow {
    if (name === 'select' && args.length === 1) {
      this.evaluate(args[0] as JqNode, input);
      return input;
    }
    if (name === 'map' && args.length === 1) {
      this.keepWhole(this.evaluate(args[0] as JqNode, this.step(input, ANY)));
      return DERIVED;
    }
    if ((name === 'first' || name === 'last') && args.length === 1) return this.evaluate(args[0] as JqNode, input);
    if (name === 'limit' && args.length === 2) {
      this.keepWhole(this.evaluate(args[0] as JqNode, input));
      return this.evaluate(args[1] as JqNode, input);
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

/** The key a literal index names: a string's text, or (a number, `true`…) some element: every one. */
function staticKey(key: JqNode): string | undefined {
  if (key.k === 'number' || key.k === 'literal') return ANY;
  return plainText(key);
}
