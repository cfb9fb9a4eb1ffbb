import { listPages, paging, type RawItem } from '../azure-devops/paging';
import type { ChangeWindow, KindContext } from '../kinds/kind';
import type { Project } from '../kinds/parents';

/**
 * `minTime` filters on the time field of `queryOrder` (azure-devops-api.md §1.4), so one query per
 * field finds the builds queued, started or finished since the window: every state a build moves
 * through (notStarted → inProgress → completed) stamps one of those three times. Ocean sends
 * `minTime` with the default queue-time order only, and so misses a build queued before its cursor
 * that finished after it.
 */
const ORDERS = ['queueTimeDescending', 'startTimeDescending', 'finishTimeDescending'] as const;

/**
 * The builds of a project that changed since the window's start, read once per run and shared by
 * build and pipeline-run (pipeline-stage reads the same times off its own listing). Raw builds,
 * deduplicated by id.
 */
export function changedBuilds(ctx: KindContext, window: ChangeWindow, project: Pick<Project, 'id'>): Promise<RawItem[]> {
  const since = window.since.toISOString();
  return window.shared(`changed-builds|${project.id}|${since}`, async () => {
    const byId = new Map<unknown, RawItem>();
    const lists = ORDERS.map(async (queryOrder) => {
      const request = { path: `${project.id}/_apis/build/builds`, query: { queryOrder, minTime: since }, apiVersion: '7.1' };
      for await (const page of listPages(ctx.client, request, paging.continuationHeader(1000))) {
        for (const build of page) byId.set(build.id, build);
      }
    });
    await Promise.all(lists);
    return [...byId.values()];
  });
}

/** The pipeline (build definition) id of a raw build. */
export function pipelineIdOf(build: RawItem): unknown {
  return (build.definition as { id?: unknown } | undefined)?.id;
}
