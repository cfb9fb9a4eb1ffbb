import { RequestMetrics } from '../azure-devops/client';
import type { PortRequestCounter } from '../port/client';
import type { PortEntity, UpsertFailure } from '../port/entities';
import type { CursorRunReport } from '../incremental/resource-cursors';
import type { ShardReport } from '../shards/shard-report';
import type { WebhookReport } from '../webhooks/report';

/** What happened to one resource of the mapping (a kind with its selector and mapping). */
export class ResourceStats {
  readonly ado = new RequestMetrics();
  readonly blueprints = new Set<string>();
  /** Port requests of this resource's writes: its unchanged checks and upserts (every attempt). */
  readonly port: PortRequestCounter = { requests: 0 };
  listed = 0;
  upserted = 0;
  unchanged = 0;
  /** Entities Port refused (after the end-of-run resend of unmet dependencies). */
  failed = 0;
  deleted = 0;
  /** Items the selector left out (it returned false). */
  filteredOut = 0;
  /** Items whose identifier or blueprint came out null or empty: no entity, as in Ocean. */
  skippedNoIdentifier = 0;
  /** Items whose selector or mapping could not be evaluated (a reason to hold deletions). */
  mappingErrors = 0;
  /** Plan mode: entities that would be created / updated. */
  wouldCreate = 0;
  wouldUpdate = 0;
  seconds = 0;
  error: string | undefined;
  readonly incomplete: string[] = [];
  /** Why a change since the incremental cursor may not have been listed (the first such reason). */
  recentMayBeMissing: string | undefined;
  readonly failures: { identifier: string; message: string }[] = [];
  /**
   * Entities Port refused with 404 not_found (createMissingRelatedEntities off: a relation target
   * not written yet). Sent again once every resource has finished (core/sync/unmet-dependencies);
   * until then they are neither upserted nor failed, and the resource is not `ok`.
   */
  readonly unmetDependencies: { blueprint: string; entity: PortEntity; message: string }[] = [];
  /** Entities written without the unchanged check because the search for them failed. */
  uncheckedWrites = 0;
  /** Why the unchanged check failed, the first time it did. */
  checkError: string | undefined;

  constructor(
    readonly index: number,
    readonly kind: string,
  ) {}

  get label(): string {
    return `${this.kind} #${this.index}`;
  }

  get ok(): boolean {
    return this.error === undefined && this.failed === 0 && this.mappingErrors === 0 && this.unmetDependencies.length === 0;
  }
}

/** How many failures a resource keeps to name in the summary (`failed` counts them all). */
const FAILURES_KEPT = 20;

/** Keeps one of a resource's first failures (identifier and reason only) to name in the summary. */
export function recordFailure(stats: ResourceStats, failure: UpsertFailure): void {
  if (stats.failures.length < FAILURES_KEPT) stats.failures.push({ identifier: failure.identifier, message: failure.message });
}

export type DeletionReport = {
  /** Why nothing (or not everything) was deleted, when that is the case. */
  skipped: string | undefined;
  /** Per blueprint: owned entities not produced this run, and how many were deleted. */
  blueprints: { blueprint: string; stale: number; deleted: number; held: string | undefined; samples: string[]; error?: string }[];
  owned: number;
  guardTripped: boolean;
  /** Reconciliation itself failed (the owned entities could not be listed). */
  error?: string;
};

export type RunStatus = 'success' | 'partial' | 'failed';

/** What the run did: a full sync, an incremental one (writes like a sync, lists only changes), or a plan (writes nothing). */
export type RunMode = 'sync' | 'incremental' | 'plan';

export type RunResult = {
  status: RunStatus;
  mode: RunMode;
  resources: ResourceStats[];
  deletions: DeletionReport;
  seconds: number;
  adoRequests: number;
  portRequests: number;
  /** Time Azure DevOps throttled the run. */
  throttledSeconds: number;
  /** Time the run waited after Port's 429s. */
  portThrottledSeconds?: number;
  /** Run-level problems (not tied to one resource). */
  problems: string[];
  integrationUrl: string | undefined;
  /** Incremental-sync cursors per resource (not in plan mode). */
  cursors?: CursorRunReport;
  /** Service-hook registration, when it ran (`webhooks.register`). */
  webhooks?: WebhookReport;
  /** A sharded run's shard, its share of the projects and the round bookkeeping (core/shards). */
  shard?: ShardReport;
  plan: PlanRow[];
};

/** What a plan would do to one blueprint. */
export type PlanRow = { blueprint: string; create: number; update: number; unchanged: number; delete: number; samples: { create: string[]; update: string[]; delete: string[] } };

/**
 * A resource's failures, as every report counts them (docs/running.md, "The summary"): entities
 * Port refused, items the selector or mapping could not evaluate, and one for the resource itself
 * when it stopped on an error (a failed listing), so a kind that failed before it wrote anything
 * is never `0 failed`.
 */
export function resourceFailed(stats: ResourceStats): number {
  return stats.failed + stats.mappingErrors + (stats.error === undefined ? 0 : 1);
}

/** A run's totals: the one source of the summaries' totals (text, Markdown, JSON) and of the step outputs. */
export type RunTotals = {
  listed: number;
  /** Plan mode: entities a sync would create or update. */
  upserted: number;
  unchanged: number;
  /** Every resource's `resourceFailed`. */
  failed: number;
  /** Per blueprint, bare relation targets included (plan mode: what a sync would delete). */
  deleted: number;
  /** Items the selectors left out. */
  filteredOut: number;
  /** Items mapped to no identifier (or no blueprint). */
  skippedNoIdentifier: number;
};

export function runTotals(result: RunResult): RunTotals {
  const plan = result.mode === 'plan';
  const totals: RunTotals = { listed: 0, upserted: 0, unchanged: 0, failed: 0, deleted: 0, filteredOut: 0, skippedNoIdentifier: 0 };
  for (const r of result.resources) {
    totals.listed += r.listed;
    totals.upserted += plan ? r.wouldCreate + r.wouldUpdate : r.upserted;
    totals.unchanged += r.unchanged;
    totals.failed += resourceFailed(r);
    totals.filteredOut += r.filteredOut;
    totals.skippedNoIdentifier += r.skippedNoIdentifier;
  }
  // Deletions are per blueprint, not per resource: several resources may write one blueprint, and
  // bare relation targets belong to none.
  totals.deleted = plan ? result.plan.reduce((n, p) => n + p.delete, 0) : result.deletions.blueprints.reduce((n, b) => n + b.deleted, 0);
  return totals;
}
