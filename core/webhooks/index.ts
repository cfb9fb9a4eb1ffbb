/**
 * Service-hook registration (BRIEF §7): points Azure DevOps at a separately hosted receiver,
 * idempotently. See docs/webhooks.md.
 *
 *   const report = await registerWebhooks({ settings, isProjectsLimited, mode }, { client, parents, reporter, concurrency });
 *   renderWebhooksText(report);
 */
export { registerWebhooks } from './register';
export type { RegistrationDeps, RegistrationInput, WebhookSettings } from './register';
export { runWebhookRegistration } from './run-registration';
export type { WebhookRunConfig, WebhookRunDependencies } from './run-registration';
export { renderWebhooksMarkdown, renderWebhooksText } from './summary';
export { countChanges, totalCounts } from './report';
export type { ChangeCounts, ChangeOutcome, PublisherListing, WebhookAction, WebhookChange, WebhookReport } from './report';
export { receiverUrl, RECEIVER_PATH } from './receiver';
export { FINGERPRINT_HEADER } from './fingerprint';
export { selectEventTypes } from './catalog';
export { WebhookPermissionError } from './subscriptions-api';
