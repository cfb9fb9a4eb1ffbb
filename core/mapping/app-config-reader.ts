import { PORT_APP_CONFIG_DEFAULTS, type EntityMappingConfig, type PortAppConfig, type ResourceConfig, type SearchQueryConfig, type SearchRuleConfig } from './app-config';
import { MappingConfigError, type ConfigProblem, type SourceRef } from './config-problems';
import { describeJsonValue, formatPath } from './jq-expression';
import type { Locate } from './yaml-source';

/**
 * Validates a port-app-config value (parsed YAML or Port's JSON) into the typed model.
 *
 * Written by hand rather than as a zod schema because the format mixes unions zod reports poorly
 * (a jq string or a search-query object; one mapping or a list) and because every problem must
 * carry its own path and line, all collected in one pass, while unknown keys are warnings.
 */

type Path = (string | number)[];
type Json = Record<string, unknown>;

const TOP_LEVEL_KEYS = ['deleteDependentEntities', 'createMissingRelatedEntities', 'enableMergeEntity', 'entityDeletionThreshold', 'resources'];
/** Keys Ocean's Azure DevOps integration adds for its deprecated GitOps mode (ocean-azure-devops.md). */
const OCEAN_ONLY_TOP_LEVEL_KEYS = ['specPath', 'useDefaultBranch', 'branch'];
const RESOURCE_KEYS = ['kind', 'selector', 'port'];
const PORT_KEYS = ['itemsToParse', 'itemsToParseName', 'itemsToParseTopLevelTransform', 'entity'];
const ENTITY_KEYS = ['mappings'];
const MAPPING_KEYS = ['identifier', 'title', 'blueprint', 'icon', 'team', 'properties', 'relations'];

export function readPortAppConfig(value: unknown, locate: Locate, what: string): PortAppConfig {
  const reader = new Reader(locate);
  const config = reader.top(value);
  if (reader.problems.length > 0) throw new MappingConfigError(reader.problems, what, reader.warnings);
  return { ...config, warnings: reader.warnings };
}

class Reader {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: { message: string; source: SourceRef }[] = [];

  constructor(private readonly locate: Locate) {}

  top(value: unknown): Omit<PortAppConfig, 'warnings'> {
    const d = PORT_APP_CONFIG_DEFAULTS;
    const fallback = {
      deleteDependentEntities: d.deleteDependentEntities,
      createMissingRelatedEntities: d.createMissingRelatedEntities,
      enableMergeEntity: d.enableMergeEntity,
      entityDeletionThreshold: d.entityDeletionThreshold,
      resources: [],
    };
    if (value === null || value === undefined) {
      this.error([], 'is empty; expected a mapping with a `resources` list');
      return fallback;
    }
    if (!isObject(value)) {
      this.error([], `must be a mapping with a \`resources\` list, not ${describeJsonValue(value)}`);
      return fallback;
    }
    for (const key of Object.keys(value)) {
      if (TOP_LEVEL_KEYS.includes(key)) continue;
      this.warn([key], OCEAN_ONLY_TOP_LEVEL_KEYS.includes(key) ? 'is used only by Ocean\'s GitOps mode and is ignored' : 'is not a port-app-config key and is ignored');
    }
    // Problems are reported in file order, and the flags usually come before the resources.
    const flags = {
      deleteDependentEntities: this.boolean(value, [], 'deleteDependentEntities', d.deleteDependentEntities),
      createMissingRelatedEntities: this.boolean(value, [], 'createMissingRelatedEntities', d.createMissingRelatedEntities),
      enableMergeEntity: this.boolean(value, [], 'enableMergeEntity', d.enableMergeEntity),
      entityDeletionThreshold: this.threshold(value),
    };
    const resourcesValue = value['resources'];
    let resources: ResourceConfig[] = [];
    if (resourcesValue === undefined || resourcesValue === null) {
      this.warn([], 'has no `resources`: nothing will be synced');
    } else if (!Array.isArray(resourcesValue)) {
      this.error(['resources'], `must be a list of resources, not ${describeJsonValue(resourcesValue)}`);
    } else {
      resources = resourcesValue.flatMap((item, index) => {
        const resource = this.resource(item, index);
        return resource ? [resource] : [];
      });
    }
    return { ...flags, resources };
  }

  private resource(value: unknown, index: number): ResourceConfig | undefined {
    const path: Path = ['resources', index];
    if (!isObject(value)) {
      this.error(path, `must be a resource ({kind, selector, port}), not ${describeJsonValue(value)}`);
      return undefined;
    }
    this.warnUnknown(value, path, RESOURCE_KEYS);
    const kind = value['kind'];
    if (kind === undefined || kind === null) this.error([...path, 'kind'], 'is required (the Azure DevOps kind to sync, e.g. repository)');
    else if (typeof kind !== 'string' || kind.trim() === '') this.error([...path, 'kind'], `must be a kind name, not ${describeJsonValue(kind)}`);

    const selector = this.selector(value['selector'], [...path, 'selector']);
    const port = this.port(value['port'], [...path, 'port']);
    if (typeof kind !== 'string' || !port) return undefined;
    const locate = this.locate;
    return {
      index,
      kind,
      selector,
      port,
      source: locate(path),
      lineOf: (inner) => locate([...path, ...inner]),
    };
  }

  private selector(value: unknown, path: Path): ResourceConfig['selector'] {
    if (value === undefined || value === null) return { query: PORT_APP_CONFIG_DEFAULTS.selectorQuery };
    if (!isObject(value)) {
      this.error(path, `must be a mapping with a \`query\` (jq returning true or false), not ${describeJsonValue(value)}`);
      return { query: PORT_APP_CONFIG_DEFAULTS.selectorQuery };
    }
    const query = value['query'] === undefined ? PORT_APP_CONFIG_DEFAULTS.selectorQuery : this.jq(value['query'], [...path, 'query']);
    return { ...structuredClone(value), query: query ?? PORT_APP_CONFIG_DEFAULTS.selectorQuery };
  }

  private port(value: unknown, path: Path): ResourceConfig['port'] | undefined {
    if (value === undefined || value === null) {
      this.error(path, 'is required (port.entity.mappings says how each item becomes an entity)');
      return undefined;
    }
    if (!isObject(value)) {
      this.error(path, `must be a mapping with \`entity.mappings\`, not ${describeJsonValue(value)}`);
      return undefined;
    }
    this.warnUnknown(value, path, PORT_KEYS);
    const itemsToParse = value['itemsToParse'] === undefined || value['itemsToParse'] === null ? undefined : this.jq(value['itemsToParse'], [...path, 'itemsToParse']);
    let itemsToParseName: string = PORT_APP_CONFIG_DEFAULTS.itemsToParseName;
    const name = value['itemsToParseName'];
    if (name !== undefined && name !== null) {
      if (typeof name === 'string' && name.trim() !== '') itemsToParseName = name;
      else this.error([...path, 'itemsToParseName'], `must be a key name such as item, not ${describeJsonValue(name)}`);
    }
    const itemsToParseTopLevelTransform = this.boolean(value, path, 'itemsToParseTopLevelTransform', PORT_APP_CONFIG_DEFAULTS.itemsToParseTopLevelTransform);

    const entity = value['entity'];
    if (entity === undefined || entity === null) {
      this.error([...path, 'entity'], 'is required: port.entity.mappings says how each item becomes an entity');
      return undefined;
    }
    if (!isObject(entity)) {
      this.error([...path, 'entity'], `must be a mapping with \`mappings\`, not ${describeJsonValue(entity)}`);
      return undefined;
    }
    this.warnUnknown(entity, [...path, 'entity'], ENTITY_KEYS);
    const mappingsPath = [...path, 'entity', 'mappings'];
    const mappingsValue = entity['mappings'];
    let mappings: EntityMappingConfig[] = [];
    let mappingsForm: 'object' | 'list' = 'object';
    if (mappingsValue === undefined || mappingsValue === null) {
      this.error(mappingsPath, 'is required: one mapping {identifier, blueprint, …} or a list of them');
    } else if (Array.isArray(mappingsValue)) {
      mappingsForm = 'list';
      if (mappingsValue.length === 0) this.error(mappingsPath, 'is an empty list; give at least one mapping');
      mappings = mappingsValue.flatMap((item, i) => {
        const mapping = this.mapping(item, [...mappingsPath, i]);
        return mapping ? [mapping] : [];
      });
    } else {
      const mapping = this.mapping(mappingsValue, mappingsPath);
      if (mapping) mappings = [mapping];
    }
    return {
      ...(itemsToParse !== undefined ? { itemsToParse } : {}),
      itemsToParseName,
      itemsToParseTopLevelTransform,
      entity: { mappings, mappingsForm },
    };
  }

  private mapping(value: unknown, path: Path): EntityMappingConfig | undefined {
    if (!isObject(value)) {
      this.error(path, `must be a mapping with identifier, blueprint, properties…, not ${describeJsonValue(value)}`);
      return undefined;
    }
    this.warnUnknown(value, path, MAPPING_KEYS);
    const identifier = this.required(value, path, 'identifier', () => this.jqOrSearch(value['identifier'], [...path, 'identifier']));
    const blueprint = this.required(value, path, 'blueprint', () => this.jq(value['blueprint'], [...path, 'blueprint']));
    const mapping: EntityMappingConfig = { identifier: identifier ?? '', blueprint: blueprint ?? '' };
    const title = this.optional(value['title'], () => this.jq(value['title'], [...path, 'title']));
    if (title !== undefined) mapping.title = title;
    const icon = this.optional(value['icon'], () => this.jq(value['icon'], [...path, 'icon']));
    if (icon !== undefined) mapping.icon = icon;
    const team = this.optional(value['team'], () => this.jqOrSearch(value['team'], [...path, 'team']));
    if (team !== undefined) mapping.team = team;
    const properties = this.fieldMap(value['properties'], [...path, 'properties'], (v, p) => this.jq(v, p));
    if (properties !== undefined) mapping.properties = properties;
    const relations = this.fieldMap(value['relations'], [...path, 'relations'], (v, p) => this.jqOrSearch(v, p));
    if (relations !== undefined) mapping.relations = relations;
    return identifier === undefined || blueprint === undefined ? undefined : mapping;
  }

  private fieldMap<T>(value: unknown, path: Path, read: (value: unknown, path: Path) => T | undefined): Record<string, T> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
      this.error(path, `must be a mapping of id → jq expression, not ${describeJsonValue(value)}`);
      return undefined;
    }
    // Object.fromEntries defines own keys, so an id such as `__proto__` stays data.
    const entries: [string, T][] = [];
    for (const [key, inner] of Object.entries(value)) {
      const read_ = read(inner, [...path, key]);
      if (read_ !== undefined) entries.push([key, read_]);
    }
    return Object.fromEntries(entries);
  }

  private required<T>(value: Json, path: Path, key: string, read: () => T | undefined): T | undefined {
    if (value[key] === undefined || value[key] === null) {
      const hint = key === 'blueprint' ? ` (a jq expression; for a fixed blueprint write '"myBlueprint"')` : ' (a jq expression such as .id | tostring)';
      this.error([...path, key], `is required${hint}`);
      return undefined;
    }
    return read();
  }

  private optional<T>(value: unknown, read: () => T | undefined): T | undefined {
    return value === undefined || value === null ? undefined : read();
  }

  /**
   * A jq expression. A YAML number or boolean (`query: true`) is taken as the jq literal of the
   * same value, which is what its author meant.
   */
  private jq(value: unknown, path: Path): string | undefined {
    if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
    if (typeof value !== 'string') {
      this.error(path, `must be a jq expression (a string), not ${describeJsonValue(value)}`);
      return undefined;
    }
    if (value.trim() === '') {
      this.error(path, "is an empty jq expression; write '.' for the item itself or 'null' for no value");
      return undefined;
    }
    return value;
  }

  private jqOrSearch(value: unknown, path: Path): string | SearchQueryConfig | undefined {
    if (isObject(value)) return this.searchQuery(value, path);
    if (value === null || value === undefined || Array.isArray(value)) {
      this.error(path, `must be a jq expression or a search query {combinator, rules}, not ${describeJsonValue(value)}`);
      return undefined;
    }
    return this.jq(value, path);
  }

  private searchQuery(value: Json, path: Path): SearchQueryConfig | undefined {
    this.warnUnknown(value, path, ['combinator', 'rules']);
    const combinator = value['combinator'] === undefined || value['combinator'] === null
      ? this.error([...path, 'combinator'], `is required in a search query (a jq expression, usually '"and"' or '"or"')`)
      : this.jq(value['combinator'], [...path, 'combinator']);
    const rulesValue = value['rules'];
    if (!Array.isArray(rulesValue) || rulesValue.length === 0) {
      this.error([...path, 'rules'], rulesValue === undefined ? 'is required in a search query (a list of rules)' : `must be a non-empty list of rules, not ${describeJsonValue(rulesValue)}`);
      return undefined;
    }
    const rules: SearchRuleConfig[] = [];
    rulesValue.forEach((rule, i) => {
      const read = this.searchRule(rule, [...path, 'rules', i]);
      if (read) rules.push(read);
    });
    if (combinator === undefined || rules.length !== rulesValue.length) return undefined;
    return { combinator, rules };
  }

  private searchRule(value: unknown, path: Path): SearchRuleConfig | undefined {
    if (!isObject(value)) {
      this.error(path, `must be a rule {property, operator, value} or a nested query, not ${describeJsonValue(value)}`);
      return undefined;
    }
    if ('rules' in value || 'combinator' in value) return this.searchQuery(value, path);
    if (value['operator'] === undefined || value['operator'] === null) {
      this.error([...path, 'operator'], `is required in a search rule (a jq expression such as '"="')`);
      return undefined;
    }
    const entries: [string, string][] = [];
    let ok = true;
    for (const [key, inner] of Object.entries(value)) {
      const read = this.jq(inner, [...path, key]);
      if (read === undefined) ok = false;
      else entries.push([key, read]);
    }
    return ok ? Object.fromEntries(entries) : undefined;
  }

  private boolean(value: Json, path: Path, key: string, fallback: boolean): boolean {
    const raw = value[key];
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw === 'boolean') return raw;
    this.error([...path, key], `must be true or false, not ${describeJsonValue(raw)}`);
    return fallback;
  }

  private threshold(value: Json): number {
    const raw = value['entityDeletionThreshold'];
    if (raw === undefined || raw === null) return PORT_APP_CONFIG_DEFAULTS.entityDeletionThreshold;
    if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0 && raw <= 1) return raw;
    this.error(['entityDeletionThreshold'], `must be a number from 0 to 1 (the largest share of entities a run may delete), not ${describeJsonValue(raw)}`);
    return PORT_APP_CONFIG_DEFAULTS.entityDeletionThreshold;
  }

  private warnUnknown(value: Json, path: Path, known: string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.warn([...path, key], `is not a known key here (expected ${known.join(', ')}) and is ignored`);
    }
  }

  private error(path: Path, message: string): undefined {
    this.problems.push({ message, source: this.locate(path), path: formatPath(path) });
    return undefined;
  }

  private warn(path: Path, message: string): void {
    const where = formatPath(path);
    this.warnings.push({ message: where === '' ? `The mapping ${message}` : `${where} ${message}`, source: this.locate(path) });
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
