import { isActiveRepository } from '../model/generate/git';
import type { OrganizationModel } from '../model/organization';
import { PAGE_LIMITS } from '../wire/page-limits';

/**
 * The fewest requests an ideal client needs to list each kind of the served organization, using
 * the largest page each endpoint allows (wire/page-limits.ts). The benchmark uses it as a lower
 * bound. Formulas (docs/simulators/azure-devops.md repeats them):
 *
 * - continuation paging: `C(n, max) = max(1, ceil(n / max))` (the last page carries no token);
 * - `$top/$skip` paging: `T(n, max) = floor(n / max) + 1` (a short page ends the listing, so a
 *   count that is a multiple of the page size costs one more, empty, page);
 * - `own` counts a kind's requests assuming its parents are already known; `dependsOn` names the
 *   kinds whose listing it needs. A full sync costs the sum of `own` over the kinds and their
 *   dependencies, each counted once.
 */

export const KINDS = [
  'project', 'team', 'member', 'user', 'group', 'group-member', 'repository', 'branch', 'repository-policy', 'pull-request',
  'pipeline', 'pipeline-run', 'pipeline-stage', 'build', 'environment', 'pipeline-deployment', 'release', 'release-definition',
  'release-deployment', 'work-item', 'board', 'column', 'iteration', 'area-path', 'test-run', 'advanced-security-alert', 'file', 'folder', 'wiki',
] as const;
export type Kind = (typeof KINDS)[number];

export interface KindMinimum {
  own: number;
  /** `own` split by the route each request takes: routes cost different TSTUs (server/throttle.ts). */
  byRoute: Record<string, number>;
  dependsOn: Kind[];
  formula: string;
}

export interface MinimumRequests {
  kinds: Record<Kind, KindMinimum>;
  /** Every kind listed once, parents shared. */
  total: number;
}

/** A kind's minimum from its requests per route (routes with no request are left out). */
const kind = (byRoute: Record<string, number>, dependsOn: Kind[], formula: string): KindMinimum => {
  const routes = Object.fromEntries(Object.entries(byRoute).filter(([, n]) => n > 0));
  return { own: Object.values(routes).reduce((a, b) => a + b, 0), byRoute: routes, dependsOn, formula };
};

const C = (n: number, max: number) => Math.max(1, Math.ceil(n / max));
const T = (n: number, max: number) => Math.floor(n / max) + 1;

export function minimumRequests(org: OrganizationModel): MinimumRequests {
  const projects = org.projectList().filter((p) => p.state === 'wellFormed');
  const teams = projects.flatMap((p) => org.teamsOf(p.id));
  const repos = projects.flatMap((p) => org.repositoriesOf(p.id));
  const active = repos.filter(isActiveRepository);
  const pipelines = projects.flatMap((p) => org.pipelinesOf(p.id));
  const environments = projects.flatMap((p) => org.environmentsOf(p.id));
  const groups = [...org.groups.all()];
  const users = org.users.count();
  const sum = <T>(items: readonly T[], f: (item: T) => number) => items.reduce((total, item) => total + f(item), 0);
  const members = new Set(groups.flatMap((g) => g.memberDescriptors));
  // Counted from the collections' indexes: no record is generated for a count.
  const buildsOf = (projectId: string) => sum(org.pipelinesOf(projectId), (pl) => org.builds.countChildren(pl.id));
  const releasesOf = (projectId: string) => sum(org.releaseDefinitionsOf(projectId), (d) => org.releases.countChildren(`${projectId}|${d.id}`));
  const builds = sum(projects, (p) => buildsOf(p.id));
  const workItems = sum(projects, (p) => org.workItems.countChildren(p.id));
  const wikis = projects.flatMap((p) => org.wikisOf(p.id));
  const boards = sum(teams, (t) => org.boardsOf(t.id).length);

  const kinds: Record<Kind, KindMinimum> = {
    project: kind({ 'core.projects.list': C(projects.length, PAGE_LIMITS.projects.maxTop) }, [], 'C(projects, 1000)'),
    team: kind({ 'core.teams.all': T(teams.length, PAGE_LIMITS.teams.maxTop) }, [], 'T(teams, 1000) over _apis/teams'),
    member: kind({ 'core.teams.members': sum(teams, (t) => T(t.memberIds.length, PAGE_LIMITS.teamMembers.maxTop)) }, ['team'], 'Σ teams T(members, 1000)'),
    user: kind({ 'entitlements.users.list': C(users, PAGE_LIMITS.userEntitlements.maxTop) }, [], 'C(users, 100) over userentitlements'),
    group: kind({ 'graph.groups.list': C(groups.length, PAGE_LIMITS.graph.maxTop) }, [], 'C(groups, 500)'),
    'group-member': kind({ 'graph.memberships.list': groups.length, 'graph.subjectLookup': Math.ceil(members.size / PAGE_LIMITS.subjectLookup.maxTop) }, ['group'], 'groups + ceil(distinct members / 500) subject lookups'),
    repository: kind({ 'git.repositories.list': 1 }, [], '1 (organization-wide git/repositories)'),
    branch: kind({ 'git.refs.list': sum(active, (r) => C(org.branches.countChildren(r.id), PAGE_LIMITS.refs.maxTop)) }, ['repository'], 'Σ enabled non-empty repositories C(refs, 1000)'),
    'repository-policy': kind({ 'git.policies.list': projects.length }, ['project'], '1 per project (git/policy/configurations without $top)'),
    'pull-request': kind({ 'git.pullRequests.project': sum(projects, (p) => T(org.repositoriesOf(p.id).filter((r) => !r.isDisabled).reduce((n, r) => n + org.pullRequests.countChildren(r.id), 0), PAGE_LIMITS.pullRequests.maxTop)) }, ['project'], 'Σ projects T(PRs of every status, 1000) over project-level git/pullrequests'),
    pipeline: kind({ 'pipelines.list': sum(projects, (p) => C(org.pipelinesOf(p.id).length, PAGE_LIMITS.pipelines.maxTop)) }, ['project'], 'Σ projects C(pipelines, 1000)'),
    'pipeline-run': kind({ 'pipelines.runs.list': pipelines.length }, ['pipeline'], '1 per pipeline (runs are not paged, top 10,000)'),
    'pipeline-stage': kind({ 'build.timeline': builds }, ['build'], '1 timeline per build'),
    build: kind({ 'build.builds.list': sum(projects, (p) => C(buildsOf(p.id), PAGE_LIMITS.builds.maxTop)) }, ['project'], 'Σ projects C(builds, 5000)'),
    environment: kind({ 'environments.list': sum(projects, (p) => C(org.environmentsOf(p.id).length, PAGE_LIMITS.environments.maxTop)) }, ['project'], 'Σ projects C(environments, 1000)'),
    'pipeline-deployment': kind({ 'environments.records': sum(environments, (e) => C(org.deploymentRecords.countChildren(e.id), PAGE_LIMITS.deploymentRecords.maxTop)) }, ['environment'], 'Σ environments C(records, 1000)'),
    release: kind({ 'release.releases.list': sum(projects, (p) => C(releasesOf(p.id), PAGE_LIMITS.releases.maxTop)) }, ['project'], 'Σ projects C(releases, 100)'),
    'release-definition': kind({ 'release.definitions.list': sum(projects, (p) => C(org.releaseDefinitionsOf(p.id).length, PAGE_LIMITS.releaseDefinitions.maxTop)) }, ['project'], 'Σ projects C(definitions, 100)'),
    'release-deployment': kind({ 'release.deployments.list': sum(projects, (p) => C(org.releaseDeploymentsOfProject(p.id).length, PAGE_LIMITS.releaseDeployments.maxTop)) }, ['project'], 'Σ projects C(deployments, 100)'),
    'work-item': kind({ 'wit.wiql': C(workItems, PAGE_LIMITS.wiql.maxTop), 'wit.workItemsBatch': Math.ceil(workItems / PAGE_LIMITS.workItemsBatch.maxTop) }, [], 'C(work items, 20000) organization-wide WIQL id ranges + ceil(work items / 200) batches'),
    board: kind({ 'work.boards.list': teams.length, 'work.boards.get': boards }, ['team'], '1 board list per team + 1 board (with columns) per board'),
    column: kind({}, ['board'], '0 (columns come with the board)'),
    iteration: kind({ 'wit.classificationNodes.get': projects.length }, ['project'], '1 per project (classificationnodes/Iterations?$depth=N)'),
    'area-path': kind({ 'wit.classificationNodes.get': projects.length }, ['project'], '1 per project (classificationnodes/Areas?$depth=N)'),
    'test-run': kind({ 'test.runs.list': sum(projects, (p) => T(org.testRuns.countChildren(p.id), PAGE_LIMITS.testRuns.maxTop)) }, ['project'], 'Σ projects T(test runs, 1000)'),
    'advanced-security-alert': kind({ 'advsec.alerts.list': sum(active, (r) => (r.advancedSecurityEnabled ? C(org.alerts.countChildren(r.id), PAGE_LIMITS.alerts.maxTop) : 1)) }, ['repository'], 'Σ enabled non-empty repositories: C(alerts, 1000), or 1 (the 400) where Advanced Security is off'),
    file: kind({ 'git.itemsBatch': active.length }, ['repository'], '1 itemsbatch (recursionLevel full) per enabled non-empty repository'),
    folder: kind({ 'git.items': active.length }, ['repository'], '1 items list (recursionLevel full) per enabled non-empty repository'),
    // Every non-empty pages batch carries a token: a client stops at the first short page, or at the empty one after a full last page.
    wiki: kind({ 'wiki.wikis.list': projects.length, 'wiki.pagesBatch': sum(wikis, (w) => Math.floor(org.wikiPagesOf(w.id).length / PAGE_LIMITS.wikiPagesBatch.maxTop) + 1) }, ['project'], '1 wiki list per project + Σ wikis ⌊pages/100⌋+1 pagesbatch'),
  };
  const total = KINDS.reduce((n, kind) => n + kinds[kind].own, 0);
  return { kinds, total };
}

/** Requests for a subset of kinds, parents included once. */
export function minimumRequestsFor(minimum: MinimumRequests, wanted: readonly Kind[]): number {
  return withParents(minimum, wanted).reduce((n, kind) => n + minimum.kinds[kind].own, 0);
}

/** The same requests, by route. */
export function minimumRequestsByRouteFor(minimum: MinimumRequests, wanted: readonly Kind[]): Record<string, number> {
  const byRoute: Record<string, number> = {};
  for (const kind of withParents(minimum, wanted)) {
    for (const [route, n] of Object.entries(minimum.kinds[kind].byRoute)) byRoute[route] = (byRoute[route] ?? 0) + n;
  }
  return byRoute;
}

function withParents(minimum: MinimumRequests, wanted: readonly Kind[]): Kind[] {
  const seen = new Set<Kind>();
  const visit = (kind: Kind) => {
    if (seen.has(kind)) return;
    seen.add(kind);
    for (const parent of minimum.kinds[kind].dependsOn) visit(parent);
  };
  wanted.forEach(visit);
  return [...seen];
}
