/**
 * `port.itemsToParse`: one raw item becomes one item per element of an array inside it
 * (port-api-and-ocean-core.md §3.3). Each element is merged into its parent under
 * `itemsToParseName`; with `itemsToParseTopLevelTransform` (the default) the array is first deleted
 * from the parent, so a 10,000-element array is not copied 10,000 times.
 */

/**
 * The path to delete, guessed from the expression the way Ocean does: the first pipe segment
 * (inside a leading parenthesis, if any) that starts with a plain path such as `.a.b`, `.a[0]` or
 * `.["x"]`, skipping `. as $x`, `.` and `$var` segments. Undefined when there is none, in which
 * case nothing is deleted. Matching Ocean keeps mappings written for Ocean reading the same data.
 */
export function deletionPathOf(expression: string): string | undefined {
  let chain = expression.trim();
  if (chain.startsWith('(')) {
    const close = chain.indexOf(')');
    if (close < 0) return undefined;
    chain = chain.slice(1, close).trim();
  }
  for (const raw of chain.split('|')) {
    const segment = raw.trim();
    if (/^\.\s+as\s+\$\w+/.test(segment) || segment === '.' || segment.startsWith('$')) continue;
    const path = /^(?:\.\w+|\.\[[^\]]+\])(?:\.\w+|\[[^\]]+\]|\.\[[^\]]+\])*/.exec(segment);
    if (path) return path[0];
  }
  return undefined;
}

/** `{...parent, [name]: element}` for each element; the parent's other keys are shared, not copied. */
export function mergeElements(parent: unknown, elements: unknown[], name: string): unknown[] {
  const base = typeof parent === 'object' && parent !== null && !Array.isArray(parent) ? (parent as Record<string, unknown>) : {};
  return elements.map((element) => ({ ...base, [name]: element }));
}
