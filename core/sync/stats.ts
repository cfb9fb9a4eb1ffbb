import { RequestMetrics } from '../azure-devops/client';
import type { CursorRunReport } from '../incremental/resource-cursors';
import type { ShardReport } from '../shards/shard-report';
import type { WebhookReport } from '../webhooks/report';

/** What happened to one resource of the mapping (a kind with its selector and mapping). */
export class ResourceStats {
  readonly ado = new RequestMetrics();
  readonly blueprints = new Set<string>();
  listed = 0;
  entities = 0;
  upserted = 0;
  unchanged = 0;
  failed = 0;
  deleted = 0;
  filteredOut = 0;
  skippedNoIdentifier = 0;
  /** Items whose selector or mapping could not be evaluated (a reason to hold deletions). */
  mappingErrors = 0;
  /** Plan mode: entities that would be created / updated. */
  wouldCreate = 0;
  wouldUpdate = 0;
  portRequests = 0;
  seconds = 0;
  error: string | undefined;
  readonly incomplete: string[] = [];
  /** Why a change since the incremental cursor may not have been listed (the first such reason). */
  recentMayBeMissing: string | undefined;
  readonly failures: { identifier: string; message: string }[] = [];

  constructor(
    readonly index: number,
    readonly kind: string,
  ) {}

  get label(): string {
    return `${this.kind} #${this.index}`;
  }

  get ok(): boolean {
    return this.error === undefined && this.failed === 0 && this.mappingErrors === 0;
  }
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

export type RunResult = {
  status: RunStatus;
  mode: 'sync' | 'plan';
  resources: ResourceStats[];
  deletions: DeletionReport;
  seconds: number;
  adoRequests: number;
  portRequests: number;
  throttledSeconds: number;
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
