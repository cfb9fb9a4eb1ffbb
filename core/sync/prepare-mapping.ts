import { readFile } from 'node:fs/promises';
import { parseOrganizationUrl } from '../azure-devops/organization';
import { defaultPortAppConfig } from '../kinds/defaults';
import type { KindDefinition } from '../kinds/kind';
import { findKind, kindNames } from '../kinds/registry';
import { mappingFieldPath, MappingConfigError, parsePortAppConfigYaml, portAppConfigFromObject, resourcePathText, type ConfigProblem, type PortAppConfig, type ResourceConfig } from '../mapping/app-config';
import { checkedExpressions, compileResource, type ResourceMapper } from '../mapping/entity-mapper';
import { fileReferencesOf, withIncludedFiles } from '../mapping/file-references';
import { namedFieldsRead } from '../mapping/field-reads';
import type { JqEngine } from '../mapping/jq-engine';
import type { PortIntegration } from '../port/integration';
import type { EngineConfig } from './engine-config';

export type PreparedResource = {
  resource: ResourceConfig;
  kind: KindDefinition;
  selector: unknown;
  mapper: ResourceMapper;
  /** The only fields of each raw item the mapping reads, for kinds that declare `namedFields`; undefined: any. */
  fieldsRead: string[] | undefined;
};

export type PreparedMapping = {
  config: PortAppConfig;
  /** Where the mapping came from, for the summary. */
  origin: string;
  resources: PreparedResource[];
  /** Resources left out by the kinds filter. */
  filteredOut: number;
  warnings: { message: string; file?: string; line?: number }[];
  /** The compile checks done so far, by expression: later compiles of this mapping reuse them. */
  compileCache: Map<string, string | undefined>;
};

/**
 * Reads the mapping (a file, inline YAML, the integration's config in Port, or the built-in
 * default), then checks everything about it that can be checked without Azure DevOps: known kinds,
 * kind-specific selector keys, jq that compiles. All problems are reported at once, before any write.
 */
export async function prepareMapping(config: EngineConfig, integration: PortIntegration | undefined, engine: JqEngine): Promise<PreparedMapping> {
  const { mapping, origin } = await readMapping(config, integration);
  const problems: ConfigProblem[] = [];
  const warnings: PreparedMapping['warnings'] = mapping.warnings.map((w) => ({ message: w.message, file: w.source.file, ...(w.source.line ? { line: w.source.line } : {}) }));
  const wantedKinds = config.filters.kinds?.length ? new Set(config.filters.kinds) : undefined;
  const resources: PreparedResource[] = [];
  const compileCache = vettedExpressions();
  let filteredOut = 0;

  for (const written of mapping.resources) {
    const kind = findKind(written.kind);
    if (!kind) {
      problems.push({ message: `unknown kind '${written.kind}'. Known kinds: ${kindNames().join(', ')}`, source: written.lineOf(['kind']), path: `resources[${written.index}].kind` });
      continue;
    }
    if (wantedKinds && !wantedKinds.has(written.kind)) {
      filteredOut++;
      continue;
    }
    const references = fileReferencesOf(written);
    const readsFiles = 'includedFiles' in kind.selector.shape;
    for (const reference of references) {
      const path = mappingFieldPath(written, reference.mappingIndex, ['properties', reference.property]);
      const at = written.lineOf(path);
      const where = resourcePathText(written, path);
      if (readsFiles) {
        warnings.push({ message: `${where}: \`file://${reference.path}\` is Ocean's deprecated form; it is read as .__includedFiles[${JSON.stringify(reference.path)}], with ${reference.path} added to the selector's includedFiles. Write it that way to silence this warning.`, file: at.file, ...(at.line ? { line: at.line } : {}) });
      } else {
        problems.push({ message: `\`file://${reference.path}\` reads a file of a repository, which only the repository, file and folder kinds have (includedFiles)`, source: at, path: where });
      }
    }
    if (references.length > 0 && !readsFiles) continue;
    const resource = withIncludedFiles(written, references);
    const { query: _query, ...keys } = resource.selector;
    const parsed = kind.selector.safeParse(keys);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = ['selector', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
        problems.push({ message: `selector.${issue.path.join('.')}: ${issue.message}`, source: resource.lineOf(path), path: `resources[${resource.index}].${path.join('.')}` });
      }
      continue;
    }
    const known = new Set(Object.keys(kind.selector.shape));
    for (const key of Object.keys(keys)) {
      if (!known.has(key)) {
        const at = resource.lineOf(['selector', key]);
        warnings.push({ message: `resources[${resource.index}] (${resource.kind}): selector key '${key}' is not used by this kind and is ignored`, file: at.file, ...(at.line ? { line: at.line } : {}) });
      }
    }
    try {
      const mapper = compileResource(resource, engine, { compileCache });
      const fieldsRead = kind.namedFields ? namedFieldsRead(resource, kind.namedFields) : undefined;
      resources.push({ resource, kind, selector: parsed.data, mapper, fieldsRead });
    } catch (error) {
      if (error instanceof MappingConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new MappingConfigError(problems, undefined, warnings.map((w) => ({ message: w.message, source: { file: w.file ?? '', ...(w.line ? { line: w.line } : {}) } })));
  return { config: mapping, origin, resources, filteredOut, warnings, compileCache };
}

async function readMapping(config: EngineConfig, integration: PortIntegration | undefined): Promise<{ mapping: PortAppConfig; origin: string }> {
  switch (config.mapping.source) {
    case 'file': {
      let text: string;
      try {
        text = await readFile(config.mapping.path, 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
        throw new MappingConfigError([{ message: `cannot read the mapping file: ${reason}`, source: { file: config.mapping.path }, path: '' }]);
      }
      return { mapping: parsePortAppConfigYaml(text, config.mapping.path), origin: `file ${config.mapping.path}` };
    }
    case 'inline': {
      const { yaml, origin } = config.mapping;
      if (origin === undefined) return { mapping: parsePortAppConfigYaml(yaml, 'inline mapping'), origin: 'inline mapping' };
      return { mapping: parsePortAppConfigYaml(yaml, origin, `The mapping in ${origin}`), origin: `inline mapping in ${origin}` };
    }
    case 'port': {
      const stored = integration?.config;
      if (stored && typeof stored === 'object' && Object.keys(stored).length > 0) {
        return { mapping: portAppConfigFromObject(stored, `the mapping of integration '${config.integration.identifier}' in Port`), origin: `integration '${config.integration.identifier}' in Port` };
      }
      const { deployment } = parseOrganizationUrl(config.azureDevOps.organizationUrl);
      return { mapping: portAppConfigFromObject(defaultPortAppConfig(deployment), 'the built-in default mapping'), origin: 'built-in default mapping' };
    }
  }
}

// The default mapping is the same for the whole process (the receiver prepares it again on every
// mapping reload): its expressions are listed once. Each run gets its own map, which it extends.
let defaultExpressions: readonly string[] | undefined;

/**
 * Compile checks shared by a run's resources, with the default mapping's expressions already
 * answered: the bundled jq compiles each of them (`test/unit/default-mapping.test.ts` checks them
 * one by one), and each check is a jq-wasm call of about 2 ms (0.7 s over the default mapping).
 * The user's own expressions and the assembled programs are always checked.
 */
export function vettedExpressions(): Map<string, string | undefined> {
  defaultExpressions ??= portAppConfigFromObject(defaultPortAppConfig(), 'default').resources.flatMap(checkedExpressions);
  return new Map(defaultExpressions.map((expression) => [expression, undefined]));
}
