import type { BuildRecord, PipelineRecord, ProjectRecord } from '../model/records';
import { guidFor } from '../model/random';
import { errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { base64Token, continuationPage, invalidToken, pageSize, startAt } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route, View } from './context';
import { date, identityRef, projectRef, seg, ticks } from './present';
import { route } from './route';
import { requireProject } from './scope';

/** Pipelines (and their runs), builds, build definitions and build timelines. */

function findPipeline(ctx: RequestContext, project: ProjectRecord, idText: string | undefined): PipelineRecord {
  const pipeline = ctx.org.pipelines.get(Number(idText));
  if (!pipeline || pipeline.projectId !== project.id) throw errors.definitionNotFound(idText ?? '');
  return pipeline;
}

function findBuild(ctx: RequestContext, project: ProjectRecord, idText: string | undefined): BuildRecord {
  const build = ctx.org.builds.get(Number(idText));
  if (!build || build.projectId !== project.id) throw errors.buildNotFound(idText ?? '');
  return build;
}

// ---- pipelines ------------------------------------------------------------------------------------

function pipelineJson(ctx: RequestContext, pipeline: PipelineRecord, withConfiguration: boolean): JsonObject {
  const url = `${ctx.urls.core}/${pipeline.projectId}/_apis/pipelines/${pipeline.id}?revision=${pipeline.revision}`;
  const project = ctx.org.projects.get(pipeline.projectId);
  return {
    _links: {
      self: { href: url },
      web: { href: `${ctx.urls.core}/${pipeline.projectId}/_build/definition?definitionId=${pipeline.id}` },
    },
    configuration: withConfiguration
      ? pipeline.configurationType === 'yaml'
        ? { path: pipeline.yamlPath ?? '/azure-pipelines.yml', repository: { id: pipeline.repositoryId, type: 'azureReposGit' }, type: 'yaml' }
        : { type: 'designerJson' }
      : undefined,
    url,
    id: pipeline.id,
    revision: pipeline.revision,
    name: pipeline.name,
    folder: pipeline.folder,
    projectName: withConfiguration ? project?.name : undefined,
  };
}

/** Pipelines: `orderBy` "name asc" (default) or "name desc"; opaque header token. */
function listPipelines(ctx: RequestContext) {
  const project = requireProject(ctx);
  const order = (ctx.query.get('orderBy') ?? 'name asc').toLowerCase().trim();
  const descending = order.endsWith('desc');
  const byName = (a: PipelineRecord, b: PipelineRecord) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id - b.id;
  const pipelines = ctx.org.pipelinesOf(project.id).sort((a, b) => (descending ? byName(b, a) : byName(a, b)));
  const tokenOf = (p: PipelineRecord) => base64Token.encode(`${p.id}`);
  const token = ctx.query.get('continuationToken');
  const start = token ? startAt(pipelines, token, tokenOf) : 0;
  if (token && start >= pipelines.length && !pipelines.some((p) => tokenOf(p) === token)) throw invalidToken(token);
  const { page, next } = continuationPage(pipelines, start, pageSize(ctx.query, '$top', PAGE_LIMITS.pipelines), tokenOf);
  return list(
    page.map((p) => pipelineJson(ctx, p, false)),
    next,
  );
}

function getPipeline(ctx: RequestContext) {
  const project = requireProject(ctx);
  return ok(pipelineJson(ctx, findPipeline(ctx, project, ctx.params.pipelineId), true));
}

const RUN_STATE: Record<BuildRecord['status'], string> = { completed: 'completed', inProgress: 'inProgress', notStarted: 'inProgress', cancelling: 'canceling' };
// The Pipelines API's RunResult has no partiallySucceeded; such builds read as succeeded there.
const RUN_RESULT: Record<NonNullable<BuildRecord['result']>, string> = { succeeded: 'succeeded', partiallySucceeded: 'succeeded', failed: 'failed', canceled: 'canceled' };

export function runJson(ctx: View, pipeline: PipelineRecord, build: BuildRecord, detailed: boolean): JsonObject {
  const base = `${ctx.urls.core}/${pipeline.projectId}/_apis/pipelines/${pipeline.id}`;
  return {
    _links: {
      self: { href: `${base}/runs/${build.id}` },
      web: { href: `${ctx.urls.core}/${pipeline.projectId}/_build/results?buildId=${build.id}` },
      'pipeline.web': { href: `${ctx.urls.core}/${pipeline.projectId}/_build/definition?definitionId=${pipeline.id}` },
      pipeline: { href: `${base}?revision=${pipeline.revision}` },
    },
    templateParameters: {},
    pipeline: { url: `${base}?revision=${pipeline.revision}`, id: pipeline.id, revision: pipeline.revision, name: pipeline.name, folder: pipeline.folder },
    state: RUN_STATE[build.status],
    result: build.result === null ? undefined : RUN_RESULT[build.result],
    createdDate: ticks(build.queueTime),
    finishedDate: ticks(build.finishTime),
    url: `${base}/runs/${build.id}`,
    resources: detailed
      ? { repositories: { self: { repository: { id: build.repositoryId, type: 'azureReposGit' }, refName: build.sourceBranch, version: build.sourceVersion } } }
      : undefined,
    id: build.id,
    name: build.buildNumber,
  };
}

/** Runs: "Gets top 10000 runs", newest first, no paging. */
function listRuns(ctx: RequestContext) {
  const project = requireProject(ctx);
  const pipeline = findPipeline(ctx, project, ctx.params.pipelineId);
  const runs = ctx.org
    .buildsOfPipeline(pipeline.id)
    .sort((a, b) => b.id - a.id)
    .slice(0, PAGE_LIMITS.pipelineRuns.maxTop);
  return list(runs.map((b) => runJson(ctx, pipeline, b, false)));
}

function getRun(ctx: RequestContext) {
  const project = requireProject(ctx);
  const pipeline = findPipeline(ctx, project, ctx.params.pipelineId);
  const build = findBuild(ctx, project, ctx.params.runId);
  if (build.pipelineId !== pipeline.id) throw errors.buildNotFound(ctx.params.runId ?? '');
  return ok(runJson(ctx, pipeline, build, true));
}

// ---- builds ---------------------------------------------------------------------------------------

function definitionRef(ctx: View, pipeline: PipelineRecord | undefined, project: ProjectRecord | undefined): JsonObject | undefined {
  if (!pipeline) return undefined;
  return {
    drafts: [],
    id: pipeline.id,
    name: pipeline.name,
    url: `${ctx.urls.core}/${pipeline.projectId}/_apis/build/Definitions/${pipeline.id}?revision=${pipeline.revision}`,
    uri: `vstfs:///Build/Definition/${pipeline.id}`,
    path: pipeline.folder,
    type: 'build',
    queueStatus: pipeline.queueStatus,
    revision: pipeline.revision,
    project: project ? projectRef(project, ctx.urls) : undefined,
  };
}

export function buildJson(ctx: View, build: BuildRecord): JsonObject {
  const pipeline = ctx.org.pipelines.get(build.pipelineId);
  const project = ctx.org.projects.get(build.projectId);
  const repo = build.repositoryId ? ctx.org.repositories.get(build.repositoryId) : undefined;
  const url = `${ctx.urls.core}/${build.projectId}/_apis/build/Builds/${build.id}`;
  const planId = guidFor(ctx.org.seed, 'plan-build', build.id);
  const requestedFor = identityRef(ctx.org.user(build.requestedForId), ctx.urls);
  return {
    _links: {
      self: { href: url },
      web: { href: `${ctx.urls.core}/${build.projectId}/_build/results?buildId=${build.id}` },
      sourceVersionDisplayUri: { href: `${url}/sources` },
      timeline: { href: `${url}/Timeline` },
      badge: { href: `${ctx.urls.core}/${build.projectId}/_apis/build/status/${build.pipelineId}` },
    },
    properties: {},
    tags: build.tags,
    validationResults: [],
    plans: [{ planId }],
    templateParameters: {},
    triggerInfo: {},
    id: build.id,
    buildNumber: build.buildNumber,
    status: build.status,
    result: build.result ?? undefined,
    queueTime: ticks(build.queueTime),
    startTime: ticks(build.startTime),
    finishTime: ticks(build.finishTime),
    url,
    definition: definitionRef(ctx, pipeline, project),
    buildNumberRevision: 1,
    project: project ? projectRef(project, ctx.urls) : undefined,
    uri: `vstfs:///Build/Build/${build.id}`,
    sourceBranch: build.sourceBranch,
    sourceVersion: build.sourceVersion,
    queue: { id: 9, name: 'Azure Pipelines', pool: { id: 9, name: 'Azure Pipelines', isHosted: true } },
    priority: 'normal',
    reason: build.reason,
    requestedFor,
    requestedBy: requestedFor,
    lastChangedDate: ticks(build.lastChangedDate ?? build.finishTime ?? build.startTime ?? build.queueTime),
    lastChangedBy: requestedFor,
    orchestrationPlan: { planId },
    logs: { id: 0, type: 'Container', url: `${url}/logs` },
    repository: repo ? { id: repo.id, type: 'TfsGit', name: repo.name, url: `${ctx.urls.core}/${seg(project?.name ?? '')}/_git/${seg(repo.name)}`, clean: null, checkoutSubmodules: false } : undefined,
    retainedByRelease: false,
    triggeredByBuild: null,
    appendCommitMessageToRunName: true,
  };
}

type QueryOrder = 'finishTimeAscending' | 'finishTimeDescending' | 'queueTimeDescending' | 'queueTimeAscending' | 'startTimeDescending' | 'startTimeAscending';
const ORDERS: readonly QueryOrder[] = ['finishTimeAscending', 'finishTimeDescending', 'queueTimeDescending', 'queueTimeAscending', 'startTimeDescending', 'startTimeAscending'];

function timeOf(build: BuildRecord, order: QueryOrder): number | null {
  if (order.startsWith('finish')) return build.finishTime;
  if (order.startsWith('start')) return build.startTime;
  return build.queueTime;
}

/**
 * Builds: filters, `queryOrder` (default queueTimeDescending here), `minTime`/`maxTime` on the
 * order's time field, `$top` and an `x-ms-continuationtoken` that looks like a timestamp (the
 * next build's time), as azure-devops-api.md §1.4 item 3 describes.
 */
function listBuilds(ctx: RequestContext) {
  const project = requireProject(ctx);
  const q = ctx.query;
  const orderText = q.get('queryOrder');
  const order = ORDERS.find((o) => o.toLowerCase() === (orderText ?? 'queueTimeDescending').toLowerCase());
  if (!order) throw errors.badRequest(`The value '${orderText}' is not valid for queryOrder.`, 'InvalidArgumentValueException');
  const descending = order.endsWith('Descending');
  const definitions = q.list('definitions').map(Number);
  const buildIds = q.list('buildIds').map(Number);
  const status = q.get('statusFilter')?.toLowerCase();
  const result = q.get('resultFilter')?.toLowerCase();
  const reason = q.get('reasonFilter')?.toLowerCase();
  const branch = q.get('branchName');
  const repositoryId = q.get('repositoryId')?.toLowerCase();
  const requestedFor = q.get('requestedFor')?.toLowerCase();
  const tags = q.list('tagFilters');
  const buildNumber = q.get('buildNumber');
  const minTime = q.date('minTime');
  const maxTime = q.date('maxTime');
  const perDefinition = q.int('maxBuildsPerDefinition');
  const source = definitions.length > 0 ? definitions.flatMap((id) => (ctx.org.pipelines.get(id)?.projectId === project.id ? ctx.org.buildsOfPipeline(id) : [])) : ctx.org.buildsOfProject(project.id);
  let builds = source.filter((b) => {
    if (buildIds.length > 0 && !buildIds.includes(b.id)) return false;
    if (status && status !== 'all' && b.status.toLowerCase() !== status) return false;
    if (result && (b.result ?? 'none').toLowerCase() !== result) return false;
    if (reason && reason !== 'all' && b.reason.toLowerCase() !== reason) return false;
    if (branch && b.sourceBranch !== branch) return false;
    if (repositoryId && b.repositoryId !== repositoryId) return false;
    if (requestedFor) {
      const user = ctx.org.user(b.requestedForId);
      if (!user || (user.id !== requestedFor && user.principalName.toLowerCase() !== requestedFor && user.displayName.toLowerCase() !== requestedFor)) return false;
    }
    if (tags.length > 0 && !tags.every((t) => b.tags.includes(t))) return false;
    if (buildNumber) {
      if (buildNumber.endsWith('*') ? !b.buildNumber.startsWith(buildNumber.slice(0, -1)) : b.buildNumber !== buildNumber) return false;
    }
    const t = timeOf(b, order);
    if (minTime !== undefined && (t === null || t < minTime)) return false;
    if (maxTime !== undefined && (t === null || t > maxTime)) return false;
    return true;
  });
  const key = (b: BuildRecord) => timeOf(b, order) ?? (descending ? -Infinity : Infinity);
  builds.sort((a, b) => (descending ? key(b) - key(a) || b.id - a.id : key(a) - key(b) || a.id - b.id));
  if (perDefinition !== undefined) {
    const seen = new Map<number, number>();
    builds = builds.filter((b) => {
      const n = (seen.get(b.pipelineId) ?? 0) + 1;
      seen.set(b.pipelineId, n);
      return n <= perDefinition;
    });
  }
  const tokenOf = (b: BuildRecord) => `${new Date(timeOf(b, order) ?? 0).toISOString()}|${b.id}`;
  const token = q.get('continuationToken');
  let start = 0;
  if (token) {
    const [time, id] = token.split('|');
    const ms = Date.parse(time ?? '');
    if (Number.isNaN(ms) || !/^\d+$/.test(id ?? '')) throw invalidToken(token);
    start = startAt(builds, token, tokenOf, (b) => {
      const t = timeOf(b, order) ?? 0;
      return descending ? t < ms || (t === ms && b.id <= Number(id)) : t > ms || (t === ms && b.id >= Number(id));
    });
  }
  const { page, next } = continuationPage(builds, start, pageSize(q, '$top', PAGE_LIMITS.builds), tokenOf);
  return list(
    page.map((b) => buildJson(ctx, b)),
    next,
  );
}

function getBuild(ctx: RequestContext) {
  const project = requireProject(ctx);
  return ok(buildJson(ctx, findBuild(ctx, project, ctx.params.buildId)));
}

function getTimeline(ctx: RequestContext) {
  const project = requireProject(ctx);
  const build = findBuild(ctx, project, ctx.params.buildId);
  const records = ctx.org.timeline(build.id) ?? [];
  const planId = guidFor(ctx.org.seed, 'plan-build', build.id);
  const url = `${ctx.urls.core}/${build.projectId}/_apis/build/builds/${build.id}/Timeline/${planId}`;
  const lastChanged = Math.max(build.queueTime, ...records.map((r) => r.finishTime ?? r.startTime ?? 0));
  return ok({
    records: records.map((r, i) => ({
      previousAttempts: [],
      id: r.id,
      parentId: r.parentId,
      type: r.type,
      name: r.name,
      startTime: ticks(r.startTime) ?? null,
      finishTime: ticks(r.finishTime) ?? null,
      currentOperation: null,
      percentComplete: r.state === 'completed' ? 100 : r.state === 'inProgress' ? 50 : 0,
      state: r.state,
      result: r.result,
      resultCode: null,
      changeId: i + 1,
      lastModified: ticks(r.finishTime ?? r.startTime ?? build.queueTime),
      workerName: r.workerName,
      order: r.order,
      details: null,
      errorCount: r.errorCount,
      warningCount: r.warningCount,
      url: null,
      log: r.type === 'Task' ? { id: i + 1, type: 'Container', url: `${ctx.urls.core}/${build.projectId}/_apis/build/builds/${build.id}/logs/${i + 1}` } : null,
      task: null,
      attempt: r.attempt,
      identifier: r.identifier,
    })),
    lastChangedBy: guidFor(ctx.org.seed, 'service-identity', 'build'),
    lastChangedOn: ticks(lastChanged),
    id: planId,
    changeId: records.length,
    url,
  });
}

function getBuildChanges(ctx: RequestContext) {
  const project = requireProject(ctx);
  const build = findBuild(ctx, project, ctx.params.buildId);
  const commits = build.repositoryId ? ctx.org.commits(build.repositoryId).slice(0, Math.min(ctx.query.int('$top') ?? 50, 50)) : [];
  return list(
    commits.map((c) => ({
      id: c.commitId,
      message: c.comment,
      type: 'TfsGit',
      author: identityRef(ctx.org.user(c.authorId), ctx.urls),
      timestamp: ticks(c.authorDate),
      location: `${ctx.urls.core}/${build.projectId}/_apis/git/repositories/${build.repositoryId ?? ''}/commits/${c.commitId}`,
    })),
  );
}

function definitionReferenceJson(ctx: RequestContext, pipeline: PipelineRecord): JsonObject {
  const project = ctx.org.projects.get(pipeline.projectId);
  return {
    _links: {
      self: { href: `${ctx.urls.core}/${pipeline.projectId}/_apis/build/Definitions/${pipeline.id}?revision=${pipeline.revision}` },
      web: { href: `${ctx.urls.core}/${pipeline.projectId}/_build/definition?definitionId=${pipeline.id}` },
    },
    quality: 'definition',
    authoredBy: identityRef(ctx.org.user(pipeline.authorId), ctx.urls),
    queue: { id: 9, name: 'Azure Pipelines', pool: { id: 9, name: 'Azure Pipelines', isHosted: true } },
    ...definitionRef(ctx, pipeline, project),
    createdDate: date(pipeline.createdDate),
  };
}

/** Build definitions: ordered by name, header token = the next definition's name. */
function listDefinitions(ctx: RequestContext) {
  const project = requireProject(ctx);
  const name = ctx.query.get('name');
  const path = ctx.query.get('path');
  const repositoryId = ctx.query.get('repositoryId')?.toLowerCase();
  const ids = ctx.query.list('definitionIds').map(Number);
  const descending = (ctx.query.get('queryOrder') ?? '').toLowerCase() === 'definitionnamedescending';
  const matchName = (text: string) => (name === undefined ? true : name.endsWith('*') ? text.toLowerCase().startsWith(name.slice(0, -1).toLowerCase()) : text.toLowerCase() === name.toLowerCase());
  const defs = ctx.org
    .pipelinesOf(project.id)
    .filter((p) => matchName(p.name) && (path === undefined || p.folder === path) && (repositoryId === undefined || p.repositoryId === repositoryId) && (ids.length === 0 || ids.includes(p.id)))
    .sort((a, b) => (descending ? -1 : 1) * (a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id - b.id));
  const tokenOf = (p: PipelineRecord) => base64Token.encode(`${p.name}|${p.id}`);
  const token = ctx.query.get('continuationToken');
  const start = token ? startAt(defs, token, tokenOf) : 0;
  const { page, next } = continuationPage(defs, start, pageSize(ctx.query, '$top', PAGE_LIMITS.buildDefinitions), tokenOf);
  // `includeAllProperties=true` returns full definitions (repository, process…) instead of references.
  const full = (ctx.query.get('includeAllProperties') ?? '').toLowerCase() === 'true';
  return list(
    page.map((p) => (full ? fullDefinitionJson(ctx, p) : definitionReferenceJson(ctx, p))),
    next,
  );
}

function getDefinition(ctx: RequestContext) {
  const project = requireProject(ctx);
  return ok(fullDefinitionJson(ctx, findPipeline(ctx, project, ctx.params.definitionId)));
}

/** The whole definition, as GET definitions/{id} and the list with `includeAllProperties=true` return it. */
function fullDefinitionJson(ctx: RequestContext, pipeline: PipelineRecord): JsonObject {
  const repo = pipeline.repositoryId ? ctx.org.repositories.get(pipeline.repositoryId) : undefined;
  return {
    ...definitionReferenceJson(ctx, pipeline),
    options: [],
    triggers: pipeline.configurationType === 'yaml' ? [{ branchFilters: [], pathFilters: [], settingsSourceType: 2, batchChanges: false, maxConcurrentBuildsPerBranch: 1, triggerType: 'continuousIntegration' }] : [],
    variables: {},
    retentionRules: [],
    jobAuthorizationScope: 'projectCollection',
    process: pipeline.configurationType === 'yaml' ? { yamlFilename: pipeline.yamlPath ?? '/azure-pipelines.yml', type: 2 } : { phases: [], type: 1 },
    repository: repo
      ? {
          properties: { cleanOptions: '0', labelSources: '0', reportBuildStatus: 'true' },
          id: repo.id,
          type: 'TfsGit',
          name: repo.name,
          url: `${ctx.urls.core}/${seg(ctx.org.projects.get(repo.projectId)?.name ?? '')}/_git/${seg(repo.name)}`,
          defaultBranch: repo.defaultBranch ?? undefined,
          clean: null,
          checkoutSubmodules: false,
        }
      : undefined,
  };
}

export const buildRoutes: Route[] = [
  route('pipelines.list', 'GET', 'pipelines', 'project', '7.1', listPipelines),
  route('pipelines.get', 'GET', 'pipelines/{pipelineId}', 'project', '7.1', getPipeline),
  route('pipelines.runs.list', 'GET', 'pipelines/{pipelineId}/runs', 'project', '7.1', listRuns),
  route('pipelines.runs.get', 'GET', 'pipelines/{pipelineId}/runs/{runId}', 'project', '7.1', getRun),
  route('build.builds.list', 'GET', 'build/builds', 'project', '7.1', listBuilds),
  route('build.builds.get', 'GET', 'build/builds/{buildId}', 'project', '7.1', getBuild),
  route('build.timeline', 'GET', 'build/builds/{buildId}/timeline', 'project', '7.1', getTimeline),
  route('build.timeline.get', 'GET', 'build/builds/{buildId}/timeline/{timelineId}', 'project', '7.1', getTimeline),
  route('build.changes', 'GET', 'build/builds/{buildId}/changes', 'project', '7.1', getBuildChanges),
  route('build.definitions.list', 'GET', 'build/definitions', 'project', '7.1', listDefinitions),
  route('build.definitions.get', 'GET', 'build/definitions/{definitionId}', 'project', '7.1', getDefinition),
];
