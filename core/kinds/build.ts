import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { readObject } from '../azure-devops/read-object';
import { fanOut } from './fan-out';
import { changedBuilds } from '../incremental/changed-builds';
import { chunks } from '../util/chunks';
import { defineKind, type KindContext } from './kind';
import type { Project } from './parents';
import { flag } from './selector-types';

export default defineKind({
  kind: 'build',
  description: 'Builds of every project in scope, newest first.',
  selector: z.object({
    enrichWithFirstCommit: flag(false).describe("Adds `__firstCommit` (the oldest commit of the build's changes): one or two more requests per build."),
  }),
  endpoints: ['GET {org}/{project}/_apis/build/builds?queryOrder=queueTimeDescending (7.1, x-ms-continuationtoken, $top 1000)', 'GET …/build/builds/{id}/changes, GET …/git/repositories/{repo}/commits/{sha} (with enrichWithFirstCommit)'],
  enrichment: { __projectId: 'the project id', __project: 'the project', __firstCommit: 'with enrichWithFirstCommit: the oldest commit, with __sha, __timestamp, __commitCount' },
  availability: 'cloud-and-server',
  permission: 'Build (Read)',
  async *list(ctx, selector) {
    yield* fanOut(
      await ctx.parents.projects(),
      ctx.concurrency.largePages,
      (project: Project) => {
        const request = { path: `${project.id}/_apis/build/builds`, query: { queryOrder: 'queueTimeDescending' }, apiVersion: '7.1' };
        return enrichedBuilds(ctx, selector, project, listPages(ctx.client, request, paging.continuationHeader(1000)));
      },
      (project) => `builds of project ${project.name}`,
    );
  },
  changedSince: {
    filter:
      '`minTime` with `queryOrder` queueTimeDescending and finishTimeDescending, and `statusFilter=inProgress`: builds queued or finished since the cursor, and running builds that started or whose `lastChangedDate` moved since. Three listings per project (shared with pipeline-run and pipeline-stage), because `minTime` filters on the time field of `queryOrder` only and the builds list is per project: a build queued before the cursor can start or finish after it',
    misses: 'a build whose only change is a retention lease, a tag or a move to `cancelling` (its finish is seen)',
    async *list(ctx, selector, window) {
      yield* fanOut(
        await ctx.parents.projects(),
        ctx.concurrency.largePages,
        async function* (project: Project) {
          yield* enrichedBuilds(ctx, selector, project, chunks(await changedBuilds(ctx, window, project), 1000));
        },
        (project) => `changed builds of project ${project.name}`,
      );
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsBuild',
        title: 'Build',
        icon: 'Pipeline',
        schema: {
          properties: {
            buildNumber: { title: 'Build number', type: 'string' },
            status: { title: 'Status', type: 'string' },
            result: { title: 'Result', type: 'string' },
            reason: { title: 'Reason', type: 'string' },
            sourceBranch: { title: 'Source branch', type: 'string' },
            sourceVersion: { title: 'Commit', type: 'string' },
            requestedFor: { title: 'Requested for', type: 'string' },
            queueTime: { title: 'Queued', type: 'string', format: 'date-time' },
            startTime: { title: 'Started', type: 'string', format: 'date-time' },
            finishTime: { title: 'Finished', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {
          project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false },
          pipeline: { title: 'Pipeline', target: 'azureDevopsPipeline', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'build',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__projectId + "/" + (.id | tostring)',
              title: '.definition.name + " " + .buildNumber',
              blueprint: '"azureDevopsBuild"',
              properties: {
                buildNumber: '.buildNumber',
                status: '.status',
                result: '.result',
                reason: '.reason',
                sourceBranch: '.sourceBranch',
                sourceVersion: '.sourceVersion',
                requestedFor: '.requestedFor.uniqueName',
                queueTime: '.queueTime',
                startTime: '.startTime',
                finishTime: '.finishTime',
                link: '._links.web.href',
              },
              relations: {
                project: '.__projectId',
                pipeline: '.__projectId + "/" + (.definition.id | tostring)',
              },
            },
          },
        },
      },
    ],
  },
});

async function* enrichedBuilds(ctx: KindContext, selector: { enrichWithFirstCommit: boolean }, project: Project, pages: AsyncIterable<RawItem[]> | Iterable<RawItem[]>): AsyncGenerator<RawItem[]> {
  for await (const page of pages) {
    const builds = page.map((build) => ({ ...build, __projectId: project.id, __project: project }));
    if (!selector.enrichWithFirstCommit) {
      yield builds;
      continue;
    }
    const enriched: RawItem[] = [];
    for await (const one of fanOut(builds, ctx.concurrency.enrichment, async function* (build: RawItem) { yield { ...build, __firstCommit: await firstCommit(ctx.client, project, build) }; }, (build) => `build ${String(build.id)}`)) {
      enriched.push(one);
    }
    yield enriched;
  }
}

async function firstCommit(client: AzureDevOpsClient, project: Project, build: RawItem): Promise<RawItem | null> {
  const changes: RawItem[] = [];
  for await (const page of listPages(client, { path: `${project.id}/_apis/build/builds/${String(build.id)}/changes`, apiVersion: '7.1' }, paging.continuationHeader(1000))) {
    changes.push(...page);
  }
  // Changes are listed newest first; the build's first commit is the last one.
  const oldest = changes.at(-1);
  if (oldest) return { ...oldest, __sha: oldest.id ?? null, __timestamp: oldest.timestamp ?? null, __commitCount: changes.length };
  const repository = build.repository as { id?: string; type?: string } | undefined;
  if (!repository?.id || repository.type !== 'TfsGit' || typeof build.sourceVersion !== 'string') return null;
  const commit = await readObject(client, { path: `${project.id}/_apis/git/repositories/${repository.id}/commits/${build.sourceVersion}`, apiVersion: '7.1' }, `commit ${build.sourceVersion} of build ${String(build.id)}`);
  const author = commit.author as { date?: string } | undefined;
  return { ...commit, __sha: commit.commitId ?? build.sourceVersion, __timestamp: author?.date ?? null, __commitCount: 1 };
}
