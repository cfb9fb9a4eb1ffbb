import type { BoardColumnModel, ProcessName } from './records';

/**
 * The four inherited process templates: work item types, their states (with state categories)
 * and the backlog levels that get a Kanban board. Values follow the out-of-box Agile, Scrum,
 * Basic and CMMI processes of Azure DevOps.
 */

export type StateCategory = 'Proposed' | 'InProgress' | 'Resolved' | 'Completed' | 'Removed';

export interface WorkItemTypeModel {
  name: string;
  referenceName: string;
  color: string;
  icon: string;
  states: readonly (readonly [string, StateCategory])[];
  /** Relative frequency among generated work items. */
  weight: number;
}

export interface BacklogLevel {
  /** Board name (= backlog level name). */
  name: string;
  types: readonly string[];
}

export interface ProcessModel {
  name: ProcessName;
  typeId: string;
  types: readonly WorkItemTypeModel[];
  boards: readonly BacklogLevel[];
  /** Field holding the estimate on requirement-level items. */
  effortField: string;
}

const S = (name: string, category: StateCategory) => [name, category] as const;

const AGILE: ProcessModel = {
  name: 'Agile',
  typeId: 'adcc42ab-9882-485e-a3ed-7678f01f66bc',
  effortField: 'Microsoft.VSTS.Scheduling.StoryPoints',
  types: [
    { name: 'Epic', referenceName: 'Microsoft.VSTS.WorkItemTypes.Epic', color: 'FF7B00', icon: 'icon_crown', weight: 1, states: [S('New', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Feature', referenceName: 'Microsoft.VSTS.WorkItemTypes.Feature', color: '773B93', icon: 'icon_trophy', weight: 2, states: [S('New', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed'), S('Removed', 'Removed')] },
    { name: 'User Story', referenceName: 'Microsoft.VSTS.WorkItemTypes.UserStory', color: '009CCC', icon: 'icon_book', weight: 8, states: [S('New', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Task', referenceName: 'Microsoft.VSTS.WorkItemTypes.Task', color: 'F2CB1D', icon: 'icon_clipboard', weight: 10, states: [S('New', 'Proposed'), S('Active', 'InProgress'), S('Closed', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Bug', referenceName: 'Microsoft.VSTS.WorkItemTypes.Bug', color: 'CC293D', icon: 'icon_insect', weight: 5, states: [S('New', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed')] },
    { name: 'Issue', referenceName: 'Microsoft.VSTS.WorkItemTypes.Issue', color: 'B4009E', icon: 'icon_traffic_cone', weight: 1, states: [S('Active', 'InProgress'), S('Closed', 'Completed')] },
    { name: 'Test Case', referenceName: 'Microsoft.VSTS.WorkItemTypes.TestCase', color: '004B50', icon: 'icon_test_case', weight: 1, states: [S('Design', 'Proposed'), S('Ready', 'InProgress'), S('Closed', 'Completed')] },
  ],
  boards: [
    { name: 'Epics', types: ['Epic'] },
    { name: 'Features', types: ['Feature'] },
    { name: 'Stories', types: ['User Story', 'Bug'] },
  ],
};

const SCRUM: ProcessModel = {
  name: 'Scrum',
  typeId: '6b724908-ef14-45cf-84f8-768b5384da45',
  effortField: 'Microsoft.VSTS.Scheduling.Effort',
  types: [
    { name: 'Epic', referenceName: 'Microsoft.VSTS.WorkItemTypes.Epic', color: 'FF7B00', icon: 'icon_crown', weight: 1, states: [S('New', 'Proposed'), S('In Progress', 'InProgress'), S('Done', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Feature', referenceName: 'Microsoft.VSTS.WorkItemTypes.Feature', color: '773B93', icon: 'icon_trophy', weight: 2, states: [S('New', 'Proposed'), S('In Progress', 'InProgress'), S('Done', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Product Backlog Item', referenceName: 'Microsoft.VSTS.WorkItemTypes.ProductBacklogItem', color: '009CCC', icon: 'icon_list', weight: 8, states: [S('New', 'Proposed'), S('Approved', 'Proposed'), S('Committed', 'InProgress'), S('Done', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Task', referenceName: 'Microsoft.VSTS.WorkItemTypes.Task', color: 'F2CB1D', icon: 'icon_clipboard', weight: 10, states: [S('To Do', 'Proposed'), S('In Progress', 'InProgress'), S('Done', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Bug', referenceName: 'Microsoft.VSTS.WorkItemTypes.Bug', color: 'CC293D', icon: 'icon_insect', weight: 5, states: [S('New', 'Proposed'), S('Approved', 'Proposed'), S('Committed', 'InProgress'), S('Done', 'Completed'), S('Removed', 'Removed')] },
    { name: 'Impediment', referenceName: 'Microsoft.VSTS.WorkItemTypes.Issue', color: 'B4009E', icon: 'icon_traffic_cone', weight: 1, states: [S('Open', 'InProgress'), S('Closed', 'Completed')] },
  ],
  boards: [
    { name: 'Epics', types: ['Epic'] },
    { name: 'Features', types: ['Feature'] },
    { name: 'Backlog items', types: ['Product Backlog Item', 'Bug'] },
  ],
};

const BASIC: ProcessModel = {
  name: 'Basic',
  typeId: 'b8a3a935-7e91-48b8-a94c-606d37c3e9f2',
  effortField: 'Microsoft.VSTS.Scheduling.Effort',
  types: [
    { name: 'Epic', referenceName: 'Microsoft.VSTS.WorkItemTypes.Epic', color: 'FF7B00', icon: 'icon_crown', weight: 1, states: [S('To Do', 'Proposed'), S('Doing', 'InProgress'), S('Done', 'Completed')] },
    { name: 'Issue', referenceName: 'Microsoft.VSTS.WorkItemTypes.Issue', color: '339947', icon: 'icon_clipboard_issue', weight: 8, states: [S('To Do', 'Proposed'), S('Doing', 'InProgress'), S('Done', 'Completed')] },
    { name: 'Task', referenceName: 'Microsoft.VSTS.WorkItemTypes.Task', color: 'F2CB1D', icon: 'icon_clipboard', weight: 8, states: [S('To Do', 'Proposed'), S('Doing', 'InProgress'), S('Done', 'Completed')] },
  ],
  boards: [
    { name: 'Epics', types: ['Epic'] },
    { name: 'Issues', types: ['Issue'] },
  ],
};

const CMMI: ProcessModel = {
  name: 'CMMI',
  typeId: '27450541-8e31-4150-9947-dc59f998fc01',
  effortField: 'Microsoft.VSTS.Scheduling.Size',
  types: [
    { name: 'Epic', referenceName: 'Microsoft.VSTS.WorkItemTypes.Epic', color: 'FF7B00', icon: 'icon_crown', weight: 1, states: [S('Proposed', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed')] },
    { name: 'Feature', referenceName: 'Microsoft.VSTS.WorkItemTypes.Feature', color: '773B93', icon: 'icon_trophy', weight: 2, states: [S('Proposed', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed')] },
    { name: 'Requirement', referenceName: 'Microsoft.VSTS.WorkItemTypes.Requirement', color: '009CCC', icon: 'icon_list', weight: 8, states: [S('Proposed', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed')] },
    { name: 'Task', referenceName: 'Microsoft.VSTS.WorkItemTypes.Task', color: 'F2CB1D', icon: 'icon_clipboard', weight: 10, states: [S('Proposed', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed')] },
    { name: 'Bug', referenceName: 'Microsoft.VSTS.WorkItemTypes.Bug', color: 'CC293D', icon: 'icon_insect', weight: 5, states: [S('Proposed', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed')] },
    { name: 'Change Request', referenceName: 'Microsoft.VSTS.WorkItemTypes.ChangeRequest', color: '4F9F4F', icon: 'icon_chat_bubble', weight: 1, states: [S('Proposed', 'Proposed'), S('Active', 'InProgress'), S('Resolved', 'Resolved'), S('Closed', 'Completed')] },
    { name: 'Risk', referenceName: 'Microsoft.VSTS.WorkItemTypes.Risk', color: 'E60017', icon: 'icon_chart', weight: 1, states: [S('Proposed', 'Proposed'), S('Active', 'InProgress'), S('Closed', 'Completed')] },
  ],
  boards: [
    { name: 'Epics', types: ['Epic'] },
    { name: 'Features', types: ['Feature'] },
    { name: 'Requirements', types: ['Requirement', 'Bug'] },
  ],
};

export const PROCESSES: Readonly<Record<ProcessName, ProcessModel>> = { Agile: AGILE, Scrum: SCRUM, Basic: BASIC, CMMI: CMMI };

export function workItemType(process: ProcessName, name: string): WorkItemTypeModel | undefined {
  return PROCESSES[process].types.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

export function stateCategory(process: ProcessName, type: string, state: string): StateCategory | undefined {
  return workItemType(process, type)?.states.find(([s]) => s === state)?.[1];
}

/**
 * The columns of one board: an incoming column for the first proposed state, one in-progress column
 * per in-progress/resolved state (the first split into Doing/Done), and the outgoing column for the
 * completed state. `Removed` states are not on boards, as in Azure DevOps.
 */
export function boardColumns(process: ProcessName, level: BacklogLevel, idFor: (index: number) => string): BoardColumnModel[] {
  const types = level.types.map((name) => workItemType(process, name)).filter((t): t is WorkItemTypeModel => t !== undefined);
  const primary = types[0];
  if (!primary) return [];
  const stateFor = (type: WorkItemTypeModel, category: StateCategory, fallback: string) => type.states.find(([, c]) => c === category)?.[0] ?? fallback;
  const columns: BoardColumnModel[] = [];
  const mapping = (category: StateCategory, primaryState: string) => {
    const out: Record<string, string> = {};
    for (const type of types) out[type.name] = type === primary ? primaryState : stateFor(type, category, primaryState);
    return out;
  };
  const proposed = primary.states.filter(([, c]) => c === 'Proposed');
  const inProgress = primary.states.filter(([, c]) => c === 'InProgress' || c === 'Resolved');
  const completed = primary.states.find(([, c]) => c === 'Completed');
  proposed.forEach(([state], i) => {
    columns.push({ id: idFor(columns.length), name: state, itemLimit: 0, columnType: i === 0 ? 'incoming' : 'inProgress', isSplit: false, description: '', stateMappings: mapping('Proposed', state) });
  });
  inProgress.forEach(([state, category], i) => {
    columns.push({ id: idFor(columns.length), name: state, itemLimit: 5 + i * 2, columnType: 'inProgress', isSplit: i === 0, description: i === 0 ? 'Work is being done.' : '', stateMappings: mapping(category, state) });
    if (i === 0 && category === 'InProgress') {
      // A custom column mapped to the same state, as teams commonly add ("Code Review").
      columns.push({ id: idFor(columns.length), name: 'Code Review', itemLimit: 4, columnType: 'inProgress', isSplit: false, description: 'Waiting for review.', stateMappings: mapping(category, state) });
    }
  });
  if (completed) columns.push({ id: idFor(columns.length), name: completed[0], itemLimit: 0, columnType: 'outgoing', isSplit: false, description: '', stateMappings: mapping('Completed', completed[0]) });
  return columns;
}
