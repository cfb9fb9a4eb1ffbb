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
  host: HookHost;
  onServer: boolean;
  eventTypes: readonly { id: string; name: string }[];
}

export const PUBLISHERS: readonly PublisherModel[] = [
  {
    id: 'tfs',
    name: 'Azure DevOps',
    host: 'core',
    onServer: true,
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
    host: 'core',
    onServer: true,
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
    host: 'release',
    onServer: true,
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
    host: 'advsec',
    onServer: false,
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
