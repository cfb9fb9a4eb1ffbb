import { z } from 'zod';
import { AzureDevOpsResponseError } from '../azure-devops/errors';
import { readIfPresent } from '../azure-devops/read-if-present';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import { defineKind, type KindContext } from './kind';
import type { Project } from './parents';

const DAY_MS = 86_400_000;
const STAGES_PER_PAGE = 100;

const selector = z.object({
  buildsQueuedWithinDays: z.coerce
    .number()
    .int()
    .min(0)
    .default(30)
    .describe('Only builds queued in the last N days (sent as `minTime`); 0 reads every build, as Ocean does.'),
  maxBuildsPerPipeline: z.coerce
    .number()
    .int()
    .min(0)
    .default(10)
    .describe('At most this many builds per pipeline, the newest (sent as `maxBuildsPerDefinition`); 0 for no limit.'),
});

type Selector = z.output<typeof selector>;

const timelineBody = z.union([z.object({ records: z.array(z.record(z.string(), z.unknown())).nullish() }), z.null(), z.undefined()]);

export default defineKind({
  kind: 'pipeline-stage',
  description:
    'Stages of recent builds, from each build\'s timeline (records of type Stage). Cost: one timeline request per build in the look-back, so at most (pipelines with recent builds) × maxBuildsPerPipeline requests, plus the builds listing; Ocean reads the timeline of every build ever run. Stages of builds that fall out of the look-back are no longer listed, so they are removed from Port like any item that is gone.',
  selector,
  endpoints: [
    'GET {org}/{project}/_apis/build/builds?queryOrder=queueTimeDescending&minTime=…&maxBuildsPerDefinition=… (7.1, x-ms-continuationtoken, $top 1000)',
    'GET {org}/{project}/_apis/build/builds/{id}/timeline (7.1, one per build)',
  ],
  enrichment: { __project: 'the project', __build: 'the build the stage belongs to' },
  availability: 'cloud-and-server',
  permission: 'Build (Read)',
  async *list(ctx, s) {
    yield* fanOut(await ctx.parents.projects(), ctx.concurrency.projects, (project: Project) => stagesOfProject(ctx, s, project), (project) => `builds of project ${project.name}`);
  },
  changedSince: {
    filter:
      "the builds of the full listing (its one look-back listing per project), but timelines only of those whose queue, start, finish time or `lastChangedDate` is at or after the cursor: a running build's stages move while its own times stay put, and the build's `lastChangedDate` is what records it",
    misses: "a stage move of a still-running build that Azure DevOps does not stamp on the build's `lastChangedDate` (the spec does not say which changes stamp it): read once the build finishes",
    async *list(ctx, s, window) {
      const since = window.since.getTime();
      yield* fanOut(await ctx.parents.projects(), ctx.concurrency.projects, (project: Project) => stagesOfProject(ctx, s, project, (build) => movedSince(build, since)), (project) => `builds of project ${project.name}`);
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsPipelineStage',
        title: 'Pipeline stage',
        icon: 'Pipeline',
        schema: {
          properties: {
            state: { title: 'State', type: 'string' },
            result: { title: 'Result', type: 'string' },
            stageIdentifier: { title: 'Stage identifier', type: 'string' },
            attempt: { title: 'Attempt', type: 'number' },
            errorCount: { title: 'Errors', type: 'number' },
            warningCount: { title: 'Warnings', type: 'number' },
            startTime: { title: 'Started', type: 'string', format: 'date-time' },
            finishTime: { title: 'Finished', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { build: { title: 'Build', target: 'azureDevopsBuild', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'pipeline-stage',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__project.id + "/" + (.__build.id | tostring) + "/" + .id',
              title: '.__build.definition.name + " " + .__build.buildNumber + " / " + .name',
              blueprint: '"azureDevopsPipelineStage"',
              properties: {
                state: '.state',
                result: '.result',
                stageIdentifier: '.identifier',
                attempt: '.attempt',
                errorCount: '.errorCount',
                warningCount: '.warningCount',
                startTime: '.startTime',
                finishTime: '.finishTime',
                link: '.__build._links.web.href',
              },
              relations: { build: '.__project.id + "/" + (.__build.id | tostring)' },
            },
          },
        },
      },
    ],
  },
});

const BUILD_TIMES = ['queueTime', 'startTime', 'finishTime', 'lastChangedDate'] as const;

/**
 * Whether a build's timeline may have moved at or after `since`: one of its own times says so.
 * A running build without a readable `lastChangedDate` gives no such evidence, so it is read.
 */
export function movedSince(build: RawItem, since: number): boolean {
  const times = BUILD_TIMES.map((field) => (typeof build[field] === 'string' ? Date.parse(build[field]) : Number.NaN));
  if (times.some((t) => t >= since)) return true;
  return build.status !== 'completed' && Number.isNaN(times[3]);
}

/** Stages of the project's builds in the look-back (at most `maxBuildsPerPipeline` each), of the builds `keep` accepts. */
async function* stagesOfProject(ctx: KindContext, s: Selector, project: Project, keep: (build: RawItem) => boolean = () => true): AsyncGenerator<RawItem[]> {
  const minTime = s.buildsQueuedWithinDays > 0 ? new Date(ctx.now.getTime() - s.buildsQueuedWithinDays * DAY_MS).toISOString() : undefined;
  const perPipeline = s.maxBuildsPerPipeline > 0 ? s.maxBuildsPerPipeline : undefined;
  const request = {
    path: `${project.id}/_apis/build/builds`,
    query: { queryOrder: 'queueTimeDescending', minTime, maxBuildsPerDefinition: perPipeline },
    apiVersion: '7.1',
  };
  // Capped here as well, so the bound holds whatever the service makes of maxBuildsPerDefinition.
  const seen = new Map<unknown, number>();
  for await (const page of listPages(ctx.client, request, paging.continuationHeader(1000))) {
    const builds = page.filter((build) => {
      const pipeline = (build.definition as { id?: unknown } | undefined)?.id;
      const count = (seen.get(pipeline) ?? 0) + 1;
      seen.set(pipeline, count);
      return (perPipeline === undefined || count <= perPipeline) && keep(build);
    });
    // A build has a handful of stages: gather them into pages worth one Port write each.
    let stages: RawItem[] = [];
    try {
      for await (const found of fanOut(builds, ctx.concurrency.builds, (build: RawItem) => stagesOf(ctx, project, build), (build) => `timeline of build ${String(build.id)}`)) {
        stages.push(...found);
        if (stages.length >= STAGES_PER_PAGE) {
          yield stages;
          stages = [];
        }
      }
    } catch (error) {
      // The healthy builds' stages still go to Port when some timeline failed.
      if (stages.length > 0) yield stages;
      throw error;
    }
    if (stages.length > 0) yield stages;
  }
}

async function* stagesOf(ctx: KindContext, project: Project, build: RawItem): AsyncGenerator<RawItem[]> {
  const request = { path: `${project.id}/_apis/build/builds/${String(build.id)}/timeline`, apiVersion: '7.1' };
  // A build deleted (retention) since it was listed has no stages left to show.
  const found = await readIfPresent(ctx.client, request);
  if (!found) return;
  const parsed = timelineBody.safeParse(found.body);
  if (!parsed.success) throw new AzureDevOpsResponseError(`The timeline of build ${String(build.id)} is not a timeline.`, ctx.client.urlOf(request));
  // A build that has not started yet has no timeline (an empty answer).
  const stages = (parsed.data?.records ?? []).filter((record) => record.type === 'Stage');
  if (stages.length > 0) yield stages.map((stage) => ({ ...stage, __project: project, __build: build }));
}
