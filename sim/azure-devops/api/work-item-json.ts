import type { OrganizationModel } from '../model/organization';
import { PROCESSES } from '../model/processes';
import type { WorkItemRecord } from '../model/records';
import type { ServiceUrls } from '../wire/hosts';
import type { JsonObject } from '../wire/json';
import { date, identityRef } from './present';

/** The wire form of a work item (WorkItem in wit/7.1), shared by the REST routes and service hooks. */

const KANBAN_EXTENSION = 'WEF_6CB513B6E70E43499D9FC94E5BBFB784';

function levels(prefix: string, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  path.split('\\').forEach((part, i) => (out[`${prefix}${i + 1}`] = part));
  return out;
}

/** Every field the item has, keyed by reference name (what `$expand=fields|all` returns). */
export function workItemFields(org: OrganizationModel, item: WorkItemRecord, urls: ServiceUrls): JsonObject {
  const project = org.projects.get(item.projectId);
  const process = project ? PROCESSES[project.process] : PROCESSES.Agile;
  const area = org.nodeAtWorkItemPath(item.projectId, 'area', item.areaPath);
  const iteration = org.nodeAtWorkItemPath(item.projectId, 'iteration', item.iterationPath);
  const user = (id: string | null) => (id === null ? undefined : identityRef(org.user(id), urls));
  const fields: JsonObject = {
    'System.Id': item.id,
    'System.AreaId': area?.id,
    'System.AreaPath': item.areaPath,
    'System.TeamProject': project?.name,
    'System.NodeName': item.areaPath.split('\\').pop(),
    ...levels('System.AreaLevel', item.areaPath),
    'System.Rev': item.rev,
    'System.AuthorizedDate': date(item.changedDate),
    'System.RevisedDate': '9999-01-01T00:00:00Z',
    'System.IterationId': iteration?.id,
    'System.IterationPath': item.iterationPath,
    ...levels('System.IterationLevel', item.iterationPath),
    'System.WorkItemType': item.type,
    'System.State': item.state,
    'System.Reason': item.reason,
    'System.AssignedTo': user(item.assignedToId),
    'System.CreatedDate': date(item.createdDate),
    'System.CreatedBy': user(item.createdById),
    'System.ChangedDate': date(item.changedDate),
    'System.ChangedBy': user(item.changedById),
    'System.AuthorizedAs': user(item.changedById),
    'System.CommentCount': item.commentCount,
    'System.Title': item.title,
    'System.BoardColumn': item.boardColumn ?? undefined,
    'System.BoardColumnDone': item.boardColumn === null ? undefined : item.boardColumnDone,
    [`${KANBAN_EXTENSION}_Kanban.Column`]: item.boardColumn ?? undefined,
    [`${KANBAN_EXTENSION}_Kanban.Column.Done`]: item.boardColumn === null ? undefined : item.boardColumnDone,
    'Microsoft.VSTS.Common.StateChangeDate': date(item.stateChangeDate),
    'Microsoft.VSTS.Common.ClosedDate': date(item.closedDate),
    'Microsoft.VSTS.Common.Priority': item.priority,
    [process.effortField]: item.storyPoints ?? undefined,
    'Microsoft.VSTS.Scheduling.RemainingWork': item.remainingWork ?? undefined,
    'System.Description': item.description === '' ? undefined : item.description,
    'System.Tags': item.tags.length === 0 ? undefined : item.tags.join('; '),
    'System.Parent': item.parentId ?? undefined,
    'System.History': item.history ?? undefined,
    'System.Watermark': item.rev * 7 + item.id,
  };
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return fields;
}

/**
 * The field reference names the organization defines (every process's, whether or not an item
 * has a value), matched case-insensitively as the service does. Asking for any other name with
 * `fields` is refused: the reference does not document that answer; the simulator models it on
 * the service's "TF51535: Cannot find field" (wit.ts).
 */
const FIELD_NAMES = new Set(
  [
    'System.Id',
    'System.AreaId',
    'System.AreaPath',
    'System.TeamProject',
    'System.NodeName',
    'System.Rev',
    'System.AuthorizedDate',
    'System.RevisedDate',
    'System.IterationId',
    'System.IterationPath',
    'System.WorkItemType',
    'System.State',
    'System.Reason',
    'System.AssignedTo',
    'System.CreatedDate',
    'System.CreatedBy',
    'System.ChangedDate',
    'System.ChangedBy',
    'System.AuthorizedAs',
    'System.CommentCount',
    'System.Title',
    'System.BoardColumn',
    'System.BoardColumnDone',
    `${KANBAN_EXTENSION}_Kanban.Column`,
    `${KANBAN_EXTENSION}_Kanban.Column.Done`,
    'Microsoft.VSTS.Common.StateChangeDate',
    'Microsoft.VSTS.Common.ClosedDate',
    'Microsoft.VSTS.Common.Priority',
    'Microsoft.VSTS.Scheduling.RemainingWork',
    'System.Description',
    'System.Tags',
    'System.Parent',
    'System.History',
    'System.Watermark',
    ...Object.values(PROCESSES).map((p) => p.effortField),
  ].map((name) => name.toLowerCase()),
);

export function isFieldName(name: string): boolean {
  return FIELD_NAMES.has(name.toLowerCase()) || /^System\.(Area|Iteration)Level\d+$/i.test(name);
}

export type Expand = 'none' | 'relations' | 'fields' | 'links' | 'all';

export function workItemUrl(urls: ServiceUrls, item: Pick<WorkItemRecord, 'id' | 'projectId'>): string {
  return `${urls.core}/${item.projectId}/_apis/wit/workItems/${item.id}`;
}

export function workItemJson(org: OrganizationModel, item: WorkItemRecord, urls: ServiceUrls, options: { expand?: Expand; fields?: string[] } = {}): JsonObject {
  const expand = options.expand ?? 'none';
  const all = workItemFields(org, item, urls);
  let fields: JsonObject = all;
  if (options.fields && options.fields.length > 0) {
    const wanted = new Map(options.fields.map((f) => [f.toLowerCase(), f]));
    fields = {};
    for (const [key, value] of Object.entries(all)) if (wanted.has(key.toLowerCase())) fields[key] = value;
  }
  const url = workItemUrl(urls, item);
  const json: JsonObject = { id: item.id, rev: item.rev, fields, url };
  if (expand === 'relations' || expand === 'all') {
    json.relations =
      item.parentId === null
        ? []
        : [{ rel: 'System.LinkTypes.Hierarchy-Reverse', url: `${urls.core}/${item.projectId}/_apis/wit/workItems/${item.parentId}`, attributes: { isLocked: false, name: 'Parent' } }];
  }
  if (expand === 'links' || expand === 'all') {
    json._links = {
      self: { href: url },
      workItemUpdates: { href: `${url}/updates` },
      workItemRevisions: { href: `${url}/revisions` },
      workItemComments: { href: `${url}/comments` },
      workItemHistory: { href: `${url}/history` },
      parent: item.parentId === null ? undefined : { href: `${urls.core}/${item.projectId}/_apis/wit/workItems/${item.parentId}` },
      html: { href: `${urls.core}/${item.projectId}/_workitems/edit/${item.id}` },
      workItemType: { href: `${urls.core}/${item.projectId}/_apis/wit/workItemTypes/${encodeURIComponent(item.type)}` },
      fields: { href: `${urls.core}/${item.projectId}/_apis/wit/fields` },
    };
  }
  if (expand === 'all' || expand === 'relations') json.commentVersionRef = item.commentCount > 0 ? { commentId: item.id * 10 + item.commentCount, version: 1, url: `${url}/comments/${item.id * 10 + item.commentCount}` } : undefined;
  return json;
}
