import { z } from 'zod';
import { AzureDevOpsResponseError } from '../azure-devops/errors';
import { readIfPresent } from '../azure-devops/read-if-present';
import { isListOfObjects, listPages, paging, type RawItem } from '../azure-devops/paging';
import { changedBuilds, pipelineIdOf, timeOf } from '../incremental/changed-builds';
import { chunks } from '../util/chunks';
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
    .default(0)
    .describe('Only builds queued in the last N days (sent as `minTime`); 0 (the default, as in Ocean) reads every build. The built-in mapping sets 30.'),
  maxBuildsPerPipeline: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('At most this many builds per pipeline, the newest (sent as `maxBuildsPerDefinition`); 0 (the default, as in Ocean) for no limit. The built-in mapping sets 10.'),
});

type Selector = z.output<typeof selector>;

// Records are checked in place, not copied: a timeline holds a record per job and task, and only
// its stages are kept.
const timelineRecords = z.custom<RawItem[]>(isListOfObjects);
const timelineBody = z.union([z.object({ records: timelineRecords.nullish() }), z.null(), z.undefined()]);

export default defineKind({
  kind: 'pipeline-stage',
  description:
    'Stages of builds, from each build\'s timeline (records of type Stage). Cost: one timeline request per build listed, plus the builds listing. By default every build is read, as Ocean does; the built-in mapping reads builds of the last 30 days, at most 10 per pipeline (`buildsQueuedWithinDays`, `maxBuildsPerPipeline`). Stages of builds that fall out of such a look-back are no longer listed, so they are removed from Port like any item that is gone.',
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
      "the builds that changed since the cursor (queued or finished since, and running ones that started or whose `lastChangedDate` moved since: three listings per project, shared with build and pipeline-run), within `buildsQueuedWithinDays` and at most `maxBuildsPerPipeline` of them per pipeline; the timelines of those. A running build's stages move while its own times stay put; its `lastChangedDate` is what records it",
    misses:
      "a stage move of a still-running build that Azure DevOps does not stamp on the build's `lastChangedDate` (the spec does not say which changes stamp it): read once the build finishes. The other way round, a build that changed but has `maxBuildsPerPipeline` newer ones queued before the cursor is outside the full listing's look-back: its stages are written, and the next full sync removes them",
    async *list(ctx, s, window) {
      const lookBackStart = lookBackStartOf(ctx, s);
      yield* fanOut(
        await ctx.parents.projects(),
        ctx.concurrency.projects,
        async function* (project: Project) {
          const changed = (await changedBuilds(ctx, window, project)).filter((build) => queuedSince(build, lookBackStart));
          yield* stagesOfBuilds(ctx, s, project, chunks(changed, 1000));
        },
        (project) => `builds of project ${project.name}`,
      );
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
        // A mapping from Ocean reads every build's timeline (the selector's defaults); the built-in
        // one reads the recent ones only, a request per build being the kind's whole cost.
        selector: { query: 'true', buildsQueuedWithinDays: 30, maxBuildsPerPipeline: 10 },
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

function lookBackStartOf(ctx: KindContext, s: Selector): number | undefined {
  return s.buildsQueuedWithinDays > 0 ? ctx.now.getTime() - s.buildsQueuedWithinDays * DAY_MS : undefined;
}

function queuedSince(build: RawItem, start: number | undefined): boolean {
  return start === undefined || timeOf(build, 'queueTime') >= start;
}

/** Stages of the project's builds in the look-back: at most `maxBuildsPerPipeline` each, the newest. */
function stagesOfProject(ctx: KindContext, s: Selector, project: Project): AsyncGenerator<RawItem[]> {
  const lookBackStart = lookBackStartOf(ctx, s);
  const request = {
    path: `${project.id}/_apis/build/builds`,
    query: {
      queryOrder: 'queueTimeDescending',
      minTime: lookBackStart === undefined ? undefined : new Date(lookBackStart).toISOString(),
      maxBuildsPerDefinition: s.maxBuildsPerPipeline > 0 ? s.maxBuildsPerPipeline : undefined,
    },
    apiVersion: '7.1',
  };
  return stagesOfBuilds(ctx, s, project, listPages(ctx.client, request, paging.continuationHeader(1000)));
}

/** Stages of builds listed newest queued first, at most `maxBuildsPerPipeline` per pipeline. */
async function* stagesOfBuilds(ctx: KindContext, s: Selector, project: Project, pages: AsyncIterable<RawItem[]> | Iterable<RawItem[]>): AsyncGenerator<RawItem[]> {
  const perPipeline = s.maxBuildsPerPipeline > 0 ? s.maxBuildsPerPipeline : undefined;
  // Capped here as well, so the bound holds whatever the service makes of maxBuildsPerDefinition.
  const seen = new Map<unknown, number>();
  for await (const page of pages) {
    const builds = page.filter((build) => {
      const pipeline = pipelineIdOf(build);
      const count = (seen.get(pipeline) ?? 0) + 1;
      seen.set(pipeline, count);
      return perPipeline === undefined || count <= perPipeline;
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
  // A build that has not started yet has no timeline (an empty answer): no stages either.
  const found = await readIfPresent(ctx.client, request, `the timeline of build ${String(build.id)}`, { emptyIsAbsent: true });
  if (!found) return;
  const parsed = timelineBody.safeParse(found);
  if (!parsed.success) throw new AzureDevOpsResponseError(`The timeline of build ${String(build.id)} is not a timeline.`, ctx.client.urlOf(request));
  const stages = (parsed.data?.records ?? []).filter((record) => record.type === 'Stage');
  if (stages.length > 0) yield stages.map((stage) => ({ ...stage, __project: project, __build: build }));
}
