/**
 * The configuration: one model (`model.ts`) filled through three front doors, merged by
 * precedence (`resolve.ts`). Typical use:
 *
 *   const layers = [layerFromEnvironment(process.env), layerFromConfigFile(path, { env: process.env }), layerFromFlags(flags)];
 *   const { config, warnings } = resolveConfig(layers); // throws ConfigError (exit code 2)
 *   for (const secret of secretValues(config)) mask(secret);
 */
export { syncConfigSchema, PORT_REGIONS, DEFAULT_INTEGRATION_IDENTIFIER, INTEGRATION_TYPE } from './model';
export type { SyncConfig, SyncConfigInput, AzureDevOpsCredential, MappingSource, WebhookHeaders, PortRegion } from './model';
export { RESOURCE_KINDS, WEBHOOK_EVENT_TYPES, ALL_WEBHOOK_EVENT_TYPES } from './known-values';
export type { WebhookPublisher } from './known-values';
export { ConfigError, formatProblem, formatProblems } from './problems';
export type { ConfigProblem, ConfigWarning } from './problems';
export type { ConfigLayer, LayerKind } from './layer';
export { layerFromEnvironment, ENVIRONMENT_VARIABLES } from './environment';
export { layerFromConfigFile, parseConfigFile, absentConfigFileLayer, interpolate } from './config-file';
export { layerFromFlags, FLAG_DEFINITIONS, isSecretFlag, suggestFlag } from './flags';
export type { FlagDefinition, FlagValue } from './flags';
export { layerFromInputs, layerOfProblems } from './inputs';
export type { InputValues, InputLayerOptions } from './inputs';
export { resolveConfig } from './resolve';
export { requireFiles } from './file-checks';
export type { ResolvedConfig } from './resolve';
export { secretValues, redactWith } from './secrets';
export type { SettingPath, TextKey } from './settings';
export { TEXT_KEYS, SETTINGS } from './settings';
