import { DAY } from '../model/dates';
import { PROCESSES } from '../model/processes';
import type { BoardRecord, ClassificationNodeRecord, ProjectRecord, TeamRecord } from '../model/records';
import { errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { list, ok } from '../wire/response';
import type { RequestContext, Route } from './context';
import { date } from './present';
import { route } from './route';
import { requireProject, requireTeam } from './scope';

/** Work area: boards and their columns, team iterations, team field values, team settings. */

function teamBase(ctx: RequestContext, project: ProjectRecord, team: TeamRecord): string {
  return `${ctx.urls.core}/${project.id}/${team.id}/_apis/work`;
}

function findBoard(ctx: RequestContext, team: TeamRecord, idOrName: string): BoardRecord {
  const lower = idOrName.toLowerCase();
  const board = ctx.org.boardsOf(team.id).find((b) => b.id === lower || b.name.toLowerCase() === lower);
  if (!board) throw errors.notFoundGeneric(`VS402393: The board '${idOrName}' does not exist for team '${team.name}'.`);
  return board;
}

/**
 * Boards of a team. Teams that selected no iterations answer 500, as Azure DevOps did for Ocean
 * (ocean-azure-devops.md §6 item 10, PR #2595): a client must survive one team failing.
 */
function listBoards(ctx: RequestContext) {
  const project = requireProject(ctx);
  const team = requireTeam(ctx, project);
  if (team.iterationIds.length === 0) throw errors.serverError(500);
  return list(ctx.org.boardsOf(team.id).map((b) => ({ id: b.id, url: `${teamBase(ctx, project, team)}/boards/${b.id}`, name: b.name })));
}

function columnJson(column: BoardRecord['columns'][number]): JsonObject {
  return {
    id: column.id,
    name: column.name,
    itemLimit: column.itemLimit,
    stateMappings: column.stateMappings,
    isSplit: column.columnType === 'inProgress' ? column.isSplit : undefined,
    description: column.columnType === 'inProgress' ? column.description : undefined,
    columnType: column.columnType,
  };
}

function getBoard(ctx: RequestContext) {
  const project = requireProject(ctx);
  const team = requireTeam(ctx, project);
  const board = findBoard(ctx, team, ctx.params.id ?? '');
  const base = teamBase(ctx, project, team);
  const level = PROCESSES[project.process].boards.find((b) => b.name === board.name);
  const allowed: Record<string, Record<string, string[]>> = { Incoming: {}, InProgress: {}, Outgoing: {} };
  for (const typeName of level?.types ?? []) {
    const type = PROCESSES[project.process].types.find((t) => t.name === typeName);
    if (!type) continue;
    const states = type.states.filter(([, c]) => c !== 'Removed').map(([s]) => s);
    allowed.Incoming = { ...allowed.Incoming, [typeName]: states.slice(0, 1) };
    allowed.InProgress = { ...allowed.InProgress, [typeName]: states.slice(1, -1) };
    allowed.Outgoing = { ...allowed.Outgoing, [typeName]: states.slice(-1) };
  }
  const fieldsPrefix = 'WEF_6CB513B6E70E43499D9FC94E5BBFB784';
  return ok({
    id: board.id,
    url: `${base}/boards/${board.id}`,
    name: board.name,
    _links: { self: { href: `${base}/boards/${board.id}` }, project: { href: `${ctx.urls.core}/_apis/projects/${project.id}` }, team: { href: `${ctx.urls.core}/_apis/projects/${project.id}/teams/${team.id}` }, charts: { href: `${base}/boards/${board.id}/charts` }, columns: { href: `${base}/boards/${board.id}/columns` }, rows: { href: `${base}/boards/${board.id}/rows` } },
    revision: board.revision,
    columns: board.columns.map(columnJson),
    rows: [{ id: '00000000-0000-0000-0000-000000000000', name: null }],
    isValid: true,
    allowedMappings: allowed,
    canEdit: true,
    fields: {
      columnField: { referenceName: `${fieldsPrefix}_Kanban.Column`, url: `${ctx.urls.core}/_apis/wit/fields/${fieldsPrefix}_Kanban.Column` },
      rowField: { referenceName: `${fieldsPrefix}_Kanban.Lane`, url: `${ctx.urls.core}/_apis/wit/fields/${fieldsPrefix}_Kanban.Lane` },
      doneField: { referenceName: `${fieldsPrefix}_Kanban.Column.Done`, url: `${ctx.urls.core}/_apis/wit/fields/${fieldsPrefix}_Kanban.Column.Done` },
    },
  });
}

function listColumns(ctx: RequestContext) {
  const project = requireProject(ctx);
  const team = requireTeam(ctx, project);
  return list(findBoard(ctx, team, ctx.params.board ?? '').columns.map(columnJson));
}

/** Project-level suggested column names (`work/boardcolumns`). */
function listBoardColumnNames(ctx: RequestContext) {
  const project = requireProject(ctx);
  const names = new Set<string>();
  for (const team of ctx.org.teamsOf(project.id)) for (const board of ctx.org.boardsOf(team.id)) for (const column of board.columns) names.add(column.name);
  return list([...names].map((name) => ({ name })));
}

function timeframe(node: ClassificationNodeRecord, now: number): 'past' | 'current' | 'future' {
  if (node.startDate === null || node.finishDate === null) return 'future';
  if (now > node.finishDate + DAY) return 'past';
  if (now < node.startDate) return 'future';
  return 'current';
}

function iterationJson(ctx: RequestContext, project: ProjectRecord, team: TeamRecord, node: ClassificationNodeRecord): JsonObject {
  const parts = node.path.split('\\').filter(Boolean);
  const url = `${teamBase(ctx, project, team)}/teamsettings/iterations/${node.identifier}`;
  return {
    id: node.identifier,
    name: node.name,
    path: [parts[0], ...parts.slice(2)].join('\\'),
    attributes: { startDate: date(node.startDate) ?? null, finishDate: date(node.finishDate) ?? null, timeFrame: timeframe(node, Date.now()) },
    url,
    _links: {
      self: { href: url },
      project: { href: `${ctx.urls.core}/_apis/projects/${project.id}` },
      team: { href: `${ctx.urls.core}/_apis/projects/${project.id}/teams/${team.id}` },
      teamSettings: { href: `${teamBase(ctx, project, team)}/teamsettings` },
      teamIterations: { href: `${teamBase(ctx, project, team)}/teamsettings/iterations` },
      capacity: { href: `${url}/Capacities` },
      teamDaysOff: { href: `${url}/TeamDaysOff` },
      classificationNode: { href: `${ctx.urls.core}/${project.id}/_apis/wit/classificationNodes/Iterations/${parts.slice(2).map(encodeURIComponent).join('/')}` },
    },
  };
}

function teamIterations(ctx: RequestContext, team: TeamRecord): ClassificationNodeRecord[] {
  return team.iterationIds.map((id) => ctx.org.classificationNodes.get(id)).filter((n): n is ClassificationNodeRecord => n !== undefined);
}

/** Team iterations with `$timeframe` (only `current` is supported by the service). */
function listIterations(ctx: RequestContext) {
  const project = requireProject(ctx);
  const team = requireTeam(ctx, project);
  const wanted = ctx.query.get('$timeframe')?.toLowerCase();
  if (wanted !== undefined && wanted !== 'current') throw errors.badRequest(`VS403163: Only 'current' is supported for $timeframe.`, 'ArgumentException');
  const now = Date.now();
  const nodes = teamIterations(ctx, team).filter((n) => wanted === undefined || timeframe(n, now) === 'current');
  return list(nodes.map((n) => iterationJson(ctx, project, team, n)));
}

function getIteration(ctx: RequestContext) {
  const project = requireProject(ctx);
  const team = requireTeam(ctx, project);
  const id = (ctx.params.id ?? '').toLowerCase();
  const node = teamIterations(ctx, team).find((n) => n.identifier === id);
  if (!node) throw errors.notFoundGeneric(`VS402476: The iteration ${ctx.params.id ?? ''} is not found for team ${team.name}.`);
  return ok(iterationJson(ctx, project, team, node));
}

function teamFieldValues(ctx: RequestContext) {
  const project = requireProject(ctx);
  const team = requireTeam(ctx, project);
  const url = `${teamBase(ctx, project, team)}/teamsettings/teamfieldvalues`;
  return ok({
    field: { referenceName: 'System.AreaPath', url: `${ctx.urls.core}/_apis/wit/fields/System.AreaPath` },
    defaultValue: team.areaPath,
    values: [{ value: team.areaPath, includeChildren: !team.isDefault }],
    url,
    _links: {
      self: { href: url },
      project: { href: `${ctx.urls.core}/_apis/projects/${project.id}` },
      team: { href: `${ctx.urls.core}/_apis/projects/${project.id}/teams/${team.id}` },
      teamSettings: { href: `${teamBase(ctx, project, team)}/teamsettings` },
      areaPathClassificationNodes: { href: `${ctx.urls.core}/${project.id}/_apis/wit/classificationNodes/Areas` },
    },
  });
}

/** Backlog levels by category reference name, as team settings report them. */
const CATEGORY: Record<string, string> = { Epics: 'Microsoft.EpicCategory', Features: 'Microsoft.FeatureCategory' };

function teamSettings(ctx: RequestContext) {
  const project = requireProject(ctx);
  const team = requireTeam(ctx, project);
  const root = ctx.org.nodesOf(project.id, 'iteration').find((n) => n.parentId === null);
  const url = `${teamBase(ctx, project, team)}/teamsettings`;
  const now = Date.now();
  const current = teamIterations(ctx, team).find((n) => timeframe(n, now) === 'current');
  const nodeUrl = (node: ClassificationNodeRecord) => `${ctx.urls.core}/${project.id}/_apis/wit/classificationNodes/Iterations/${node.path.split('\\').filter(Boolean).slice(2).map(encodeURIComponent).join('/')}`;
  return ok({
    backlogIteration: root ? { id: root.identifier, name: root.name, path: '', url: nodeUrl(root) } : undefined,
    bugsBehavior: 'asRequirements',
    workingDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    backlogVisibilities: Object.fromEntries(PROCESSES[project.process].boards.map((b) => [CATEGORY[b.name] ?? 'Microsoft.RequirementCategory', true])),
    defaultIteration: current ? { id: current.identifier, name: current.name, path: iterationJson(ctx, project, team, current).path, url: nodeUrl(current) } : null,
    defaultIterationMacro: '@currentIteration',
    url,
    _links: {
      self: { href: url },
      project: { href: `${ctx.urls.core}/_apis/projects/${project.id}` },
      team: { href: `${ctx.urls.core}/_apis/projects/${project.id}/teams/${team.id}` },
      teamIterations: { href: `${url}/iterations` },
      teamFieldValues: { href: `${url}/teamfieldvalues` },
      classificationNode: [root, current].filter((n): n is ClassificationNodeRecord => n !== undefined).map((n) => ({ href: nodeUrl(n) })),
    },
  });
}

// Their answers say which iteration is current, from the clock: never replayed.
const CLOCK = { replayable: false };

export const workRoutes: Route[] = [
  route('work.boards.list', 'GET', 'work/boards', 'project-or-team', '7.1', listBoards),
  route('work.boards.get', 'GET', 'work/boards/{id}', 'project-or-team', '7.1', getBoard),
  route('work.boards.columns', 'GET', 'work/boards/{board}/columns', 'project-or-team', '7.1', listColumns),
  route('work.boardColumns', 'GET', 'work/boardcolumns', 'project', '7.1', listBoardColumnNames),
  route('work.iterations.list', 'GET', 'work/teamsettings/iterations', 'project-or-team', '7.1', listIterations, CLOCK),
  route('work.iterations.get', 'GET', 'work/teamsettings/iterations/{id}', 'project-or-team', '7.1', getIteration, CLOCK),
  route('work.teamFieldValues', 'GET', 'work/teamsettings/teamfieldvalues', 'project-or-team', '7.1', teamFieldValues),
  route('work.teamSettings', 'GET', 'work/teamsettings', 'project-or-team', '7.1', teamSettings, CLOCK),
];
