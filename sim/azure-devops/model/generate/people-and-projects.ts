import { DAY } from '../dates';
import { allocate } from '../distribution';
import { personName, projectName, teamName } from '../names';
import { PROCESSES, boardColumns } from '../processes';
import { guidFor, rngFor } from '../random';
import type {
  AccessLevel,
  BoardRecord,
  ClassificationNodeRecord,
  GroupRecord,
  ProcessName,
  ProjectRecord,
  ProjectState,
  TeamRecord,
  UserRecord,
} from '../records';
import { descriptorPart, type GenerationContext } from './context';

const LICENSES: readonly (readonly [AccessLevel, number])[] = [
  [{ accountLicenseType: 'express', licenseDisplayName: 'Basic', licensingSource: 'account', msdnLicenseType: 'none', status: 'active' }, 60],
  [{ accountLicenseType: 'stakeholder', licenseDisplayName: 'Stakeholder', licensingSource: 'account', msdnLicenseType: 'none', status: 'active' }, 20],
  [{ accountLicenseType: 'advanced', licenseDisplayName: 'Basic + Test Plans', licensingSource: 'account', msdnLicenseType: 'none', status: 'active' }, 8],
  [{ accountLicenseType: 'none', licenseDisplayName: 'Visual Studio Enterprise subscription', licensingSource: 'msdn', msdnLicenseType: 'enterprise', status: 'active' }, 10],
  [{ accountLicenseType: 'express', licenseDisplayName: 'Basic', licensingSource: 'account', msdnLicenseType: 'none', status: 'pending' }, 2],
];

export function generateUsers(ctx: GenerationContext): UserRecord[] {
  const users: UserRecord[] = [];
  for (let i = 0; i < ctx.scale.users; i++) {
    const rng = rngFor(ctx.seed, 'user', i);
    const name = personName(rng, i);
    const origin = rng.chance(0.9) ? 'aad' : 'msa';
    const originId = guidFor(ctx.seed, 'user-origin', i);
    const mail = `${name.alias}@${ctx.org.toLowerCase()}.example.com`;
    const createdDate = ctx.now - rng.int(30, 1500) * DAY - rng.int(0, DAY);
    const access = i === 0 ? (LICENSES[0]?.[0] as AccessLevel) : rng.weighted(LICENSES);
    users.push({
      id: guidFor(ctx.seed, 'user', i),
      descriptor: `${origin}.${descriptorPart(originId)}`,
      displayName: i === 0 ? `${name.display} (Owner)` : name.display,
      mailAddress: mail,
      principalName: mail,
      origin,
      originId,
      directoryAlias: name.alias,
      createdDate,
      lastAccessedDate: access.status === 'pending' ? null : Math.min(ctx.now, createdDate + rng.int(0, 1500) * DAY),
      accessLevel: access,
    });
  }
  return users;
}

const PROCESS_WEIGHTS: readonly (readonly [ProcessName, number])[] = [['Agile', 5], ['Scrum', 3], ['Basic', 2], ['CMMI', 1]];

/** Projects that are not `wellFormed` (being created or deleted) hold no children. */
export function inactiveProjectCount(projects: number): number {
  return projects >= 4 ? Math.max(1, Math.floor(projects / 20)) : 0;
}

export function generateProjects(ctx: GenerationContext): ProjectRecord[] {
  const total = ctx.scale.projects;
  const inactive = inactiveProjectCount(total);
  const out: ProjectRecord[] = [];
  for (let i = 0; i < total; i++) {
    const rng = rngFor(ctx.seed, 'project', i);
    const state: ProjectState = i < total - inactive ? 'wellFormed' : i % 2 === 0 ? 'createPending' : 'deleting';
    const name = projectName(rng, i);
    const tags = rng.sample(['tier-1', 'tier-2', 'legacy', 'pci', 'internal', 'customer-facing'], rng.int(0, 2));
    out.push({
      id: guidFor(ctx.seed, 'project', i),
      name,
      description: rng.chance(0.8) ? `${name}: services and tooling owned by the ${name.split(/[ -]/)[0] ?? name} group.` : '',
      state,
      visibility: rng.chance(0.1) ? 'public' : 'private',
      revision: 400 + i * 37 + rng.int(0, 30),
      lastUpdateTime: ctx.now - rng.int(1, 400) * DAY - rng.int(0, DAY),
      process: i === 0 ? 'Agile' : rng.weighted(PROCESS_WEIGHTS),
      defaultTeamId: guidFor(ctx.seed, 'team', `default:${i}`),
      tags,
    });
  }
  return out;
}

export function generateTeams(ctx: GenerationContext, projects: readonly ProjectRecord[], users: readonly UserRecord[]): TeamRecord[] {
  const active = projects.filter((p) => p.state === 'wellFormed');
  const extra = allocate(Math.max(0, ctx.scale.teams - active.length), active.length, ctx.seed ^ 0x7ea3, 0);
  const teams: TeamRecord[] = [];
  let counter = 0;
  active.forEach((project, p) => {
    const count = 1 + (extra[p] ?? 0);
    for (let t = 0; t < count; t++) {
      const rng = rngFor(ctx.seed, 'team', counter);
      const isDefault = t === 0;
      const name = isDefault ? `${project.name} Team` : teamName(rng, counter);
      const members = rng.sample(users, Math.min(users.length, rng.int(2, 12)));
      if (isDefault && users[0] && !members.includes(users[0])) members.unshift(users[0]);
      teams.push({
        id: isDefault ? project.defaultTeamId : guidFor(ctx.seed, 'team', counter),
        projectId: project.id,
        name,
        description: isDefault ? 'The default project team.' : `${name} delivers part of ${project.name}.`,
        isDefault,
        memberIds: members.map((u) => u.id),
        adminIds: members.slice(0, 1).map((u) => u.id),
        areaPath: isDefault ? project.name : `${project.name}\\${name}`,
        iterationIds: [],
      });
      counter++;
    }
  });
  return teams;
}

/**
 * Area and iteration trees per project. Areas: the project root, one area per non-default team,
 * and a couple of sub-areas. Iterations: three releases of four two-week sprints around "now",
 * so some sprints are past, one is current and some are future.
 */
export function generateClassificationNodes(ctx: GenerationContext, projects: readonly ProjectRecord[], teams: readonly TeamRecord[]): ClassificationNodeRecord[] {
  const nodes: ClassificationNodeRecord[] = [];
  let nextId = 1;
  const add = (projectId: string, structureType: 'area' | 'iteration', name: string, path: string, parentId: number | null, startDate: number | null = null, finishDate: number | null = null) => {
    const node: ClassificationNodeRecord = { id: nextId, identifier: guidFor(ctx.seed, 'node', nextId), projectId, structureType, name, path, parentId, startDate, finishDate };
    nextId++;
    nodes.push(node);
    return node;
  };
  const sprintLength = 14 * DAY;
  const dayStart = Math.floor(ctx.now / DAY) * DAY;
  for (const project of projects) {
    if (project.state !== 'wellFormed') continue;
    const rng = rngFor(ctx.seed, 'nodes', project.id);
    const areaRoot = add(project.id, 'area', project.name, `\\${project.name}\\Area`, null);
    for (const team of teams.filter((t) => t.projectId === project.id && !t.isDefault)) {
      const area = add(project.id, 'area', team.name, `${areaRoot.path}\\${team.name}`, areaRoot.id);
      if (rng.chance(0.4)) add(project.id, 'area', 'Backend', `${area.path}\\Backend`, area.id);
    }
    if (rng.chance(0.5)) add(project.id, 'area', 'Operations (shared)', `${areaRoot.path}\\Operations (shared)`, areaRoot.id);
    const iterationRoot = add(project.id, 'iteration', project.name, `\\${project.name}\\Iteration`, null);
    // Sprint 5 is the current one: it started 0–13 days ago.
    const currentStart = dayStart - rng.int(0, 13) * DAY;
    let sprint = 1;
    for (let release = 1; release <= 3; release++) {
      const releaseNode = add(project.id, 'iteration', `Release ${release}`, `${iterationRoot.path}\\Release ${release}`, iterationRoot.id);
      const sprintNodes: ClassificationNodeRecord[] = [];
      for (let s = 0; s < 4; s++, sprint++) {
        const start = currentStart + (sprint - 5) * sprintLength;
        sprintNodes.push(add(project.id, 'iteration', `Sprint ${sprint}`, `${releaseNode.path}\\Sprint ${sprint}`, releaseNode.id, start, start + sprintLength - DAY));
      }
      releaseNode.startDate = sprintNodes[0]?.startDate ?? null;
      releaseNode.finishDate = sprintNodes[sprintNodes.length - 1]?.finishDate ?? null;
    }
    const sprints = nodes.filter((n) => n.projectId === project.id && n.startDate !== null && n.name.startsWith('Sprint'));
    for (const team of teams) {
      if (team.projectId !== project.id) continue;
      // Most teams follow every sprint; some only the recent ones; one in five follows none
      // (Ocean's board fetch failed on teams without iterations, PR #2595).
      const mode = rngFor(ctx.seed, 'team-iterations', team.id).int(0, 9);
      team.iterationIds = mode < 6 ? sprints.map((s) => s.id) : mode < 8 ? sprints.slice(2, 7).map((s) => s.id) : [];
    }
  }
  return nodes;
}

export function generateGroups(ctx: GenerationContext, projects: readonly ProjectRecord[], teams: readonly TeamRecord[], users: readonly UserRecord[]): GroupRecord[] {
  const groups: GroupRecord[] = [];
  let counter = 0;
  const make = (kind: GroupRecord['kind'], displayName: string, scopeName: string, projectId: string | null, description: string, members: string[], id?: string): GroupRecord => {
    const groupId = id ?? guidFor(ctx.seed, 'group', counter);
    counter++;
    const group: GroupRecord = {
      id: groupId,
      descriptor: `vssgp.${descriptorPart(`S-1-9-1551374245-${groupId}`)}`,
      displayName,
      principalName: `[${scopeName}]\\${displayName}`,
      description,
      projectId,
      kind,
      memberDescriptors: members,
    };
    groups.push(group);
    return group;
  };
  const userById = new Map(users.map((u) => [u.id, u]));
  const owner = users[0];
  make('collection', 'Project Collection Administrators', ctx.org, null, 'Members of this application group can perform all privileged operations on the Team Project Collection.', owner ? [owner.descriptor] : []);
  make('collection', 'Project Collection Build Administrators', ctx.org, null, 'Members of this group should include accounts for people who should be able to administer the build resources.', []);
  for (const project of projects) {
    if (project.state !== 'wellFormed') continue;
    const rng = rngFor(ctx.seed, 'project-groups', project.id);
    const projectTeams = teams.filter((t) => t.projectId === project.id);
    const teamGroups = projectTeams.map((team) =>
      make('team', team.name, project.name, project.id, team.description, team.memberIds.map((id) => userById.get(id)?.descriptor).filter((d): d is string => d !== undefined), team.id),
    );
    const admins = rng.sample(users, Math.min(users.length, 2)).map((u) => u.descriptor);
    make('project', 'Project Administrators', project.name, project.id, 'Members of this group can perform all operations in the team project.', admins);
    make('project', 'Contributors', project.name, project.id, 'Members of this group can add, modify, and delete items within the team project.', teamGroups.map((g) => g.descriptor));
    make('project', 'Readers', project.name, project.id, 'Members of this group have access to the team project.', rng.sample(users, Math.min(users.length, 3)).map((u) => u.descriptor));
    make('project', 'Build Administrators', project.name, project.id, 'Members of this group can create, modify and delete build definitions and manage queued and completed builds.', []);
  }
  const active = projects.filter((p) => p.state === 'wellFormed');
  for (let i = 0; i < ctx.scale.groups; i++) {
    const rng = rngFor(ctx.seed, 'custom-group', i);
    const project = rng.chance(0.7) ? rng.pick(active) : undefined;
    const name = `${rng.pick(['Release Approvers', 'On-call (SRE)', 'Security Champions', 'Tech Leads', 'Contractors', 'QA Guild'])} ${i + 1}`;
    const members = rng.sample(users, Math.min(users.length, rng.int(1, 8))).map((u) => u.descriptor);
    const earlier = groups.filter((g) => g.kind === 'custom');
    if (earlier.length > 0 && rng.chance(0.3)) members.push(rng.pick(earlier).descriptor);
    make('custom', name, project?.name ?? ctx.org, project?.id ?? null, `Custom group ${name}.`, members);
  }
  return groups;
}

/** One board per backlog level per team, with the columns its process implies. */
export function generateBoards(ctx: GenerationContext, projects: readonly ProjectRecord[], teams: readonly TeamRecord[]): BoardRecord[] {
  const byId = new Map(projects.map((p) => [p.id, p]));
  const boards: BoardRecord[] = [];
  for (const team of teams) {
    const project = byId.get(team.projectId);
    if (!project) continue;
    for (const level of PROCESSES[project.process].boards) {
      const id = guidFor(ctx.seed, 'board', `${team.id}:${level.name}`);
      boards.push({
        id,
        teamId: team.id,
        projectId: project.id,
        name: level.name,
        revision: 1,
        columns: boardColumns(project.process, level, (i) => guidFor(ctx.seed, 'board-column', `${id}:${i}`)),
      });
    }
  }
  return boards;
}
