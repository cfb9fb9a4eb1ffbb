import type { ProjectRecord, TeamRecord } from '../model/records';
import { PROCESSES } from '../model/processes';
import { guidFor } from '../model/random';
import { errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { continuationPage, invalidToken, pageSize, topSkip } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route } from './context';
import { identityRef, projectRef } from './present';
import { route } from './route';
import { canSee, findProject, visibleProjects } from './scope';

/** Core area: connection data (the pre-flight), projects, teams and team members. */

function connectionData(ctx: RequestContext) {
  const who = ctx.identity;
  const user = {
    id: who.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${ctx.org.id}\\${who.uniqueName}`,
    subjectDescriptor: who.descriptor,
    providerDisplayName: who.displayName,
    isActive: true,
    properties: { Account: { $type: 'System.String', $value: who.uniqueName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
  return ok({
    authenticatedUser: user,
    authorizedUser: user,
    instanceId: ctx.org.id,
    deploymentId: guidFor(ctx.org.seed, 'deployment', ctx.org.name),
    deploymentType: ctx.deployment === 'cloud' ? 'hosted' : 'onPremises',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1042,
      lastChangeId64: 1042,
    },
  });
}

function stateMatches(project: ProjectRecord, filter: string | undefined): boolean {
  const wanted = (filter ?? 'wellFormed').toLowerCase();
  return wanted === 'all' || project.state.toLowerCase() === wanted;
}

/**
 * Projects: default page 100, `x-ms-continuationtoken` header. The spec describes the token as
 * "how many projects already been fetched", so it is the next skip count.
 */
function listProjects(ctx: RequestContext) {
  const projects = visibleProjects(ctx).filter((p) => stateMatches(p, ctx.query.get('stateFilter')));
  const token = ctx.query.get('continuationToken');
  let start = ctx.query.int('$skip') ?? 0;
  if (token !== undefined && token !== '') {
    if (!/^\d+$/.test(token)) throw invalidToken(token);
    start = Number(token);
  }
  const top = pageSize(ctx.query, '$top', PAGE_LIMITS.projects);
  const { page, next } = continuationPage(projects, start, top, (_p, index) => String(index));
  return list(
    page.map((p) => projectRef(p, ctx.urls)),
    next,
  );
}

export function projectDetails(ctx: RequestContext, project: ProjectRecord, includeCapabilities: boolean): JsonObject {
  const team = ctx.org.teams.get(project.defaultTeamId);
  const process = PROCESSES[project.process];
  return {
    ...projectRef(project, ctx.urls),
    _links: {
      self: { href: `${ctx.urls.core}/_apis/projects/${project.id}` },
      collection: { href: `${ctx.urls.core}/_apis/projectCollections/${ctx.org.id}` },
      web: { href: `${ctx.urls.core}/${encodeURIComponent(project.name)}` },
    },
    capabilities: includeCapabilities
      ? {
          versioncontrol: { sourceControlType: 'Git', gitEnabled: 'True', tfvcEnabled: 'False' },
          processTemplate: { templateName: process.name, templateTypeId: process.typeId },
        }
      : undefined,
    defaultTeam: team ? { id: team.id, name: team.name, url: `${ctx.urls.core}/_apis/projects/${project.id}/teams/${team.id}` } : undefined,
  };
}

function getProject(ctx: RequestContext) {
  const project = findProject(ctx, ctx.params.projectId ?? '');
  return ok(projectDetails(ctx, project, ctx.query.bool('includeCapabilities') ?? false));
}

function projectProperties(project: ProjectRecord): { name: string; value: string }[] {
  const process = PROCESSES[project.process];
  return [
    { name: 'System.CurrentProcessTemplateId', value: process.typeId },
    { name: 'System.OriginalProcessTemplateId', value: process.typeId },
    { name: 'System.ProcessTemplateType', value: process.typeId },
    { name: 'System.Process Template', value: process.name },
    { name: 'System.Microsoft.TeamFoundation.Team.Default', value: project.defaultTeamId },
    { name: 'System.SourceControlCapabilityFlags', value: '2' },
    { name: 'System.SourceControlGitEnabled', value: 'True' },
    ...project.tags.map((tag) => ({ name: `Microsoft.TeamFoundation.Project.Tag.${tag}`, value: 'True' })),
  ];
}

/** Wildcards `*` and `?` in the comma-separated `keys` (spec text). */
function keyMatcher(keys: string[]): (name: string) => boolean {
  if (keys.length === 0) return () => true;
  const patterns = keys.map((k) => new RegExp(`^${k.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
  return (name) => patterns.some((p) => p.test(name));
}

function getProjectProperties(ctx: RequestContext) {
  const project = findProject(ctx, ctx.params.projectId ?? '');
  const matches = keyMatcher(ctx.query.list('keys'));
  return list(projectProperties(project).filter((p) => matches(p.name)));
}

export function teamJson(ctx: RequestContext, team: TeamRecord): JsonObject {
  const project = ctx.org.projects.get(team.projectId);
  return {
    id: team.id,
    name: team.name,
    url: `${ctx.urls.core}/_apis/projects/${team.projectId}/teams/${team.id}`,
    description: team.description,
    identityUrl: `${ctx.urls.graph}/_apis/Identities/${team.id}`,
    projectName: project?.name,
    projectId: team.projectId,
  };
}

const teamOrder = (a: TeamRecord, b: TeamRecord) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id);

function teamsOf(ctx: RequestContext, projects: readonly ProjectRecord[]): TeamRecord[] {
  const mine = ctx.query.bool('$mine') ?? false;
  return projects
    .flatMap((p) => ctx.org.teamsOf(p.id))
    .filter((t) => !mine || t.memberIds.includes(ctx.identity.id))
    .sort(teamOrder);
}

function listAllTeams(ctx: RequestContext) {
  const teams = teamsOf(ctx, visibleProjects(ctx));
  return list(topSkip(teams, ctx.query, PAGE_LIMITS.teams).map((t) => teamJson(ctx, t)));
}

function listProjectTeams(ctx: RequestContext) {
  const project = findProject(ctx, ctx.params.projectId ?? '');
  return list(topSkip(teamsOf(ctx, [project]), ctx.query, PAGE_LIMITS.teams).map((t) => teamJson(ctx, t)));
}

function findTeam(ctx: RequestContext): TeamRecord {
  const project = findProject(ctx, ctx.params.projectId ?? '');
  const team = ctx.org.team(project.id, ctx.params.teamId ?? '');
  if (!team || !canSee(ctx, team.projectId)) throw errors.teamNotFound(ctx.params.teamId ?? '');
  return team;
}

function getTeam(ctx: RequestContext) {
  return ok(teamJson(ctx, findTeam(ctx)));
}

function listMembers(ctx: RequestContext) {
  const team = findTeam(ctx);
  const members = team.memberIds.map((id) => ctx.org.user(id)).filter((u) => u !== undefined);
  return list(
    topSkip(members, ctx.query, PAGE_LIMITS.teamMembers).map((user) => ({
      isTeamAdmin: team.adminIds.includes(user.id) ? true : undefined,
      identity: identityRef(user, ctx.urls),
    })),
  );
}

function listProcesses(ctx: RequestContext) {
  return list(
    Object.values(PROCESSES).map((p) => ({
      id: p.typeId,
      name: p.name,
      description: `The ${p.name} process.`,
      url: `${ctx.urls.core}/_apis/process/processes/${p.typeId}`,
      isDefault: p.name === 'Agile',
      type: 'system',
    })),
  );
}

export const coreRoutes: Route[] = [
  // Not in the specs (location service); the version is not enforced here (unverified on a real organization).
  route('core.connectionData', 'GET', 'connectionData', 'org', '7.1', connectionData, { hosts: ['core', 'release', 'graph', 'entitlements', 'advsec'] }),
  route('core.projects.list', 'GET', 'projects', 'org', '7.1', listProjects),
  route('core.projects.get', 'GET', 'projects/{projectId}', 'org', '7.1', getProject),
  route('core.projects.properties', 'GET', 'projects/{projectId}/properties', 'org', '7.1-preview.1', getProjectProperties),
  route('core.teams.all', 'GET', 'teams', 'org', '7.1-preview.3', listAllTeams),
  route('core.teams.list', 'GET', 'projects/{projectId}/teams', 'org', '7.1', listProjectTeams),
  route('core.teams.get', 'GET', 'projects/{projectId}/teams/{teamId}', 'org', '7.1', getTeam),
  route('core.teams.members', 'GET', 'projects/{projectId}/teams/{teamId}/members', 'org', '7.1', listMembers),
  route('core.processes.list', 'GET', 'process/processes', 'org', '7.1', listProcesses),
];

