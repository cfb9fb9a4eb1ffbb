import { DAY } from '../model/dates';
import { PROCESSES, workItemType } from '../model/processes';
import type { ClassificationNodeRecord, ProjectRecord, WorkItemRecord } from '../model/records';
import { errors } from '../wire/errors';
import { isJsonObject, type JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { list, ok } from '../wire/response';
import type { RequestContext, Route } from './context';
import { date } from './present';
import { route } from './route';
import { canSee, optionalProject, requireProject, requireTeam, visibleProjects } from './scope';
import { evaluate, parseWiql, projectRestriction, referenceName, type EvaluationEnv, type FieldType } from './wiql';
import { isFieldName, workItemJson, type Expand } from './work-item-json';

/** Work item tracking: WIQL, work items (single, list, batch), types, states, classification nodes. */

function identityForms(ctx: RequestContext, userId: string | null): string[] | null {
  if (userId === null) return null;
  const user = ctx.org.user(userId);
  if (!user) return null;
  return [user.displayName, user.principalName, `${user.displayName} <${user.principalName}>`, user.id];
}

function fieldValue(ctx: RequestContext, item: WorkItemRecord, projectName: string, name: string): string | number | string[] | null {
  switch (name) {
    case 'system.id':
      return item.id;
    case 'system.rev':
      return item.rev;
    case 'system.teamproject':
      return projectName;
    case 'system.title':
      return item.title;
    case 'system.state':
      return item.state;
    case 'system.reason':
      return item.reason;
    case 'system.workitemtype':
      return item.type;
    case 'system.areapath':
      return item.areaPath;
    case 'system.iterationpath':
      return item.iterationPath;
    case 'system.assignedto':
      return identityForms(ctx, item.assignedToId);
    case 'system.createdby':
      return identityForms(ctx, item.createdById);
    case 'system.changedby':
      return identityForms(ctx, item.changedById);
    case 'system.createddate':
      return item.createdDate;
    case 'system.changeddate':
      return item.changedDate;
    case 'microsoft.vsts.common.statechangedate':
      return item.stateChangeDate;
    case 'microsoft.vsts.common.closeddate':
      return item.closedDate;
    case 'microsoft.vsts.common.priority':
      return item.priority;
    case 'system.tags':
      return item.tags.join('; ');
    case 'system.boardcolumn':
      return item.boardColumn;
    case 'system.parent':
      return item.parentId;
    case 'system.commentcount':
      return item.commentCount;
    case 'microsoft.vsts.scheduling.storypoints':
    case 'microsoft.vsts.scheduling.effort':
    case 'microsoft.vsts.scheduling.size':
      return item.storyPoints;
    case 'microsoft.vsts.scheduling.remainingwork':
      return item.remainingWork;
    case 'system.description':
      return item.description;
    default:
      return null;
  }
}

function startOf(unit: string, now: number, offset: number): number {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (unit) {
    case 'startofweek':
      return day - new Date(day).getUTCDay() * DAY + offset * 7 * DAY;
    case 'startofmonth':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
    case 'startofyear':
      return Date.UTC(d.getUTCFullYear() + offset, 0, 1);
    default:
      return day + offset * DAY;
  }
}

function currentIterationPath(ctx: RequestContext, project: ProjectRecord | undefined): string {
  if (!project || ctx.teamSegment === undefined) throw errors.badRequest('TF51011: The @currentIteration macro requires a team context. Call the WIQL endpoint with a team in the path.', 'WorkItemTrackingQueryInvalidSyntaxException');
  const team = requireTeam(ctx, project);
  const now = Date.now();
  const node = team.iterationIds
    .map((id) => ctx.org.classificationNodes.get(id))
    .find((n): n is ClassificationNodeRecord => n !== undefined && n.startDate !== null && n.finishDate !== null && n.startDate <= now && now <= n.finishDate + DAY);
  if (!node) return `${project.name}\\__no_current_iteration__`;
  const parts = node.path.split('\\').filter(Boolean);
  return [parts[0], ...parts.slice(2)].join('\\');
}

/**
 * WIQL (Wiql_Query By Wiql). A project in the path only resolves `@project`: the query itself is
 * not restricted to it, as in Azure DevOps. Above 20,000 matches without `$top`, the service
 * fails with VS402337 (§3.3); with `$top` the result is cut (the reference could not confirm
 * whether `$top` avoids the error; Ocean relies on it, so the simulator allows it).
 */
function wiql(ctx: RequestContext) {
  const project = optionalProject(ctx);
  if (project && ctx.teamSegment !== undefined) requireTeam(ctx, project);
  const body = ctx.body;
  if (!isJsonObject(body) || typeof body.query !== 'string') throw errors.badRequest('The request body must be {"query": "<WIQL>"}.', 'ArgumentNullException');
  const query = parseWiql(body.query);
  const top = ctx.query.int('$top');
  if (top !== undefined && (top < 1 || top > PAGE_LIMITS.wiql.maxTop)) throw errors.badRequest(`The value '${top}' for $top must be between 1 and ${PAGE_LIMITS.wiql.maxTop}.`, 'InvalidArgumentValueException');
  const timePrecision = ctx.query.bool('timePrecision') ?? false;
  const now = Date.now();
  const macro = (name: string, offset: number, type: FieldType): string | number | string[] => {
    switch (name) {
      case 'today':
        return startOf('startofday', now, offset);
      case 'startofday':
      case 'startofweek':
      case 'startofmonth':
      case 'startofyear':
        return startOf(name, now, offset);
      case 'me':
        return [ctx.identity.displayName, ctx.identity.uniqueName, ctx.identity.id];
      case 'project':
        if (!project) throw errors.badRequest('TF51011: The @project macro can only be used in the context of a project.', 'WorkItemTrackingQueryInvalidSyntaxException');
        return project.name;
      case 'currentiteration':
        return currentIterationPath(ctx, project);
      default:
        throw errors.badRequest(`TF51011: The macro @${name} is not supported for a ${type} field.`, 'WorkItemTrackingQueryInvalidSyntaxException');
    }
  };
  const restricted = projectRestriction(query.where, (name) => (name === 'project' ? project?.name : undefined));
  const projects = restricted !== undefined ? visibleProjects(ctx).filter((p) => p.name.toLowerCase() === restricted.toLowerCase()) : visibleProjects(ctx);
  const matches: { item: WorkItemRecord; projectName: string }[] = [];
  for (const p of projects) {
    for (const item of ctx.org.workItemsOf(p.id)) {
      const env: EvaluationEnv = { field: (name) => fieldValue(ctx, item, p.name, name), macro, timePrecision };
      if (!query.where || evaluate(query.where, env)) matches.push({ item, projectName: p.name });
    }
  }
  const order = query.orderBy.length > 0 ? query.orderBy : [{ field: 'System.Id', descending: false }];
  matches.sort((a, b) => {
    for (const { field, descending } of order) {
      const name = referenceName(field).toLowerCase();
      const av = fieldValue(ctx, a.item, a.projectName, name);
      const bv = fieldValue(ctx, b.item, b.projectName, name);
      const as = Array.isArray(av) ? av[0] : av;
      const bs = Array.isArray(bv) ? bv[0] : bv;
      if (as === bs) continue;
      if (as === null || as === undefined) return descending ? 1 : -1;
      if (bs === null || bs === undefined) return descending ? -1 : 1;
      const cmp = typeof as === 'number' && typeof bs === 'number' ? as - bs : String(as).localeCompare(String(bs));
      if (cmp !== 0) return descending ? -cmp : cmp;
    }
    return a.item.id - b.item.id;
  });
  if (top === undefined && matches.length > PAGE_LIMITS.wiql.maxTop) throw errors.wiqlTooLarge();
  const result = top === undefined ? matches : matches.slice(0, top);
  const column = (field: string) => {
    const ref = referenceName(field);
    return { referenceName: ref, name: ref.split('.').pop(), url: `${ctx.urls.core}/_apis/wit/fields/${ref}` };
  };
  return ok({
    queryType: 'flat',
    queryResultType: 'workItem',
    asOf: new Date(now).toISOString(),
    columns: (query.fields.length > 0 ? query.fields : ['System.Id']).map(column),
    sortColumns: query.orderBy.map((o) => ({ field: column(o.field), descending: o.descending })),
    workItems: result.map(({ item }) => ({ id: item.id, url: `${ctx.urls.core}/${item.projectId}/_apis/wit/workItems/${item.id}` })),
  });
}

function parseExpand(text: string | undefined): Expand {
  const value = (text ?? 'none').toLowerCase();
  if (!['none', 'relations', 'fields', 'links', 'all'].includes(value)) throw errors.badRequest(`The value '${text}' is not valid for $expand.`, 'InvalidArgumentValueException');
  return value as Expand;
}

/** `fields` and `$expand` (other than None) exclude each other; every field asked for must exist. */
function checkFields(fields: readonly string[], expand: Expand): void {
  if (fields.length > 0 && expand !== 'none') throw errors.badRequest('VS403439: The expand parameter can not be used with the fields parameter.', 'ArgumentException');
  const unknown = fields.find((name) => !isFieldName(name));
  if (unknown !== undefined) throw errors.badRequest(`TF51535: Cannot find field ${unknown}.`, 'FieldDefinitionNotExistException');
}

function fetchWorkItems(ctx: RequestContext, ids: number[], fields: string[], expand: Expand, errorPolicy: string) {
  if (ids.length === 0) throw errors.badRequest('VS403473: You must provide at least one work item id.', 'ArgumentException');
  // Batch limit (spec: "Maximum 200"), VS403474 for both GET workitems?ids= and POST workitemsbatch.
  if (ids.length > PAGE_LIMITS.workItemsBatch.maxTop) throw errors.batchTooLarge(ids.length);
  checkFields(fields, expand);
  // A project in the path must exist, but it does not restrict which ids come back.
  optionalProject(ctx);
  const omit = errorPolicy.toLowerCase() === 'omit';
  const items = ids.map((id) => {
    const item = ctx.org.workItems.get(id);
    if (item === undefined || !canSee(ctx, item.projectId)) {
      if (omit) return null;
      throw errors.workItemNotFound(id);
    }
    return workItemJson(ctx.org, item, ctx.urls, { expand, fields });
  });
  return list(items);
}

function parseIds(text: string | undefined): number[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^\d+$/.test(s)) throw errors.badRequest(`The value '${s}' is not a valid work item id.`, 'InvalidArgumentValueException');
      return Number(s);
    });
}

function listWorkItems(ctx: RequestContext) {
  if (!ctx.query.has('ids')) throw errors.badRequest('Value cannot be null.\r\nParameter name: ids', 'ArgumentNullException');
  return fetchWorkItems(ctx, parseIds(ctx.query.get('ids')), ctx.query.list('fields'), parseExpand(ctx.query.get('$expand')), ctx.query.get('errorPolicy') ?? 'fail');
}

function workItemsBatch(ctx: RequestContext) {
  const body = ctx.body;
  if (!isJsonObject(body) || !Array.isArray(body.ids)) throw errors.badRequest('The request body must contain "ids".', 'ArgumentNullException');
  const ids = body.ids.map((id) => {
    if (typeof id !== 'number' || !Number.isInteger(id)) throw errors.badRequest(`The value '${JSON.stringify(id)}' is not a valid work item id.`, 'InvalidArgumentValueException');
    return id;
  });
  const fields = Array.isArray(body.fields) ? body.fields.filter((f): f is string => typeof f === 'string') : [];
  const expand = parseExpand(typeof body.$expand === 'string' ? body.$expand : undefined);
  return fetchWorkItems(ctx, ids, fields, expand, typeof body.errorPolicy === 'string' ? body.errorPolicy : 'fail');
}

function getWorkItem(ctx: RequestContext) {
  const id = Number(ctx.params.id);
  const item = Number.isInteger(id) ? ctx.org.workItems.get(id) : undefined;
  if (!item || !canSee(ctx, item.projectId)) throw errors.workItemNotFound(ctx.params.id ?? '');
  const fields = ctx.query.list('fields');
  const expand = parseExpand(ctx.query.get('$expand'));
  checkFields(fields, expand);
  return ok(workItemJson(ctx.org, item, ctx.urls, { expand, fields }));
}

function listWorkItemTypes(ctx: RequestContext) {
  const project = requireProject(ctx);
  return list(PROCESSES[project.process].types.map((t) => typeJson(ctx, project, t.name)));
}

const TYPE_FIELDS: readonly [string, string, boolean][] = [
  ['System.Title', 'Title', true],
  ['System.State', 'State', true],
  ['System.Reason', 'Reason', false],
  ['System.AssignedTo', 'Assigned To', false],
  ['System.AreaPath', 'Area Path', false],
  ['System.IterationPath', 'Iteration Path', false],
  ['System.Description', 'Description', false],
  ['System.Tags', 'Tags', false],
  ['Microsoft.VSTS.Common.Priority', 'Priority', false],
];

function typeJson(ctx: RequestContext, project: ProjectRecord, name: string): JsonObject {
  const type = workItemType(project.process, name);
  if (!type) throw errors.notFoundGeneric(`VS402323: Work item type ${name} does not exist in project ${project.name}.`);
  const url = `${ctx.urls.core}/${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(type.name)}`;
  const fields = TYPE_FIELDS.map(([referenceName, fieldName, alwaysRequired]) => ({ helpText: `The ${fieldName.toLowerCase()} of the ${type.name.toLowerCase()}.`, alwaysRequired, referenceName, name: fieldName, url: `${ctx.urls.core}/_apis/wit/fields/${referenceName}` }));
  // Every state can move to every other state, as in an inherited process without rules.
  const transitions: JsonObject = { '': type.states.slice(0, 1).map(([s]) => ({ to: s, actions: null })) };
  for (const [from] of type.states) transitions[from] = type.states.map(([to]) => ({ to, actions: null }));
  return {
    xmlForm: `<FORM><Layout><Group><Column PercentWidth="100"><Control FieldName="System.Title" Type="FieldControl" /></Column></Group></Layout></FORM>`,
    fields,
    fieldInstances: fields,
    transitions,
    _links: { self: { href: url } },
    name: type.name,
    referenceName: type.referenceName,
    description: `Tracks a ${type.name.toLowerCase()}.`,
    color: type.color,
    icon: { id: type.icon, url: `${ctx.urls.core}/_apis/wit/workItemIcons/${type.icon}?color=${type.color}&v=2` },
    isDisabled: false,
    states: type.states.map(([state, category], i) => ({ name: state, color: ['b2b2b2', '007acc', 'ff9d00', '339933', 'ffffff'][i % 5], category })),
    url,
  };
}

function getWorkItemType(ctx: RequestContext) {
  const project = requireProject(ctx);
  return ok(typeJson(ctx, project, ctx.params.type ?? ''));
}

function listStates(ctx: RequestContext) {
  const project = requireProject(ctx);
  const type = workItemType(project.process, ctx.params.type ?? '');
  if (!type) throw errors.notFoundGeneric(`VS402323: Work item type ${ctx.params.type ?? ''} does not exist in project ${project.name}.`);
  return list(type.states.map(([name, category], i) => ({ name, color: ['b2b2b2', '007acc', 'ff9d00', '339933', 'ffffff'][i % 5], category })));
}

// ---- classification nodes ---------------------------------------------------------------------------

function nodeJson(ctx: RequestContext, node: ClassificationNodeRecord, depth: number): JsonObject {
  const children = ctx.org.classificationNodes.children(node.projectId).filter((n) => n.parentId === node.id);
  const group = node.structureType === 'area' ? 'Areas' : 'Iterations';
  const relative = node.path.split('\\').filter(Boolean).slice(2).map(encodeURIComponent).join('/');
  const url = `${ctx.urls.core}/${node.projectId}/_apis/wit/classificationNodes/${group}${relative ? `/${relative}` : ''}`;
  const parent = node.parentId === null ? undefined : ctx.org.classificationNodes.get(node.parentId);
  const parentRelative = parent ? parent.path.split('\\').filter(Boolean).slice(2).map(encodeURIComponent).join('/') : '';
  return {
    id: node.id,
    identifier: node.identifier,
    name: node.name,
    structureType: node.structureType,
    hasChildren: children.length > 0,
    children: depth > 0 && children.length > 0 ? children.map((c) => nodeJson(ctx, c, depth - 1)) : undefined,
    path: node.path,
    attributes: node.startDate !== null ? { startDate: date(node.startDate), finishDate: date(node.finishDate) } : undefined,
    _links: { self: { href: url }, parent: parent ? { href: `${ctx.urls.core}/${node.projectId}/_apis/wit/classificationNodes/${group}${parentRelative ? `/${parentRelative}` : ''}` } : undefined },
    url,
  };
}

function findNode(ctx: RequestContext, project: ProjectRecord, group: string, path: string | undefined): ClassificationNodeRecord {
  const type = group.toLowerCase() === 'areas' ? 'area' : group.toLowerCase() === 'iterations' ? 'iteration' : undefined;
  if (!type) throw errors.badRequest(`VS402485: The structure group '${group}' is not valid. Use Areas or Iterations.`, 'ArgumentException');
  const nodes = ctx.org.nodesOf(project.id, type);
  const root = nodes.find((n) => n.parentId === null);
  if (!root) throw errors.notFoundGeneric(`VS402485: The node path does not exist.`);
  if (!path) return root;
  const wanted = `${root.path}\\${path.split('/').filter(Boolean).join('\\')}`.toLowerCase();
  const node = nodes.find((n) => n.path.toLowerCase() === wanted);
  if (!node) throw errors.notFoundGeneric(`VS402485: The node '${path}' does not exist.`);
  return node;
}

/** `classificationnodes/{Areas|Iterations}[/{path}]?$depth=N` (default depth 0). */
function getNode(ctx: RequestContext) {
  const project = requireProject(ctx);
  const path = ctx.params.path;
  const node = findNode(ctx, project, ctx.params.structureGroup ?? '', path);
  return ok(nodeJson(ctx, node, ctx.query.int('$depth') ?? 0));
}

function getNodePath(ctx: RequestContext) {
  return getNode(ctx);
}

/** Root nodes (Areas and Iterations), or nodes by `ids`. */
function listNodes(ctx: RequestContext) {
  const project = requireProject(ctx);
  const ids = ctx.query.list('ids').map(Number);
  const depth = ctx.query.int('$depth') ?? 0;
  if (ids.length > 0) {
    const found = ids.map((id) => ctx.org.classificationNodes.get(id)).filter((n): n is ClassificationNodeRecord => n !== undefined && n.projectId === project.id);
    return list(found.map((n) => nodeJson(ctx, n, depth)));
  }
  const roots = ctx.org.classificationNodes.children(project.id).filter((n) => n.parentId === null);
  return list(roots.map((n) => nodeJson(ctx, n, depth)));
}

export const witRoutes: Route[] = [
  route('wit.wiql', 'POST', 'wit/wiql', 'any', '7.1', wiql),
  route('wit.workItems.list', 'GET', 'wit/workitems', 'org-or-project', '7.1', listWorkItems),
  route('wit.workItems.get', 'GET', 'wit/workitems/{id}', 'org-or-project', '7.1', getWorkItem),
  route('wit.workItemsBatch', 'POST', 'wit/workitemsbatch', 'org-or-project', '7.1', workItemsBatch, { replayable: true }),
  route('wit.workItemTypes.list', 'GET', 'wit/workitemtypes', 'project', '7.1', listWorkItemTypes),
  route('wit.workItemTypes.get', 'GET', 'wit/workitemtypes/{type}', 'project', '7.1', getWorkItemType),
  route('wit.workItemTypes.states', 'GET', 'wit/workitemtypes/{type}/states', 'project', '7.1', listStates),
  route('wit.classificationNodes.list', 'GET', 'wit/classificationnodes', 'project', '7.1', listNodes),
  route('wit.classificationNodes.get', 'GET', 'wit/classificationnodes/{structureGroup}', 'project', '7.1', getNode),
  route('wit.classificationNodes.path', 'GET', 'wit/classificationnodes/{structureGroup}/{*path}', 'project', '7.1', getNodePath),
];

