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
  dependsOn: Kind[];
  formula: string;
}

export interface MinimumRequests {
  kinds: Record<Kind, KindMinimum>;
  /** Every kind listed once, parents shared. */
  total: number;
}

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
    project: { own: C(projects.length, PAGE_LIMITS.projects.maxTop), dependsOn: [], formula: 'C(projects, 1000)' },
    team: { own: T(teams.length, PAGE_LIMITS.teams.maxTop), dependsOn: [], formula: 'T(teams, 1000) over _apis/teams' },
    member: { own: sum(teams, (t) => T(t.memberIds.length, PAGE_LIMITS.teamMembers.maxTop)), dependsOn: ['team'], formula: 'Σ teams T(members, 1000)' },
    user: { own: C(users, PAGE_LIMITS.userEntitlements.maxTop), dependsOn: [], formula: 'C(users, 100) over userentitlements' },
    group: { own: C(groups.length, PAGE_LIMITS.graph.maxTop), dependsOn: [], formula: 'C(groups, 500)' },
    'group-member': { own: groups.length + Math.ceil(members.size / PAGE_LIMITS.subjectLookup.maxTop), dependsOn: ['group'], formula: 'groups + ceil(distinct members / 500) subject lookups' },
    repository: { own: 1, dependsOn: [], formula: '1 (organization-wide git/repositories)' },
    branch: { own: sum(active, (r) => C(org.branches.countChildren(r.id), PAGE_LIMITS.refs.maxTop)), dependsOn: ['repository'], formula: 'Σ enabled non-empty repositories C(refs, 1000)' },
    'repository-policy': { own: projects.length, dependsOn: ['project'], formula: '1 per project (git/policy/configurations without $top)' },
    'pull-request': { own: sum(projects, (p) => T(org.repositoriesOf(p.id).filter((r) => !r.isDisabled).reduce((n, r) => n + org.pullRequests.countChildren(r.id), 0), PAGE_LIMITS.pullRequests.maxTop)), dependsOn: ['project'], formula: 'Σ projects T(PRs of every status, 1000) over project-level git/pullrequests' },
    pipeline: { own: sum(projects, (p) => C(org.pipelinesOf(p.id).length, PAGE_LIMITS.pipelines.maxTop)), dependsOn: ['project'], formula: 'Σ projects C(pipelines, 1000)' },
    'pipeline-run': { own: pipelines.length, dependsOn: ['pipeline'], formula: '1 per pipeline (runs are not paged, top 10,000)' },
    'pipeline-stage': { own: builds, dependsOn: ['build'], formula: '1 timeline per build' },
    build: { own: sum(projects, (p) => C(buildsOf(p.id), PAGE_LIMITS.builds.maxTop)), dependsOn: ['project'], formula: 'Σ projects C(builds, 5000)' },
    environment: { own: sum(projects, (p) => C(org.environmentsOf(p.id).length, PAGE_LIMITS.environments.maxTop)), dependsOn: ['project'], formula: 'Σ projects C(environments, 1000)' },
    'pipeline-deployment': { own: sum(environments, (e) => C(org.deploymentRecords.countChildren(e.id), PAGE_LIMITS.deploymentRecords.maxTop)), dependsOn: ['environment'], formula: 'Σ environments C(records, 1000)' },
    release: { own: sum(projects, (p) => C(releasesOf(p.id), PAGE_LIMITS.releases.maxTop)), dependsOn: ['project'], formula: 'Σ projects C(releases, 100)' },
    'release-definition': { own: sum(projects, (p) => C(org.releaseDefinitionsOf(p.id).length, PAGE_LIMITS.releaseDefinitions.maxTop)), dependsOn: ['project'], formula: 'Σ projects C(definitions, 100)' },
    'release-deployment': { own: sum(projects, (p) => C(org.releaseDeploymentsOfProject(p.id).length, PAGE_LIMITS.releaseDeployments.maxTop)), dependsOn: ['project'], formula: 'Σ projects C(deployments, 100)' },
    'work-item': { own: C(workItems, PAGE_LIMITS.wiql.maxTop) + Math.ceil(workItems / PAGE_LIMITS.workItemsBatch.maxTop), dependsOn: [], formula: 'C(work items, 20000) organization-wide WIQL id ranges + ceil(work items / 200) batches' },
    board: { own: teams.length + boards, dependsOn: ['team'], formula: '1 board list per team + 1 board (with columns) per board' },
    column: { own: 0, dependsOn: ['board'], formula: '0 (columns come with the board)' },
    iteration: { own: projects.length, dependsOn: ['project'], formula: '1 per project (classificationnodes/Iterations?$depth=N)' },
    'area-path': { own: projects.length, dependsOn: ['project'], formula: '1 per project (classificationnodes/Areas?$depth=N)' },
    'test-run': { own: sum(projects, (p) => T(org.testRuns.countChildren(p.id), PAGE_LIMITS.testRuns.maxTop)), dependsOn: ['project'], formula: 'Σ projects T(test runs, 1000)' },
    'advanced-security-alert': { own: sum(active, (r) => (r.advancedSecurityEnabled ? C(org.alerts.countChildren(r.id), PAGE_LIMITS.alerts.maxTop) : 1)), dependsOn: ['repository'], formula: 'Σ enabled non-empty repositories: C(alerts, 1000), or 1 (the 400) where Advanced Security is off' },
    file: { own: active.length, dependsOn: ['repository'], formula: '1 itemsbatch (recursionLevel full) per enabled non-empty repository' },
    folder: { own: active.length, dependsOn: ['repository'], formula: '1 items list (recursionLevel full) per enabled non-empty repository' },
    wiki: { own: projects.length + sum(wikis, (w) => C(org.wikiPagesOf(w.id).length, PAGE_LIMITS.wikiPagesBatch.maxTop)), dependsOn: ['project'], formula: '1 wiki list per project + Σ wikis C(pages, 100) pagesbatch' },
  };
  const total = KINDS.reduce((n, kind) => n + kinds[kind].own, 0);
  return { kinds, total };
}

/** Requests for a subset of kinds, parents included once. */
export function minimumRequestsFor(minimum: MinimumRequests, wanted: readonly Kind[]): number {
  const seen = new Set<Kind>();
  const visit = (kind: Kind) => {
    if (seen.has(kind)) return;
    seen.add(kind);
    for (const parent of minimum.kinds[kind].dependsOn) visit(parent);
  };
  wanted.forEach(visit);
  return [...seen].reduce((n, kind) => n + minimum.kinds[kind].own, 0);
}
