import { DAY } from '../model/dates';
import type { ProjectRecord, TestResultRecord, TestRunRecord } from '../model/records';
import { errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { continuationPage, invalidToken, topSkip } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route } from './context';
import { date, identityRef } from './present';
import { route } from './route';
import { requireProject } from './scope';

/** Test runs, results and code coverage (test/7.1). */

function findRun(ctx: RequestContext, project: ProjectRecord): TestRunRecord {
  const run = ctx.org.testRuns.get(Number(ctx.params.runId));
  if (!run || run.projectId !== project.id) throw errors.notFoundGeneric(`Test run ${ctx.params.runId ?? ''} does not exist.`);
  return run;
}

export function testRunJson(ctx: RequestContext, run: TestRunRecord, details: boolean): JsonObject {
  const project = ctx.org.projects.get(run.projectId);
  const url = `${ctx.urls.core}/${run.projectId}/_apis/test/Runs/${run.id}`;
  const build = run.buildId === null ? undefined : ctx.org.builds.get(run.buildId);
  const owner = identityRef(ctx.org.user(run.ownerId), ctx.urls);
  const json: JsonObject = {
    id: run.id,
    name: run.name,
    url,
    build: build ? { id: String(build.id), name: build.buildNumber, url: `${ctx.urls.core}/${build.projectId}/_apis/build/Builds/${build.id}` } : undefined,
    isAutomated: run.isAutomated,
    owner,
    project: project ? { id: project.id, name: project.name, url: `${ctx.urls.core}/_apis/projects/${project.id}` } : undefined,
    iteration: project?.name,
    startedDate: date(run.startedDate),
    completedDate: date(run.completedDate),
    state: run.state,
    plan: { id: run.isAutomated ? '0' : String((run.id % 7) + 1), name: run.isAutomated ? 'Automated runs' : `Regression plan ${(run.id % 7) + 1}`, url: `${ctx.urls.core}/${run.projectId}/_apis/test/Plans/${run.isAutomated ? 0 : (run.id % 7) + 1}` },
    postProcessState: 'Complete',
    totalTests: run.totalTests,
    incompleteTests: run.incompleteTests,
    notApplicableTests: run.notApplicableTests,
    passedTests: run.passedTests,
    unanalyzedTests: run.unanalyzedTests,
    revision: 3,
    webAccessUrl: `${ctx.urls.core}/${run.projectId}/_TestManagement/Runs?runId=${run.id}&_a=runCharts`,
  };
  if (details) {
    Object.assign(json, {
      dueDate: date(run.createdDate + 86_400_000),
      comment: '',
      createdDate: date(run.createdDate),
      lastUpdatedDate: date(run.lastUpdatedDate),
      lastUpdatedBy: owner,
      buildConfiguration: build ? { id: build.id, number: build.buildNumber, uri: `vstfs:///Build/Build/${build.id}`, flavor: 'Release', platform: 'Any CPU', buildDefinitionId: build.pipelineId, branchName: build.sourceBranch, sourceVersion: build.sourceVersion } : undefined,
      pipelineReference: build ? { pipelineId: build.id, stageReference: { attempt: 1, stageName: build.stageNames.includes('Test') ? 'Test' : (build.stageNames[0] ?? 'Build') }, phaseReference: { attempt: 1, phaseName: 'Job' }, jobReference: { attempt: 1, jobName: 'Job' } } : undefined,
      runStatistics: [
        { state: 'Completed', outcome: 'Passed', count: run.passedTests },
        { state: 'Completed', outcome: 'Failed', count: run.unanalyzedTests },
        { state: 'Completed', outcome: 'NotExecuted', count: run.notApplicableTests },
      ].filter((s) => s.count > 0),
      tags: [],
    });
  }
  return json;
}

/**
 * Test runs: `$top/$skip` (and `buildUri`, `owner`, `automated`), or the query form with
 * `minLastUpdatedDate`/`maxLastUpdatedDate` (at most 7 days apart, `$top` ≤ 100, header token).
 */
function listRuns(ctx: RequestContext) {
  const project = requireProject(ctx);
  const q = ctx.query;
  const details = q.bool('includeRunDetails') ?? false;
  const runs = ctx.org.testRunsOf(project.id).sort((a, b) => a.id - b.id);
  if (q.has('minLastUpdatedDate') || q.has('maxLastUpdatedDate')) {
    const min = q.date('minLastUpdatedDate');
    const max = q.date('maxLastUpdatedDate');
    if (min === undefined || max === undefined) throw errors.badRequest('minLastUpdatedDate and maxLastUpdatedDate are both mandatory.', 'ArgumentNullException');
    if (max - min > 7 * DAY || max < min) throw errors.badRequest('The difference between minLastUpdatedDate and maxLastUpdatedDate can be at most 7 days.', 'InvalidPropertyException');
    const state = q.get('state')?.toLowerCase();
    const automated = q.bool('isAutomated');
    const buildIds = q.list('buildIds').map(Number);
    const title = q.get('runTitle')?.toLowerCase();
    const matching = runs.filter(
      (r) => r.lastUpdatedDate >= min && r.lastUpdatedDate <= max && (!state || r.state.toLowerCase() === state) && (automated === undefined || r.isAutomated === automated) && (buildIds.length === 0 || (r.buildId !== null && buildIds.includes(r.buildId))) && (!title || r.name.toLowerCase().includes(title)),
    );
    const top = Math.min(q.int('$top') ?? 100, 100);
    const token = q.get('continuationToken');
    if (token && !/^\d+$/.test(token)) throw invalidToken(token);
    const start = token ? matching.findIndex((r) => r.id >= Number(token)) : 0;
    const { page, next } = continuationPage(matching, start < 0 ? matching.length : start, top, (r) => String(r.id));
    return list(
      page.map((r) => testRunJson(ctx, r, details)),
      next,
    );
  }
  const buildUri = q.get('buildUri');
  const buildId = buildUri ? Number(/vstfs:\/\/\/Build\/Build\/(\d+)/i.exec(buildUri)?.[1] ?? NaN) : undefined;
  const owner = q.get('owner')?.toLowerCase();
  const automated = q.bool('automated');
  const filtered = runs.filter((r) => (buildId === undefined || r.buildId === buildId) && (!owner || r.ownerId === owner) && (automated === undefined || r.isAutomated === automated));
  return list(topSkip(filtered, q, PAGE_LIMITS.testRuns).map((r) => testRunJson(ctx, r, details)));
}

function getRun(ctx: RequestContext) {
  const project = requireProject(ctx);
  return ok(testRunJson(ctx, findRun(ctx, project), ctx.query.bool('includeDetails') ?? true));
}

function resultJson(ctx: RequestContext, run: TestRunRecord, result: TestResultRecord, details: string[]): JsonObject {
  const project = ctx.org.projects.get(run.projectId);
  const build = run.buildId === null ? undefined : ctx.org.builds.get(run.buildId);
  const owner = identityRef(ctx.org.user(run.ownerId), ctx.urls);
  const failed = result.outcome === 'Failed';
  return {
    owner,
    runBy: owner,
    area: project ? { id: String(ctx.org.nodesOf(project.id, 'area').find((n) => n.parentId === null)?.id ?? 0), name: project.name, url: `${ctx.urls.core}/_apis/wit/areas/${project.id}` } : undefined,
    configuration: { id: '1', name: 'Windows 10', url: `${ctx.urls.core}/${run.projectId}/_apis/test/Configurations/1` },
    comment: failed ? 'Flaky on the hosted pool; tracked in a bug.' : undefined,
    associatedBugs: details.includes('workitems') ? [] : undefined,
    iterationDetails: details.includes('iterations') ? [] : undefined,
    failingSince: failed ? { date: date(result.startedDate - 86_400_000), build: build ? { id: build.id, definitionId: build.pipelineId, number: build.buildNumber, buildSystem: 'Azure DevOps Services', branchName: build.sourceBranch } : undefined } : undefined,
    stackTrace: failed ? `   at ${result.automatedTestName}() in /src/tests/${result.testCaseTitle}.cs:line 42` : undefined,
    automatedTestId: `${result.runId}-${result.id}`,
    automatedTestTypeId: '13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b',
    id: result.id,
    project: project ? { id: project.id, name: project.name, url: `${ctx.urls.core}/_apis/projects/${project.id}` } : undefined,
    startedDate: date(result.startedDate),
    completedDate: date(result.completedDate),
    durationInMs: result.durationInMs,
    outcome: result.outcome,
    revision: 1,
    state: 'Completed',
    testCase: { id: String(result.id - 99_000), name: result.testCaseTitle },
    testRun: { id: String(run.id), name: run.name, url: `${ctx.urls.core}/${run.projectId}/_apis/test/Runs/${run.id}` },
    lastUpdatedDate: date(result.completedDate),
    lastUpdatedBy: identityRef(ctx.org.user(run.ownerId), ctx.urls),
    priority: result.priority,
    computerName: 'fv-az123-456',
    build: build ? { id: String(build.id), name: build.buildNumber, url: `${ctx.urls.core}/${build.projectId}/_apis/build/Builds/${build.id}` } : undefined,
    errorMessage: result.errorMessage ?? undefined,
    createdDate: date(result.startedDate),
    url: `${ctx.urls.core}/${run.projectId}/_apis/test/Runs/${run.id}/Results/${result.id}`,
    failureType: 'None',
    automatedTestStorage: result.automatedTestStorage,
    automatedTestType: 'UnitTest',
    testCaseTitle: result.testCaseTitle,
    automatedTestName: result.automatedTestName,
    customFields: [],
    testCaseReferenceId: result.id - 99_000,
  };
}

/** Results of a run: `$top/$skip` (at most 1000, 200 with details), `outcomes` filter. */
function listResults(ctx: RequestContext) {
  const project = requireProject(ctx);
  const run = findRun(ctx, project);
  const outcomes = ctx.query.list('outcomes').map((o) => o.toLowerCase());
  const details = ctx.query.list('detailsToInclude').map((d) => d.toLowerCase()).filter((d) => d !== 'none');
  const results = (ctx.org.testResults(run.id) ?? []).filter((r) => outcomes.length === 0 || outcomes.includes(r.outcome.toLowerCase()));
  const limit = details.length === 0 ? PAGE_LIMITS.testResults : { defaultTop: 200, maxTop: 200 };
  return list(topSkip(results, ctx.query, limit).map((r) => resultJson(ctx, run, r, details)));
}

function getResult(ctx: RequestContext) {
  const project = requireProject(ctx);
  const run = findRun(ctx, project);
  const result = ctx.org.testResults(run.id)?.find((r) => r.id === Number(ctx.params.testCaseResultId));
  if (!result) throw errors.notFoundGeneric(`Test result ${ctx.params.testCaseResultId ?? ''} does not exist in run ${run.id}.`);
  return ok(resultJson(ctx, run, result, ctx.query.list('detailsToInclude').map((d) => d.toLowerCase())));
}

function coverageModules(ctx: RequestContext, buildId: number): JsonObject[] {
  const coverage = ctx.org.codeCoverage(buildId);
  return (coverage?.modules ?? []).map((m, i) => ({
    signature: `${String(buildId).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
    signatureAge: 1,
    blockData: Buffer.from(`blocks:${m.name}`).toString('base64'),
    fileUrl: `${ctx.urls.core}/_apis/test/CodeCoverage/${buildId}/${encodeURIComponent(m.name)}`,
    name: m.name,
    blockCount: m.blocksCovered + m.blocksNotCovered,
    statistics: { blocksCovered: m.blocksCovered, blocksNotCovered: m.blocksNotCovered, linesCovered: m.linesCovered, linesNotCovered: m.linesNotCovered, linesPartiallyCovered: 0 },
    functions: [],
  }));
}

/** Build code coverage (`buildId` and `flags` are required). */
function buildCoverage(ctx: RequestContext) {
  const project = requireProject(ctx);
  const buildId = ctx.query.int('buildId');
  if (buildId === undefined) throw errors.badRequest('Value cannot be null.\r\nParameter name: buildId', 'ArgumentNullException');
  if (ctx.query.int('flags') === undefined) throw errors.badRequest('Value cannot be null.\r\nParameter name: flags', 'ArgumentNullException');
  const build = ctx.org.builds.get(buildId);
  if (!build || build.projectId !== project.id) return list([]);
  return list([
    {
      configuration: { id: build.id, flavor: 'Release', platform: 'Any CPU', buildDefinitionId: build.pipelineId, branchName: build.sourceBranch, uri: `vstfs:///Build/Build/${build.id}`, number: build.buildNumber, project: { id: project.id, name: project.name } },
      state: 'Completed',
      lastError: '',
      modules: coverageModules(ctx, build.id),
      codeCoverageFileUrl: `${ctx.urls.core}/${project.id}/_apis/test/CodeCoverage/browse/${build.id}`,
    },
  ]);
}

function runCoverage(ctx: RequestContext) {
  const project = requireProject(ctx);
  const run = findRun(ctx, project);
  if (run.buildId === null) return list([]);
  return list([{ lastError: '', modules: coverageModules(ctx, run.buildId), state: 'Completed', testRun: { id: String(run.id), name: run.name, url: `${ctx.urls.core}/${run.projectId}/_apis/test/Runs/${run.id}` } }]);
}

export const testRoutes: Route[] = [
  route('test.runs.list', 'GET', 'test/runs', 'project', '7.1', listRuns),
  route('test.runs.get', 'GET', 'test/runs/{runId}', 'project', '7.1', getRun),
  route('test.results.list', 'GET', 'test/runs/{runId}/results', 'project', '7.1', listResults),
  route('test.results.get', 'GET', 'test/runs/{runId}/results/{testCaseResultId}', 'project', '7.1', getResult),
  route('test.codeCoverage', 'GET', 'test/codecoverage', 'project', '7.1', buildCoverage),
  route('test.runs.codeCoverage', 'GET', 'test/runs/{runId}/codecoverage', 'project', '7.1', runCoverage),
];
