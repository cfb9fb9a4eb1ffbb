import type { WebhookPublisher } from '../config/known-values';
import { consumerInputDrift, hasBasicAuth, OWNER_HEADER, ownerOf, type ConsumerInputs } from './consumer-inputs';
import { scopeLabel, subscriptionKey, type DesiredSubscription, type WebhookScope } from './desired-state';
import { FINGERPRINT_HEADER } from './fingerprint';
import { isSameReceiver } from './receiver';
import type { WebhookChange } from './report';
import { CONSUMER_ACTION_ID, CONSUMER_ID, type ExistingSubscription } from './subscriptions-api';
import { groupBy } from '../util/group-by';

/**
 * Compares the subscriptions we want with the ones Azure DevOps has, and decides per subscription:
 * create what is missing, replace (re-enable) the ones Azure DevOps disabled, update ones whose
 * credentials, headers or filters drifted, keep the rest (a subscription a user disabled stays
 * disabled); ours that are no longer wanted are pruned (or reported as stale when pruning is off);
 * exact duplicates of a wanted one are removed, other duplicates of ours only with --prune.
 *
 * Which subscriptions are ours (see `ownership`): at our receiver URL, those carrying this
 * integration's identifier header, and those without any identifier header and without event
 * filters (Ocean's, which a run adopts); at another URL, those carrying this integration's
 * identifier (the base URL changed). A subscription at our receiver URL that carries another
 * integration's identifier, or filters events without carrying ours (made by hand), is never
 * rewritten or deleted: the summary lists it as kept, not ours.
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
 * What a subscription is to this run:
 * - `ours`: a webHooks subscription at our receiver URL carrying this integration's identifier header;
 * - `unmarked`: at our receiver URL, without an identifier header and without event filters: Ocean's
 *   (or made like Ocean's), adopted as ours;
 * - `former`: one this integration registered for a receiver URL it no longer uses;
 * - `others`: at our receiver URL, but another integration's (another identifier) or someone's own
 *   (it filters events and carries no identifier: made by hand). Never rewritten or deleted;
 * - undefined: another receiver's.
 */
export type Ownership = 'ours' | 'unmarked' | 'former' | 'others';

export function ownership(subscription: ExistingSubscription, receiverUrl: string, integration: string): Ownership | undefined {
  if (subscription.consumerId.toLowerCase() !== CONSUMER_ID.toLowerCase() || subscription.consumerActionId.toLowerCase() !== CONSUMER_ACTION_ID.toLowerCase()) return undefined;
  const owner = ownerOf(subscription.consumerInputs);
  if (!isSameReceiver(subscription.consumerInputs.url, receiverUrl)) return owner === integration ? 'former' : undefined;
  if (owner === integration) return 'ours';
  if (owner !== undefined) return 'others';
  return filtersOf(subscription).length > 0 ? 'others' : 'unmarked';
}

/** Why a subscription at our receiver URL is not ours (its ownership is `others`). */
function notOursBecause(subscription: ExistingSubscription): string {
  const owner = ownerOf(subscription.consumerInputs);
  const why = owner !== undefined ? `registered by another integration (${OWNER_HEADER}: ${owner})` : `filters events on ${filtersOf(subscription).join(', ')} and carries no ${OWNER_HEADER} header (made by hand?)`;
  return `not ours: ${why}; left as it is`;
}

/** Publisher inputs that narrow the events (repository, branch, …): all but the project and what the service adds. */
function filtersOf(subscription: ExistingSubscription): string[] {
  return Object.entries(subscription.publisherInputs)
    .filter(([key, value]) => !SERVER_ADDED_INPUTS.has(key.toLowerCase()) && value !== '')
    .map(([key]) => key);
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
  const others: { publisher: WebhookPublisher; subscription: ExistingSubscription }[] = [];
  for (const [publisher, subscriptions] of listed) {
    for (const subscription of subscriptions) {
      const owned = ownership(subscription, input.receiverUrl, input.integration);
      if (owned === 'former') former.push({ publisher, subscription });
      else if (owned === 'others') others.push({ publisher, subscription });
      else if (owned !== undefined) receivers.push({ publisher, subscription });
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
  // An exact duplicate of ours goes without --prune too.
  const removalAnyway = (why: string): Pick<PlannedChange, 'action' | 'reasons' | 'outcome'> => {
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
    const [keeper, ...duplicates] = [...candidates].sort((a, b) => rank(a, drift.get(a.id) ?? [], input.integration) - rank(b, drift.get(b.id) ?? [], input.integration));
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
      const change = { ...base, desired: undefined, subscriptionId: duplicate.id };
      const exact = isExactDuplicate(duplicate, keeper);
      if (ownerOf(duplicate.consumerInputs) === input.integration) {
        // A second copy of ours (two runs overlapped): it only doubles every delivery, so it goes
        // even without --prune. One that differs in more than its credentials goes only with --prune.
        changes.push({ ...change, ...(exact ? removalAnyway(`exact duplicate of ${keeper.id}, registered twice (by overlapping runs, say)`) : removal(`duplicate of ${keeper.id}`)) });
      } else if (exact) {
        // Ocean's subscriptions, or copies of them: adopted once (the keeper), the copies only double deliveries.
        changes.push({ ...change, ...removal(`exact duplicate of ${keeper.id}, without this integration's identifier (Ocean's, say)`) });
      } else {
        // Without this integration's identifier, and set up differently: perhaps someone's own.
        changes.push({ ...change, ...removal(`duplicate of ${keeper.id}`, 'not registered by this integration') });
      }
    }
  }

  const unwanted = [...ours].flatMap(([key, found]) => (wanted.has(key) ? [] : found.map((f) => ({ ...f, why: unwantedBecause(f.subscription, projectIdOf(f.subscription), input.desired) }))));
  unwanted.push(...former.map((f) => ({ ...f, why: 'receiver URL changed' })));
  const existingChange = (publisher: WebhookPublisher, s: ExistingSubscription) => {
    const projectId = projectIdOf(s);
    const target: WebhookScope = projectId === undefined ? { projectId: undefined } : { projectId, projectName: input.projectNames.get(projectId.toLowerCase()) ?? projectId };
    return { publisherId: s.publisherId, eventType: s.eventType, projectId, scope: scopeLabel(target), subscriptionId: s.id, publisher, target };
  };
  for (const { publisher, subscription, why } of unwanted) changes.push({ ...existingChange(publisher, subscription), ...removal(why) });
  // Not ours, wanted or not: listed so that nobody wonders why they were left alone.
  for (const { publisher, subscription } of others) changes.push({ ...existingChange(publisher, subscription), action: 'keep', reasons: [notOursBecause(subscription)], outcome: 'done' });
  return changes;
}

function driftOf(subscription: ExistingSubscription, consumerInputs: ConsumerInputs): string[] {
  const filters = filtersOf(subscription);
  return [...consumerInputDrift(subscription.consumerInputs, consumerInputs), ...(filters.length > 0 ? [`filters events on ${filters.join(', ')}`] : [])];
}

/** A subscription someone disabled: kept as it is, saying so (and what a run would change once it is enabled again). */
function leftAsItIs(status: string, drift: readonly string[]): string[] {
  const why = status === 'disabledByUser' ? 'disabledByUser: disabled in Azure DevOps by a user, so it stays disabled' : `status ${status || '(none)'}: left as it is`;
  return [why, ...(drift.length > 0 ? [`not updated while disabled (${drift.join('; ')})`] : [])];
}

/**
 * Which of several subscriptions for one key to keep: enabled, then on probation, then re-enabled,
 * then one left disabled; current before drifted; one carrying our identifier before one without.
 * Ties keep the listing's order (the sort is stable), so runs that overlap keep the same one.
 */
function rank(subscription: ExistingSubscription, drift: readonly string[], integration: string): number {
  const status = subscription.status.toLowerCase();
  const order = status === 'enabled' ? 0 : status === 'onprobation' ? 1 : handlingOf(status) === 'reenable' ? 2 : 3;
  return order * 4 + (drift.length === 0 ? 0 : 2) + (ownerOf(subscription.consumerInputs) === integration ? 0 : 1);
}

/**
 * Whether `duplicate` is an exact copy of `keeper` (both at our receiver URL, for the same publisher,
 * event type and project): neither filters events, and their consumer inputs are the same apart
 * from the credentials (Basic-auth user name and password, our fingerprint header) and our
 * identifier header. Anything else that differs (a header of its own, other resource details or
 * messages, another resource version) may be someone's choice: such a copy is not exact.
 */
export function isExactDuplicate(duplicate: ExistingSubscription, keeper: ExistingSubscription): boolean {
  if (filtersOf(duplicate).length > 0 || filtersOf(keeper).length > 0) return false;
  if ((duplicate.resourceVersion ?? '') !== (keeper.resourceVersion ?? '')) return false;
  const a = comparableInputs(duplicate.consumerInputs);
  const b = comparableInputs(keeper.consumerInputs);
  return [...new Set([...a.keys(), ...b.keys()])].every((key) => (a.get(key) ?? '') === (b.get(key) ?? ''));
}

const CREDENTIAL_INPUTS = new Set(['basicauthusername', 'basicauthpassword']);
const OUR_HEADERS = new Set([OWNER_HEADER.toLowerCase(), FINGERPRINT_HEADER.toLowerCase()]);

/** Consumer inputs, keys lower-cased, without the credentials and the URL (the same receiver for both); headers without ours, in a stable order; All resource details spelled one way. */
function comparableInputs(inputs: ConsumerInputs): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(inputs)) {
    const name = key.toLowerCase();
    if (CREDENTIAL_INPUTS.has(name)) continue;
    if (name === 'url') continue; // both are our receiver URL (that is how they were grouped)
    if (name === 'httpheaders') out.set(name, otherHeaders(value));
    else if (name === 'resourcedetailstosend') out.set(name, value.toLowerCase() === 'all' ? '' : value);
    else out.set(name, value);
  }
  return out;
}

/** `httpHeaders` without our two headers, one normalized line each (name lower-cased, value trimmed), sorted. */
function otherHeaders(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return colon <= 0 ? line : `${line.slice(0, colon).trim().toLowerCase()}:${line.slice(colon + 1).trim()}`;
    })
    .filter((line) => !OUR_HEADERS.has(line.slice(0, Math.max(0, line.indexOf(':')))))
    .sort()
    .join('\n');
}

function unwantedBecause(subscription: ExistingSubscription, projectId: string | undefined, desired: readonly DesiredSubscription[]): string {
  const eventType = subscription.eventType.toLowerCase();
  if (!desired.some((d) => d.eventType.toLowerCase() === eventType)) return 'event type not selected';
  const orgLevel = desired.some((d) => d.scope.projectId === undefined);
  if (projectId === undefined) return 'organization-wide, but subscriptions are per project (isProjectsLimited)';
  if (orgLevel) return 'per project, but subscriptions are organization-wide (isProjectsLimited is false)';
  return 'project not in scope (projects filter, excluded tags, or no longer there)';
}
