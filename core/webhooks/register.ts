import type { AzureDevOpsClient } from '../azure-devops/client';
import { ConfigError } from '../config/problems';
import type { ParentListings } from '../kinds/parents';
import type { RunReporter } from '../sync/reporter';
import { applyChanges } from './apply-changes';
import { isAvailable, PUBLISHERS, selectEventTypes } from './catalog';
import { desiredConsumerInputs } from './consumer-inputs';
import { desiredSubscriptions, webhookScopes, type WebhookScope } from './desired-state';
import { credentialsFingerprint } from './fingerprint';
import { ownership, planChanges, type Listing, type PlannedChange } from './plan-changes';
import { receiverUrl, receiverWarnings } from './receiver';
import { failedReport, type WebhookChange, type WebhookReport } from './report';
import { SubscriptionsApi } from './subscriptions-api';
import { groupBy } from '../util/group-by';

/** The webhook settings of the configuration model (`webhooks.*`), as registration needs them. */
export type WebhookSettings = {
  readonly baseUrl: string;
  readonly secret?: string | undefined;
  readonly username: string;
  readonly events?: readonly string[] | undefined;
  readonly includeReleaseEvents: boolean;
  readonly prune: boolean;
  readonly headers: Readonly<Record<string, { readonly value: string }>>;
  /**
   * Lets a run without a secret remove the Basic-auth credentials of subscriptions that have them.
   * Without it such a run is refused: the receiver would reject every delivery from then on.
   */
  readonly allowUnauthenticated?: boolean | undefined;
};

export type RegistrationInput = {
  readonly settings: WebhookSettings;
  /** The Port integration identifier: marks our subscriptions (see OWNER_HEADER). */
  readonly integration: string;
  readonly isProjectsLimited: boolean;
  readonly mode: 'apply' | 'plan';
  /**
   * What a configuration problem found only once the subscriptions are listed (no secret, but
   * subscriptions with credentials) does: `report` (default) fails the report and changes nothing,
   * as a step after a sync must (the sync's own outcome still gets reported); `throw` throws a
   * ConfigError (exit code 2), for registration on its own.
   */
  readonly configurationProblems?: 'report' | 'throw';
};

export type RegistrationDeps = {
  /** A client counting into its own metrics: the report's request count comes from it. */
  readonly client: AzureDevOpsClient;
  /** The run's shared project listing (projects filter and excluded tags applied). */
  readonly parents: ParentListings;
  readonly reporter: RunReporter;
  /** Subscription writes in flight at once. */
  readonly concurrency: number;
};

/**
 * Idempotent service-hook registration (BRIEF §7): work out the wanted subscriptions, list the
 * existing ones once per publisher on the publisher's host, plan the differences, and apply them
 * unless in plan mode. Never throws (every failure ends up in the report), except a ConfigError
 * with `configurationProblems: 'throw'`.
 */
export async function registerWebhooks(input: RegistrationInput, deps: RegistrationDeps): Promise<WebhookReport> {
  try {
    return await register(input, deps);
  } catch (error) {
    if (error instanceof ConfigError && input.configurationProblems === 'throw') throw error;
    return failedReport({ mode: input.mode, receiverUrl: receiverUrl(input.settings.baseUrl), problem: `Webhook registration stopped: ${messageOf(error)}` });
  }
}

async function register(input: RegistrationInput, deps: RegistrationDeps): Promise<WebhookReport> {
  const { settings, mode } = input;
  const { reporter, client } = deps;
  const organization = client.organization;
  const url = receiverUrl(settings.baseUrl);
  const warnings = receiverWarnings(url, { basicAuth: settings.secret !== undefined, cloud: organization.deployment === 'cloud' });
  const problems: string[] = [];

  const selection = selectEventTypes(settings, organization);
  for (const skipped of selection.unavailable.filter((u) => u.explicit)) warnings.push(`event type ${skipped.eventType} is skipped: ${skipped.reason}.`);
  const skippedQuietly = selection.unavailable.filter((u) => !u.explicit);
  if (skippedQuietly.length > 0) reporter.info(`Webhooks: ${skippedQuietly.length} event type(s) left out: ${skippedQuietly[0]?.reason ?? ''}.`);
  const headers = Object.fromEntries(Object.entries(settings.headers).map(([name, header]) => [name, header.value]));
  const secret = settings.secret;
  if (secret !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
    warnings.push('a custom Authorization header and Basic auth (the webhook secret) both set the Authorization header, and the receiver gets only one of them; use another header name, or drop the secret.');
  }
  for (const warning of warnings) reporter.warn(`Webhooks: ${warning}`);

  const fingerprint = await credentialsFingerprint({ username: secret !== undefined ? settings.username : undefined, password: secret, headers }, url);
  const consumerInputs = desiredConsumerInputs({ url, username: settings.username, secret, headers, fingerprint, integration: input.integration });

  let scopes: WebhookScope[] = [];
  let desiredKnown = true;
  try {
    scopes = await webhookScopes(deps.parents, input.isProjectsLimited);
  } catch (error) {
    desiredKnown = false;
    problems.push(`Listing the projects failed, so the wanted subscriptions are unknown and nothing was changed: ${messageOf(error)}`);
  }
  const desired = desiredSubscriptions(selection.events, scopes);
  // An empty scope is far more often a typo in the projects filter than a wish to unsubscribe everything.
  const noScope = desiredKnown && scopes.length === 0;
  if (noScope) {
    warnings.push('no project is in scope (projects filter, excluded tags), so nothing is registered, and pruning is refused: it would remove every subscription of this receiver.');
    reporter.warn(`Webhooks: ${warnings.at(-1) ?? ''}`);
  }
  // Likewise no event (only Advanced Security events on Azure DevOps Server, say).
  const noEvents = selection.events.length === 0;
  if (noEvents) {
    warnings.push('no selected event is available here, so nothing is registered, and pruning is refused: it would remove every subscription of this receiver.');
    reporter.warn(`Webhooks: ${warnings.at(-1) ?? ''}`);
  }

  // Every publisher the deployment has, also those we no longer subscribe to (release events
  // turned off, say): pruning must see their subscriptions, and without it the summary lists them
  // as stale.
  const wantedPublishers = new Set(selection.events.map((e) => e.publisherId));
  const publishers = PUBLISHERS.filter((p) => isAvailable(p, organization));
  const api = new SubscriptionsApi(client);
  const listings: Listing[] = [];
  // One at a time and in catalogue order: a handful of requests, and failures read the same every run.
  for (const publisherId of publishers) {
    try {
      listings.push({ publisherId, subscriptions: await api.list(publisherId) });
    } catch (error) {
      listings.push({ publisherId, error: messageOf(error) });
      if (wantedPublishers.has(publisherId) || settings.prune) {
        problems.push(`Listing the ${publisherId} subscriptions failed, so no ${publisherId} subscription was created or deleted: ${messageOf(error)}`);
      } else {
        // Listed only to report stale subscriptions: nothing of this publisher was to change.
        warnings.push(`listing the ${publisherId} subscriptions failed, so stale ones of that publisher (no event type of it is selected) are not reported: ${messageOf(error)}`);
        reporter.warn(`Webhooks: ${warnings.at(-1) ?? ''}`);
      }
    }
  }

  const changes = planChanges({
    desired,
    desiredKnown,
    listings,
    receiverUrl: url,
    integration: input.integration,
    consumerInputs,
    prune: settings.prune,
    pruneHeldBecause: noScope ? 'not done: no project is in scope' : noEvents ? 'not done: no selected event is available' : undefined,
    projectNames: new Map(scopes.flatMap((s) => (s.projectId === undefined ? [] : [[s.projectId.toLowerCase(), s.projectName] as const]))),
  });
  const removal = credentialsRemoval(changes, settings);
  if (removal?.allowed === false) {
    if (input.configurationProblems === 'throw') throw new ConfigError([{ message: removal.message }]);
    problems.push(removal.message);
    for (const change of changes.filter((c) => c.outcome === 'planned')) {
      change.outcome = 'held';
      change.reasons = [...change.reasons, 'not done: no webhook secret is set, and the run would remove the credentials of subscriptions that have them'];
    }
  } else if (removal?.allowed) {
    warnings.push(removal.message);
    reporter.warn(`Webhooks: ${removal.message}`);
  }
  if (mode === 'apply') await applyChanges(changes, { api, consumerInputs, concurrency: deps.concurrency });
  problems.push(...failureLines(changes));

  const report: WebhookReport = {
    mode,
    status: problems.length === 0 ? 'success' : 'failed',
    receiverUrl: url,
    eventTypes: selection.events.map((e) => e.eventType),
    listings: listings.map((l) =>
      'error' in l ? { publisherId: l.publisherId, subscriptions: 0, ours: 0, error: l.error } : { publisherId: l.publisherId, subscriptions: l.subscriptions.length, ours: l.subscriptions.filter((s) => isOurs(ownership(s, url, input.integration))).length },
    ),
    changes: changes.map(plain),
    problems,
    warnings,
    requests: client.metrics.requests,
  };
  return report;
}

/** Those the run may change: another integration's and hand-made ones at our receiver URL are not. */
function isOurs(owned: ReturnType<typeof ownership>): boolean {
  return owned !== undefined && owned !== 'others';
}

function plain(change: WebhookChange): WebhookChange {
  const { action, publisherId, eventType, projectId, scope, subscriptionId, reasons, outcome, error } = change;
  return { action, publisherId, eventType, projectId, scope, subscriptionId, reasons, outcome, ...(error !== undefined ? { error } : {}) };
}

/**
 * Without a secret, a run sends no Basic auth, so an update or re-enabling PUT would remove the
 * credentials of subscriptions that have them, and the receiver would reject every delivery from
 * then on: most often the secret is missing by accident (an empty pipeline variable, a GitHub
 * secret not available to the workflow). Refused, naming the setting, unless allowed explicitly
 * (`webhooks.allowUnauthenticated`: the refusal names it as the way out).
 * A first registration without a secret (no subscription has credentials) only gets the warning
 * of the configuration.
 */
function credentialsRemoval(changes: readonly PlannedChange[], settings: WebhookSettings): { allowed: boolean; message: string } | undefined {
  const removing = changes.filter((c) => c.removesCredentials && c.outcome === 'planned');
  if (removing.length === 0 || settings.secret !== undefined) return undefined;
  if (settings.allowUnauthenticated) {
    return { allowed: true, message: `no webhook secret is set, so ${removing.length} subscription(s) lose their Basic-auth credentials, as allowUnauthenticated asks; the receiver must accept deliveries without them.` };
  }
  const message =
    `the webhook secret (OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET, webhooks.secret) is not set, or empty, but ${removing.length} subscription(s) of this receiver have Basic-auth credentials: ` +
    'registering without the secret would remove them, and the receiver would then reject every delivery. Nothing was changed. ' +
    'Set it to the secret the receiver expects (OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET; webhooks.secret in a config file; the webhookSecret input of the Azure Pipelines task, webhook-secret of the GitHub Action). ' +
    'An empty value counts as not set: check that the pipeline variable or repository secret it comes from is available to this run. ' +
    'To remove the credentials on purpose (the receiver must then accept deliveries without them), set webhooks.allowUnauthenticated: ' +
    '--allow-unauthenticated-webhooks (--allow-unauthenticated with the webhooks command), PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED=true, webhooks.allowUnauthenticated: true in a config file, ' +
    'the allowUnauthenticatedWebhooks input of the Azure Pipelines task, or allow-unauthenticated-webhooks of the GitHub Action.';
  return { allowed: false, message };
}

/**
 * Failed changes, one line per distinct error: a refused permission repeats for every event type
 * of a project, and a refused value for every subscription. The subscription's URL (its id) is
 * left out of the comparison, so an organization with hundreds of subscriptions gets one line.
 */
function failureLines(changes: readonly WebhookChange[]): string[] {
  const groups = groupBy(
    changes.filter((change) => change.outcome === 'failed'),
    (change) => withoutSubscriptionUrl(change.error ?? ''),
  );
  return [...groups].map(([, group]) => {
    const first = group[0];
    const what = first ? `${first.action} ${first.eventType} (${first.scope})` : '';
    const error = first?.error ?? '';
    return group.length === 1 ? `${what} failed: ${error}` : `${group.length} subscription changes failed, e.g. ${what}: ${error}`;
  });
}

/** `PUT https://…/_apis/hooks/subscriptions/<id> failed with HTTP 400: …` → `PUT <subscription> failed with HTTP 400: …`. */
function withoutSubscriptionUrl(message: string): string {
  return message.replace(/https?:\/\/\S*?\/_apis\/hooks\/subscriptions\/[^\s:?]+/gi, '<subscription>');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
