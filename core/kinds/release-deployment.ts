import { z } from 'zod';
import { readIfPresent } from '../azure-devops/read-if-present';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { changedDeployments } from '../incremental/changed-deployments';
import { chunks } from '../util/chunks';
import { idOf } from '../util/id-of';
import { fanOut } from './fan-out';
import { defineKind, type KindContext, type Page } from './kind';
import { dateOrNull } from './mapping-idioms';
import type { Project } from './parents';
import { flag } from './selector-types';

/**
 * Releases kept per project for `includeRelease`. Deployments come newest first, so the releases
 * they point at cluster; a release redeployed after this many others may be read a second time.
 */
const RELEASE_CACHE = 1000;

export default defineKind({
  kind: 'release-deployment',
  description: 'Deployments of classic releases to their stages, for every project in scope (release management host), newest first.',
  selector: z.object({
    includeRelease: flag(false).describe('Adds `__release` (the full release, with environments and artifacts): one request per distinct release. Ocean documents this key but never implemented it.'),
  }),
  endpoints: [
    'GET https://vsrm.dev.azure.com/{org}/{project}/_apis/release/deployments (7.1, x-ms-continuationtoken, $top 100)',
    'GET https://vsrm.dev.azure.com/{org}/{project}/_apis/release/releases/{id} (with includeRelease; 7.1, once per distinct release)',
  ],
  enrichment: { __project: 'the project', __release: 'with includeRelease: the release the deployment belongs to (null if it was deleted meanwhile)' },
  availability: 'cloud-and-server',
  permission: 'Release (Read)',
  async *list(ctx, selector) {
    yield* fanOut(
      await ctx.parents.projects(),
      ctx.concurrency.projects,
      async function* (project: Project) {
        const releases = new Map<number, RawItem | null>();
        const request = { service: 'release', path: `${project.id}/_apis/release/deployments`, apiVersion: '7.1' } as const;
        // Release management pages at most 100 at a time (azure-devops-api.md §3.3).
        for await (const page of listPages(ctx.client, request, paging.continuationHeader(100))) {
          const deployments = page.map((deployment) => ({ ...deployment, __project: project }));
          yield selector.includeRelease ? await withReleases(ctx, project, deployments, releases) : deployments;
        }
      },
      (project) => `release deployments of project ${project.name}`,
    );
  },
  changedSince: {
    filter: '`minModifiedTime`',
    misses: 'nothing the full listing would see',
    async *list(ctx, selector, window) {
      yield* fanOut(
        await ctx.parents.projects(),
        ctx.concurrency.projects,
        async function* (project: Project) {
          const releases = new Map<number, RawItem | null>();
          for (const page of chunks(await changedDeployments(ctx, window, project), 100)) {
            const deployments = page.map((deployment) => ({ ...deployment, __project: project }));
            yield selector.includeRelease ? await withReleases(ctx, project, deployments, releases) : deployments;
          }
        },
        (project) => `changed release deployments of project ${project.name}`,
      );
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsReleaseDeployment',
        title: 'Release deployment',
        icon: 'Deployment',
        schema: {
          properties: {
            status: { title: 'Status', type: 'string' },
            operationStatus: { title: 'Operation status', type: 'string' },
            environment: { title: 'Stage', type: 'string' },
            reason: { title: 'Reason', type: 'string' },
            attempt: { title: 'Attempt', type: 'number' },
            requestedFor: { title: 'Requested for', type: 'string' },
            queuedOn: { title: 'Queued', type: 'string', format: 'date-time' },
            startedOn: { title: 'Started', type: 'string', format: 'date-time' },
            completedOn: { title: 'Completed', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {
          release: { title: 'Release', target: 'azureDevopsRelease', required: false, many: false },
          releaseDefinition: { title: 'Release definition', target: 'azureDevopsReleaseDefinition', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'release-deployment',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__project.id + "/" + (.id | tostring)',
              title: '.release.name + " → " + .releaseEnvironment.name',
              blueprint: '"azureDevopsReleaseDeployment"',
              properties: {
                status: '.deploymentStatus',
                operationStatus: '.operationStatus',
                environment: '.releaseEnvironment.name',
                reason: '.reason',
                attempt: '.attempt',
                requestedFor: '.requestedFor.uniqueName',
                queuedOn: dateOrNull('.queuedOn'),
                startedOn: dateOrNull('.startedOn'),
                completedOn: dateOrNull('.completedOn'),
                link: '.release.webAccessUri',
              },
              relations: {
                release: '.__project.id + "/" + (.release.id | tostring)',
                releaseDefinition: '.__project.id + "/" + (.releaseDefinition.id | tostring)',
              },
            },
          },
        },
      },
    ],
  },
});

/** Adds `__release`: reads the releases not in the cache once, in parallel, then fills every deployment. */
async function withReleases(ctx: KindContext, project: Project, deployments: Page, releases: Map<number, RawItem | null>): Promise<Page> {
  const releaseIdOf = (deployment: RawItem) => {
    const id = idOf(deployment.release);
    return typeof id === 'number' ? id : undefined;
  };
  const ids = [...new Set(deployments.map(releaseIdOf).filter((id): id is number => id !== undefined))];
  const page = new Map<number, RawItem | null>();
  const unseen: number[] = [];
  for (const id of ids) {
    if (!releases.has(id)) {
      unseen.push(id);
      continue;
    }
    // Refresh its place: the cache keeps the most recently seen releases.
    const release = releases.get(id) ?? null;
    releases.delete(id);
    releases.set(id, release);
    page.set(id, release);
  }
  const read = fanOut(
    unseen,
    ctx.concurrency.enrichment,
    async function* (id: number) {
      yield [id, await readRelease(ctx, project, id)] as const;
    },
    (id) => `release ${id} of project ${project.name}`,
  );
  for await (const [id, release] of read) {
    page.set(id, release);
    releases.set(id, release);
  }
  while (releases.size > RELEASE_CACHE) releases.delete(releases.keys().next().value!);
  return deployments.map((deployment) => {
    const id = releaseIdOf(deployment);
    return { ...deployment, __release: id === undefined ? null : (page.get(id) ?? null) };
  });
}

async function readRelease(ctx: KindContext, project: Project, id: number): Promise<RawItem | null> {
  // A release deleted between the listing and this read has no details to add.
  const found = await readIfPresent(ctx.client, { service: 'release', path: `${project.id}/_apis/release/releases/${id}`, apiVersion: '7.1' }, `release ${id} of project '${project.name}'`);
  return found ?? null;
}
