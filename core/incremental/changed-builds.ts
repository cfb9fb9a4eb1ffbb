import { listPages, paging, type RawItem } from '../azure-devops/paging';
import type { ChangeWindow, KindContext } from '../kinds/kind';
import type { Project } from '../kinds/parents';
import { idOf } from '../util/id-of';

/**
 * The three listings that find every build that changed since the window's start:
 *
 * - queued since: `minTime` with queue-time order;
 * - finished since: `minTime` with finish-time order (`minTime` filters on the time field of
 *   `queryOrder` only, azure-devops-api.md §1.4), which also covers a build queued or started
 *   before the window and finished, cancelled or failed in it;
 * - running now (`statusFilter=inProgress`), of which those that started or whose record changed
 *   (`lastChangedDate`) since the window: a build's stages move while its own times stay put.
 *
 * A build moves notStarted → inProgress → completed, and each step lands in one of them. Ocean
 * sends `minTime` with the default queue-time order only, and so misses a build queued before
 * its cursor that finished after it.
 */
const LISTINGS = [
  { queryOrder: 'queueTimeDescending', since: true },
  { queryOrder: 'finishTimeDescending', since: true },
  { statusFilter: 'inProgress', since: false },
] as const;

/** A build's own times that say it changed: `lastChangedDate` is stamped when its timeline moves. */
const BUILD_TIMES = ['queueTime', 'startTime', 'finishTime', 'lastChangedDate'] as const;

/**
 * Whether a build may have changed at or after `since`, from its own times. A running build
 * without a readable `lastChangedDate` gives no evidence either way, so it counts as changed.
 */
export function movedSince(build: RawItem, since: number): boolean {
  const times = BUILD_TIMES.map((field) => timeOf(build, field));
  if (times.some((t) => t >= since)) return true;
  return build.status !== 'completed' && Number.isNaN(times[3]);
}

/**
 * The builds of a project that changed since the window's start, read once per run and shared by
 * build, pipeline-run and pipeline-stage. Raw builds, deduplicated by id, newest queued first.
 */
export function changedBuilds(ctx: KindContext, window: ChangeWindow, project: Pick<Project, 'id'>): Promise<RawItem[]> {
  const since = window.since.toISOString();
  const sinceMs = window.since.getTime();
  return window.shared(`changed-builds|${project.id}|${since}`, async () => {
    const byId = new Map<unknown, RawItem>();
    const lists = LISTINGS.map(async ({ since: bounded, ...filter }) => {
      const request = { path: `${project.id}/_apis/build/builds`, query: { ...filter, ...(bounded ? { minTime: since } : {}) }, apiVersion: '7.1' };
      for await (const page of listPages(ctx.client, request, paging.continuationHeader(1000))) {
        for (const build of page) if (bounded || movedSince(build, sinceMs)) byId.set(build.id, build);
      }
    });
    await Promise.all(lists);
    return [...byId.values()].sort((a, b) => (timeOf(b, 'queueTime') || 0) - (timeOf(a, 'queueTime') || 0));
  });
}

/** A build's time field in milliseconds; NaN when it has none. */
export function timeOf(build: RawItem, field: (typeof BUILD_TIMES)[number]): number {
  const value = build[field];
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** The pipeline (build definition) id of a raw build. */
export function pipelineIdOf(build: RawItem): unknown {
  return idOf(build.definition);
}
