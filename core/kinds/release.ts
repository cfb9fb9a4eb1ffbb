import { z } from 'zod';
import type { AdoRequest } from '../azure-devops/client';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { chunks } from '../incremental/chunks';
import { changedDeployments } from '../incremental/changed-deployments';
import { fanOut } from './fan-out';
import { defineKind, listUnder } from './kind';
import type { Project } from './parents';
import { stringList } from './selector-types';

const selector = z.object({
  expand: z.string().optional().describe('`$expand`: environments, artifacts, approvals, manualInterventions, variables, tags (comma-separated).'),
  statusFilter: z.enum(['undefined', 'draft', 'active', 'abandoned']).optional().describe('Only releases in this status.'),
  tagFilter: stringList().optional().describe('Only releases carrying these tags.'),
  sourceBranchFilter: z.string().optional().describe('Only releases built from this branch.'),
  minCreatedTime: z.string().optional().describe('Only releases created at or after this ISO time.'),
  maxCreatedTime: z.string().optional().describe('Only releases created before this ISO time.'),
});

type Selector = z.output<typeof selector>;

function releasesRequest(project: Pick<Project, 'id'>, s: Selector, narrower: Record<string, string> = {}): AdoRequest {
  return {
    service: 'release',
    path: `${project.id}/_apis/release/releases`,
    query: {
      $expand: s.expand,
      statusFilter: s.statusFilter,
      tagFilter: s.tagFilter?.join(','),
      sourceBranchFilter: s.sourceBranchFilter,
      minCreatedTime: s.minCreatedTime,
      maxCreatedTime: s.maxCreatedTime,
      ...narrower,
    },
    apiVersion: '7.1',
  };
}

export default defineKind({
  kind: 'release',
  description: 'Classic releases of every project in scope (release management host).',
  selector,
  endpoints: ['GET https://vsrm.dev.azure.com/{org}/{project}/_apis/release/releases (7.1, x-ms-continuationtoken, $top 100)'],
  enrichment: { __project: 'the project' },
  availability: 'cloud-and-server',
  permission: 'Release (Read)',
  list: listUnder({
    parents: (ctx) => ctx.parents.projects(),
    concurrency: 'projects',
    scope: (project) => `releases of project ${project.name}`,
    request: (project, s: Selector) => releasesRequest(project, s),
    // Releases page at most 100 at a time (azure-devops-api.md §3.3).
    paging: paging.continuationHeader(100),
    enrich: (release, project) => ({ ...release, __project: project }),
  }),
  changedSince: {
    filter: '`minCreatedTime` (releases created since the cursor), plus `releaseIdFilter` for the releases of deployments modified since the cursor (`minModifiedTime` on release/deployments)',
    misses: 'a release abandoned (or edited) without a deployment since: the releases list has no modified-time filter',
    async *list(ctx, s, window) {
      yield* fanOut(
        await ctx.parents.projects(),
        ctx.concurrency.projects,
        async function* (project: Project) {
          const seen = new Set<unknown>();
          const fresh = (page: RawItem[]) => page.filter((release) => !seen.has(release.id) && seen.add(release.id)).map((release) => ({ ...release, __project: project }));
          const createdSince = s.minCreatedTime && Date.parse(s.minCreatedTime) > window.since.getTime() ? s.minCreatedTime : window.since.toISOString();
          for await (const page of listPages(ctx.client, releasesRequest(project, s, { minCreatedTime: createdSince }), paging.continuationHeader(100))) yield fresh(page);
          const deployed = new Set((await changedDeployments(ctx, window, project)).map((d) => (d.release as { id?: unknown } | undefined)?.id).filter((id) => typeof id === 'number'));
          // The filter's ids travel in the URL: a hundred at a time keeps it short.
          for (const ids of chunks([...deployed], 100)) {
            for await (const page of listPages(ctx.client, releasesRequest(project, s, { releaseIdFilter: ids.join(',') }), paging.continuationHeader(100))) yield fresh(page);
          }
        },
        (project) => `changed releases of project ${project.name}`,
      );
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsRelease',
        title: 'Release',
        icon: 'AzureDevops',
        schema: {
          properties: {
            status: { title: 'Status', type: 'string' },
            reason: { title: 'Reason', type: 'string' },
            definitionName: { title: 'Release definition', type: 'string' },
            createdBy: { title: 'Created by', type: 'string' },
            modifiedBy: { title: 'Modified by', type: 'string' },
            createdDate: { title: 'Created', type: 'string', format: 'date-time' },
            modifiedDate: { title: 'Modified', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'release',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__project.id + "/" + (.id | tostring)',
              title: '.name',
              blueprint: '"azureDevopsRelease"',
              properties: {
                status: '.status',
                reason: '.reason',
                definitionName: '.releaseDefinition.name',
                createdBy: '.createdBy.uniqueName',
                modifiedBy: '.modifiedBy.uniqueName',
                createdDate: '.createdOn',
                modifiedDate: '.modifiedOn',
                link: '._links.web.href',
              },
              relations: { project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
