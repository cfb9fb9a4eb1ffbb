import { defaultBlueprints, defaultPortAppConfig } from '../kinds/defaults';
import type { BlueprintApi } from '../port/blueprints';
import type { IntegrationApi, PortIntegration } from '../port/integration';
import type { RunReporter } from './reporter';

/**
 * Registers the integration when Port does not know it yet and, with initializePortResources,
 * creates the default blueprints and mapping (port-api-and-ocean-core.md §2.2, §2.4): only when
 * none of the default blueprints exists, so a catalog someone shaped by hand is never touched.
 */
export async function ensureIntegration(input: {
  integration: IntegrationApi;
  blueprints: BlueprintApi;
  existing: PortIntegration | undefined;
  initializePortResources: boolean;
  /** Cloud or Azure DevOps Server: the default mapping differs (no cloud-only kinds on Server). */
  deployment: 'cloud' | 'server';
  /** The mapping to register with a new integration (Ocean sends the default). */
  configForNewIntegration: Record<string, unknown>;
  version: string;
  reporter: RunReporter;
}): Promise<void> {
  const { integration, existing, reporter } = input;
  if (!existing) {
    reporter.info(`Registering integration '${integration.identifier}' in Port.`);
    await integration.create({ installationAppType: 'azure-devops', version: input.version, config: input.configForNewIntegration });
  } else if (existing.version !== input.version) {
    await integration.patch({ version: input.version });
  }
  if (!input.initializePortResources || existing?.arePortResourcesInitialized) return;

  if (existing && !hasConfig(existing.config)) await integration.patchConfig(defaultPortAppConfig(input.deployment));
  const blueprints = defaultBlueprints();
  const present = await Promise.all(blueprints.map((b) => input.blueprints.exists(b.identifier)));
  if (present.some(Boolean)) {
    reporter.info('Some default blueprints already exist in Port; leaving the catalog as it is.');
  } else {
    reporter.info(`Creating ${blueprints.length} default blueprints in Port.`);
    await input.blueprints.createStaged(blueprints);
  }
  await integration.patch({ arePortResourcesInitialized: true, version: input.version });
}

function hasConfig(config: unknown): boolean {
  return !!config && typeof config === 'object' && Object.keys(config).length > 0;
}
