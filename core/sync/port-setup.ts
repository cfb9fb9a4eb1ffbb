import { defaultBlueprints, defaultPortAppConfig } from '../kinds/defaults';
import type { BlueprintDefinition } from '../kinds/kind';
import type { BlueprintApi, BlueprintShape } from '../port/blueprints';
import type { IntegrationApi, PortIntegration } from '../port/integration';
import type { RunReporter } from './reporter';

/** What the set-up will do about the default blueprints, decided from reads only. */
export type PortSetupPlan = {
  /**
   * `skip`: the set-up leaves the catalog and the integration's mark alone (initializePortResources
   * off, the integration already initialized, or its origin Empty); `create`: none of the defaults
   * exists; `complete`: some exist as an unfinished creation left them; `leave`: the catalog is someone's.
   */
  defaults: 'skip' | 'create' | 'complete' | 'leave';
  /** Default blueprints that exist and are not part of ours (`leave`). */
  foreign: string[];
  leftPartWay: Map<string, BlueprintShape>;
  /** Blueprints that will exist after the set-up that do not now. */
  willCreate: Set<string>;
  /** The integration in Port says none are to be created (`createPortResourcesOrigin: Empty`). */
  emptyOrigin?: boolean;
};

/**
 * Decides, before any write, what ensureIntegration will do with initializePortResources
 * (port-api-and-ocean-core.md §2.2, §2.4): create the default blueprints only when none of them
 * exists, so a catalog someone shaped by hand is never touched.
 *
 * One exception: default blueprints exactly as a run that did not finish creating them left them
 * (same title and properties, no relation, mirror, calculation or aggregation property but the
 * default's), while the integration is not marked initialized. Leaving those would fail every
 * entity for good (bare blueprints lack the relations the mapping writes); they are completed.
 */
export async function planPortSetup(input: { blueprints: BlueprintApi; existing: PortIntegration | undefined; initializePortResources: boolean }): Promise<PortSetupPlan> {
  const skip: PortSetupPlan = { defaults: 'skip', foreign: [], leftPartWay: new Map(), willCreate: new Set() };
  // An existing integration's stored origin wins over the run's settings, as in Ocean (§2.2).
  if (input.existing?.createPortResourcesOrigin === 'Empty') return { ...skip, emptyOrigin: true };
  if (!input.initializePortResources || input.existing?.arePortResourcesInitialized) return skip;
  const blueprints = defaultBlueprints();
  const present = await Promise.all(blueprints.map(async (b) => ((await input.blueprints.exists(b.identifier)) ? { shape: await input.blueprints.shape(b.identifier) } : undefined)));
  const leftPartWay = new Map<string, BlueprintShape>();
  const foreign: string[] = [];
  for (const [i, blueprint] of blueprints.entries()) {
    const found = present[i];
    if (!found) continue;
    if (found.shape && isPartOfDefault(found.shape, blueprint)) leftPartWay.set(blueprint.identifier, found.shape);
    else foreign.push(blueprint.identifier);
  }
  if (foreign.length > 0) return { defaults: 'leave', foreign, leftPartWay, willCreate: new Set() };
  const willCreate = new Set(blueprints.map((b) => b.identifier).filter((identifier) => !leftPartWay.has(identifier)));
  return { defaults: leftPartWay.size > 0 ? 'complete' : 'create', foreign, leftPartWay, willCreate };
}

/** The foreign default blueprints, three at most, for messages. */
export function foreignText(plan: PortSetupPlan): string {
  return `${plan.foreign.slice(0, 3).join(', ')}${plan.foreign.length > 3 ? ', …' : ''}`;
}

/**
 * Registers the integration when Port does not know it yet and carries out the plan: the default
 * mapping for an integration without one, the default blueprints, and the initialized mark. If the
 * creation fails, the integration is not marked initialized: the next run tries again.
 */
export async function ensureIntegration(input: {
  integration: IntegrationApi;
  blueprints: BlueprintApi;
  existing: PortIntegration | undefined;
  plan: PortSetupPlan;
  /** Cloud or Azure DevOps Server: the default mapping differs (no cloud-only kinds on Server). */
  deployment: 'cloud' | 'server';
  /** The mapping to register with a new integration (Ocean sends the default). */
  configForNewIntegration: Record<string, unknown>;
  version: string;
  reporter: RunReporter;
}): Promise<void> {
  const { integration, existing, reporter, plan } = input;
  if (!existing) {
    reporter.info(`Registering integration '${integration.identifier}' in Port.`);
    await integration.create({ installationAppType: 'azure-devops', version: input.version, config: input.configForNewIntegration });
  } else if (existing.version !== input.version) {
    await integration.patch({ version: input.version });
  }
  if (plan.defaults === 'skip') return;

  if (existing && !hasConfig(existing.config)) await integration.patchConfig(defaultPortAppConfig(input.deployment));
  const blueprints = defaultBlueprints();
  if (plan.defaults === 'leave') {
    reporter.info(`Some default blueprints already exist in Port (${foreignText(plan)}); leaving the catalog as it is.`);
  } else if (plan.defaults === 'complete') {
    reporter.info(
      `Completing the default blueprints in Port: ${plan.leftPartWay.size} of ${blueprints.length} exist as a run that did not finish creating them left them; creating the other ${blueprints.length - plan.leftPartWay.size} and what they all lack.`,
    );
    await input.blueprints.createStaged(blueprints, { existing: plan.leftPartWay });
  } else if (plan.defaults === 'create') {
    reporter.info(`Creating ${blueprints.length} default blueprints in Port.`);
    await input.blueprints.createStaged(blueprints);
  }
  await integration.patch({ arePortResourcesInitialized: true, version: input.version });
}

/**
 * Whether a blueprint in Port is this default blueprint at some stage of its creation: the same
 * title and properties, and no relation, mirror, calculation or aggregation property the default
 * does not have. Anything else was made or changed by someone, and the catalog is left alone.
 */
export function isPartOfDefault(shape: BlueprintShape, blueprint: BlueprintDefinition): boolean {
  const properties = Object.keys(blueprint.schema.properties);
  return (
    shape.title === blueprint.title &&
    shape.properties.length === properties.length &&
    shape.properties.every((p) => properties.includes(p)) &&
    Object.entries(shape.relations).every(([name, target]) => blueprint.relations[name]?.target === target) &&
    shape.mirrorProperties.every((p) => p in (blueprint.mirrorProperties ?? {})) &&
    shape.calculationProperties.every((p) => p in (blueprint.calculationProperties ?? {})) &&
    shape.aggregationProperties.every((p) => p in (blueprint.aggregationProperties ?? {}))
  );
}

function hasConfig(config: unknown): boolean {
  return !!config && typeof config === 'object' && Object.keys(config).length > 0;
}
