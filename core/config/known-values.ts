/**
 * Closed sets the configuration validates against, so a typo is reported before the run starts
 * rather than silently matching nothing.
 */
import { kindNames } from '../kinds/registry';

/**
 * The resource kinds `filters.kinds` (`--kinds`) accepts: the registry's (core/kinds/registry.ts),
 * so a kind is accepted here as soon as it is registered there. The registry only defines kinds
 * (schemas and functions, no I/O when imported) and imports nothing from core/config.
 */
export const RESOURCE_KINDS: readonly string[] = kindNames();

/**
 * The service-hook event types Ocean subscribes to, by publisher (`ocean-azure-devops.md` §4).
 * `rm` (release) events live on the vsrm host and only exist where Classic Release is in use,
 * which is why they are opt-in (`webhooks.includeReleaseEvents`).
 */
export const WEBHOOK_EVENT_TYPES = {
  tfs: [
    'git.pullrequest.created',
    'git.pullrequest.updated',
    'git.push',
    'git.repo.created',
    'workitem.created',
    'workitem.updated',
    'workitem.commented',
    'workitem.deleted',
    'workitem.restored',
    'build.complete',
  ],
  advsec: ['ms.vss-alerts.alert-created-event', 'ms.vss-alerts.alert-state-changed-event', 'ms.vss-alerts.alert-updated-event'],
  pipelines: [
    'ms.vss-pipelinechecks-events.check-updated-event',
    'ms.vss-pipelines.job-state-changed-event',
    'ms.vss-pipelines.stage-state-changed-event',
    'ms.vss-pipelinechecks-events.approval-pending',
    'ms.vss-pipelinechecks-events.approval-completed',
    'ms.vss-pipelines.run-state-changed-event',
  ],
  rm: [
    'ms.vss-release.release-created-event',
    'ms.vss-release.release-abandoned-event',
    'ms.vss-release.deployment-started-event',
    'ms.vss-release.deployment-completed-event',
  ],
} as const;

export type WebhookPublisher = keyof typeof WEBHOOK_EVENT_TYPES;

export const ALL_WEBHOOK_EVENT_TYPES: readonly string[] = Object.values(WEBHOOK_EVENT_TYPES).flat();
