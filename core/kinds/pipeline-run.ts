import { z } from 'zod';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { changedBuilds, pipelineIdOf } from '../incremental/changed-builds';
import { fanOut } from './fan-out';
import { defineKind, type KindContext, type Page } from './kind';
import type { Pipeline, Project } from './parents';

/** The runs endpoint returns the newest 10,000 runs and cannot page (azure-devops-api.md §3.3). */
const RUNS_CAP = 10_000;

/**
 * A run as the kind lists it: the run with its project and pipeline (`__project`, `__pipeline`).
 * The receiver enriches the run it reads by id with this same function, so an entity does not
 * change between a sync's write and the receiver's.
 */
export function enrichRun(run: RawItem, pipeline: Pipeline): RawItem {
  return { ...run, __project: pipeline.__project, __pipeline: pipeline };
}

/** A pipeline's runs (a run is a build of it: same id), those `keep` accepts. */
async function* runsOf(ctx: KindContext, pipeline: Pipeline, keep: (run: RawItem) => boolean = () => true): AsyncGenerator<Page> {
  for await (const page of listPages(ctx.client, { path: `${pipeline.__project.id}/_apis/pipelines/${pipeline.id}/runs`, apiVersion: '7.1' }, paging.single())) {
    if (page.length >= RUNS_CAP) ctx.listing.incomplete(`pipeline '${pipeline.name}' has at least ${RUNS_CAP} runs, the most the API returns; older runs are not listed`, { olderOnly: true });
    const kept = page.filter(keep);
    if (kept.length > 0) yield kept.map((run) => enrichRun(run, pipeline));
  }
}

export default defineKind({
  kind: 'pipeline-run',
  description: 'Runs of every pipeline (the newest 10,000 per pipeline, the API maximum).',
  selector: z.object({}),
  endpoints: ['GET {org}/{project}/_apis/pipelines/{pipeline}/runs (7.1; the newest 10,000, no paging: a pipeline at the cap makes the listing incomplete)'],
  enrichment: { __project: 'the project', __pipeline: 'the pipeline' },
  availability: 'cloud-and-server',
  permission: 'Build (Read)',
  volume: 'large',
  async *list(ctx) {
    yield* fanOut(await ctx.parents.pipelines(), ctx.concurrency.pipelines, (pipeline: Pipeline) => runsOf(ctx, pipeline), (pipeline) => `runs of pipeline ${pipeline.name}`);
  },
  changedSince: {
    filter: 'the builds that changed since the cursor (queued or finished since, running ones that started or changed since: the listings build makes); then, in the projects where some did, the pipelines listing and the runs of only the pipelines those builds belong to, keeping those runs',
    misses: 'the same as build',
    async *list(ctx, _selector, window) {
      yield* fanOut(
        await ctx.parents.projects(),
        ctx.concurrency.projects,
        async function* (project: Project) {
          const changed = await changedBuilds(ctx, window, project);
          // A project where nothing ran since the cursor needs no pipelines listing.
          if (changed.length === 0) return;
          const ids = new Set(changed.map((build) => build.id));
          const touched = new Set(changed.map(pipelineIdOf));
          const affected = (await ctx.parents.pipelinesOf(project)).filter((p) => touched.has(p.id));
          yield* fanOut(affected, ctx.concurrency.pipelines, (pipeline: Pipeline) => runsOf(ctx, pipeline, (run) => ids.has(run.id)), (pipeline) => `runs of pipeline ${pipeline.name}`);
        },
        (project) => `changed runs of project ${project.name}`,
      );
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsPipelineRun',
        title: 'Pipeline run',
        icon: 'Pipeline',
        schema: {
          properties: {
            state: { title: 'State', type: 'string' },
            result: { title: 'Result', type: 'string' },
            createdDate: { title: 'Created', type: 'string', format: 'date-time' },
            finishedDate: { title: 'Finished', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { pipeline: { title: 'Pipeline', target: 'azureDevopsPipeline', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'pipeline-run',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__project.id + "/" + (.__pipeline.id | tostring) + "/" + (.id | tostring)',
              title: '.__pipeline.name + " " + .name',
              blueprint: '"azureDevopsPipelineRun"',
              properties: {
                state: '.state',
                result: '.result',
                createdDate: '.createdDate',
                finishedDate: '.finishedDate',
                link: '._links.web.href',
              },
              relations: { pipeline: '.__project.id + "/" + (.__pipeline.id | tostring)' },
            },
          },
        },
      },
    ],
  },
});
