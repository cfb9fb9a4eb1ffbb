import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import type { ConfigProblem, SourceRef } from './config-problems';

/** Finds the line of a path (`['resources', 0, 'kind']`) in the source the value was read from. */
export type Locate = (path: readonly (string | number)[]) => SourceRef;

export type YamlSource = {
  value: unknown;
  locate: Locate;
  problems: ConfigProblem[];
  warnings: { message: string; source: SourceRef }[];
};

/** YAML text → plain value plus a locator, with every syntax error and its line. */
export function readYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { keepSourceTokens: true, lineCounter, merge: true, uniqueKeys: true, prettyErrors: true });
  const at = (offset: number): SourceRef => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const locate: Locate = (path) => at(offsetOf(doc, path));
  const fromYamlError = (error: { message: string; pos: [number, number]; linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }] }) => ({
    message: firstLine(error.message),
    source: error.linePos ? { file, line: error.linePos[0].line, column: error.linePos[0].col } : at(error.pos[0]),
  });
  const problems: ConfigProblem[] = doc.errors.map((error) => {
    const opening = error.code === 'MISSING_CHAR' ? unclosedQuoteStart(doc, error.pos[0]) : undefined;
    if (opening === undefined) return { ...fromYamlError(error), path: '' };
    return { message: `${firstLine(error.message)}: the string that starts here is never closed`, source: at(opening), path: '' };
  });
  const warnings = doc.warnings.map(fromYamlError);
  if (problems.length > 0) return { value: undefined, locate, problems, warnings };
  try {
    // The alias limit stops "billion laughs" documents from expanding without bound.
    return { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, locate, problems, warnings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { value: undefined, locate, problems: [{ message, source: { file }, path: '' }], warnings };
  }
}

/** The yaml package appends ` at line L, column C:` and a source excerpt; the excerpt is replaced by our own position. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Offset of the deepest node along `path`. A missing key resolves to its parent map; a numeric
 * segment on a map is skipped, so `mappings[0]` finds a single mapping written as an object.
 */
function offsetOf(doc: Document, path: readonly (string | number)[]): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      if (typeof segment === 'number') continue;
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) break;
      const valueStart = rangeStart(pair.value);
      const valueIsBlank = isScalar(pair.value) && pair.value.range?.[0] === pair.value.range?.[1];
      if (valueStart === undefined || valueIsBlank) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      node = pair.value;
      offset = valueStart;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      const start = rangeStart(item);
      if (start === undefined) break;
      node = item;
      offset = start;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

/**
 * The yaml package reports a missing closing quote where the input ends; the quoted scalar that
 * swallowed the rest of the file starts where the user must look.
 */
function unclosedQuoteStart(doc: Document, errorOffset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const [from, to] = node.range ?? [];
      const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
      if (quoted && from !== undefined && to !== undefined && from <= errorOffset && errorOffset <= to) start = from;
    },
  });
  return start;
}
