/**
 * The text of a mapping written inline in the config file, for the mapping reader. Where it can,
 * the text is the config file itself with everything but the mapping blanked out (newlines kept):
 * the reader's lines and columns are then the config file's, so its errors point into that file.
 */
import { isMap, isScalar, isSeq, stringify, visit, type Document, type Node } from 'yaml';

/** `exact`: lines and columns in `yaml` are those of the config file. */
export type InlineMappingText = { ok: true; yaml: string; exact: boolean } | { ok: false; message: string };

/** The mapping from a map or list node, or from a string scalar holding its YAML. */
export function inlineMappingText(source: string, doc: Document, node: Node): InlineMappingText {
  if (isMap(node) || isSeq(node)) {
    const [start, end] = node.range ?? [0, 0];
    // An alias to an anchor outside the mapping would dangle once the rest is blanked.
    if (selfContained(doc, node, start, end)) return { ok: true, yaml: keepOnly(source, start, end), exact: true };
    try {
      return { ok: true, yaml: stringify(node.toJS(doc, { maxAliasCount: 1000 })), exact: false };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
  if (!isScalar(node) || typeof node.value !== 'string') return { ok: false, message: 'inline must hold the mapping (resources: …) or a YAML string' };
  const value = node.value;
  const [start, end] = node.range ?? [0, 0];
  let from = start;
  let to = end;
  if (node.type === 'BLOCK_LITERAL') {
    // The value is the lines after the `|` header, less their indentation.
    const header = source.indexOf('\n', start);
    from = header === -1 ? end : header + 1;
  } else if (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') {
    from = start + 1;
    to = end - 1;
  } else if (node.type !== 'PLAIN') {
    return { ok: true, yaml: value, exact: false }; // folded: its lines are joined
  }
  // Escapes, folded lines and the like make the value differ from its source: no blanking then.
  // `---`, `...` and `%` at the start of a line mean something only at column 0, where the value has them.
  const columnZeroOnly = /^(?:---|\.\.\.)(?:\s|$)|^%/m.test(value);
  if (columnZeroOnly || !sameLines(source.slice(from, to), value)) return { ok: true, yaml: value, exact: false };
  return { ok: true, yaml: keepOnly(source, from, to), exact: true };
}

/** Every character outside [from, to) becomes a space, line breaks excepted, so offsets are unchanged. */
function keepOnly(source: string, from: number, to: number): string {
  return source.slice(0, from).replace(/[^\r\n]/g, ' ') + source.slice(from, to) + source.slice(to).replace(/[^\r\n]/g, ' ');
}

/** Whether `value` is `content` with one indentation removed from every line (trailing space aside). */
function sameLines(content: string, value: string): boolean {
  const lines = content.split(/\r?\n/);
  const values = value.split('\n');
  const first = values.findIndex((line) => line.trim() !== '');
  const line = lines[first];
  const valueLine = values[first];
  if (line === undefined || valueLine === undefined) return false;
  const indent = leadingSpaces(line) - leadingSpaces(valueLine);
  if (indent < 0) return false;
  const dedented = lines.map((l) => l.slice(Math.min(indent, leadingSpaces(l))));
  return dedented.join('\n').trimEnd() === value.trimEnd();
}

function leadingSpaces(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

function selfContained(doc: Document, node: Node, start: number, end: number): boolean {
  let contained = true;
  visit(node, {
    Alias(_key, alias) {
      const target = alias.resolve(doc);
      const [from, to] = target?.range ?? [-1, -1];
      if (from < start || to > end) contained = false;
    },
  });
  return contained;
}
