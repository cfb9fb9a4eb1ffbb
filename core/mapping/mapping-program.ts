import { mappingFieldPath, type EntityMappingConfig, type ResourceConfig, type SearchQueryConfig, type SearchRuleConfig } from './app-config';
import { ENV_DISABLED_PRELUDE, JQ17_BUILTINS_PRELUDE, rewriteSingleQuotes } from './jq-expression';

/**
 * Turns a resource's mapping into one jq program, evaluated over whole batches of items.
 *
 * Every user expression becomes a numbered slot. For one item the program yields
 * `[selector]` when the item is filtered out, else `[selector, slot1, slot2, …]`, where each
 * value is wrapped so that outputs and errors stay apart:
 *   `[v]` first output v · `[]` no output (read as null) · `{"e": message}` runtime error.
 * The wrapper `try [first(f)]` is what makes one failing field null for that item only, and
 * `first` stops at the first output, like Ocean's lazy `first()` (port-api-and-ocean-core.md §3.4).
 */

export type Slot = {
  /** Path inside the resource, e.g. `['port', 'entity', 'mappings', 'properties', 'url']`. */
  path: (string | number)[];
  /** The expression as the user wrote it. */
  jq: string;
};

/** How a mapped value is rebuilt from slot values. */
export type Template =
  | { type: 'jq'; slot: number }
  | { type: 'object'; entries: [string, Template][] }
  | { type: 'array'; items: Template[] };

export type MappingTemplate = {
  identifier: Template;
  blueprint: Template;
  title?: Template;
  icon?: Template;
  team?: Template;
  properties?: [string, Template][];
  relations?: [string, Template][];
};

export type ResourcePlan = {
  selector: Slot;
  /** Slot 0 is the selector; templates refer to slots 1…n. */
  slots: Slot[];
  mappings: MappingTemplate[];
};

/**
 * `def env` / `$ENV` emptied, then the slot wrapper. A runtime error's value is jq's message
 * (a string) unless the expression raised `error(non-string)`.
 */
export const PROGRAM_PRELUDE = `${JQ17_BUILTINS_PRELUDE}${ENV_DISABLED_PRELUDE}def __slot(f): try [first(f)] catch {e: (if type == "string" then . else tojson end)}; `;

export function planResource(resource: ResourceConfig): ResourcePlan {
  const slots: Slot[] = [{ path: ['selector', 'query'], jq: resource.selector.query }];
  const slot = (path: (string | number)[], jq: string): Template => {
    slots.push({ path, jq });
    return { type: 'jq', slot: slots.length - 1 };
  };
  const mappings = resource.port.entity.mappings.map((mapping, index) => planMapping(mapping, (rest) => mappingFieldPath(resource, index, rest), slot));
  const [selector] = slots as [Slot];
  return { selector, slots, mappings };
}

function planMapping(
  mapping: EntityMappingConfig,
  pathOf: (rest: (string | number)[]) => (string | number)[],
  slot: (path: (string | number)[], jq: string) => Template,
): MappingTemplate {
  const value = (key: string, v: string | SearchQueryConfig): Template => (typeof v === 'string' ? slot(pathOf([key]), v) : searchTemplate(v, pathOf([key]), slot));
  const template: MappingTemplate = { identifier: value('identifier', mapping.identifier), blueprint: value('blueprint', mapping.blueprint) };
  if (mapping.title !== undefined) template.title = value('title', mapping.title);
  if (mapping.icon !== undefined) template.icon = value('icon', mapping.icon);
  if (mapping.team !== undefined) template.team = value('team', mapping.team);
  if (mapping.properties !== undefined) {
    template.properties = Object.entries(mapping.properties).map(([id, jq]) => [id, slot(pathOf(['properties', id]), jq)]);
  }
  if (mapping.relations !== undefined) {
    template.relations = Object.entries(mapping.relations).map(([id, v]) => [
      id,
      typeof v === 'string' ? slot(pathOf(['relations', id]), v) : searchTemplate(v, pathOf(['relations', id]), slot),
    ]);
  }
  return template;
}

/** Every leaf of a search query is a jq expression; the structure around them is kept. */
function searchTemplate(query: SearchQueryConfig | SearchRuleConfig, path: (string | number)[], slot: (path: (string | number)[], jq: string) => Template): Template {
  const entries: [string, Template][] = Object.entries(query).map(([key, inner]) => {
    if (typeof inner === 'string') return [key, slot([...path, key], inner)];
    return [key, { type: 'array', items: inner.map((rule, i) => searchTemplate(rule, [...path, key, i], slot)) }];
  });
  return { type: 'object', entries };
}

/** The per-item program body (without prelude): selector first, the mapping only for selected items. */
export function mappingBody(slots: readonly Slot[]): string {
  const [selector, ...fields] = slots.map((s) => embed(s.jq));
  const selected = ['$__selected', ...fields].join(', ');
  return `${selector ?? '__slot(true)'} as $__selected | if $__selected == [true] then [${selected}] else [$__selected] end`;
}

/** Some slots' wrapped values as one list, for slots evaluated without the selector (slot-evaluator.ts). */
export function slotsBody(slots: readonly Slot[]): string {
  return `[${slots.map((s) => embed(s.jq)).join(', ')}]`;
}

/**
 * itemsToParse: the array (wrapped like a slot) and, for the top-level transform, the parent
 * without it; if the deletion itself fails the parent is kept whole.
 */
export function itemsToParseBody(expression: string, deletionPath: string | undefined): string {
  const parent = deletionPath === undefined ? '' : `, p: (. as $__parent | try del(${deletionPath}) catch $__parent)`;
  return `{a: ${embed(expression)}${parent}}`;
}

/**
 * The newlines keep a trailing `# comment` in the user's text from swallowing the closing
 * parenthesis.
 */
function embed(jq: string): string {
  // A blank line before the `)`: in jq 1.8 a comment ending in `\` carries on to the next line.
  return `__slot(\n${rewriteSingleQuotes(jq)}\n\n)`;
}
