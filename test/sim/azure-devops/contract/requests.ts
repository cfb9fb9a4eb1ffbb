import { isActiveRepository, type AzureDevOpsSimulator } from '../../../../sim/azure-devops/index';

/**
 * One representative request per served route, built from the simulated organization, so the
 * contract tests can call every route and validate what comes back.
 */

export interface ContractRequest {
  path: string;
  method?: string;
  body?: unknown;
}

const enc = encodeURIComponent;

export function contractRequests(sim: AzureDevOpsSimulator): Record<string, ContractRequest[]> {
  const m = sim.model;
  const project = m.projectList().find((p) => p.state === 'wellFormed' && m.repositoriesOf(p.id).some((r) => isActiveRepository(r) && m.pullRequestsOf(r.id).length > 0 && r.advancedSecurityEnabled) && m.buildsOfProject(p.id).length > 0 && m.releasesOfProject(p.id).length > 0);
  if (!project) throw new Error('the contract organization needs a project with PRs, builds, releases and Advanced Security');
  const p = project.id;
  const team = m.teamsOf(p).find((t) => t.iterationIds.length > 0) ?? m.teamsOf(p)[0];
  const repo = m.repositoriesOf(p).find((r) => isActiveRepository(r) && m.pullRequestsOf(r.id).length > 0 && r.advancedSecurityEnabled);
  const pr = repo ? m.pullRequestsOf(repo.id)[0] : undefined;
  const policy = m.policies.children(p)[0];
  const pipeline = m.pipelinesOf(p).find((x) => m.buildsOfPipeline(x.id).length > 0);
  const build = pipeline ? m.buildsOfPipeline(pipeline.id)[0] : undefined;
  const workItems = m.workItemsOf(p).slice(0, 5);
  const board = team ? m.boardsOf(team.id)[0] : undefined;
  const release = m.releasesOfProject(p)[0];
  const definition = m.releaseDefinitionsOf(p)[0];
  const alert = repo ? m.alertsOf(repo.id)[0] : undefined;
  const sprint = team ? m.classificationNodes.get(team.iterationIds[0] ?? -1) : undefined;
  const areaChild = m.nodesOf(p, 'area').find((n) => n.parentId !== null);
  if (!team || !repo || !pr || !pipeline || !build || !board || !release || !definition) throw new Error('contract organization is missing entities');
  const type = workItems[0]?.type ?? 'Task';
  return {
    'core.projects.list': [{ path: '/_apis/projects' }],
    'core.projects.get': [{ path: `/_apis/projects/${p}?includeCapabilities=true` }],
    'core.projects.properties': [{ path: `/_apis/projects/${p}/properties?api-version=7.1-preview.1` }],
    'core.teams.all': [{ path: '/_apis/teams?api-version=7.1-preview.3' }],
    'core.teams.list': [{ path: `/_apis/projects/${p}/teams` }],
    'core.teams.get': [{ path: `/_apis/projects/${p}/teams/${team.id}` }],
    'core.teams.members': [{ path: `/_apis/projects/${p}/teams/${team.id}/members` }],
    'core.processes.list': [{ path: '/_apis/process/processes' }],
    'git.repositories.list': [{ path: `/${p}/_apis/git/repositories` }, { path: '/_apis/git/repositories' }],
    'git.repositories.get': [{ path: `/${p}/_apis/git/repositories/${repo.id}` }],
    'git.refs.list': [{ path: `/${p}/_apis/git/repositories/${repo.id}/refs?filter=heads/` }],
    'git.branchStats': [{ path: `/${p}/_apis/git/repositories/${repo.id}/stats/branches` }],
    'git.pullRequests.list': [{ path: `/${p}/_apis/git/repositories/${repo.id}/pullrequests?searchCriteria.status=all` }],
    'git.pullRequests.get': [{ path: `/${p}/_apis/git/repositories/${repo.id}/pullrequests/${pr.id}` }],
    'git.pullRequests.project': [{ path: `/${p}/_apis/git/pullrequests?searchCriteria.status=all` }],
    'git.pullRequests.byId': [{ path: `/_apis/git/pullrequests/${pr.id}` }],
    'git.policies.list': [{ path: `/${p}/_apis/git/policy/configurations` }],
    'policy.configurations.list': [{ path: `/${p}/_apis/policy/configurations` }],
    'policy.configurations.get': policy ? [{ path: `/${p}/_apis/policy/configurations/${policy.id}` }] : [],
    'policy.types.list': [{ path: `/${p}/_apis/policy/types` }],
    'pipelines.list': [{ path: `/${p}/_apis/pipelines` }],
    'pipelines.get': [{ path: `/${p}/_apis/pipelines/${pipeline.id}` }],
    'pipelines.runs.list': [{ path: `/${p}/_apis/pipelines/${pipeline.id}/runs` }],
    'pipelines.runs.get': [{ path: `/${p}/_apis/pipelines/${pipeline.id}/runs/${build.id}` }],
    'build.builds.list': [{ path: `/${p}/_apis/build/builds` }],
    'build.builds.get': [{ path: `/${p}/_apis/build/builds/${build.id}` }],
    'build.timeline': [{ path: `/${p}/_apis/build/builds/${build.id}/timeline` }],
    'build.timeline.get': [{ path: `/${p}/_apis/build/builds/${build.id}/timeline/00000000-0000-0000-0000-000000000000` }],
    'build.changes': [{ path: `/${p}/_apis/build/builds/${build.id}/changes` }],
    'build.definitions.list': [{ path: `/${p}/_apis/build/definitions` }],
    'build.definitions.get': [{ path: `/${p}/_apis/build/definitions/${pipeline.id}` }],
    'wit.wiql': [{ path: `/${p}/_apis/wit/wiql?api-version=7.1`, method: 'POST', body: { query: 'SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.TeamProject] = @project ORDER BY [System.ChangedDate] DESC' } }],
    'wit.workItems.list': [{ path: `/_apis/wit/workitems?ids=${workItems.map((w) => w.id).join(',')}&$expand=all` }],
    'wit.workItems.get': [{ path: `/_apis/wit/workitems/${(m.workItemsOf(p).find((w) => w.parentId !== null) ?? workItems[0])?.id ?? 1}?$expand=all` }],
    'wit.workItemsBatch': [{ path: '/_apis/wit/workitemsbatch?api-version=7.1', method: 'POST', body: { ids: workItems.map((w) => w.id), $expand: 'all' } }],
    'wit.workItemTypes.list': [{ path: `/${p}/_apis/wit/workitemtypes` }],
    'wit.workItemTypes.get': [{ path: `/${p}/_apis/wit/workitemtypes/${enc(type)}` }],
    'wit.workItemTypes.states': [{ path: `/${p}/_apis/wit/workitemtypes/${enc(type)}/states` }],
    'wit.classificationNodes.list': [{ path: `/${p}/_apis/wit/classificationnodes?$depth=2` }],
    'wit.classificationNodes.get': [{ path: `/${p}/_apis/wit/classificationnodes/Areas?$depth=3` }],
    'wit.classificationNodes.path': areaChild ? [{ path: `/${p}/_apis/wit/classificationnodes/Areas/${areaChild.path.split('\\').slice(3).map(enc).join('/')}` }] : [],
    'work.boards.list': [{ path: `/${p}/${team.id}/_apis/work/boards` }],
    'work.boards.get': [{ path: `/${p}/${team.id}/_apis/work/boards/${board.id}` }],
    'work.boards.columns': [{ path: `/${p}/${team.id}/_apis/work/boards/${board.id}/columns` }],
    'work.boardColumns': [{ path: `/${p}/_apis/work/boardcolumns` }],
    'work.iterations.list': [{ path: `/${p}/${team.id}/_apis/work/teamsettings/iterations` }],
    'work.iterations.get': sprint ? [{ path: `/${p}/${team.id}/_apis/work/teamsettings/iterations/${sprint.identifier}` }] : [],
    'work.teamFieldValues': [{ path: `/${p}/${team.id}/_apis/work/teamsettings/teamfieldvalues` }],
    'work.teamSettings': [{ path: `/${p}/${team.id}/_apis/work/teamsettings` }],
    'release.releases.list': [{ path: `/${p}/_apis/release/releases?$expand=environments` }],
    'release.releases.get': [{ path: `/${p}/_apis/release/releases/${release.id}` }],
    'release.definitions.list': [{ path: `/${p}/_apis/release/definitions?$expand=environments,artifacts` }],
    'release.definitions.get': [{ path: `/${p}/_apis/release/definitions/${definition.id}` }],
    'release.deployments.list': [{ path: `/${p}/_apis/release/deployments` }],
    'advsec.alerts.list': [{ path: `/${p}/_apis/alert/repositories/${repo.id}/alerts?api-version=7.2-preview.1` }],
    'advsec.alerts.get': alert ? [{ path: `/${p}/_apis/alert/repositories/${repo.id}/alerts/${alert.alertId}?api-version=7.2-preview.1` }] : [],
  };
}

/** Routes the specs do not describe (so the schema check cannot apply). */
export const NOT_IN_SPECS = new Set(['core.connectionData']);

/** Routes whose optional trailing segment the spec folds into the longer template. */
export const SPEC_ALIASES: Record<string, string> = {
  'build.timeline': 'GET build/builds/{}/timeline/{}',
  'wit.classificationNodes.get': 'GET wit/classificationnodes/{}/{}',
};
