import pLimit from 'p-limit';
import type { ConsumerInputs } from './consumer-inputs';
import type { PlannedChange } from './plan-changes';
import type { SubscriptionsApi } from './subscriptions-api';

/**
 * Carries out the planned changes with bounded concurrency: creates, updates and replacements
 * first, deletions last, so that a scope switch (organization ↔ projects) never leaves a gap in
 * coverage. One failed call fails that change only; the others still run.
 */
export async function applyChanges(changes: readonly PlannedChange[], deps: { api: SubscriptionsApi; consumerInputs: ConsumerInputs; concurrency: number }): Promise<void> {
  const limit = pLimit(Math.max(1, deps.concurrency));
  const run = (change: PlannedChange, call: () => Promise<void>) =>
    limit(async () => {
      try {
        await call();
        change.outcome = 'done';
      } catch (error) {
        change.outcome = 'failed';
        change.error = error instanceof Error ? error.message : String(error);
      }
    });
  const pending = changes.filter((c) => c.outcome === 'planned');

  await Promise.all(
    pending
      .filter((c) => c.action !== 'prune')
      .map((change) =>
        run(change, async () => {
          const desired = change.desired;
          if (!desired) throw new Error(`internal: no desired subscription for a ${change.action}`);
          const body = { publisherId: desired.publisherId, eventType: desired.eventType, scope: desired.scope, consumerInputs: deps.consumerInputs };
          if (change.action === 'create') change.subscriptionId = (await deps.api.create(body)).id;
          else if (change.subscriptionId) await deps.api.replace(change.subscriptionId, body);
        }),
      ),
  );
  // A deletion may be the other half of a switch (a new receiver URL, organization ↔ projects):
  // while the create or update that would replace it failed, the subscription stays. Deletions no
  // failed change stands in for go ahead.
  const failed = pending.filter((c) => c.action !== 'prune' && c.outcome === 'failed');
  const prunes: PlannedChange[] = [];
  for (const change of pending.filter((c) => c.action === 'prune')) {
    const replacement = failed.find((f) => replaces(f, change));
    if (!replacement) {
      prunes.push(change);
      continue;
    }
    change.outcome = 'held';
    change.reasons = [...change.reasons, `not done: the ${replacement.action} of ${replacement.eventType} for the ${replacement.scope} failed, so the subscription it would replace stays`];
  }
  await Promise.all(
    prunes.map((change) =>
      run(change, async () => {
        if (!change.subscriptionId) return;
        const result = await deps.api.delete(change.subscriptionId, { publisherId: change.publisher, eventType: change.eventType, scope: change.target });
        if (result === 'gone') change.reasons = [...change.reasons, 'already deleted'];
      }),
    ),
  );
}

/**
 * Whether `change` stands in for the subscription `prune` deletes: the same publisher and event
 * type, for the same project, or one of them organization-wide (the other half of a switch between
 * organization-wide and per-project subscriptions).
 */
function replaces(change: PlannedChange, prune: PlannedChange): boolean {
  const same = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  if (!same(change.publisherId, prune.publisherId) || !same(change.eventType, prune.eventType)) return false;
  return change.projectId === undefined || prune.projectId === undefined || same(change.projectId, prune.projectId);
}
