import type { ServiceHost } from '../wire/hosts';

/**
 * Publishers and event types (azure-devops-api.md §4.4; Ocean's 23 subscriptions, §4 of
 * ocean-azure-devops.md). Each publisher lives on one cloud host: `rm` on vsrm, `advsec` on
 * advsec, the rest on dev.azure.com. Azure DevOps Server serves every publisher it has from the
 * collection; it has no Advanced Security.
 */

export type HookHost = Extract<ServiceHost, 'core' | 'release' | 'advsec'>;

export interface PublisherModel {
  id: string;
  name: string;
  description: string;
  host: HookHost;
  onServer: boolean;
  /** Resource version sent when a subscription does not name one. */
  resourceVersion: string;
  /** Publisher input ids subscriptions may filter on. */
  inputs: readonly string[];
  eventTypes: readonly { id: string; name: string }[];
}

export const PUBLISHERS: readonly PublisherModel[] = [
  {
    id: 'tfs',
    name: 'Azure DevOps',
    description: 'Events from Azure Repos, Azure Boards and classic builds.',
    host: 'core',
    onServer: true,
    resourceVersion: '1.0',
    inputs: ['projectId', 'repository', 'branch', 'pushedBy', 'pullrequestCreatedBy', 'pullrequestReviewersContains', 'notificationType', 'mergeResult', 'areaPath', 'workItemType', 'changedFields', 'tag', 'definitionName', 'buildStatus'],
    eventTypes: [
      { id: 'build.complete', name: 'Build completed' },
      { id: 'git.push', name: 'Code pushed' },
      { id: 'git.pullrequest.created', name: 'Pull request created' },
      { id: 'git.pullrequest.updated', name: 'Pull request updated' },
      { id: 'git.pullrequest.merged', name: 'Pull request merge attempted' },
      { id: 'ms.vss-code.git-pullrequest-comment-event', name: 'Pull request commented on' },
      { id: 'git.repo.created', name: 'Repository created' },
      { id: 'git.repo.deleted', name: 'Repository deleted' },
      { id: 'git.repo.renamed', name: 'Repository renamed' },
      { id: 'git.repo.forked', name: 'Repository forked' },
      { id: 'git.repo.statuschanged', name: 'Repository status changed' },
      { id: 'workitem.created', name: 'Work item created' },
      { id: 'workitem.updated', name: 'Work item updated' },
      { id: 'workitem.commented', name: 'Work item commented on' },
      { id: 'workitem.deleted', name: 'Work item deleted' },
      { id: 'workitem.restored', name: 'Work item restored' },
      { id: 'tfvc.checkin', name: 'Code checked in' },
    ],
  },
  {
    id: 'pipelines',
    name: 'Pipelines',
    description: 'Events from YAML pipeline runs, stages, jobs and checks.',
    host: 'core',
    onServer: true,
    resourceVersion: '5.1-preview.1',
    inputs: ['projectId', 'PipelineId', 'runStateId', 'runResultId', 'stageNameId', 'stageStateId', 'jobNameId', 'jobStateId', 'jobResultId'],
    eventTypes: [
      { id: 'ms.vss-pipelines.run-state-changed-event', name: 'Run state changed' },
      { id: 'ms.vss-pipelines.stage-state-changed-event', name: 'Run stage state changed' },
      { id: 'ms.vss-pipelines.job-state-changed-event', name: 'Run job state changed' },
      { id: 'ms.vss-pipelinechecks-events.approval-pending', name: 'Run stage waiting for approval' },
      { id: 'ms.vss-pipelinechecks-events.approval-completed', name: 'Run stage approval completed' },
      { id: 'ms.vss-pipelinechecks-events.check-updated-event', name: 'Check updated' },
    ],
  },
  {
    id: 'rm',
    name: 'Release Management',
    description: 'Events from classic release pipelines.',
    host: 'release',
    onServer: true,
    resourceVersion: '3.0-preview.1',
    inputs: ['projectId', 'releaseDefinitionId', 'releaseEnvironmentId', 'releaseEnvironmentStatus'],
    eventTypes: [
      { id: 'ms.vss-release.release-created-event', name: 'Release created' },
      { id: 'ms.vss-release.release-abandoned-event', name: 'Release abandoned' },
      { id: 'ms.vss-release.deployment-started-event', name: 'Release deployment started' },
      { id: 'ms.vss-release.deployment-completed-event', name: 'Release deployment completed' },
      { id: 'ms.vss-release.deployment-approval-pending-event', name: 'Release deployment approval pending' },
      { id: 'ms.vss-release.deployment-approval-completed-event', name: 'Release deployment approval completed' },
    ],
  },
  {
    // No public reference lists Advanced Security event types (azure-devops-api.md §0 item 10);
    // these are the ids Ocean subscribes to, accepted here so such a client can be exercised.
    id: 'advsec',
    name: 'Advanced Security',
    description: 'Events from GitHub Advanced Security for Azure DevOps.',
    host: 'advsec',
    onServer: false,
    resourceVersion: '7.2-preview.1',
    inputs: ['projectId', 'repository', 'alertType', 'severity', 'state'],
    eventTypes: [
      { id: 'ms.vss-alerts.alert-created-event', name: 'Alert created' },
      { id: 'ms.vss-alerts.alert-state-changed-event', name: 'Alert state changed' },
      { id: 'ms.vss-alerts.alert-updated-event', name: 'Alert updated' },
    ],
  },
];

export function publisher(id: string): PublisherModel | undefined {
  return PUBLISHERS.find((p) => p.id.toLowerCase() === id.toLowerCase());
}

/** Publishers reachable through a host: a cloud service host, or the Server collection. */
export function publishersOn(host: ServiceHost | 'server'): PublisherModel[] {
  return PUBLISHERS.filter((p) => (host === 'server' ? p.onServer : p.host === host));
}

export const WEBHOOK_CONSUMER = { id: 'webHooks', name: 'Web Hooks', action: 'httpRequest' };

/** The webHooks consumer's input descriptors (hooks/7.1 consumers example; azure-devops-api.md §4.2). */
export const WEBHOOK_INPUTS = [
  { id: 'url', name: 'URL', description: 'The URL to which an HTTP POST will be sent.', inputMode: 'textBox', isConfidential: false, useInDefaultDescription: true, validation: { dataType: 'uri', isRequired: true, maxLength: 2000 } },
  { id: 'httpHeaders', name: 'HTTP headers', description: 'HTTP header keys and values separated by a colon(e.g. "Key1:value1") with each key-value-pair appearing on its own line of text.', inputMode: 'textArea', isConfidential: false, useInDefaultDescription: false, validation: { dataType: 'string', isRequired: false, pattern: '^([\\S]+[\\s]*:[\\s]*[\\S]+[\\s]*[\r\n\f]+)*?([\\S]+[\\s]*:[\\s]*[\\S]+)+$', maxLength: 2000 } },
  { id: 'basicAuthUsername', name: 'Basic authentication username', description: 'Enter a user name for standard HTTP authentication.', inputMode: 'textBox', isConfidential: false, useInDefaultDescription: false, validation: { dataType: 'string', isRequired: false, pattern: '^[\\S]+$', minLength: 1, maxLength: 256 } },
  { id: 'basicAuthPassword', name: 'Basic authentication password', description: 'Enter a password for standard HTTP authentication.', inputMode: 'passwordBox', isConfidential: true, useInDefaultDescription: false, validation: { dataType: 'string', isRequired: false, pattern: '^[\\S]+$', minLength: 1, maxLength: 256 } },
  { id: 'resourceDetailsToSend', name: 'Resource details to send', description: 'Control the resource fields to send.', inputMode: 'combo', isConfidential: false, useInDefaultDescription: false, validation: { dataType: 'string', isRequired: false }, values: { defaultValue: '', possibleValues: [{ value: '', displayValue: 'All' }, { value: 'minimal', displayValue: 'Minimal' }, { value: 'none', displayValue: 'None' }], isLimitedToPossibleValues: true } },
  { id: 'messagesToSend', name: 'Messages to send', description: 'Control the messages to send.', inputMode: 'combo', isConfidential: false, useInDefaultDescription: false, validation: { dataType: 'string', isRequired: false }, values: { defaultValue: '', possibleValues: ['', 'text', 'html', 'markdown', 'none'].map((value) => ({ value, displayValue: value || 'All' })), isLimitedToPossibleValues: true } },
  { id: 'detailedMessagesToSend', name: 'Detailed messages to send', description: 'Control the detailed messages to send.', inputMode: 'combo', isConfidential: false, useInDefaultDescription: false, validation: { dataType: 'string', isRequired: false }, values: { defaultValue: '', possibleValues: ['', 'text', 'html', 'markdown', 'none'].map((value) => ({ value, displayValue: value || 'All' })), isLimitedToPossibleValues: true } },
] as const;
