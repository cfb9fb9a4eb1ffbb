import { z } from 'zod';
import { AzureDevOpsResponseError } from '../azure-devops/errors';
import { readIfPresent } from '../azure-devops/read-if-present';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import { defineKind, type KindContext, type Page } from './kind';
import type { Project } from './parents';
import { flag } from './selector-types';

const selector = z.object({
  includeResults: flag(true).describe(
    "Adds `__testResults` (every result of the run): one or more requests per run, and results can be thousands per run. True by default, as in Ocean, so a mapping brought from Ocean reads the same; the built-in mapping sets false, so a large organization is not read result by result unless you ask. Without it `__testResults` is `[]`.",
  ),
  codeCoverage: z
    .object({
      flags: z.coerce.number().int().min(1).max(7).default(1).describe('1 modules, 2 functions, 4 block data (additive).'),
    })
    .optional()
    .describe("Adds `__codeCoverage` (the coverage of the run's build, `{value: [...]}`): one request per build. `flags`: 1 modules (default), 2 functions, 4 block data, added together. Without it, or for a run without a build, `__codeCoverage` is `{}`."),
});

type Selector = z.output<typeof selector>;

const runShape = z.looseObject({ id: z.number(), build: z.looseObject({ id: z.union([z.string(), z.number()]) }).nullish() });

/** The run's results, all pages ($top at most 1000 without details: test.json, results list). */
async function resultsOf(ctx: KindContext, project: Project, runId: number): Promise<RawItem[]> {
  const results: RawItem[] = [];
  for await (const page of listPages(ctx.client, { path: `${project.id}/_apis/test/runs/${runId}/results`, apiVersion: '7.1' }, paging.topSkip(1000))) results.push(...page);
  return results;
}

async function* enrichedRuns(ctx: KindContext, project: Project, s: Selector, runs: AsyncIterable<RawItem[]> = listPages(ctx.client, { path: `${project.id}/_apis/test/runs`, query: { includeRunDetails: true }, apiVersion: '7.1' }, paging.topSkip(1000))): AsyncGenerator<Page> {
  // Runs of one build share its coverage: read it once per build.
  const coverage = new Map<string, Promise<unknown>>();
  const coverageOf = (buildId: string) => {
    let entry = coverage.get(buildId);
    if (!entry) {
      entry = ctx.client
        .request({ path: `${project.id}/_apis/test/codecoverage`, query: { buildId, flags: s.codeCoverage?.flags ?? 1 }, apiVersion: '7.1' })
        .then((response) => response.body ?? {});
      coverage.set(buildId, entry);
    }
    return entry;
  };
  for await (const page of runs) {
    const runs = page.map((run) => ({ ...run, __project: project, __testResults: [] as unknown, __codeCoverage: {} }));
    if (!s.includeResults && !s.codeCoverage) {
      yield runs;
      continue;
    }
    const enriched: RawItem[] = [];
    const branches = fanOut(
      runs,
      ctx.concurrency.enrichment,
      async function* (run: RawItem) {
        const parsed = runShape.safeParse(run);
        if (!parsed.success) throw new Error(`Azure DevOps returned a test run of project '${project.name}' without a numeric id.`);
        const shape = parsed.data;
        if (s.includeResults) run.__testResults = await resultsOf(ctx, project, shape.id);
        if (s.codeCoverage && shape.build) run.__codeCoverage = await coverageOf(String(shape.build.id));
        yield run;
      },
      (run) => `test run ${String(run.id)} of project ${project.name}`,
    );
    for await (const run of branches) enriched.push(run);
    yield enriched;
  }
}

/** The runs query accepts at most 7 days between its bounds (test.json, Runs_Query). */
const QUERY_WINDOW = 7 * 86_400_000;

/**
 * Runs last updated since `since`, each with the details the plain listing gives with
 * `includeRunDetails` (the query form documents no such flag: a run answered without them is
 * read on its own).
 */
async function* runsUpdatedSince(ctx: KindContext, project: Project, since: Date): AsyncGenerator<RawItem[]> {
  const seen = new Set<unknown>();
  const until = Date.now();
  for (let from = since.getTime(); from <= until; from += QUERY_WINDOW) {
    const query = { minLastUpdatedDate: new Date(from).toISOString(), maxLastUpdatedDate: new Date(Math.min(from + QUERY_WINDOW, until)).toISOString(), includeRunDetails: true };
    // The query pages at most 100 runs with a header token (test.json, Runs_Query).
    for await (const page of listPages(ctx.client, { path: `${project.id}/_apis/test/runs`, query, apiVersion: '7.1' }, paging.continuationHeader(100))) {
      const fresh = page.filter((run) => !seen.has(run.id) && seen.add(run.id));
      const detailed: RawItem[] = [];
      const reads = fanOut(
        fresh,
        ctx.concurrency.enrichment,
        async function* (run: RawItem) {
          if ('lastUpdatedDate' in run && 'createdDate' in run) {
            yield run;
            return;
          }
          const request = { path: `${project.id}/_apis/test/runs/${String(run.id)}`, apiVersion: '7.1' };
          // A run deleted since the query has nothing left to show.
          const found = await readIfPresent(ctx.client, request, `test run ${String(run.id)} of project '${project.name}'`);
          if (!found) return;
          const parsed = z.looseObject({ id: z.number() }).safeParse(found);
          if (!parsed.success) throw new AzureDevOpsResponseError(`Test run ${String(run.id)} of project '${project.name}' came back without an id.`, ctx.client.urlOf(request));
          yield parsed.data;
        },
        (run) => `test run ${String(run.id)} of project ${project.name}`,
      );
      for await (const run of reads) detailed.push(run);
      if (detailed.length > 0) yield detailed;
    }
  }
}

export default defineKind({
  kind: 'test-run',
  description: 'Test runs of every project in scope, with their details; optionally their results and the code coverage of their build.',
  selector,
  endpoints: [
    'GET {org}/{project}/_apis/test/runs?includeRunDetails=true (7.1, $top/$skip 1000)',
    'GET …/test/runs/{run}/results (7.1, $top/$skip 1000; with includeResults)',
    'GET {org}/{project}/_apis/test/codecoverage?buildId=&flags= (7.1, once per build; with codeCoverage)',
  ],
  enrichment: {
    __project: 'the project',
    __testResults: 'with includeResults: every result of the run; otherwise `[]`',
    __codeCoverage: "with codeCoverage: the coverage answer for the run's build (`{value: [...]}`); otherwise, or without a build, `{}`",
  },
  availability: 'cloud-and-server',
  permission: 'Test Management (Read)',
  async *list(ctx, s) {
    yield* fanOut(await ctx.parents.projects(), ctx.concurrency.projects, (project: Project) => enrichedRuns(ctx, project, s), (project) => `test runs of project ${project.name}`);
  },
  changedSince: {
    filter: 'the runs query (`minLastUpdatedDate`/`maxLastUpdatedDate`, in windows of at most 7 days from the cursor to now); a run answered without its details is then read on its own',
    misses: 'nothing the full listing would see',
    async *list(ctx, s, window) {
      yield* fanOut(await ctx.parents.projects(), ctx.concurrency.projects, (project: Project) => enrichedRuns(ctx, project, s, runsUpdatedSince(ctx, project, window.since)), (project) => `changed test runs of project ${project.name}`);
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsTestRun',
        title: 'Test run',
        icon: 'AzureDevops',
        schema: {
          properties: {
            state: { title: 'State', type: 'string' },
            isAutomated: { title: 'Automated', type: 'boolean' },
            totalTests: { title: 'Total tests', type: 'number' },
            passedTests: { title: 'Passed tests', type: 'number' },
            failedTests: { title: 'Failed tests', type: 'number' },
            startedDate: { title: 'Started', type: 'string', format: 'date-time' },
            completedDate: { title: 'Completed', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {
          project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false },
          build: { title: 'Build', target: 'azureDevopsBuild', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'test-run',
        selector: { query: 'true', includeResults: false },
        port: {
          entity: {
            mappings: {
              identifier: '.__project.id + "/" + (.id | tostring)',
              title: '.name',
              blueprint: '"azureDevopsTestRun"',
              properties: {
                state: '.state',
                isAutomated: '.isAutomated',
                totalTests: '.totalTests',
                passedTests: '.passedTests',
                // Failed results are the ones not yet analyzed (runStatistics holds the outcomes).
                failedTests: '([.runStatistics[]? | select(.outcome == "Failed") | .count] | add) // .unanalyzedTests',
                startedDate: '.startedDate',
                completedDate: '.completedDate',
                link: '.webAccessUrl',
              },
              // A manual run has no build: no relation rather than one to a build that does not exist.
              relations: { project: '.__project.id', build: 'if .build.id then .__project.id + "/" + (.build.id | tostring) else null end' },
            },
          },
        },
      },
    ],
  },
});
