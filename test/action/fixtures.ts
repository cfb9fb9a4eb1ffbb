/**
 * What the action tests sync: two kinds of a small simulated organization into two blueprints the
 * tests create, so expectations come from the simulator's own model, not from the engine's mapping.
 */
import packageJson from '../../package.json';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops/index';
import type { PortSimulator } from '../../sim/port/index';

export const CLIENT_ID = 'action-client-id';
export const CLIENT_SECRET = 'port-client-secret-Zq81v4';
export const PAT = 'pat-7hQvW2mXk9LrT4cYb6NdE1sUa3';
export const ENTRA_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-access-token-for-ado.signature';
export const IDENTIFIER = 'ado-from-actions';
/** The User-Agent Port records as the datasource of what the integration writes. */
export const DATASOURCE = `port-ocean/azure-devops/${packageJson.version}/${IDENTIFIER}/exporter`;

export const MAPPING_PATH = '.port/port-app-config.yml';
export const MAPPING = `deleteDependentEntities: true
createMissingRelatedEntities: false
entityDeletionThreshold: 0.9
resources:
  - kind: project
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"adoProject"'
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"adoRepository"'
          relations:
            project: .project.id
`;

export function seedBlueprints(port: PortSimulator): void {
  port.seed.blueprints([
    { identifier: 'adoProject', title: 'Project', schema: { properties: {} } },
    { identifier: 'adoRepository', title: 'Repository', schema: { properties: {} }, relations: { project: { title: 'Project', target: 'adoProject', many: false, required: false } } },
  ]);
}

/** The entities the mapping should produce, read from the simulator's model. */
export function expectedEntities(ado: AzureDevOpsSimulator) {
  const projects = ado.model.projectList();
  const repositories = projects.flatMap((p) => ado.model.repositoriesOf(p.id));
  return {
    projects: projects.map((p) => ({ identifier: p.id, title: p.name })),
    repositories: repositories.map((r) => ({ identifier: r.id, title: r.name, relations: { project: r.projectId } })),
  };
}

export const byIdentifier = <T extends { identifier: string }>(list: T[]): T[] => [...list].sort((a, b) => a.identifier.localeCompare(b.identifier));
