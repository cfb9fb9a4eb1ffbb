import type { ProjectRecord, ReleaseDefinitionRecord, ReleaseDeploymentRecord, ReleaseRecord } from '../model/records';
import { errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { base64Token, continuationPage, invalidToken, pageSize, startAt } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route, View } from './context';
import { date, identityRef } from './present';
import { route } from './route';
import { optionalProject, requireProject, visibleProjects } from './scope';

/**
 * Classic release management, served by `vsrm.dev.azure.com` (and by the collection on Server):
 * releases, release definitions and deployments.
 */

function definitionRef(ctx: View, definition: ReleaseDefinitionRecord | undefined, definitionId: number, projectId: string): JsonObject {
  const url = `${ctx.urls.release}/${projectId}/_apis/Release/definitions/${definitionId}`;
  return {
    id: definitionId,
    name: definition?.name,
    path: definition?.path,
    projectReference: null,
    url,
    _links: { self: { href: url }, web: { href: `${ctx.urls.core}/${projectId}/_release?definitionId=${definitionId}` } },
  };
}

const ENVIRONMENT_OPTIONS = { emailNotificationType: 'OnlyOnFailure', emailRecipients: 'release.environment.owner;release.creator', skipArtifactsDownload: false, timeoutInMinutes: 0, enableAccessToken: false, publishDeploymentStatus: true, badgeEnabled: false, autoLinkWorkItems: false, pullRequestDeploymentEnabled: false };
function approvals(ctx: View, approverId: string): JsonObject {
  return {
    approvals: [{ rank: 1, isAutomated: false, isNotificationOn: false, approver: identityRef(ctx.org.user(approverId), ctx.urls), id: 0 }],
    approvalOptions: { requiredApproverCount: 1, releaseCreatorCanBeApprover: true, autoTriggeredAndPreviousEnvironmentApprovedCanBeSkipped: false, enforceIdentityRevalidation: false, timeoutInMinutes: 0, executionOrder: 'beforeGates' },
  };
}

function releaseEnvironments(ctx: View, release: ReleaseRecord): JsonObject[] {
  const definition = ctx.org.releaseDefinition(release.projectId, release.definitionId);
  const owner = identityRef(ctx.org.user(definition?.createdById ?? release.createdById), ctx.urls);
  return release.environments.map((env) => ({
    id: env.id,
    releaseId: release.id,
    name: env.name,
    status: env.status,
    variables: {},
    variableGroups: [],
    preDeployApprovals: [],
    postDeployApprovals: [],
    preApprovalsSnapshot: approvals(ctx, definition?.createdById ?? release.createdById),
    postApprovalsSnapshot: approvals(ctx, definition?.createdById ?? release.createdById),
    deploySteps: [],
    rank: env.rank,
    definitionEnvironmentId: env.definitionEnvironmentId,
    environmentOptions: ENVIRONMENT_OPTIONS,
    demands: [],
    conditions: [],
    workflowTasks: [],
    deployPhasesSnapshot: [
      {
        deploymentInput: { parallelExecution: { parallelExecutionType: 'none' }, skipArtifactsDownload: false, timeoutInMinutes: 0, queueId: 9, demands: [], enableAccessToken: false },
        rank: 1,
        phaseType: 'agentBasedDeployment',
        name: 'Agent job',
        workflowTasks: [],
      },
    ],
    owner,
    schedules: [],
    release: releaseRef(ctx, release),
    releaseDefinition: {
      id: release.definitionId,
      name: definition?.name,
      url: `${ctx.urls.release}/${release.projectId}/_apis/Release/definitions/${release.definitionId}`,
      _links: { self: { href: `${ctx.urls.release}/${release.projectId}/_apis/Release/definitions/${release.definitionId}` }, web: { href: `${ctx.urls.core}/${release.projectId}/_release?definitionId=${release.definitionId}` } },
    },
    releaseCreatedBy: identityRef(ctx.org.user(release.createdById), ctx.urls),
    triggerReason: release.reason === 'manual' ? 'Manual' : 'After release',
  }));
}

export function releaseJson(ctx: View, release: ReleaseRecord, expand: string[]): JsonObject {
  const project = ctx.org.projects.get(release.projectId);
  const definition = ctx.org.releaseDefinition(release.projectId, release.definitionId);
  const url = `${ctx.urls.release}/${release.projectId}/_apis/Release/releases/${release.id}`;
  return {
    id: release.id,
    name: release.name,
    status: release.status,
    createdOn: date(release.createdOn),
    modifiedOn: date(release.modifiedOn),
    modifiedBy: identityRef(ctx.org.user(release.modifiedById), ctx.urls),
    createdBy: identityRef(ctx.org.user(release.createdById), ctx.urls),
    createdFor: identityRef(ctx.org.user(release.createdById), ctx.urls),
    variables: {},
    variableGroups: [],
    environments: expand.includes('environments') ? releaseEnvironments(ctx, release) : undefined,
    artifacts: expand.includes('artifacts') ? [] : undefined,
    releaseDefinition: definitionRef(ctx, definition, release.definitionId, release.projectId),
    releaseDefinitionRevision: definition?.revision,
    description: release.description,
    reason: release.reason,
    releaseNameFormat: definition?.releaseNameFormat ?? 'Release-$(rev:r)',
    keepForever: release.keepForever,
    definitionSnapshotRevision: 1,
    logsContainerUrl: `${url}/logs`,
    url,
    _links: { self: { href: url }, web: { href: `${ctx.urls.core}/${release.projectId}/_release?releaseId=${release.id}&_a=release-summary` } },
    tags: release.tags,
    projectReference: { id: release.projectId, name: project?.name ?? null },
    properties: {},
  };
}

function intToken(ctx: RequestContext): number | undefined {
  const token = ctx.query.get('continuationToken');
  if (token === undefined || token === '') return undefined;
  if (!/^\d+$/.test(token)) throw invalidToken(token);
  return Number(token);
}

/**
 * Releases: newest first by default (`queryOrder=descending`), `$top` default 50, max 100, header
 * token = the next release's id (§3.3).
 */
/**
 * Releases of a project, or of every project the caller can see when the URL has no project
 * (release 7.1: the `project` path segment is `x-ms-required: false` on this route only).
 */
function listReleases(ctx: RequestContext) {
  const scoped = optionalProject(ctx);
  const q = ctx.query;
  const definitionId = q.int('definitionId');
  const definitionEnvironmentId = q.int('definitionEnvironmentId');
  const status = q.get('statusFilter')?.toLowerCase();
  const envStatus = q.get('environmentStatusFilter');
  const minCreated = q.date('minCreatedTime');
  const maxCreated = q.date('maxCreatedTime');
  const searchText = q.get('searchText')?.toLowerCase();
  const createdBy = q.get('createdBy')?.toLowerCase();
  const tags = q.list('tagFilter');
  const ids = q.list('releaseIdFilter').map(Number);
  const ascending = (q.get('queryOrder') ?? 'descending').toLowerCase() === 'ascending';
  const expand = q.list('$expand').map((e) => e.toLowerCase());
  const projects = scoped ? [scoped] : visibleProjects(ctx);
  const source = projects.flatMap((project) => (definitionId !== undefined ? ctx.org.releases.children(`${project.id}|${definitionId}`) : ctx.org.releasesOfProject(project.id)));
  const releases = source
    .filter((r) => {
      if (status && status !== 'undefined' && r.status.toLowerCase() !== status) return false;
      if (definitionEnvironmentId !== undefined && !r.environments.some((e) => e.definitionEnvironmentId === definitionEnvironmentId)) return false;
      if (envStatus !== undefined && envStatus !== '' && !r.environments.some((e) => e.status.toLowerCase() === envStatus.toLowerCase())) return false;
      if (minCreated !== undefined && r.createdOn < minCreated) return false;
      if (maxCreated !== undefined && r.createdOn > maxCreated) return false;
      if (searchText && !r.name.toLowerCase().includes(searchText)) return false;
      if (createdBy && r.createdById !== createdBy) return false;
      if (tags.length > 0 && !tags.every((t) => r.tags.includes(t))) return false;
      if (ids.length > 0 && !ids.includes(r.id)) return false;
      return true;
    })
    .sort((a, b) => (ascending ? a.id - b.id : b.id - a.id));
  const token = intToken(ctx);
  const start = token === undefined ? 0 : startAt(releases, String(token), () => '', (r) => (ascending ? r.id >= token : r.id <= token));
  const { page, next } = continuationPage(releases, start, pageSize(q, '$top', PAGE_LIMITS.releases), (r) => String(r.id));
  return list(
    page.map((r) => releaseJson(ctx, r, expand)),
    next,
  );
}

function getRelease(ctx: RequestContext) {
  const project = requireProject(ctx);
  const release = ctx.org.releases.get(Number(ctx.params.releaseId));
  if (!release || release.projectId !== project.id) throw errors.releaseNotFound(ctx.params.releaseId ?? '');
  return ok(releaseJson(ctx, release, ['environments', 'artifacts']));
}

function releaseDefinitionJson(ctx: RequestContext, definition: ReleaseDefinitionRecord, expand: string[]): JsonObject {
  const url = `${ctx.urls.release}/${definition.projectId}/_apis/Release/definitions/${definition.id}`;
  const project = ctx.org.projects.get(definition.projectId);
  return {
    source: 'userInterface',
    revision: definition.revision,
    description: definition.description || null,
    createdBy: identityRef(ctx.org.user(definition.createdById), ctx.urls),
    createdOn: date(definition.createdOn),
    modifiedBy: identityRef(ctx.org.user(definition.modifiedById), ctx.urls),
    modifiedOn: date(definition.modifiedOn),
    isDeleted: false,
    variableGroups: [],
    releaseNameFormat: definition.releaseNameFormat,
    properties: {},
    id: definition.id,
    name: definition.name,
    path: definition.path,
    projectReference: { id: definition.projectId, name: project?.name ?? null },
    url,
    _links: { self: { href: url }, web: { href: `${ctx.urls.core}/${definition.projectId}/_release?definitionId=${definition.id}` } },
    tags: expand.includes('tags') ? definition.tags : undefined,
    environments: expand.includes('environments')
      ? definition.environments.map((e) => ({
          id: e.id,
          name: e.name,
          rank: e.rank,
          owner: identityRef(ctx.org.user(definition.createdById), ctx.urls),
          variables: {},
          variableGroups: [],
          preDeployApprovals: approvals(ctx, definition.createdById),
          deployStep: { id: e.id * 3 },
          postDeployApprovals: approvals(ctx, definition.createdById),
          deployPhases: [],
          environmentOptions: ENVIRONMENT_OPTIONS,
          demands: [],
          conditions: [],
          executionPolicy: { concurrencyCount: 1, queueDepthCount: 0 },
          schedules: [],
          currentRelease: currentReleaseOf(ctx, definition, e.id),
          retentionPolicy: { daysToKeep: 30, releasesToKeep: 3, retainBuild: true },
          preDeploymentGates: { id: 0, gatesOptions: null, gates: [] },
          postDeploymentGates: { id: 0, gatesOptions: null, gates: [] },
          environmentTriggers: [],
          badgeUrl: `${ctx.urls.release}/_apis/public/Release/badge/${definition.projectId}/${definition.id}/${e.id}`,
        }))
      : undefined,
    retentionPolicy: expand.includes('environments') ? { daysToKeep: 30 } : undefined,
    lastRelease: lastReleaseOf(ctx, definition),
    artifacts:
      expand.includes('artifacts') && definition.buildPipelineId !== null
        ? [{ sourceId: `${definition.projectId}:${definition.buildPipelineId}`, type: 'Build', alias: `_build-${definition.buildPipelineId}`, definitionReference: { definition: { id: String(definition.buildPipelineId), name: ctx.org.pipelines.get(definition.buildPipelineId)?.name ?? '' }, project: { id: definition.projectId, name: project?.name ?? '' } }, isPrimary: true, isRetained: false }]
        : undefined,
    triggers: expand.includes('triggers') ? [] : undefined,
    variables: expand.includes('variables') ? {} : undefined,
  };
}

function releaseRef(ctx: View, release: ReleaseRecord): JsonObject {
  const url = `${ctx.urls.release}/${release.projectId}/_apis/Release/releases/${release.id}`;
  return { id: release.id, name: release.name, url, _links: { self: { href: url }, web: { href: `${ctx.urls.core}/${release.projectId}/_release?releaseId=${release.id}&_a=release-summary` } } };
}

function lastReleaseOf(ctx: View, definition: ReleaseDefinitionRecord): JsonObject | undefined {
  const releases = ctx.org.releases.children(`${definition.projectId}|${definition.id}`);
  const last = releases.reduce<ReleaseRecord | undefined>((best, r) => (best === undefined || r.id > best.id ? r : best), undefined);
  return last ? { ...releaseRef(ctx, last), artifacts: [], reason: last.reason, createdOn: date(last.createdOn), createdBy: identityRef(ctx.org.user(last.createdById), ctx.urls), description: last.description, releaseDefinition: { id: definition.id, projectReference: null, url: `${ctx.urls.release}/${definition.projectId}/_apis/Release/definitions/${definition.id}`, _links: {} } } : undefined;
}

function currentReleaseOf(ctx: View, definition: ReleaseDefinitionRecord, environmentId: number): JsonObject {
  const releases = ctx.org.releases.children(`${definition.projectId}|${definition.id}`).filter((r) => r.environments.some((e) => e.definitionEnvironmentId === environmentId && e.status === 'succeeded'));
  const last = releases.reduce<ReleaseRecord | undefined>((best, r) => (best === undefined || r.id > best.id ? r : best), undefined);
  return last ? releaseRef(ctx, last) : { id: 0, url: `${ctx.urls.release}/${definition.projectId}/_apis/Release/releases/0`, _links: {} };
}

/** Release definitions: `queryOrder` default idAscending; header token = next definition's key. */
function listReleaseDefinitions(ctx: RequestContext) {
  const project = requireProject(ctx);
  const q = ctx.query;
  const searchText = q.get('searchText')?.toLowerCase();
  const exact = q.bool('isExactNameMatch') ?? false;
  const path = q.get('path');
  const ids = q.list('definitionIdFilter').map(Number);
  const tags = q.list('tagFilter');
  const expand = q.list('$expand').map((e) => e.toLowerCase());
  const order = (q.get('queryOrder') ?? 'idAscending').toLowerCase();
  const compare: Record<string, (a: ReleaseDefinitionRecord, b: ReleaseDefinitionRecord) => number> = {
    idascending: (a, b) => a.id - b.id,
    iddescending: (a, b) => b.id - a.id,
    nameascending: (a, b) => a.name.localeCompare(b.name) || a.id - b.id,
    namedescending: (a, b) => b.name.localeCompare(a.name) || b.id - a.id,
  };
  const sorter = compare[order];
  if (!sorter) throw errors.badRequest(`The value '${q.get('queryOrder') ?? ''}' is not valid for queryOrder.`, 'InvalidArgumentValueException');
  const definitions = ctx.org
    .releaseDefinitionsOf(project.id)
    .filter((d) => {
      if (searchText && (exact ? d.name.toLowerCase() !== searchText : !d.name.toLowerCase().includes(searchText))) return false;
      if (path && d.path !== path) return false;
      if (ids.length > 0 && !ids.includes(d.id)) return false;
      if (tags.length > 0 && !tags.every((t) => d.tags.includes(t))) return false;
      return true;
    })
    .sort(sorter);
  const tokenOf = (d: ReleaseDefinitionRecord) => base64Token.encode(`${d.id}`);
  const token = q.get('continuationToken');
  const start = token ? startAt(definitions, token, tokenOf) : 0;
  const { page, next } = continuationPage(definitions, start, pageSize(q, '$top', PAGE_LIMITS.releaseDefinitions), tokenOf);
  return list(
    page.map((d) => releaseDefinitionJson(ctx, d, expand)),
    next,
  );
}

function getReleaseDefinition(ctx: RequestContext) {
  const project = requireProject(ctx);
  const definition = ctx.org.releaseDefinition(project.id, Number(ctx.params.definitionId));
  if (!definition) throw errors.notFoundGeneric(`VS402881: No definition found with id ${ctx.params.definitionId ?? ''}.`);
  return ok(releaseDefinitionJson(ctx, definition, ['environments', 'artifacts', 'triggers', 'variables', 'tags']));
}

/** .NET's DateTime.MinValue, without a zone: what the release 7.1 deployments example shows for `queuedOn`. */
export const NEVER = '0001-01-01T00:00:00';

/**
 * `queuedOn` as served: the release 7.1 ListDeployments example answers the placeholder for every
 * deployment; newer answers carry the time. One deployment in four gets the placeholder, so clients
 * meet both.
 */
export function servedQueuedOn(deployment: ReleaseDeploymentRecord): string {
  return Math.floor(deployment.id / 10) % 4 === 0 ? NEVER : (date(deployment.queuedOn) ?? NEVER);
}

export function deploymentJson(ctx: View, project: ProjectRecord, deployment: ReleaseDeploymentRecord): JsonObject {
  const release = ctx.org.releases.get(deployment.releaseId);
  const definition = ctx.org.releaseDefinition(deployment.projectId, deployment.definitionId);
  const env = release?.environments.find((e) => e.id === deployment.releaseEnvironmentId);
  const releaseUrl = `${ctx.urls.release}/${deployment.projectId}/_apis/Release/releases/${deployment.releaseId}`;
  const requestedBy = identityRef(ctx.org.user(deployment.requestedById), ctx.urls);
  return {
    id: deployment.id,
    release: {
      id: deployment.releaseId,
      name: release?.name,
      url: releaseUrl,
      artifacts: [],
      webAccessUri: `${ctx.urls.core}/${deployment.projectId}/_release?releaseId=${deployment.releaseId}&_a=release-summary`,
      createdOn: date(release?.createdOn),
      reason: release?.reason,
      _links: { self: { href: releaseUrl }, web: { href: `${ctx.urls.core}/${deployment.projectId}/_release?releaseId=${deployment.releaseId}&_a=release-summary` } },
    },
    scheduledDeploymentTime: deployment.deploymentStatus === 'notDeployed' ? date(deployment.queuedOn + 3_600_000) : NEVER,
    releaseDefinition: definitionRef(ctx, definition, deployment.definitionId, deployment.projectId),
    releaseEnvironment: { id: deployment.releaseEnvironmentId, name: env?.name, url: `${releaseUrl}/environments/${deployment.releaseEnvironmentId}`, _links: {} },
    projectReference: { id: project.id, name: project.name },
    definitionEnvironmentId: deployment.definitionEnvironmentId,
    attempt: deployment.attempt,
    reason: deployment.reason,
    deploymentStatus: deployment.deploymentStatus,
    operationStatus: deployment.operationStatus,
    requestedBy,
    requestedFor: requestedBy,
    queuedOn: servedQueuedOn(deployment),
    startedOn: date(deployment.startedOn),
    completedOn: date(deployment.completedOn),
    lastModifiedOn: date(deployment.lastModifiedOn),
    lastModifiedBy: requestedBy,
    conditions: [],
    preDeployApprovals: [],
    postDeployApprovals: [],
    _links: {},
  };
}

/** Deployments: newest first, `$top` default 50 (max 100), header token = next deployment id. */
function listDeployments(ctx: RequestContext) {
  const project = requireProject(ctx);
  const q = ctx.query;
  const definitionId = q.int('definitionId');
  const definitionEnvironmentId = q.int('definitionEnvironmentId');
  const status = q.get('deploymentStatus')?.toLowerCase();
  const operation = q.get('operationStatus')?.toLowerCase();
  const minModified = q.date('minModifiedTime');
  const maxModified = q.date('maxModifiedTime');
  const minStarted = q.date('minStartedTime');
  const maxStarted = q.date('maxStartedTime');
  const ascending = (q.get('queryOrder') ?? 'descending').toLowerCase() === 'ascending';
  const releaseId = q.int('releaseId');
  const deployments = ctx.org
    .releaseDeploymentsOfProject(project.id)
    .filter((d) => {
      if (definitionId !== undefined && d.definitionId !== definitionId) return false;
      if (definitionEnvironmentId !== undefined && d.definitionEnvironmentId !== definitionEnvironmentId) return false;
      if (releaseId !== undefined && d.releaseId !== releaseId) return false;
      if (status && status !== 'all' && d.deploymentStatus.toLowerCase() !== status) return false;
      if (operation && operation !== 'all' && d.operationStatus.toLowerCase() !== operation) return false;
      if (minModified !== undefined && d.lastModifiedOn < minModified) return false;
      if (maxModified !== undefined && d.lastModifiedOn > maxModified) return false;
      if (minStarted !== undefined && (d.startedOn === null || d.startedOn < minStarted)) return false;
      if (maxStarted !== undefined && (d.startedOn === null || d.startedOn > maxStarted)) return false;
      return true;
    })
    .sort((a, b) => (ascending ? a.id - b.id : b.id - a.id));
  const token = intToken(ctx);
  const start = token === undefined ? 0 : startAt(deployments, String(token), () => '', (d) => (ascending ? d.id >= token : d.id <= token));
  const { page, next } = continuationPage(deployments, start, pageSize(q, '$top', PAGE_LIMITS.releaseDeployments), (d) => String(d.id));
  return list(
    page.map((d) => deploymentJson(ctx, project, d)),
    next,
  );
}

const RELEASE: { hosts: ['release'] } = { hosts: ['release'] };

export const releaseRoutes: Route[] = [
  route('release.releases.list', 'GET', 'release/releases', 'org-or-project', '7.1', listReleases, RELEASE),
  route('release.releases.get', 'GET', 'release/releases/{releaseId}', 'project', '7.1', getRelease, RELEASE),
  route('release.definitions.list', 'GET', 'release/definitions', 'project', '7.1', listReleaseDefinitions, RELEASE),
  route('release.definitions.get', 'GET', 'release/definitions/{definitionId}', 'project', '7.1', getReleaseDefinition, RELEASE),
  route('release.deployments.list', 'GET', 'release/deployments', 'project', '7.1', listDeployments, RELEASE),
];
