import type { DeploymentRecordModel, EnvironmentRecord, ProjectRecord } from '../model/records';
import { errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { continuationPage, invalidToken, pageSize, startAt } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route } from './context';
import { date, identityRef } from './present';
import { route } from './route';
import { requireProject } from './scope';

/**
 * Environments and their deployment records: the 7.1 `distributedtask/environments` routes and
 * the 7.2-preview `pipelines/environments` ones (environments/7.2), same data.
 */

function findEnvironment(ctx: RequestContext, project: ProjectRecord): EnvironmentRecord {
  const env = ctx.org.environments.get(Number(ctx.params.environmentId));
  if (!env || env.projectId !== project.id) throw errors.environmentNotFound(ctx.params.environmentId ?? '');
  return env;
}

function environmentJson(ctx: RequestContext, env: EnvironmentRecord): JsonObject {
  const project = ctx.org.projects.get(env.projectId);
  return {
    id: env.id,
    name: env.name,
    description: env.description,
    createdBy: identityRef(ctx.org.user(env.createdById), ctx.urls),
    createdOn: date(env.createdOn),
    lastModifiedBy: identityRef(ctx.org.user(env.lastModifiedById), ctx.urls),
    lastModifiedOn: date(env.lastModifiedOn),
    project: project ? { id: project.id, name: project.name } : undefined,
    resources: [],
  };
}

/** Environments: by name, `name` filter, `$top` (default 50 here), header token. */
function listEnvironments(ctx: RequestContext) {
  const project = requireProject(ctx);
  const name = ctx.query.get('name')?.toLowerCase();
  const envs = ctx.org
    .environmentsOf(project.id)
    .filter((e) => name === undefined || (name.endsWith('*') ? e.name.toLowerCase().startsWith(name.slice(0, -1)) : e.name.toLowerCase() === name))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  const token = ctx.query.get('continuationToken');
  if (token && !/^\d+$/.test(token)) throw invalidToken(token);
  const start = token ? startAt(envs, token, (e) => String(e.id)) : 0;
  const { page, next } = continuationPage(envs, start, pageSize(ctx.query, '$top', PAGE_LIMITS.environments), (e) => String(e.id));
  return list(
    page.map((e) => environmentJson(ctx, e)),
    next,
  );
}

function getEnvironment(ctx: RequestContext) {
  const project = requireProject(ctx);
  return ok(environmentJson(ctx, findEnvironment(ctx, project)));
}

function recordJson(ctx: RequestContext, record: DeploymentRecordModel): JsonObject {
  const base = `${ctx.urls.core}/${record.projectId}`;
  return {
    id: record.id,
    environmentId: record.environmentId,
    serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
    requestIdentifier: `${record.planId}`,
    scopeId: record.projectId,
    planType: 'Build',
    planId: record.planId,
    stageName: record.stageName,
    jobName: record.jobName,
    stageAttempt: record.stageAttempt,
    jobAttempt: record.jobAttempt,
    definition: { id: record.pipelineId, name: record.pipelineName, _links: { web: { href: `${base}/_build/definition?definitionId=${record.pipelineId}` }, self: { href: `${base}/_apis/build/Definitions/${record.pipelineId}` } } },
    owner: { id: record.buildId, name: record.buildNumber, _links: { web: { href: `${base}/_build/results?buildId=${record.buildId}` }, self: { href: `${base}/_apis/build/Builds/${record.buildId}` } } },
    result: record.result ?? undefined,
    queueTime: date(record.queueTime),
    startTime: date(record.startTime),
    finishTime: date(record.finishTime),
  };
}

/** Deployment records: newest first, `top` (default 25, node-api #623), header token = next id. */
function listRecords(ctx: RequestContext) {
  const project = requireProject(ctx);
  const env = findEnvironment(ctx, project);
  const records = ctx.org.deploymentRecordsOf(env.id).sort((a, b) => b.id - a.id);
  const token = ctx.query.get('continuationToken');
  if (token && !/^\d+$/.test(token)) throw invalidToken(token);
  const start = token ? startAt(records, token, () => '', (r) => r.id <= Number(token)) : 0;
  const top = pageSize(ctx.query, ctx.query.has('$top') ? '$top' : 'top', PAGE_LIMITS.deploymentRecords);
  const { page, next } = continuationPage(records, start, top, (r) => String(r.id));
  return list(
    page.map((r) => recordJson(ctx, r)),
    next,
  );
}

export const environmentRoutes: Route[] = [
  route('environments.list', 'GET', 'distributedtask/environments', 'project', '7.1', listEnvironments),
  route('environments.get', 'GET', 'distributedtask/environments/{environmentId}', 'project', '7.1', getEnvironment),
  route('environments.records', 'GET', 'distributedtask/environments/{environmentId}/environmentdeploymentrecords', 'project', '7.1', listRecords),
  // 7.2 moved environments under pipelines/; only as a preview, and not on Azure DevOps Server 7.1.
  route('pipelines.environments.list', 'GET', 'pipelines/environments', 'project', '7.2-preview.1', listEnvironments, { server: false }),
  route('pipelines.environments.get', 'GET', 'pipelines/environments/{environmentId}', 'project', '7.2-preview.1', getEnvironment, { server: false }),
  route('pipelines.environments.records', 'GET', 'pipelines/environments/{environmentId}/environmentdeploymentrecords', 'project', '7.2-preview.1', listRecords, { server: false }),
];
