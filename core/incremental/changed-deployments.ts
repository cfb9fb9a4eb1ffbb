import { listPages, paging, type RawItem } from '../azure-devops/paging';
import type { ChangeWindow, KindContext } from '../kinds/kind';
import type { Project } from '../kinds/parents';

/**
 * The classic-release deployments of a project modified since the window's start
 * (`minModifiedTime`), read once per run: release-deployment lists them, and release uses them to
 * find the releases a deployment changed. Raw deployments, newest first.
 */
export function changedDeployments(ctx: KindContext, window: ChangeWindow, project: Pick<Project, 'id'>): Promise<RawItem[]> {
  const since = window.since.toISOString();
  return window.shared(`changed-release-deployments|${project.id}|${since}`, async () => {
    const deployments: RawItem[] = [];
    const request = { service: 'release', path: `${project.id}/_apis/release/deployments`, query: { minModifiedTime: since }, apiVersion: '7.1' } as const;
    // Release management pages at most 100 at a time (azure-devops-api.md §3.3).
    for await (const page of listPages(ctx.client, request, paging.continuationHeader(100))) deployments.push(...page);
    return deployments;
  });
}
