import type { OrganizationModel } from '../model/organization';
import { PROCESSES } from '../model/processes';
import type { WorkItemRecord } from '../model/records';
import type { ServiceUrls } from '../wire/hosts';
import type { Json, JsonObject } from '../wire/json';
import { date, identityRef } from './present';

/** The wire form of a work item (WorkItem in wit/7.1), shared by the REST routes and service hooks. */

const KANBAN_EXTENSION = 'WEF_6CB513B6E70E43499D9FC94E5BBFB784';

/** Every field the item has, keyed by reference name (what `$expand=fields|all` returns). */
export function workItemFields(org: OrganizationModel, item: WorkItemRecord, urls: ServiceUrls): JsonObject {
  return fieldsOf(org, item, urls, undefined);
}

/**
 * The item's fields in the service's order, those `wanted` names (lower case) only when given.
 * Each value is computed only when its field is wanted: a batch asking for five fields should not
 * pay for forty (the simulator shares the benchmark's cores with the engine).
 */
function fieldsOf(org: OrganizationModel, item: WorkItemRecord, urls: ServiceUrls, wanted: ReadonlySet<string> | undefined): JsonObject {
  const fields: JsonObject = {};
  const put = (name: string, value: () => Json | undefined) => {
    if (wanted && !wanted.has(name.toLowerCase())) return;
    const v = value();
    if (v !== undefined) fields[name] = v;
  };
  const levels = (prefix: string, path: string) => path.split('\\').forEach((part, i) => put(`${prefix}${i + 1}`, () => part));
  const project = org.projects.get(item.projectId);
  const process = project ? PROCESSES[project.process] : PROCESSES.Agile;
  const user = (id: string | null) => (id === null ? undefined : identityRef(org.user(id), urls));
  put('System.Id', () => item.id);
  put('System.AreaId', () => org.nodeAtWorkItemPath(item.projectId, 'area', item.areaPath)?.id);
  put('System.AreaPath', () => item.areaPath);
  put('System.TeamProject', () => project?.name);
  put('System.NodeName', () => item.areaPath.split('\\').pop());
  levels('System.AreaLevel', item.areaPath);
  put('System.Rev', () => item.rev);
  put('System.AuthorizedDate', () => date(item.changedDate));
  put('System.RevisedDate', () => '9999-01-01T00:00:00Z');
  put('System.IterationId', () => org.nodeAtWorkItemPath(item.projectId, 'iteration', item.iterationPath)?.id);
  put('System.IterationPath', () => item.iterationPath);
  levels('System.IterationLevel', item.iterationPath);
  put('System.WorkItemType', () => item.type);
  put('System.State', () => item.state);
  put('System.Reason', () => item.reason);
  put('System.AssignedTo', () => user(item.assignedToId));
  put('System.CreatedDate', () => date(item.createdDate));
  put('System.CreatedBy', () => user(item.createdById));
  put('System.ChangedDate', () => date(item.changedDate));
  put('System.ChangedBy', () => user(item.changedById));
  put('System.AuthorizedAs', () => user(item.changedById));
  put('System.CommentCount', () => item.commentCount);
  put('System.Title', () => item.title);
  put('System.BoardColumn', () => item.boardColumn ?? undefined);
  put('System.BoardColumnDone', () => (item.boardColumn === null ? undefined : item.boardColumnDone));
  put(`${KANBAN_EXTENSION}_Kanban.Column`, () => item.boardColumn ?? undefined);
  put(`${KANBAN_EXTENSION}_Kanban.Column.Done`, () => (item.boardColumn === null ? undefined : item.boardColumnDone));
  put('Microsoft.VSTS.Common.StateChangeDate', () => date(item.stateChangeDate));
  put('Microsoft.VSTS.Common.ClosedDate', () => date(item.closedDate));
  put('Microsoft.VSTS.Common.Priority', () => item.priority);
  put(process.effortField, () => item.storyPoints ?? undefined);
  put('Microsoft.VSTS.Scheduling.RemainingWork', () => item.remainingWork ?? undefined);
  put('System.Description', () => (item.description === '' ? undefined : item.description));
  put('System.Tags', () => (item.tags.length === 0 ? undefined : item.tags.join('; ')));
  put('System.Parent', () => item.parentId ?? undefined);
  put('System.History', () => item.history ?? undefined);
  put('System.Watermark', () => item.rev * 7 + item.id);
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
  const wanted = options.fields && options.fields.length > 0 ? new Set(options.fields.map((f) => f.toLowerCase())) : undefined;
  const fields = fieldsOf(org, item, urls, wanted);
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
