/**
 * What the built-in default mapping must produce in Port for a simulated organization, computed
 * from the simulator's model with plain TypeScript: an independent reading of the default
 * mapping's intent and of Azure DevOps' listing rules, sharing no code with the engine's jq.
 */
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';

export type ExpectedEntity = { title?: string | null; properties?: Record<string, unknown>; relations?: Record<string, unknown> };
export type ExpectedCatalog = Map<string, Map<string, ExpectedEntity>>;

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const normalize = (text: string) => text.replace(/[^\p{L}0-9@_.+:/=-]/gu, '_');
const DAY = 86_400_000;

export function expectedCatalog(ado: AzureDevOpsSimulator, options: { now: number; minTimeInDays?: number } = { now: Date.now() }): ExpectedCatalog {
  const model = ado.model;
  const catalog: ExpectedCatalog = new Map();
  const put = (blueprint: string, identifier: string, entity: ExpectedEntity) => {
    let entities = catalog.get(blueprint);
    if (!entities) catalog.set(blueprint, (entities = new Map<string, ExpectedEntity>()));
    entities.set(identifier, entity);
  };

  // `_apis/projects` lists well-formed projects unless asked otherwise.
  const projects = model.projectList().filter((p) => p.state === 'wellFormed');
  for (const project of projects) {
    const defaultTeam = model.teamsOf(project.id).find((t) => t.isDefault);
    put('azureDevopsProject', project.id, {
      title: project.name,
      properties: { state: project.state, visibility: project.visibility, revision: project.revision, defaultTeam: defaultTeam?.name ?? null },
    });
    for (const team of model.teamsOf(project.id)) {
      put('azureDevopsTeam', team.id, { title: team.name, relations: { project: project.id } });
      for (const memberId of team.memberIds) {
        const user = model.user(memberId);
        if (!user) continue;
        put('azureDevopsMember', `${team.id}/${user.id}`, { title: user.displayName, properties: { isTeamAdmin: team.adminIds.includes(user.id) }, relations: { team: team.id } });
      }
      // A team without iterations has no boards (the service answers 500 for its boards).
      if (team.iterationIds.length === 0) continue;
      for (const board of model.boardsOf(team.id)) {
        put('azureDevopsBoard', board.id, { title: `${team.name} / ${board.name}`, relations: { project: project.id, team: team.id } });
        for (const column of board.columns) {
          for (const [type, state] of Object.entries(column.stateMappings)) {
            put('azureDevopsColumn', normalize(`${board.id}/${type}/${column.name}`), { title: `${column.name} (${type})`, properties: { workItemType: type, state }, relations: { board: board.id } });
          }
        }
      }
    }
    for (const repository of model.repositoriesOf(project.id)) {
      put('azureDevopsRepository', repository.id, {
        title: repository.name,
        properties: { isDisabled: repository.isDisabled, defaultBranch: repository.defaultBranch?.replace(/^refs\/heads\//, '') ?? null },
        relations: { project: project.id },
      });
      if (repository.isDisabled) continue;
      for (const branch of model.branchesOf(repository.id)) {
        const name = branch.name.replace(/^refs\/heads\//, '');
        put('azureDevopsBranch', `${repository.id}/${normalize(name)}`, { properties: { refName: branch.name, commit: branch.objectId, isDefault: branch.name === repository.defaultBranch }, relations: { repository: repository.id } });
      }
      const since = options.now - (options.minTimeInDays ?? 7) * DAY;
      for (const pr of model.pullRequestsOf(repository.id)) {
        if (pr.status !== 'active' && (pr.closedDate === null || pr.closedDate < since)) continue;
        put('azureDevopsPullRequest', `${repository.id}/${pr.id}`, { title: pr.title, properties: { status: pr.status }, relations: { repository: repository.id } });
      }
    }
    for (const pipeline of model.pipelinesOf(project.id)) {
      put('azureDevopsPipeline', `${project.id}/${pipeline.id}`, { title: pipeline.name, relations: { project: project.id, repository: pipeline.repositoryId } });
      for (const run of model.buildsOfPipeline(pipeline.id)) {
        put('azureDevopsPipelineRun', `${project.id}/${pipeline.id}/${run.id}`, { relations: { pipeline: `${project.id}/${pipeline.id}` } });
      }
    }
    for (const build of model.buildsOfProject(project.id)) {
      put('azureDevopsBuild', `${project.id}/${build.id}`, {
        properties: { buildNumber: build.buildNumber, status: build.status, result: build.result, queueTime: iso(build.queueTime) },
        relations: { project: project.id, pipeline: `${project.id}/${build.pipelineId}` },
      });
    }
    for (const release of model.releasesOfProject(project.id)) {
      put('azureDevopsRelease', `${project.id}/${release.id}`, { title: release.name, properties: { status: release.status }, relations: { project: project.id } });
    }
    for (const item of model.workItemsOf(project.id)) {
      put('azureDevopsWorkItem', `${project.id}/${item.id}`, {
        title: item.title,
        properties: { type: item.type, state: item.state, boardColumn: item.boardColumn, changedDate: iso(item.changedDate) },
        relations: { project: project.id },
      });
    }
  }
  return catalog;
}
