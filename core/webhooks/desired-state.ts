import type { ParentListings } from '../kinds/parents';
import type { WebhookEventType } from './catalog';

/**
 * The subscriptions we want: every selected event type, per project in scope when
 * `isProjectsLimited` (Ocean's default), else once for the organization
 * (ocean-azure-devops.md §4).
 */

export type WebhookScope = { readonly projectId: string; readonly projectName: string } | { readonly projectId: undefined };

export const ORGANIZATION_SCOPE: WebhookScope = { projectId: undefined };

export type DesiredSubscription = WebhookEventType & { readonly scope: WebhookScope; readonly key: string };

/**
 * What identifies a subscription: publisher, event type and project. The consumer URL is the other
 * half of the match and is checked before a key is taken. Server-added publisher inputs
 * (`tfsSubscriptionId`, `hostId`) are not part of it: Ocean's org-level matching broke on them
 * (PR #3778).
 */
export function subscriptionKey(publisherId: string, eventType: string, projectId: string | undefined): string {
  return `${publisherId.toLowerCase()}|${eventType.toLowerCase()}|${(projectId ?? '').toLowerCase()}`;
}

export function scopeLabel(scope: WebhookScope): string {
  return scope.projectId === undefined ? 'organization' : `project ${scope.projectName}`;
}

/** Projects the identity sees, after the projects filter and excluded tags, in a healthy state. */
export async function webhookScopes(parents: ParentListings, isProjectsLimited: boolean): Promise<WebhookScope[]> {
  if (!isProjectsLimited) return [ORGANIZATION_SCOPE];
  const projects = await parents.projects();
  // A project being created or deleted cannot take subscriptions; the default stateFilter hides them anyway.
  return projects.filter((p) => (p.state ?? 'wellFormed') === 'wellFormed').map((p) => ({ projectId: p.id, projectName: p.name }));
}

export function desiredSubscriptions(events: readonly WebhookEventType[], scopes: readonly WebhookScope[]): DesiredSubscription[] {
  return events.flatMap((event) => scopes.map((scope) => ({ ...event, scope, key: subscriptionKey(event.publisherId, event.eventType, scope.projectId) })));
}
