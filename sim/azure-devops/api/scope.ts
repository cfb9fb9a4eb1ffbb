import type { ProjectRecord, RepositoryRecord, TeamRecord } from '../model/records';
import { errors } from '../wire/errors';
import type { RequestContext } from './context';

/** Whether the caller's credential may see a project (project-scoped tokens see only theirs). */
export function canSee(ctx: RequestContext, projectId: string): boolean {
  return ctx.identity.projectIds === undefined || ctx.identity.projectIds.has(projectId);
}

/** Projects the caller may see, sorted by name. */
export function visibleProjects(ctx: RequestContext): ProjectRecord[] {
  return ctx.org.projectList().filter((p) => canSee(ctx, p.id));
}

/** A project by id or name; 404 (VS800075/TF200016) when missing or not visible. */
export function findProject(ctx: RequestContext, idOrName: string): ProjectRecord {
  const project = ctx.org.project(idOrName);
  if (!project || !canSee(ctx, project.id)) throw errors.projectNotFound(idOrName);
  return project;
}

/** The project from the path prefix, or from a named path parameter. */
export function requireProject(ctx: RequestContext, param?: string): ProjectRecord {
  const segment = (param !== undefined ? ctx.params[param] : undefined) ?? ctx.projectSegment;
  if (segment === undefined) throw errors.badRequest('A project name or id is required for this request.', 'ArgumentNullException');
  return findProject(ctx, segment);
}

export function optionalProject(ctx: RequestContext): ProjectRecord | undefined {
  return ctx.projectSegment === undefined ? undefined : findProject(ctx, ctx.projectSegment);
}

/** The team from the path (by id or name), or the project's default team. */
export function requireTeam(ctx: RequestContext, project: ProjectRecord, segment = ctx.teamSegment): TeamRecord {
  const team = ctx.org.team(project.id, segment ?? project.defaultTeamId);
  if (!team) throw errors.teamNotFound(segment ?? project.defaultTeamId);
  return team;
}

/**
 * A repository by id or name. Names need a project; ids work anywhere (the project segment is
 * optional on git routes). Disabled repositories answer 404 except where listed explicitly.
 */
export function requireRepository(ctx: RequestContext, idOrName: string, options: { allowDisabled?: boolean } = {}): RepositoryRecord {
  const project = optionalProject(ctx);
  const repo = ctx.org.repository(idOrName, project?.id);
  if (!repo || !canSee(ctx, repo.projectId)) throw errors.repositoryNotFound(idOrName);
  if (repo.isDisabled && !options.allowDisabled) throw errors.repositoryDisabled(repo.name);
  return repo;
}
