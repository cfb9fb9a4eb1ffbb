/**
 * Raw data examples (port-api-and-ocean-core.md §2.6) sized for Port: the first items of a kind
 * can be large (the file kind carries files up to 1 MiB, a work item a long description), and
 * Port refuses a body over 1 MiB with 413, so five whole items may never arrive. Examples are for
 * trying jq in Port's mapping editor: the shape matters, not a whole file's text.
 */

/** Strings longer than this (in UTF-16 code units, as jq's `length` counts them) are cut. */
export const EXAMPLE_STRING_MAX = 4096;

/** The examples request's body stays under this many bytes (Port's limit is 1 MiB). */
export const EXAMPLES_BODY_MAX_BYTES = 900 * 1024;

/** A copy of `value` whose strings longer than `max` are cut there, ending with a note of how much was cut. */
export function trimExample(value: unknown, max = EXAMPLE_STRING_MAX): unknown {
  if (typeof value === 'string') return value.length > max ? truncated(value, max) : value;
  if (Array.isArray(value)) return value.map((item) => trimExample(item, max));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = trimExample(item, max);
    return out;
  }
  return value;
}

function truncated(text: string, max: number): string {
  // Never cut a surrogate pair in two: half a character is not valid UTF-16 text.
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, cut)}… [truncated: ${text.length - cut} more characters]`;
}

/**
 * The examples that fit in one request of at most `maxBytes`, in order: the last ones are dropped
 * until the body `{"examples": […]}` fits. `dropped` says how many were left out.
 */
export function fitExamples(examples: readonly unknown[], maxBytes = EXAMPLES_BODY_MAX_BYTES): { examples: unknown[]; dropped: number; bytes: number } {
  const sizes = examples.map((example) => Buffer.byteLength(JSON.stringify(example) ?? 'null'));
  // {"examples":[a,b,c]}: 15 bytes around the items, one comma between two.
  let bytes = 15 + sizes.reduce((sum, size) => sum + size, 0) + Math.max(0, examples.length - 1);
  let count = examples.length;
  while (count > 0 && bytes > maxBytes) {
    count--;
    bytes -= (sizes[count] as number) + (count > 0 ? 1 : 0);
  }
  return { examples: examples.slice(0, count), dropped: examples.length - count, bytes };
}
