/**
 * What webhook registration did (or, in plan mode, would do), as plain data: printed in the run
 * summary, written to the JSON summary, and asserted by tests. Nothing here holds a secret.
 */

export type WebhookAction = 'create' | 'update' | 'replace' | 'keep' | 'prune' | 'stale';

/**
 * - `done`: applied (or nothing to apply, for `keep` and `stale`);
 * - `planned`: plan mode, not applied;
 * - `held`: not applied because a listing failed (nothing is created or deleted then);
 * - `failed`: Azure DevOps refused or the call failed (`error` says why).
 */
export type ChangeOutcome = 'done' | 'planned' | 'held' | 'failed';

export type WebhookChange = {
  readonly action: WebhookAction;
  readonly publisherId: string;
  readonly eventType: string;
  readonly projectId: string | undefined;
  /** `organization` or `project <name>`. */
  readonly scope: string;
  subscriptionId: string | undefined;
  // Assignable, like the outcome: applying a change can hold it, and says why.
  reasons: readonly string[];
  outcome: ChangeOutcome;
  error?: string;
};

export type PublisherListing = {
  readonly publisherId: string;
  /** Subscriptions of this publisher for the webHooks consumer, and how many of them are ours (at our receiver URL, or carrying our identifier; not another integration's, not a hand-made one). */
  readonly subscriptions: number;
  readonly ours: number;
  readonly error?: string;
};

export type WebhookReport = {
  readonly mode: 'apply' | 'plan';
  status: 'success' | 'failed';
  readonly receiverUrl: string;
  readonly eventTypes: readonly string[];
  readonly listings: readonly PublisherListing[];
  readonly changes: readonly WebhookChange[];
  /** Failures the user must act on (listing failures, refused calls), one line each. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  requests: number;
};

export const ACTIONS: readonly WebhookAction[] = ['create', 'update', 'replace', 'keep', 'prune', 'stale'];

export type ChangeCounts = Record<WebhookAction | 'held' | 'failed', number>;

export function emptyCounts(): ChangeCounts {
  return { create: 0, update: 0, replace: 0, keep: 0, prune: 0, stale: 0, held: 0, failed: 0 };
}

/** Counts per group (event type, or scope): a held or failed change counts there, not under its action. */
export function countChanges(changes: readonly WebhookChange[], groupOf: (change: WebhookChange) => string): Map<string, ChangeCounts> {
  const groups = new Map<string, ChangeCounts>();
  for (const change of changes) {
    const key = groupOf(change);
    const counts = groups.get(key) ?? emptyCounts();
    counts[change.outcome === 'held' || change.outcome === 'failed' ? change.outcome : change.action]++;
    groups.set(key, counts);
  }
  return groups;
}

export function totalCounts(changes: readonly WebhookChange[]): ChangeCounts {
  return countChanges(changes, () => 'all').get('all') ?? emptyCounts();
}

/** The report as a failure of registration as a whole: no changes, one problem. */
export function failedReport(input: { mode: 'apply' | 'plan'; receiverUrl: string; problem: string; warnings?: readonly string[] }): WebhookReport {
  return { mode: input.mode, status: 'failed', receiverUrl: input.receiverUrl, eventTypes: [], listings: [], changes: [], problems: [input.problem], warnings: input.warnings ?? [], requests: 0 };
}
