import packageJson from '../package.json';

/** This tool's version: the middle part of the datasource User-Agent, and the integration version in Port. */
export const VERSION: string = packageJson.version;

export const INTEGRATION_TYPE = 'azure-devops';

/**
 * Port records the writer's User-Agent as each entity's datasource and matches ownership by the
 * prefix `port-ocean/azure-devops/` and the suffix `/<identifier>/exporter` (port-api-and-ocean-core.md
 * §2.13), so entities written by Ocean's docker step stay ours after the switch, and vice versa.
 */
export function datasourceUserAgent(identifier: string): string {
  return `port-ocean/${INTEGRATION_TYPE}/${VERSION}/${identifier}/exporter`;
}

export function datasourceOf(identifier: string): { prefix: string; suffix: string } {
  return { prefix: `port-ocean/${INTEGRATION_TYPE}/`, suffix: `/${identifier}/exporter` };
}
