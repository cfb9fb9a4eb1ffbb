import type { ResourceConfig } from '../mapping/app-config';
import { compileResource, type ResourceMapper } from '../mapping/entity-mapper';
import type { JqEngine } from '../mapping/jq-engine';
import type { PortIntegration } from '../port/integration';
import type { EngineConfig } from '../sync/engine-config';
import { prepareMapping, type PreparedMapping, type PreparedResource } from '../sync/prepare-mapping';

export type LiveResource = PreparedResource & {
  /**
   * The same resource with its selector forced to true and only identifier and blueprint mapped:
   * what an item would be written as if it were selected. An item the selector now rejects, or
   * that is gone, is deleted under these identifiers, as a sync's reconciliation would.
   */
  readonly identities: ResourceMapper;
};

export type LiveMapping = {
  readonly prepared: PreparedMapping;
  readonly resources: readonly LiveResource[];
  /** Field failures already logged (resource index and field), so each is reported once per mapping. */
  readonly reportedFieldErrors: Set<string>;
};

/**
 * Reads and checks the mapping exactly as a sync does (`prepareMapping`: the file, inline YAML,
 * the integration's config in Port, or the built-in default), then compiles the identity mappers.
 */
export async function loadLiveMapping(config: EngineConfig, integration: PortIntegration | undefined, engine: JqEngine): Promise<LiveMapping> {
  const prepared = await prepareMapping(config, integration, engine);
  // Every expression of an identity mapper was checked when the mapping was prepared.
  const resources = prepared.resources.map((resource) => ({ ...resource, identities: compileResource(identityResource(resource.resource), engine, { compileCache: prepared.compileCache }) }));
  return { prepared, resources, reportedFieldErrors: new Set() };
}

function identityResource(resource: ResourceConfig): ResourceConfig {
  return {
    ...resource,
    selector: { ...resource.selector, query: 'true' },
    port: {
      ...resource.port,
      entity: { ...resource.port.entity, mappings: resource.port.entity.mappings.map((m) => ({ identifier: m.identifier, blueprint: m.blueprint })) },
    },
  };
}
