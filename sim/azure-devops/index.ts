/**
 * A faithful Azure DevOps REST simulator: a real HTTP server on 127.0.0.1 that serves a
 * generated organization the way dev.azure.com (and Azure DevOps Server) do. See
 * docs/simulators/azure-devops.md.
 */
export { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from './simulator';
export type { AzureDevOpsSimulatorOptions, WebhookOptions } from './options';
export { OrganizationModel } from './model/organization';
export type * from './model/records';
export { SCALES, type ScaleCounts, type ScaleName, type ScaleOption } from './model/scale';
export { PROCESSES } from './model/processes';
export { toWorkItemPath, workItemIdAt } from './model/generate/work-items';
export { isActiveRepository } from './model/generate/git';
export { Mutations } from './mutations/mutations';
export type { FaultKind, FaultSpec, ActiveFault } from './server/faults';
export { DEFAULT_THROTTLE, type ThrottleConfig } from './server/throttle';
export type { CounterSnapshot } from './server/counters';
export type { BearerTokenOption, CredentialMode } from './server/auth';
export type { DeliveryRecord, SubscriptionRecord, SubscriptionStatus } from './hooks/subscriptions';
export { KINDS, minimumRequestsByRouteFor, minimumRequestsFor, type Kind, type MinimumRequests } from './control/minimum-requests';
export { PAGE_LIMITS } from './wire/page-limits';
