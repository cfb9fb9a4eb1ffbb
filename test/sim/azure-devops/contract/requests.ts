import { isActiveRepository, type AzureDevOpsSimulator } from '../../../../sim/azure-devops/index';

/**
 * One representative request per served route, built from the simulated organization, so the
 * contract tests can call every route and validate what comes back.
 */

export interface ContractRequest {
  path: string;
  method?: string;
  body?: unknown;
  /** The spec operation to validate against when a template has several (`x-ms-paths`). */
  operationId?: string;
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
  const user = m.owner();
  const group = [...m.groups.all()].find((g) => g.memberDescriptors.length > 0);
  const environment = m.environmentsOf(p).find((e) => m.deploymentRecordsOf(e.id).length > 0) ?? m.environmentsOf(p)[0];
  const testRun = m.testRunsOf(p).find((r) => r.buildId !== null && r.unanalyzedTests > 0) ?? m.testRunsOf(p).find((r) => r.buildId !== null) ?? m.testRunsOf(p)[0];
  const result = testRun ? m.testResults(testRun.id)?.[0] : undefined;
  const commit = m.commits(repo?.id ?? '')[0];
  const wiki = m.wikisOf(p)[0];
  const wikiPage = wiki ? m.wikiPagesOf(wiki.id)[0] : undefined;
  const subscription = sim.hooks.all()[0];
  if (!subscription) throw new Error('the contract tests create a subscription first (ensureSubscription)');
  if (!team || !repo || !pr || !pipeline || !build || !board || !release || !definition || !user || !group || !environment || !testRun || !commit || !wiki) throw new Error('contract organization is missing entities');
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
    'wit.workItemsBatch': [
      { path: '/_apis/wit/workitemsbatch?api-version=7.1', method: 'POST', body: { ids: workItems.map((w) => w.id), $expand: 'all' } },
      // The spec's example: named fields only.
      { path: '/_apis/wit/workitemsbatch?api-version=7.1', method: 'POST', body: { ids: workItems.map((w) => w.id), fields: ['System.Id', 'System.Title', 'System.WorkItemType', 'Microsoft.VSTS.Scheduling.RemainingWork'] } },
    ],
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
    'graph.users.list': [{ path: '/_apis/graph/users?api-version=7.1-preview.1' }],
    'graph.users.get': [{ path: `/_apis/graph/users/${user.descriptor}?api-version=7.1-preview.1` }],
    'graph.groups.list': [{ path: '/_apis/graph/groups?api-version=7.1-preview.1' }],
    'graph.groups.get': [{ path: `/_apis/graph/groups/${group.descriptor}?api-version=7.1-preview.1` }],
    'graph.memberships.list': [{ path: `/_apis/graph/memberships/${user.descriptor}?api-version=7.1-preview.1` }, { path: `/_apis/graph/memberships/${group.descriptor}?direction=down&api-version=7.1-preview.1` }],
    'graph.subjectLookup': [{ path: '/_apis/graph/subjectlookup?api-version=7.1-preview.1', method: 'POST', body: { lookupKeys: [{ descriptor: user.descriptor }, { descriptor: group.descriptor }] } }],
    'entitlements.users.list': [{ path: '/_apis/userentitlements' }],
    'entitlements.users.get': [{ path: `/_apis/userentitlements/${user.id}` }],
    'ims.identities': [{ path: `/_apis/identities?searchFilter=General&filterValue=${enc(user.mailAddress)}&queryMembership=direct` }],
    'environments.list': [{ path: `/${p}/_apis/distributedtask/environments` }],
    'environments.get': [{ path: `/${p}/_apis/distributedtask/environments/${environment.id}` }],
    'environments.records': [{ path: `/${p}/_apis/distributedtask/environments/${environment.id}/environmentdeploymentrecords` }],
    'pipelines.environments.list': [{ path: `/${p}/_apis/pipelines/environments?api-version=7.2-preview.1` }],
    'pipelines.environments.get': [{ path: `/${p}/_apis/pipelines/environments/${environment.id}?api-version=7.2-preview.1` }],
    'pipelines.environments.records': [{ path: `/${p}/_apis/pipelines/environments/${environment.id}/environmentdeploymentrecords?api-version=7.2-preview.1` }],
    'test.runs.list': [{ path: `/${p}/_apis/test/runs?includeRunDetails=true` }],
    'test.runs.get': [{ path: `/${p}/_apis/test/runs/${testRun.id}` }],
    'test.results.list': [{ path: `/${p}/_apis/test/runs/${testRun.id}/results?outcomes=Failed,Passed` }],
    'test.results.get': result ? [{ path: `/${p}/_apis/test/runs/${testRun.id}/results/${result.id}` }] : [],
    'test.codeCoverage': [{ path: `/${p}/_apis/test/codecoverage?buildId=${testRun.buildId ?? build.id}&flags=7` }],
    'test.runs.codeCoverage': [{ path: `/${p}/_apis/test/runs/${testRun.id}/codecoverage?flags=7` }],
    'git.items': [{ path: `/${p}/_apis/git/repositories/${repo.id}/items?scopePath=/&recursionLevel=Full&includeContentMetadata=true` }, { path: `/${p}/_apis/git/repositories/${repo.id}/items?path=/README.md&$format=json&includeContent=true`, operationId: 'Items_Get' }],
    'git.itemsBatch': [{ path: `/${p}/_apis/git/repositories/${repo.id}/itemsbatch?api-version=7.1`, method: 'POST', body: { itemDescriptors: [{ path: '/', recursionLevel: 'OneLevel', version: (repo.defaultBranch ?? '').replace('refs/heads/', ''), versionType: 'branch' }], includeContentMetadata: true } }],
    'git.commits.list': [{ path: `/${p}/_apis/git/repositories/${repo.id}/commits` }],
    'git.commits.get': [{ path: `/${p}/_apis/git/repositories/${repo.id}/commits/${commit.commitId}` }],
    'git.commits.changes': [{ path: `/${p}/_apis/git/repositories/${repo.id}/commits/${commit.commitId}/changes` }],
    'wiki.wikis.list': [{ path: `/${p}/_apis/wiki/wikis` }, { path: '/_apis/wiki/wikis' }],
    'wiki.wikis.get': [{ path: `/${p}/_apis/wiki/wikis/${enc(wiki.name)}` }],
    'wiki.pages.get': [{ path: `/${p}/_apis/wiki/wikis/${wiki.id}/pages?path=/&recursionLevel=full&includeContent=true` }],
    'wiki.pages.byId': wikiPage ? [{ path: `/${p}/_apis/wiki/wikis/${wiki.id}/pages/${wikiPage.id}?includeContent=true` }] : [],
    'wiki.pagesBatch': [{ path: `/${p}/_apis/wiki/wikis/${wiki.id}/pagesbatch?api-version=7.1`, method: 'POST', body: { top: 2 } }],
    'hooks.subscriptions.list': [{ path: '/_apis/hooks/subscriptions' }],
    'hooks.subscriptions.create': [{ path: '/_apis/hooks/subscriptions?api-version=7.1', method: 'POST', body: { publisherId: 'tfs', eventType: 'workitem.updated', consumerId: 'webHooks', consumerActionId: 'httpRequest', consumerInputs: { url: 'https://receiver.example.com/integration/webhook' } } }],
    'hooks.subscriptions.get': [{ path: `/_apis/hooks/subscriptions/${subscription.id}` }],
    'hooks.subscriptions.replace': [{ path: `/_apis/hooks/subscriptions/${subscription.id}?api-version=7.1`, method: 'PUT', body: { publisherId: 'tfs', eventType: 'git.push', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs: { projectId: p }, consumerInputs: { url: 'https://receiver.example.com/integration/webhook', basicAuthUsername: 'port', basicAuthPassword: '********' } } }],
    'hooks.subscriptions.delete': [],
    'hooks.subscriptions.query': [{ path: '/_apis/hooks/subscriptionsquery?api-version=7.1', method: 'POST', body: { publisherId: 'tfs' } }],
    'hooks.subscriptions.notifications': [{ path: `/_apis/hooks/subscriptions/${subscription.id}/notifications` }],
    'hooks.publishers.list': [{ path: '/_apis/hooks/publishers' }],
    'hooks.eventTypes.list': [{ path: '/_apis/hooks/publishers/tfs/eventtypes' }],
    'hooks.consumers.list': [{ path: '/_apis/hooks/consumers' }],
    'advsec.alerts.get': alert ? [{ path: `/${p}/_apis/alert/repositories/${repo.id}/alerts/${alert.alertId}?api-version=7.2-preview.1` }] : [],
  };
}

/** A subscription for the hook routes to read (created once per simulator). */
export function ensureSubscription(sim: AzureDevOpsSimulator): void {
  if (sim.hooks.all().length > 0) return;
  const owner = sim.model.owner();
  sim.hooks.create({
    host: 'core',
    hostId: sim.model.id,
    publisherId: 'tfs',
    eventType: 'git.push',
    resourceVersion: null,
    consumerId: 'webHooks',
    consumerActionId: 'httpRequest',
    publisherInputs: {},
    consumerInputs: { url: 'https://receiver.example.com/integration/webhook', basicAuthUsername: 'port', basicAuthPassword: 'secret' },
    createdById: owner?.id ?? '',
    modifiedById: owner?.id ?? '',
    urls: { core: sim.cloudUrl, release: sim.cloudUrl, graph: sim.cloudUrl, entitlements: sim.cloudUrl, advsec: sim.cloudUrl },
  });
}

/** Routes the specs do not describe (so the schema check cannot apply). */
export const NOT_IN_SPECS = new Set(['core.connectionData']);

/** Routes whose optional trailing segment the spec folds into the longer template. */
export const SPEC_ALIASES: Record<string, string> = {
  'build.timeline': 'GET build/builds/{}/timeline/{}',
  'wit.classificationNodes.get': 'GET wit/classificationnodes/{}/{}',
};
