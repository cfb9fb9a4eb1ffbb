import type { ChangeFilter, ChangeWindow } from '../kinds/kind';
import type { PreparedResource } from '../sync/prepare-mapping';
import type { RunReporter } from '../sync/reporter';
import type { ResourceSyncDeps } from '../sync/resource-sync';
import { ResourceStats } from '../sync/stats';
import type { CursorKey, CursorStore } from './cursor-store';
import { cursorDistrust, planListing, type CursorReading, type IncrementalSettings, type ListingPlan } from './listing-plan';

type SyncResource = (prepared: PreparedResource, deps: ResourceSyncDeps) => Promise<ResourceStats>;

/** One resource's cursor in the run summary. */
export type ResourceCursorReport = {
  label: string;
  kind: string;
  index: number;
  /** `changes`: through the kind's change filter; `full`: everything; `skipped`: not listed. */
  listing: ListingPlan['listing'];
  /** Why the listing is full or skipped, or which filter was used. */
  detail: string;
  cursorBefore: string | null;
  /** Start of the change window (the cursor minus the overlap, or the look-back). */
  since: string | null;
  /** The cursor Port holds after the run. */
  cursorAfter: string | null;
  advanced: boolean;
  /** Entities created or updated in Port. */
  changed: number;
  /** Why the cursor was not advanced, when it was not. */
  held?: string;
};

export type CursorRunReport = {
  mode: 'incremental' | 'sync';
  /** The time cursors advance to: the run's start on Azure DevOps' clock (its `Date` header), else the agent's. */
  startedAt: string;
  overlapMinutes: number;
  resources: ResourceCursorReport[];
};

/**
 * The cursors of one run. In an incremental run each resource is listed through its kind's change
 * filter from its cursor minus the overlap window (planListing), and its cursor advances to the
 * run's start only when the resource completed without error, so a failed resource is listed
 * again from its old cursor next time. A full run advances the cursors of the resources it
 * completed the same way: it has seen everything that changed before it started, so the next
 * incremental run starts from there.
 */
export class ResourceCursors {
  private readonly shared = new Map<string, Promise<unknown>>();
  private readonly entries: ResourceCursorReport[] = [];

  constructor(
    private readonly deps: {
      store: CursorStore;
      mode: 'incremental' | 'sync';
      settings: IncrementalSettings;
      startedAt: Date;
      reporter: RunReporter;
      /** A reason no cursor may advance (a projects filter: the listings do not cover everything). */
      holdBecause?: string | undefined;
    },
  ) {}

  /** `syncResource` with the cursor read before and written after. */
  wrap(sync: SyncResource): SyncResource {
    return (prepared, deps) => this.syncOne(prepared, deps, sync);
  }

  report(): CursorRunReport {
    return {
      mode: this.deps.mode,
      startedAt: this.deps.startedAt.toISOString(),
      overlapMinutes: this.deps.settings.overlapMinutes,
      resources: [...this.entries].sort((a, b) => a.index - b.index),
    };
  }

  private async syncOne(prepared: PreparedResource, deps: ResourceSyncDeps, sync: SyncResource): Promise<ResourceStats> {
    const key: CursorKey = { kind: prepared.resource.kind, index: prepared.resource.index };
    const filter = prepared.kind.changedSince;
    const stored = this.deps.mode === 'incremental' ? await this.read(key) : undefined;
    const plan: ListingPlan = stored ? planListing({ hasFilter: filter !== undefined, cursor: stored, settings: this.deps.settings, startedAt: this.deps.startedAt }) : { listing: 'full', reason: 'full sync' };
    if (stored?.state === 'set' && plan.listing !== 'skipped') {
      const distrust = cursorDistrust(stored, this.deps.startedAt);
      if (distrust !== undefined) this.deps.reporter.warn(`${key.kind} #${key.index}: ${distrust}, so it may be past changes never listed; listing everything. This run replaces it.`);
    }
    const cursorBefore = stored?.state === 'set' || stored?.state === 'unreadable' ? stored.text : null;
    const entry: ResourceCursorReport = {
      label: `${key.kind} #${key.index}`,
      kind: key.kind,
      index: key.index,
      listing: plan.listing,
      detail: plan.listing === 'changes' ? (filter?.filter ?? '') : plan.reason,
      cursorBefore,
      since: plan.listing === 'changes' ? plan.since.toISOString() : null,
      cursorAfter: cursorBefore,
      advanced: false,
      changed: 0,
    };
    this.entries.push(entry);

    if (plan.listing === 'skipped') {
      entry.held = 'not listed';
      const stats = new ResourceStats(key.index, key.kind);
      deps.reporter.info(`${key.kind}: not listed in this incremental run (${plan.reason}).`);
      return stats;
    }
    if (plan.listing === 'changes') {
      deps.reporter.info(`${key.kind}: listing what changed since ${plan.since.toISOString()} (${plan.basis === 'cursor' ? `cursor ${cursorBefore ?? ''} minus ${this.deps.settings.overlapMinutes} min` : `look-back of ${this.deps.settings.lookBackDays ?? 0} days`}).`);
    } else if (this.deps.mode === 'incremental') {
      deps.reporter.info(`${key.kind}: listing everything (${plan.reason}).`);
    }
    const listed = plan.listing === 'changes' && filter ? throughFilter(prepared, filter, this.window(plan.since)) : prepared;
    const stats = await sync(listed, deps);
    entry.changed = stats.upserted;

    const listAgain = `the next run lists again from ${cursorBefore ?? 'the start'}`;
    const unmet = stats.unmetDependencies.length;
    const held =
      this.deps.holdBecause ??
      (stats.error !== undefined || stats.failed > 0 || stats.mappingErrors > 0
        ? `the resource had errors; ${listAgain}`
        : unmet > 0
          ? // They are sent again at the end of the run, after this decision, and may fail again.
            `Port refused ${unmet} entit${unmet === 1 ? 'y' : 'ies'} for a missing relation target, sent again at the end of the run; ${listAgain}`
          : stats.recentMayBeMissing !== undefined
            ? `the listing was incomplete (${stats.recentMayBeMissing}); ${listAgain}`
            : undefined);
    if (held) {
      entry.held = held;
      return stats;
    }
    try {
      await this.deps.store.write(key, this.deps.startedAt);
      entry.cursorAfter = this.deps.startedAt.toISOString();
      entry.advanced = true;
    } catch (error) {
      entry.held = `the cursor could not be written: ${error instanceof Error ? error.message : String(error)}`;
      // The data is in Port; an old cursor only makes the next run list more.
      this.deps.reporter.warn(`${entry.label}: ${entry.held}. The next incremental run lists again from the old cursor.`);
    }
    return stats;
  }

  private async read(key: CursorKey): Promise<CursorReading> {
    let stored: CursorReading;
    try {
      stored = await this.deps.store.read(key);
    } catch (error) {
      // Listing everything is always correct, only slower; a look-back could miss what the cursor held back.
      this.deps.reporter.warn(`${key.kind} #${key.index}: the cursor could not be read from Port (${error instanceof Error ? error.message : String(error)}); listing everything.`);
      return { state: 'unavailable' };
    }
    if (stored.state === 'unreadable') {
      this.deps.reporter.warn(`${key.kind} #${key.index}: the cursor stored in Port (${stored.text.slice(0, 60)}) is not an ISO time; listing everything. This run replaces it.`);
    }
    return stored;
  }

  private window(since: Date): ChangeWindow {
    return {
      since,
      shared: <T>(key: string, load: () => Promise<T>): Promise<T> => {
        let entry = this.shared.get(key) as Promise<T> | undefined;
        if (!entry) {
          entry = load();
          this.shared.set(key, entry);
        }
        return entry;
      },
    };
  }
}

/** The same resource, its kind listed through the change filter from `window.since`. */
function throughFilter(prepared: PreparedResource, filter: ChangeFilter<unknown>, window: ChangeWindow): PreparedResource {
  return { ...prepared, kind: { ...prepared.kind, list: (ctx, selector) => filter.list(ctx, selector, window) } };
}
