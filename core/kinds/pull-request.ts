import { z } from 'zod';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { idOf } from '../util/id-of';
import { fanOut } from './fan-out';
import { changesFrom, defineKind, type KindContext, type Page } from './kind';
import type { Project } from './parents';
import { positiveInt } from './selector-types';

const STATUSES = ['active', 'completed', 'abandoned'] as const;
/**
 * An incremental run asks for completed and abandoned ones in one listing: `all` with a closed-time
 * range admits only pull requests that have a closing time (azure-devops-rest-specs git/7.1
 * git.json: status `all` includes every status; `closed` is the date a pull request was completed or
 * abandoned), which saves one request per project on every run.
 */
const CHANGED_STATUSES = ['active', 'all'] as const;
type Status = (typeof STATUSES)[number] | (typeof CHANGED_STATUSES)[number];

export default defineKind({
  kind: 'pull-request',
  description: 'Every active pull request, plus those completed or abandoned in the last `minTimeInDays` days (at most `maxResults` per repository and status).',
  selector: z.object({
    minTimeInDays: positiveInt(7).describe('Completed and abandoned pull requests closed in the last this many days.'),
    maxResults: positiveInt(100).describe('At most this many completed (and as many abandoned) pull requests per repository.'),
  }),
  endpoints: ['GET {org}/{project}/_apis/git/pullrequests?searchCriteria.status= (7.1, $top/$skip 1000): per project for active, completed and abandoned (closed time window)'],
  enrichment: {},
  availability: 'cloud-and-server',
  permission: 'Code (Read)',
  list: (ctx, selector) => listPullRequests(ctx, selector, new Date(ctx.now.getTime() - selector.minTimeInDays * 86_400_000)),
  changedSince: {
    filter: 'every active pull request (reviews, votes and pushes have no time filter), plus those completed or abandoned since the cursor (one listing: `searchCriteria.status=all`, `queryTimeRangeType=closed`, `minTime`) within `minTimeInDays`',
    misses: 'nothing the full listing would see',
    list: (ctx, selector, window) => {
      const closedSince = changesFrom(window, new Date(ctx.now.getTime() - selector.minTimeInDays * 86_400_000));
      return listPullRequests(ctx, selector, new Date(closedSince), CHANGED_STATUSES);
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsPullRequest',
        title: 'Pull request',
        icon: 'Git',
        schema: {
          properties: {
            status: { title: 'Status', type: 'string', enum: ['active', 'completed', 'abandoned'] },
            isDraft: { title: 'Draft', type: 'boolean' },
            creator: { title: 'Creator', type: 'string' },
            reviewers: { title: 'Reviewers', type: 'array', items: { type: 'string' } },
            sourceBranch: { title: 'Source branch', type: 'string' },
            targetBranch: { title: 'Target branch', type: 'string' },
            mergeStatus: { title: 'Merge status', type: 'string' },
            createdAt: { title: 'Created', type: 'string', format: 'date-time' },
            closedAt: { title: 'Closed', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { repository: { title: 'Repository', target: 'azureDevopsRepository', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'pull-request',
        selector: { query: 'true', minTimeInDays: 7, maxResults: 100 },
        port: {
          entity: {
            mappings: {
              identifier: '.repository.id + "/" + (.pullRequestId | tostring)',
              title: '.title',
              blueprint: '"azureDevopsPullRequest"',
              properties: {
                status: '.status',
                isDraft: '.isDraft // false',
                creator: '.createdBy.uniqueName',
                reviewers: '[.reviewers[]?.uniqueName]',
                sourceBranch: '.sourceRefName | sub("^refs/heads/"; "")',
                targetBranch: '.targetRefName | sub("^refs/heads/"; "")',
                mergeStatus: '.mergeStatus',
                createdAt: '.creationDate',
                closedAt: '.closedDate',
                link: '(.repository.webUrl // (.__organizationUrl + "/" + (.repository.project.name | @uri) + "/_git/" + (.repository.name | @uri))) + "/pullrequest/" + (.pullRequestId | tostring)',
              },
              relations: { repository: '.repository.id' },
            },
          },
        },
      },
    ],
  },
});

/** Every active pull request, and those closed since `closedSince` (at most `maxResults` per repository and status listing). */
async function* listPullRequests(ctx: KindContext, selector: { maxResults: number }, closedSince: Date, statuses: readonly Status[] = STATUSES): AsyncGenerator<Page> {
  const healthy = await ctx.parents.healthyRepositories();
  const repositoryIds = new Set(healthy.map((r) => r.id));
  const projects = [...new Map(healthy.map((r) => [r.project.id, r.project] as const)).values()];
  const since = closedSince.toISOString();
  // One paged listing per project and status instead of Ocean's three per repository.
  const lists = projects.flatMap((project) => statuses.map((status) => ({ project, status })));
  yield* fanOut(
    lists,
    ctx.concurrency.largePages,
    async function* ({ project, status }: { project: Pick<Project, 'id' | 'name'>; status: Status }) {
      const perRepository = new Map<string, number>();
      const query: Record<string, string> = { 'searchCriteria.status': status };
      if (status !== 'active') {
        query['searchCriteria.queryTimeRangeType'] = 'closed';
        query['searchCriteria.minTime'] = since;
      }
      for await (const page of listPages(ctx.client, { path: `${project.id}/_apis/git/pullrequests`, query, apiVersion: '7.1' }, paging.topSkip(1000))) {
        const kept: RawItem[] = [];
        for (const pr of page) {
          const repositoryId = idOf(pr.repository);
          if (typeof repositoryId !== 'string' || !repositoryIds.has(repositoryId)) continue;
          // `all` holds completed and abandoned ones: each status has its own cap, as in the full listing.
          const key = status === 'all' ? `${repositoryId} ${String(pr.status)}` : repositoryId;
          const count = perRepository.get(key) ?? 0;
          if (status !== 'active' && count >= selector.maxResults) continue;
          perRepository.set(key, count + 1);
          kept.push(pr);
        }
        if (kept.length > 0) yield kept;
      }
    },
    ({ project, status }) => `${status} pull requests of project ${project.name}`,
  );
}
