import { z } from 'zod';
import type { AdoRequest } from '../azure-devops/client';
import { AzureDevOpsResponseError } from '../azure-devops/errors';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { chunks } from '../util/chunks';
import { idOf } from '../util/id-of';
import { changedDeployments } from '../incremental/changed-deployments';
import { fanOut } from './fan-out';
import { changesFrom, defineKind, listUnder } from './kind';
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

/** Releases of a project, or of the whole organization without one (release 7.1: `project` is optional on this route). */
function releasesRequest(project: Pick<Project, 'id'> | undefined, s: Selector, narrower: Record<string, string> = {}): AdoRequest {
  return {
    service: 'release',
    path: project ? `${project.id}/_apis/release/releases` : '_apis/release/releases',
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

/** The project a release belongs to (`projectReference`, release 7.1 `Release`). */
function projectIdOf(release: RawItem): string | undefined {
  const id = idOf(release.projectReference);
  return typeof id === 'string' ? id : undefined;
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
    filter:
      '`minCreatedTime` in one listing for the whole organization (the releases route is the one whose project segment is optional), plus `releaseIdFilter` for the releases of deployments modified since the cursor (`minModifiedTime` on release/deployments, per project)',
    misses: 'a release abandoned (or edited) without a deployment since: the releases list has no modified-time filter',
    async *list(ctx, s, window) {
      const projects = await ctx.parents.projects();
      const inScope = new Map(projects.map((project) => [project.id.toLowerCase(), project]));
      const seen = new Set<unknown>();
      // Releases of projects outside the run's scope (a projects filter) are not the run's to write.
      const fresh = (page: RawItem[]) =>
        page.flatMap((release) => {
          const projectId = projectIdOf(release);
          if (projectId === undefined) throw new AzureDevOpsResponseError(`Release ${String(release.id)} came without a projectReference, so its project is unknown.`, ctx.client.urlOf(releasesRequest(undefined, s)));
          const project = inScope.get(projectId.toLowerCase());
          if (!project || seen.has(release.id)) return [];
          seen.add(release.id);
          return [{ ...release, __project: project }];
        });
      const createdSince = changesFrom(window, s.minCreatedTime);
      for await (const page of listPages(ctx.client, releasesRequest(undefined, s, { minCreatedTime: createdSince }), paging.continuationHeader(100))) yield fresh(page);
      const deployed = new Set<number>();
      const found = fanOut(projects, ctx.concurrency.projects, async function* (project: Project) { yield await changedDeployments(ctx, window, project); }, (project) => `changed release deployments of project ${project.name}`);
      for await (const deployments of found) {
        for (const deployment of deployments) {
          const id = idOf(deployment.release);
          if (typeof id === 'number') deployed.add(id);
        }
      }
      // The filter's ids travel in the URL: a hundred at a time keeps it short.
      for (const ids of chunks([...deployed].filter((id) => !seen.has(id)), 100)) {
        for await (const page of listPages(ctx.client, releasesRequest(undefined, s, { releaseIdFilter: ids.join(',') }), paging.continuationHeader(100))) yield fresh(page);
      }
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
