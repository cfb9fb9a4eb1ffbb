import type { CollectionSource } from '../collection';
import { DAY, HOUR } from '../dates';
import { allocate, ParentIndex } from '../distribution';
import { title } from '../names';
import { PROCESSES, type StateCategory, type WorkItemTypeModel } from '../processes';
import { rngFor } from '../random';
import type { BoardRecord, ClassificationNodeRecord, ProjectRecord, TeamRecord, UserRecord, WorkItemRecord } from '../records';
import { timeline, type GenerationContext } from './context';

/**
 * Work item ids are unique in the organization and handed out over time across projects, so one
 * project's ids are never contiguous. Every tenth id is missing altogether (destroyed items), as
 * real organizations have gaps.
 */
export function workItemIdAt(index: number): number {
  return index + 1 + Math.floor(index / 9);
}

export function workItemIndexOf(id: number): number | undefined {
  if (!Number.isInteger(id) || id < 1 || id % 10 === 0) return undefined;
  return id - 1 - Math.floor(id / 10);
}

export interface WorkItemContext {
  projects: readonly ProjectRecord[];
  teams: readonly TeamRecord[];
  nodes: readonly ClassificationNodeRecord[];
  boards: readonly BoardRecord[];
  users: readonly UserRecord[];
}

const TAGS = ['frontend', 'backend', 'tech-debt', 'security', 'customer', 'performance', 'a11y'];

export function workItemSource(ctx: GenerationContext, wi: WorkItemContext): { source: CollectionSource<number, WorkItemRecord>; index: ParentIndex; projects: readonly ProjectRecord[] } {
  const active = wi.projects.filter((p) => p.state === 'wellFormed');
  const total = active.length === 0 ? 0 : ctx.scale.workItems;
  const index = ParentIndex.interleaved(allocate(total, active.length, ctx.seed ^ 0x3a11, 0), ctx.seed ^ 0x3a12);
  const at = timeline(ctx.now, 3 * 365 * DAY, total);
  const perProject = active.map((project) => {
    const areas = wi.nodes.filter((n) => n.projectId === project.id && n.structureType === 'area');
    const sprints = wi.nodes.filter((n) => n.projectId === project.id && n.structureType === 'iteration' && n.startDate !== null && n.name.startsWith('Sprint'));
    const iterationRoot = wi.nodes.find((n) => n.projectId === project.id && n.structureType === 'iteration' && n.parentId === null);
    const defaultTeam = wi.teams.find((t) => t.id === project.defaultTeamId);
    const boards = wi.boards.filter((b) => b.teamId === project.defaultTeamId);
    return { project, areas, sprints, iterationRoot, defaultTeam, boards };
  });
  const size = total;
  const source: CollectionSource<number, WorkItemRecord> = {
    size,
    keyAt: workItemIdAt,
    indexOf: (id) => {
      const i = workItemIndexOf(id);
      return i !== undefined && i < size ? i : undefined;
    },
    generate: (i) => {
      const rng = rngFor(ctx.seed, 'work-item', i);
      const p = index.parentOf(i);
      const info = perProject[p];
      if (!info) throw new Error(`work item ${i} has no project`);
      const { project } = info;
      const process = PROCESSES[project.process];
      const type: WorkItemTypeModel = rng.weighted(process.types.map((t) => [t, t.weight] as const));
      const createdDate = at(i, rng.next());
      const age = ctx.now - createdDate;
      const categories: readonly (readonly [StateCategory, number])[] =
        age > 120 * DAY ? [['Completed', 70], ['Removed', 8], ['Resolved', 5], ['InProgress', 7], ['Proposed', 10]] : [['Proposed', 35], ['InProgress', 35], ['Resolved', 10], ['Completed', 17], ['Removed', 3]];
      const wanted = rng.weighted(categories);
      const candidates = type.states.filter(([, c]) => c === wanted);
      const [state, category] = candidates.length > 0 ? rng.pick(candidates) : (type.states[0] ?? ['New', 'Proposed']);
      const changedDate = Math.min(ctx.now - 1000, createdDate + rng.int(HOUR, Math.max(HOUR + 1, Math.min(age, 90 * DAY))));
      const sprint = info.sprints.find((s) => s.startDate !== null && s.finishDate !== null && createdDate >= s.startDate && createdDate <= s.finishDate + DAY);
      const area = info.areas.length > 0 && rng.chance(0.6) ? rng.pick(info.areas) : info.areas[0];
      const board = info.boards.find((b) => b.columns.some((c) => c.stateMappings[type.name] !== undefined) && !b.columns.every((c) => c.stateMappings[type.name] === undefined));
      const columns = board?.columns.filter((c) => c.stateMappings[type.name] === state) ?? [];
      const column = columns.length > 0 ? rng.pick(columns) : undefined;
      const children = index.children(p);
      const position = lowerBound(children, i);
      const parentIndex = position > 0 && rng.chance(0.4) ? children[rng.int(Math.max(0, position - 50), position - 1)] : undefined;
      const assigned = rng.chance(0.8) ? rng.pick(wi.users) : undefined;
      const creator = rng.pick(wi.users);
      const closed = category === 'Completed' || category === 'Removed';
      return {
        id: workItemIdAt(i),
        projectId: project.id,
        rev: rng.int(1, 25),
        type: type.name,
        title: `${title(rng)}${rng.chance(0.1) ? ' (follow-up)' : ''}`,
        state,
        reason: category === 'Proposed' ? `New ${type.name.toLowerCase()}` : category === 'Completed' ? 'Work finished' : category === 'Removed' ? 'Removed from the backlog' : 'Work started',
        areaPath: toWorkItemPath(area?.path ?? `\\${project.name}\\Area`),
        iterationPath: toWorkItemPath(sprint?.path ?? info.iterationRoot?.path ?? `\\${project.name}\\Iteration`),
        assignedToId: assigned?.id ?? null,
        createdById: creator.id,
        changedById: rng.pick(wi.users).id,
        createdDate,
        changedDate,
        stateChangeDate: changedDate,
        closedDate: closed ? changedDate : null,
        priority: rng.int(1, 4),
        tags: rng.sample(TAGS, rng.int(0, 2)),
        description: rng.chance(0.7) ? `<div>${title(rng)} so that users can ${title(rng).toLowerCase()}.</div>` : '',
        storyPoints: board && rng.chance(0.7) ? rng.pick([1, 2, 3, 5, 8, 13]) : null,
        remainingWork: type.name === 'Task' && !closed ? rng.int(0, 16) : null,
        boardColumn: column?.name ?? null,
        boardColumnDone: column?.isSplit === true && rng.chance(0.3),
        parentId: parentIndex === undefined ? null : workItemIdAt(parentIndex),
        commentCount: rng.chance(0.4) ? rng.int(1, 6) : 0,
        history: null,
      };
    },
  };
  return { source, index, projects: active };
}

/** Classification node paths carry the structure segment (`\P\Area\X`); work item fields do not (`P\X`). */
export function toWorkItemPath(nodePath: string): string {
  const parts = nodePath.split('\\').filter(Boolean);
  return [parts[0], ...parts.slice(2)].filter(Boolean).join('\\');
}

function lowerBound(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
