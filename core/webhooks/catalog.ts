import type { Organization, ServiceHost } from '../azure-devops/organization';
import { WEBHOOK_EVENT_TYPES, type WebhookPublisher } from '../config/known-values';

/**
 * The service-hook event types we register, and where each publisher's subscriptions live. The
 * list itself is the configuration's closed set (`WEBHOOK_EVENT_TYPES`, Ocean's 23 subscriptions);
 * this module adds the hosts and the selection rules.
 */

export type WebhookEventType = { readonly publisherId: WebhookPublisher; readonly eventType: string };

/** Publishers in catalogue order (the order listings and summaries use). */
export const PUBLISHERS = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookPublisher[];

/**
 * Subscriptions are stored by the service that publishes the events: `rm` on vsrm and `advsec` on
 * advsec in the cloud. Listing them anywhere else finds nothing, which is how Ocean piled up
 * duplicate release hooks (ocean-azure-devops.md §4, PR #3997). Azure DevOps Server keeps them all
 * on the collection and has no Advanced Security (azure-devops-api.md §5.3).
 */
const PUBLISHER_SERVICE: Readonly<Record<WebhookPublisher, ServiceHost>> = {
  tfs: 'core',
  pipelines: 'core',
  rm: 'release',
  advsec: 'advancedSecurity',
};

export function serviceOf(publisherId: WebhookPublisher): ServiceHost {
  return PUBLISHER_SERVICE[publisherId];
}

/**
 * The Advanced Security host serves only 7.2 previews; Ocean registers its hooks with
 * `7.2-preview.1` (ocean-azure-devops.md §4). Everything else is GA 7.1, which Server has too.
 */
export function apiVersionOf(publisherId: WebhookPublisher): string {
  return publisherId === 'advsec' ? '7.2-preview.1' : '7.1';
}

/** Whether the deployment has the publisher's service at all (Server has no Advanced Security). */
export function isAvailable(publisherId: WebhookPublisher, organization: Organization): boolean {
  return organization.services[serviceOf(publisherId)] !== undefined;
}

export function publisherOf(eventType: string): WebhookPublisher | undefined {
  return PUBLISHERS.find((publisher) => (WEBHOOK_EVENT_TYPES[publisher] as readonly string[]).includes(eventType));
}

const ALL_EVENTS: readonly WebhookEventType[] = PUBLISHERS.flatMap((publisherId) => WEBHOOK_EVENT_TYPES[publisherId].map((eventType) => ({ publisherId, eventType })));

export type EventSelection = {
  readonly events: WebhookEventType[];
  /** Event types left out because the deployment lacks their service; `explicit` when the user named them. */
  readonly unavailable: { eventType: string; explicit: boolean; reason: string }[];
};

/**
 * `webhooks.events` (when set) is the list; otherwise every event type except the release ones.
 * `includeReleaseEvents` adds the release (`rm`) events to either, since Classic Release is opt-in;
 * a release event named in `webhooks.events` is used without it.
 */
export function selectEventTypes(settings: { events?: readonly string[] | undefined; includeReleaseEvents: boolean }, organization: Organization): EventSelection {
  const named = settings.events ? new Set(settings.events) : undefined;
  const wanted = ALL_EVENTS.filter((e) => (named ? named.has(e.eventType) : e.publisherId !== 'rm') || (settings.includeReleaseEvents && e.publisherId === 'rm'));
  const events: WebhookEventType[] = [];
  const unavailable: EventSelection['unavailable'] = [];
  for (const event of wanted) {
    if (isAvailable(event.publisherId, organization)) events.push(event);
    else unavailable.push({ eventType: event.eventType, explicit: named?.has(event.eventType) ?? false, reason: `Azure DevOps Server has no ${event.publisherId === 'advsec' ? 'Advanced Security' : event.publisherId} service` });
  }
  return { events, unavailable };
}
