import type { WebhookPublisher } from '../config/known-values';
import { consumerInputDrift, hasBasicAuth, ownerOf, type ConsumerInputs } from './consumer-inputs';
import { scopeLabel, subscriptionKey, type DesiredSubscription, type WebhookScope } from './desired-state';
import { isSameReceiver } from './receiver';
import type { WebhookChange } from './report';
import { CONSUMER_ACTION_ID, CONSUMER_ID, type ExistingSubscription } from './subscriptions-api';
import { groupBy } from '../util/group-by';

/**
 * Compares the subscriptions we want with the ones Azure DevOps has, and decides per subscription:
 * create what is missing, replace (re-enable) the ones Azure DevOps disabled, update ones whose
 * credentials, headers or filters drifted, keep the rest (a subscription a user disabled stays
 * disabled); subscriptions at our receiver URL that are no longer wanted are pruned (or reported
 * as stale when pruning is off); duplicates of a wanted one are removed.
 *
 * After a publisher's listing failed, nothing of that publisher is created (Ocean created
 * duplicates after a throttled listing, PR #3686) or deleted (none of its subscriptions were seen).
 * Keys include the publisher, so the other publishers' changes go ahead: they cannot duplicate a
 * subscription of the publisher that was not seen.
 */

export type Listing = { readonly publisherId: WebhookPublisher } & ({ readonly subscriptions: readonly ExistingSubscription[] } | { readonly error: string });

export type PlannedChange = WebhookChange & {
  /** The publisher whose host serves this subscription (the listing it came from). */
  readonly publisher: WebhookPublisher;
  readonly target: WebhookScope;
  /** What to send for create/update/replace. */
  readonly desired?: DesiredSubscription;
  /** An update or replace that would drop the Basic-auth credentials the subscription has (no secret is configured). */
  readonly removesCredentials?: boolean;
};

export type PlanInput = {
  readonly desired: readonly DesiredSubscription[];
  /** False when the project listing failed: what is wanted is unknown, so nothing is planned. */
  readonly desiredKnown: boolean;
  readonly listings: readonly Listing[];
  readonly receiverUrl: string;
  /** The Port integration identifier, which marks our subscriptions at a former receiver URL. */
  readonly integration: string;
  readonly consumerInputs: ConsumerInputs;
  readonly prune: boolean;
  /** Names of the projects in scope, for labels of existing subscriptions. */
  readonly projectNames: ReadonlyMap<string, string>;
  /** Why pruning unwanted subscriptions is refused this run, if it is (they are held instead). */
  readonly pruneHeldBecause?: string | undefined;
};

const SERVER_ADDED_INPUTS = new Set(['projectid', 'hostid', 'tfssubscriptionid']);

/**
 * What a run does with a subscription's `status` (azure-devops-api.md §4.1, §4.6):
 * - `enabled`, `onProbation`: delivering (on probation after failures, still retried), so only
 *   updated when something drifted;
 * - `disabledBySystem` (deliveries kept failing), `disabledByInactiveIdentity` (its creator left):
 *   Azure DevOps turned them off, so they are re-enabled in place;
 * - `disabledByUser`, or anything else: someone turned it off on purpose; it stays as it is.
 */
type StatusHandling = 'delivering' | 'reenable' | 'leave';
const STATUS_HANDLING: ReadonlyMap<string, StatusHandling> = new Map([
  ['enabled', 'delivering'],
  ['onprobation', 'delivering'],
  ['disabledbysystem', 'reenable'],
  ['disabledbyinactiveidentity', 'reenable'],
]);

function handlingOf(status: string): StatusHandling {
  return STATUS_HANDLING.get(status.toLowerCase()) ?? 'leave';
}

/**
 * Whether a subscription is ours: a webHooks subscription at our receiver URL (`receiver`), or one
 * this integration registered for a receiver URL it no longer uses (`former`).
 */
export function ownership(subscription: ExistingSubscription, receiverUrl: string, integration: string): 'receiver' | 'former' | undefined {
  if (subscription.consumerId.toLowerCase() !== CONSUMER_ID.toLowerCase() || subscription.consumerActionId.toLowerCase() !== CONSUMER_ACTION_ID.toLowerCase()) return undefined;
  if (isSameReceiver(subscription.consumerInputs.url, receiverUrl)) return 'receiver';
  return ownerOf(subscription.consumerInputs) === integration ? 'former' : undefined;
}

export function projectIdOf(subscription: ExistingSubscription): string | undefined {
  const entry = Object.entries(subscription.publisherInputs).find(([key]) => key.toLowerCase() === 'projectid');
  return entry && entry[1] !== '' ? entry[1] : undefined;
}

export function planChanges(input: PlanInput): PlannedChange[] {
  if (!input.desiredKnown) return [];
  const listed = new Map<WebhookPublisher, readonly ExistingSubscription[]>();
  for (const listing of input.listings) if ('subscriptions' in listing) listed.set(listing.publisherId, listing.subscriptions);

  const receivers: { publisher: WebhookPublisher; subscription: ExistingSubscription }[] = [];
  const former: { publisher: WebhookPublisher; subscription: ExistingSubscription }[] = [];
  for (const [publisher, subscriptions] of listed) {
    for (const subscription of subscriptions) {
      const owned = ownership(subscription, input.receiverUrl, input.integration);
      if (owned === 'former') former.push({ publisher, subscription });
      if (owned === 'receiver') receivers.push({ publisher, subscription });
    }
  }
  const ours = groupBy(receivers, ({ subscription }) => subscriptionKey(subscription.publisherId, subscription.eventType, projectIdOf(subscription)));

  // A subscription to remove goes only with --prune, while something is in scope; otherwise it
  // stays, reported as stale or held. (It was listed, so its publisher's listing worked.)
  const removal = (why: string, staysBecause?: string): Pick<PlannedChange, 'action' | 'reasons' | 'outcome'> => {
    const stays = input.prune ? staysBecause : 'pruning is off';
    if (stays) return { action: 'stale', reasons: [why, stays], outcome: 'done' };
    const held = input.pruneHeldBecause;
    return { action: 'prune', reasons: [why, ...(held ? [held] : [])], outcome: held ? 'held' : 'planned' };
  };
  const changes: PlannedChange[] = [];
  const wanted = new Set<string>();
  for (const desired of input.desired) {
    wanted.add(desired.key);
    const base = { publisherId: desired.publisherId, eventType: desired.eventType, projectId: desired.scope.projectId, scope: scopeLabel(desired.scope), publisher: desired.publisherId, target: desired.scope, desired };
    if (!listed.has(desired.publisherId)) {
      changes.push({ ...base, action: 'create', subscriptionId: undefined, reasons: [`not verified: the ${desired.publisherId} listing failed`], outcome: 'held' });
      continue;
    }
    const candidates = (ours.get(desired.key) ?? []).map((o) => o.subscription);
    const drift = new Map(candidates.map((s) => [s.id, driftOf(s, input.consumerInputs)]));
    const [keeper, ...duplicates] = [...candidates].sort((a, b) => rank(a, drift.get(a.id) ?? []) - rank(b, drift.get(b.id) ?? []));
    if (!keeper) {
      changes.push({ ...base, action: 'create', subscriptionId: undefined, reasons: [], outcome: 'planned' });
      continue;
    }
    const reasons = drift.get(keeper.id) ?? [];
    const removesCredentials = hasBasicAuth(keeper.consumerInputs) && !hasBasicAuth(input.consumerInputs);
    const handling = handlingOf(keeper.status);
    if (handling === 'reenable') changes.push({ ...base, action: 'replace', subscriptionId: keeper.id, reasons: [keeper.status, ...reasons], outcome: 'planned', removesCredentials });
    else if (handling === 'leave') changes.push({ ...base, action: 'keep', subscriptionId: keeper.id, reasons: leftAsItIs(keeper.status, reasons), outcome: 'done' });
    else if (reasons.length > 0) changes.push({ ...base, action: 'update', subscriptionId: keeper.id, reasons, outcome: 'planned', removesCredentials });
    else changes.push({ ...base, action: 'keep', subscriptionId: keeper.id, reasons: [], outcome: 'done' });
    for (const duplicate of duplicates) {
      // A hook at our URL without this integration's identifier may be someone's own (a filtered git.push, say).
      const notOurs = ownerOf(duplicate.consumerInputs) === input.integration ? undefined : 'not registered by this integration';
      changes.push({ ...base, desired: undefined, subscriptionId: duplicate.id, ...removal(`duplicate of ${keeper.id}`, notOurs) });
    }
  }

  const unwanted = [...ours].flatMap(([key, found]) => (wanted.has(key) ? [] : found.map((f) => ({ ...f, why: unwantedBecause(f.subscription, projectIdOf(f.subscription), input.desired) }))));
  unwanted.push(...former.map((f) => ({ ...f, why: 'receiver URL changed' })));
  for (const { publisher, subscription: s, why } of unwanted) {
    const projectId = projectIdOf(s);
    const target: WebhookScope = projectId === undefined ? { projectId: undefined } : { projectId, projectName: input.projectNames.get(projectId.toLowerCase()) ?? projectId };
    const base = { publisherId: s.publisherId, eventType: s.eventType, projectId, scope: scopeLabel(target), subscriptionId: s.id, publisher, target };
    changes.push({ ...base, ...removal(why) });
  }
  return changes;
}

function driftOf(subscription: ExistingSubscription, consumerInputs: ConsumerInputs): string[] {
  const filters = Object.entries(subscription.publisherInputs)
    .filter(([key, value]) => !SERVER_ADDED_INPUTS.has(key.toLowerCase()) && value !== '')
    .map(([key]) => key);
  return [...consumerInputDrift(subscription.consumerInputs, consumerInputs), ...(filters.length > 0 ? [`filters events on ${filters.join(', ')}`] : [])];
}

/** A subscription someone disabled: kept as it is, saying so (and what a run would change once it is enabled again). */
function leftAsItIs(status: string, drift: readonly string[]): string[] {
  const why = status === 'disabledByUser' ? 'disabledByUser: disabled in Azure DevOps by a user, so it stays disabled' : `status ${status || '(none)'}: left as it is`;
  return [why, ...(drift.length > 0 ? [`not updated while disabled (${drift.join('; ')})`] : [])];
}

/** Which of several subscriptions for one key to keep: enabled, then on probation, then re-enabled, then one left disabled; current before drifted. */
function rank(subscription: ExistingSubscription, drift: readonly string[]): number {
  const status = subscription.status.toLowerCase();
  const order = status === 'enabled' ? 0 : status === 'onprobation' ? 1 : handlingOf(status) === 'reenable' ? 2 : 3;
  return order * 2 + (drift.length === 0 ? 0 : 1);
}

function unwantedBecause(subscription: ExistingSubscription, projectId: string | undefined, desired: readonly DesiredSubscription[]): string {
  const eventType = subscription.eventType.toLowerCase();
  if (!desired.some((d) => d.eventType.toLowerCase() === eventType)) return 'event type not selected';
  const orgLevel = desired.some((d) => d.scope.projectId === undefined);
  if (projectId === undefined) return 'organization-wide, but subscriptions are per project (isProjectsLimited)';
  if (orgLevel) return 'per project, but subscriptions are organization-wide (isProjectsLimited is false)';
  return 'project not in scope (projects filter, excluded tags, or no longer there)';
}
