import type { ResourceConfig } from './app-config';
import { projectionOf, type ProjectionNode } from './input-projection';
import { rewriteSingleQuotes } from './jq-expression';
import { planResource } from './mapping-program';

/**
 * Which named fields a resource's mapping reads, for APIs that can answer only the fields asked
 * for (work items: `workitemsbatch` with `fields: [refNames]`, azure-devops-api.md §3).
 *
 * Why: a work item read with `$expand=All` is ~5 KB, mostly identity references no mapping reads,
 * and at large scale work items are nearly all the bytes read from Azure DevOps (docs/performance.md).
 * Asking only for what the mapping reads changes nothing it can see, as long as it reads nothing
 * else: the keys every answer holds (`id`, `rev`, `url`), named fields (each one returned whole),
 * and the keys the engine adds itself (`__project`, `__organizationUrl`…). Anything else (`._links`,
 * `.relations`, `.fields | keys`, `.`, a computed key, an expression the analysis does not cover)
 * and the answer is undefined: the items are read whole, as before.
 */

/** The shape of an item whose API can return named fields only (a kind declares it). */
export type NamedFieldsShape = {
  /** Keys the answer holds, the same whichever fields are asked for (`id`, `rev`, `url`). */
  readonly keys: readonly string[];
  /** The key of the map of fields by name (`fields`). */
  readonly fieldsKey: string;
};

/** Keys the engine adds to raw items (kinds' enrichment, the organization's URL and name) start with this. */
const ENGINE_KEY_PREFIX = '__';

/**
 * The field names the resource's expressions (selector, every mapping, itemsToParse) read of a raw
 * item, in first-read order; undefined when they may read anything beyond `shape`'s keys, named
 * fields and the engine's keys.
 */
export function namedFieldsRead(resource: ResourceConfig, shape: NamedFieldsShape): string[] | undefined {
  const slots = planResource(resource).slots.map((slot) => rewriteSingleQuotes(slot.jq));
  const itemsToParse = resource.port.itemsToParse;
  if (itemsToParse === undefined) return fieldsIn(projectionOf(slots), shape, undefined);
  // With itemsToParse, the slots read `{...raw item, [itemsToParseName]: element}`: what they read
  // under that name is the element, which the itemsToParse expression (over the raw item) outputs
  // and so reads whole.
  const parsed = fieldsIn(projectionOf([rewriteSingleQuotes(itemsToParse)]), shape, undefined);
  const mapped = fieldsIn(projectionOf(slots), shape, resource.port.itemsToParseName);
  if (parsed === undefined || mapped === undefined) return undefined;
  return [...new Set([...parsed, ...mapped])];
}

function fieldsIn(root: ProjectionNode | undefined, shape: NamedFieldsShape, replacedKey: string | undefined): string[] | undefined {
  // No node (an unsupported expression, or `.` read whole) or "every key": anything may be read.
  if (root === undefined || root.whole || root.any) return undefined;
  const names: string[] = [];
  for (const [key, node] of root.children) {
    if (key === replacedKey || key.startsWith(ENGINE_KEY_PREFIX) || shape.keys.includes(key)) continue;
    if (key !== shape.fieldsKey || node.whole || node.any) return undefined;
    names.push(...node.children.keys());
  }
  return names;
}
