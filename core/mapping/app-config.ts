import { readPortAppConfig } from './app-config-reader';
import { MappingConfigError, type SourceRef } from './config-problems';
import { formatPath } from './jq-expression';
import { readYamlSource } from './yaml-source';

/**
 * The port-app-config: Port's mapping format for an integration (port-api-and-ocean-core.md §3),
 * read from a local YAML file, inline YAML, or the config stored on the integration in Port.
 */

export { MappingConfigError, formatSource, type ConfigProblem, type SourceRef } from './config-problems';

/** A jq expression, as the user wrote it (Port's single-quote rewrite is applied when compiling). */
export type JqExpression = string;

/**
 * A Port search query whose leaves are jq expressions, evaluated per item into the literal query
 * sent to Port, which resolves it to an entity (identifier), team or related entities.
 */
export type SearchQueryConfig = { combinator: JqExpression; rules: SearchRuleConfig[] };
/** `{property, operator, value}` (or any other rule Port accepts, e.g. `relatedTo`), or a nested query. */
export type SearchRuleConfig = SearchQueryConfig | { [key: string]: JqExpression };

export type EntityMappingConfig = {
  identifier: JqExpression | SearchQueryConfig;
  blueprint: JqExpression;
  title?: JqExpression;
  icon?: JqExpression;
  team?: JqExpression | SearchQueryConfig;
  properties?: Record<string, JqExpression>;
  relations?: Record<string, JqExpression | SearchQueryConfig>;
};

export type ResourceConfig = {
  /** Position in `resources[]`. */
  index: number;
  kind: string;
  /** `query` plus the kind-specific keys, which the kind validates. */
  selector: { query: JqExpression; [key: string]: unknown };
  port: {
    itemsToParse?: JqExpression;
    itemsToParseName: string;
    itemsToParseTopLevelTransform: boolean;
    entity: {
      mappings: EntityMappingConfig[];
      /** How the mappings were written; one object is written back as an object, which Ocean also reads. */
      mappingsForm?: 'object' | 'list';
    };
  };
  source: SourceRef;
  /** Line of a path inside this resource, e.g. `['selector', 'wiql']`. */
  lineOf: (path: (string | number)[]) => SourceRef;
};

export type PortAppConfig = {
  deleteDependentEntities: boolean;
  createMissingRelatedEntities: boolean;
  enableMergeEntity: boolean;
  /** Largest share (0..1) of this integration's entities a run may delete. */
  entityDeletionThreshold: number;
  resources: ResourceConfig[];
  warnings: { message: string; source: SourceRef }[];
};

export const PORT_APP_CONFIG_DEFAULTS = {
  deleteDependentEntities: true,
  createMissingRelatedEntities: true,
  enableMergeEntity: true,
  entityDeletionThreshold: 0.9,
  itemsToParseName: 'item',
  itemsToParseTopLevelTransform: true,
  selectorQuery: 'true',
} as const;

/**
 * Parses a port-app-config file or inline YAML (`file` is then e.g. `inline mapping`, or the config
 * file holding it); `what` heads the error message.
 */
export function parsePortAppConfigYaml(text: string, file: string, what = `The mapping file ${file}`): PortAppConfig {
  const source = readYamlSource(text, file);
  if (source.problems.length > 0) throw new MappingConfigError(source.problems, what);
  const config = readPortAppConfig(source.value, source.locate, what);
  return { ...config, warnings: [...source.warnings, ...config.warnings] };
}

/** Reads the config stored in Port (JSON); `origin` names it in messages, e.g. `integration 'x' in Port`. */
export function portAppConfigFromObject(value: unknown, origin: string): PortAppConfig {
  return readPortAppConfig(value, () => ({ file: origin }), `The mapping of ${origin}`);
}

/**
 * The config as JSON for Port (`PATCH /v1/integration/{id}/config`). Only the five keys Ocean's
 * `to_request()` writes (§3.1); one mapping stays an object, as Ocean reads nothing else (§3.2).
 */
export function portAppConfigToObject(config: PortAppConfig): Record<string, unknown> {
  return {
    deleteDependentEntities: config.deleteDependentEntities,
    createMissingRelatedEntities: config.createMissingRelatedEntities,
    enableMergeEntity: config.enableMergeEntity,
    entityDeletionThreshold: config.entityDeletionThreshold,
    resources: config.resources.map(resourceToObject),
  };
}

function resourceToObject(resource: ResourceConfig): Record<string, unknown> {
  const port: Record<string, unknown> = {};
  if (resource.port.itemsToParse !== undefined) {
    port['itemsToParse'] = resource.port.itemsToParse;
    port['itemsToParseName'] = resource.port.itemsToParseName;
    port['itemsToParseTopLevelTransform'] = resource.port.itemsToParseTopLevelTransform;
  }
  const mappings = resource.port.entity.mappings.map(mappingToObject);
  const asObject = mappings.length === 1 && resource.port.entity.mappingsForm !== 'list';
  port['entity'] = { mappings: asObject ? mappings[0] : mappings };
  return { kind: resource.kind, selector: structuredClone(resource.selector), port };
}

function mappingToObject(mapping: EntityMappingConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { identifier: structuredClone(mapping.identifier) };
  if (mapping.title !== undefined) out['title'] = mapping.title;
  out['blueprint'] = mapping.blueprint;
  if (mapping.icon !== undefined) out['icon'] = mapping.icon;
  if (mapping.team !== undefined) out['team'] = structuredClone(mapping.team);
  if (mapping.properties !== undefined) out['properties'] = { ...mapping.properties };
  if (mapping.relations !== undefined) out['relations'] = structuredClone(mapping.relations);
  return out;
}

/** The path of a field inside a resource, as shown in messages: `port.entity.mappings[1].properties.url`. */
export function mappingFieldPath(resource: ResourceConfig, mappingIndex: number, rest: (string | number)[]): (string | number)[] {
  const isList = resource.port.entity.mappingsForm === 'list' || resource.port.entity.mappings.length > 1;
  return ['port', 'entity', 'mappings', ...(isList ? [mappingIndex] : []), ...rest];
}

export function resourcePathText(resource: ResourceConfig, path: (string | number)[]): string {
  return formatPath(['resources', resource.index, ...path]);
}
