import type { BranchRecord, PolicyRecord, ProjectRecord, PullRequestRecord, RepositoryRecord } from '../model/records';
import { POLICY_TYPES } from '../model/generate/git';
import { errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { base64Token, continuationPage, invalidToken, pageSize, startAt, topSkip } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route, View } from './context';
import { date, identityRef, projectRef, seg, ticks } from './present';
import { route } from './route';
import { canSee, optionalProject, requireProject, requireRepository, visibleProjects } from './scope';

/** Git area: repositories, refs, pull requests and branch policies. */

export function repositoryJson(ctx: View, repo: RepositoryRecord): JsonObject {
  const project = ctx.org.projects.get(repo.projectId);
  const web = `${ctx.urls.core}/${seg(project?.name ?? repo.projectId)}/_git/${seg(repo.name)}`;
  return {
    id: repo.id,
    name: repo.name,
    url: `${ctx.urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}`,
    project: project ? projectRef(project, ctx.urls) : undefined,
    defaultBranch: repo.defaultBranch ?? undefined,
    size: repo.size,
    remoteUrl: web,
    sshUrl: `git@ssh.dev.azure.com:v3/${ctx.org.name}/${seg(project?.name ?? '')}/${seg(repo.name)}`,
    webUrl: web,
    isDisabled: repo.isDisabled,
    isInMaintenance: false,
    isFork: repo.isFork ? true : undefined,
  };
}

function listRepositories(ctx: RequestContext) {
  const project = optionalProject(ctx);
  const projects = project ? [project] : visibleProjects(ctx);
  return list(projects.flatMap((p) => ctx.org.repositoriesOf(p.id)).map((r) => repositoryJson(ctx, r)));
}

function getRepository(ctx: RequestContext) {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '', { allowDisabled: true });
  const json = repositoryJson(ctx, repo);
  const project = ctx.org.projects.get(repo.projectId);
  const web = `${ctx.urls.core}/${seg(project?.name ?? repo.projectId)}/_git/${seg(repo.name)}`;
  const base = `${ctx.urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}`;
  json._links = {
    self: { href: base },
    project: { href: `vstfs:///Classification/TeamProject/${repo.projectId}` },
    web: { href: web },
    commits: { href: `${base}/commits` },
    refs: { href: `${base}/refs` },
    pullRequests: { href: `${base}/pullRequests` },
    items: { href: `${base}/items` },
    pushes: { href: `${base}/pushes` },
  };
  return ok(json);
}

function refJson(ctx: RequestContext, repo: RepositoryRecord, branch: BranchRecord, includeStatuses: boolean): JsonObject {
  return {
    name: branch.name,
    objectId: branch.objectId,
    creator: identityRef(ctx.org.user(branch.creatorId), ctx.urls),
    url: `${ctx.urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}/refs?filter=${encodeURIComponent(branch.name.replace(/^refs\//, ''))}`,
    // Commit statuses are not simulated: the list is present and empty when asked for.
    statuses: includeStatuses ? [] : undefined,
  };
}

/** A commit reference with author and committer, as branch stats and single pull requests carry it. */
export function commitJson(ctx: View, repo: RepositoryRecord, commitId: string): JsonObject {
  const commit = ctx.org.commit(repo.id, commitId);
  const url = `${ctx.urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}/commits/${commitId}`;
  if (!commit) return { commitId, url };
  const author = ctx.org.user(commit.authorId);
  const person = { name: author?.displayName, email: author?.mailAddress, date: ticks(commit.authorDate) };
  return { commitId, author: person, committer: person, comment: commit.comment, parents: commit.parents, treeId: shaTree(commitId), url };
}

function shaTree(commitId: string): string {
  return [...commitId].reverse().join('');
}

/**
 * Refs: `filter` is a prefix after `refs/`, `filterContains` a substring. Without `$top` and
 * without a token, all refs come back; `$top` is capped at 1000 and defaults to 100 when only a
 * continuation token is sent (spec text of Refs_List).
 */
function listRefs(ctx: RequestContext) {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  const filter = ctx.query.get('filter');
  const contains = ctx.query.get('filterContains')?.toLowerCase();
  const refs = ctx.org
    .branchesOf(repo.id)
    .filter((b) => filter === undefined || b.name.startsWith(`refs/${filter}`))
    .filter((b) => contains === undefined || b.name.toLowerCase().includes(contains));
  const token = ctx.query.get('continuationToken');
  const hasToken = token !== undefined && token !== '';
  const top = pageSize(ctx.query, '$top', hasToken ? PAGE_LIMITS.refsWithToken : PAGE_LIMITS.refs);
  const start = hasToken ? startAt(refs, token, () => '', (b, t) => b.name >= base64Token.decode(t)) : 0;
  const { page, next } = continuationPage(refs, start, top, (b) => base64Token.encode(b.name));
  const includeStatuses = ctx.query.bool('includeStatuses') ?? false;
  return list(
    page.map((b) => refJson(ctx, repo, b, includeStatuses)),
    next,
  );
}

function branchStats(ctx: RequestContext) {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  const name = ctx.query.get('name');
  const branches = ctx.org.branchesOf(repo.id).filter((b) => b.name.startsWith('refs/heads/'));
  const stat = (b: BranchRecord) => {
    return {
      commit: commitJson(ctx, repo, b.objectId),
      name: b.name.replace('refs/heads/', ''),
      aheadCount: b.name === repo.defaultBranch ? 0 : 1,
      behindCount: 0,
      isBaseVersion: b.name === repo.defaultBranch,
    };
  };
  if (name !== undefined) {
    const branch = branches.find((b) => b.name === `refs/heads/${name}`);
    if (!branch) throw errors.branchNotFound(name);
    return ok(stat(branch));
  }
  return list(branches.map(stat));
}

// ---- pull requests ------------------------------------------------------------------------------

const LIST_DESCRIPTION_LIMIT = 400;

export function pullRequestJson(ctx: View, pr: PullRequestRecord, options: { truncateDescription?: boolean; detailed?: boolean } = {}): JsonObject {
  const repo = ctx.org.repositories.get(pr.repositoryId);
  const project = ctx.org.projects.get(pr.projectId);
  const repoUrl = `${ctx.urls.core}/${pr.projectId}/_apis/git/repositories/${pr.repositoryId}`;
  const commit = (id: string | null) => (id === null ? undefined : { commitId: id, url: `${repoUrl}/commits/${id}` });
  const description = options.truncateDescription && pr.description.length > LIST_DESCRIPTION_LIMIT ? pr.description.slice(0, LIST_DESCRIPTION_LIMIT) : pr.description;
  // A single pull request carries the full repository and commit details; lists carry references.
  const detailed = options.detailed === true && repo !== undefined;
  return {
    repository: detailed
      ? repositoryJson(ctx, repo)
      : {
          id: pr.repositoryId,
          name: repo?.name,
          url: repoUrl,
          project: project ? { id: project.id, name: project.name, state: project.state, visibility: project.visibility, lastUpdateTime: date(project.lastUpdateTime) } : undefined,
        },
    pullRequestId: pr.id,
    codeReviewId: pr.id,
    status: pr.status,
    createdBy: identityRef(ctx.org.user(pr.creatorId), ctx.urls),
    creationDate: ticks(pr.creationDate),
    closedDate: ticks(pr.closedDate),
    closedBy: pr.closedById ? identityRef(ctx.org.user(pr.closedById), ctx.urls) : undefined,
    title: pr.title,
    description: description === '' ? undefined : description,
    sourceRefName: pr.sourceRefName,
    targetRefName: pr.targetRefName,
    mergeStatus: pr.mergeStatus,
    isDraft: pr.isDraft,
    mergeId: pr.mergeId,
    lastMergeSourceCommit: commit(pr.sourceCommitId),
    lastMergeTargetCommit: commit(pr.targetCommitId),
    lastMergeCommit: detailed && pr.mergeCommitId !== null ? { ...commitJson(ctx, repo, pr.mergeCommitId), ...mergeCommitDetails(ctx, pr) } : commit(pr.mergeCommitId),
    reviewers: pr.reviewers.map((r) => ({
      reviewerUrl: `${repoUrl}/pullRequests/${pr.id}/reviewers/${r.id}`,
      vote: r.vote,
      hasDeclined: false,
      isRequired: r.isRequired ? true : undefined,
      isFlagged: false,
      ...identityRef(ctx.org.user(r.id), ctx.urls),
      isContainer: false,
    })),
    url: `${repoUrl}/pullRequests/${pr.id}`,
    _links: detailed
      ? {
          self: { href: `${repoUrl}/pullRequests/${pr.id}` },
          repository: { href: repoUrl },
          workItems: { href: `${repoUrl}/pullRequests/${pr.id}/workitems` },
          sourceBranch: { href: `${repoUrl}/refs/${pr.sourceRefName.replace(/^refs\//, '')}` },
          targetBranch: { href: `${repoUrl}/refs/${pr.targetRefName.replace(/^refs\//, '')}` },
          statuses: { href: `${repoUrl}/pullRequests/${pr.id}/statuses` },
          sourceCommit: { href: `${repoUrl}/commits/${pr.sourceCommitId}` },
          targetCommit: { href: `${repoUrl}/commits/${pr.targetCommitId}` },
          createdBy: { href: `${ctx.urls.graph}/_apis/Identities/${pr.creatorId}` },
          iterations: { href: `${repoUrl}/pullRequests/${pr.id}/iterations` },
        }
      : undefined,
    artifactId: detailed ? `vstfs:///Git/PullRequestId/${pr.projectId}%2f${pr.repositoryId}%2f${pr.id}` : undefined,
    supportsIterations: true,
    completionQueueTime: pr.status === 'completed' ? ticks(pr.closedDate) : undefined,
  };
}

/** The merge commit of a completed PR is authored by whoever completed it. */
function mergeCommitDetails(ctx: View, pr: PullRequestRecord): JsonObject {
  const who = ctx.org.user(pr.closedById ?? pr.creatorId);
  const person = { name: who?.displayName, email: who?.mailAddress, date: ticks(pr.closedDate ?? pr.creationDate) };
  return { author: person, committer: person, comment: `Merged PR ${pr.id}: ${pr.title}` };
}

/** `searchCriteria.*` filters (Pull Requests_Get Pull Requests): status defaults to active. */
export function pullRequestFilter(ctx: RequestContext): (pr: PullRequestRecord) => boolean {
  const q = ctx.query;
  const status = (q.get('searchCriteria.status') ?? 'active').toLowerCase();
  const validStatus = ['notset', 'active', 'abandoned', 'completed', 'all'];
  if (!validStatus.includes(status)) throw errors.badRequest(`The value '${status}' is not valid for searchCriteria.status.`, 'InvalidArgumentValueException');
  const creator = q.get('searchCriteria.creatorId')?.toLowerCase();
  const reviewer = q.get('searchCriteria.reviewerId')?.toLowerCase();
  const source = q.get('searchCriteria.sourceRefName');
  const target = q.get('searchCriteria.targetRefName');
  const repositoryId = q.get('searchCriteria.repositoryId')?.toLowerCase();
  const sourceRepositoryId = q.get('searchCriteria.sourceRepositoryId')?.toLowerCase();
  const rangeType = (q.get('searchCriteria.queryTimeRangeType') ?? 'created').toLowerCase();
  if (rangeType !== 'created' && rangeType !== 'closed') throw errors.badRequest(`The value '${rangeType}' is not valid for searchCriteria.queryTimeRangeType.`, 'InvalidArgumentValueException');
  const minTime = q.date('searchCriteria.minTime');
  const maxTime = q.date('searchCriteria.maxTime');
  return (pr) => {
    if (status !== 'all' && status !== 'notset' && pr.status !== status) return false;
    if (creator && pr.creatorId !== creator) return false;
    if (reviewer && !pr.reviewers.some((r) => r.id === reviewer)) return false;
    if (source && pr.sourceRefName !== source) return false;
    if (target && pr.targetRefName !== target) return false;
    if (repositoryId && pr.repositoryId !== repositoryId) return false;
    if (sourceRepositoryId && pr.repositoryId !== sourceRepositoryId) return false;
    if (minTime !== undefined || maxTime !== undefined) {
      const time = rangeType === 'closed' ? pr.closedDate : pr.creationDate;
      if (time === null) return false;
      if (minTime !== undefined && time < minTime) return false;
      if (maxTime !== undefined && time > maxTime) return false;
    }
    return true;
  };
}

const newestFirst = (a: PullRequestRecord, b: PullRequestRecord) => b.id - a.id;

function pagedPullRequests(ctx: RequestContext, prs: PullRequestRecord[]) {
  const page = topSkip(prs.filter(pullRequestFilter(ctx)).sort(newestFirst), ctx.query, PAGE_LIMITS.pullRequests);
  return list(page.map((pr) => pullRequestJson(ctx, pr, { truncateDescription: true })));
}

function listRepositoryPullRequests(ctx: RequestContext) {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  return pagedPullRequests(ctx, ctx.org.pullRequestsOf(repo.id));
}

function listProjectPullRequests(ctx: RequestContext) {
  const project = requireProject(ctx);
  const repos = ctx.org.repositoriesOf(project.id).filter((r) => !r.isDisabled);
  return pagedPullRequests(
    ctx,
    repos.flatMap((r) => ctx.org.pullRequestsOf(r.id)),
  );
}

function findPullRequest(ctx: RequestContext, repositoryId?: string): PullRequestRecord {
  const id = Number(ctx.params.pullRequestId);
  const pr = Number.isInteger(id) ? ctx.org.pullRequests.get(id) : undefined;
  if (!pr || !canSee(ctx, pr.projectId)) throw errors.pullRequestNotFound();
  const project = optionalProject(ctx);
  if (project && pr.projectId !== project.id) throw errors.pullRequestNotFound();
  if (repositoryId !== undefined) {
    const repo = requireRepository(ctx, repositoryId);
    if (repo.id !== pr.repositoryId) throw errors.pullRequestNotFound();
  }
  return pr;
}

function getPullRequest(ctx: RequestContext) {
  return ok(pullRequestJson(ctx, findPullRequest(ctx, ctx.params.repositoryId), { detailed: true }));
}

function getPullRequestById(ctx: RequestContext) {
  return ok(pullRequestJson(ctx, findPullRequest(ctx), { detailed: true }));
}

// ---- policies ------------------------------------------------------------------------------------

function policyJson(ctx: RequestContext, policy: PolicyRecord): JsonObject {
  const type = POLICY_TYPES.find((t) => t.id === policy.typeId);
  const typeUrl = `${ctx.urls.core}/${policy.projectId}/_apis/policy/types/${policy.typeId}`;
  const url = `${ctx.urls.core}/${policy.projectId}/_apis/policy/configurations/${policy.id}`;
  return {
    createdBy: identityRef(ctx.org.user(policy.createdById), ctx.urls),
    createdDate: ticks(policy.createdDate),
    isEnabled: policy.isEnabled,
    isBlocking: policy.isBlocking,
    isDeleted: policy.isDeleted,
    settings: { ...(policy.settings as JsonObject), scope: policy.scopes.map((s) => ({ refName: s.refName ?? undefined, matchKind: s.matchKind, repositoryId: s.repositoryId })) },
    isEnterpriseManaged: false,
    _links: { self: { href: url }, policyType: { href: typeUrl }, type: { href: typeUrl } },
    revision: policy.revision,
    id: policy.id,
    url,
    type: { id: policy.typeId, url: typeUrl, displayName: type?.displayName },
  };
}

function refMatches(scope: PolicyRecord['scopes'][number], refName: string, repo: RepositoryRecord | undefined): boolean {
  if (scope.matchKind === 'DefaultBranch') return repo !== undefined && repo.defaultBranch === refName;
  if (scope.refName === null) return true;
  return scope.matchKind === 'Prefix' ? refName.startsWith(scope.refName) : scope.refName === refName;
}

/**
 * Which configurations "apply" (Policy Configurations_Get description): repository and ref →
 * policies for that branch; repository only → every policy touching the repository; neither →
 * all of the project's; ref only → project-wide policies for that ref.
 */
function applicablePolicies(ctx: RequestContext, project: ProjectRecord, repositoryId: string | undefined, refName: string | undefined): PolicyRecord[] {
  const repo = repositoryId ? ctx.org.repository(repositoryId, project.id) : undefined;
  if (repositoryId && !repo) throw errors.repositoryNotFound(repositoryId);
  return ctx.org.policies
    .children(project.id)
    .filter((p) =>
      p.scopes.some((s) => {
        if (repo && s.repositoryId !== null && s.repositoryId !== repo.id) return false;
        if (!repo && repositoryId === undefined && refName !== undefined && s.repositoryId !== null) return false;
        return refName === undefined || refMatches(s, refName, repo);
      }),
    )
    .sort((a, b) => a.id - b.id);
}

function pagePolicies(ctx: RequestContext, policies: PolicyRecord[]) {
  const type = ctx.query.get('policyType')?.toLowerCase();
  const filtered = type ? policies.filter((p) => p.typeId === type) : policies;
  const token = ctx.query.get('continuationToken');
  if (token !== undefined && token !== '' && !/^\d+$/.test(token)) throw invalidToken(token);
  // The token is the id of the next configuration (spec: "Pass a policy configuration ID").
  const start = token ? startAt(filtered, token, () => '', (p, t) => p.id >= Number(t)) : (ctx.query.int('$skip') ?? 0);
  const top = pageSize(ctx.query, '$top', PAGE_LIMITS.policyConfigurations);
  const { page, next } = continuationPage(filtered, start, top, (p) => String(p.id));
  return list(
    page.map((p) => policyJson(ctx, p)),
    next,
  );
}

function listGitPolicies(ctx: RequestContext) {
  const project = requireProject(ctx);
  return pagePolicies(ctx, applicablePolicies(ctx, project, ctx.query.get('repositoryId')?.toLowerCase(), ctx.query.get('refName')));
}

/** `policy/configurations?scope=`: all of the project's, or those whose scope mentions `scope` (a repository id). */
function listPolicies(ctx: RequestContext) {
  const project = requireProject(ctx);
  const scope = ctx.query.get('scope')?.toLowerCase();
  const all = ctx.org.policies.children(project.id).sort((a, b) => a.id - b.id);
  return pagePolicies(ctx, scope ? all.filter((p) => p.scopes.some((s) => s.repositoryId === scope)) : all);
}

function getPolicy(ctx: RequestContext) {
  const project = requireProject(ctx);
  const policy = ctx.org.policies.get(`${project.id}|${Number(ctx.params.configurationId)}`);
  if (!policy) throw errors.notFoundGeneric(`TF401069: Policy configuration with ID ${ctx.params.configurationId} does not exist.`);
  return ok(policyJson(ctx, policy));
}

function listPolicyTypes(ctx: RequestContext) {
  const project = requireProject(ctx);
  return list(POLICY_TYPES.map((t) => ({ description: t.description, id: t.id, displayName: t.displayName, url: `${ctx.urls.core}/${project.id}/_apis/policy/types/${t.id}` })));
}

export const gitRoutes: Route[] = [
  route('git.repositories.list', 'GET', 'git/repositories', 'org-or-project', '7.1', listRepositories),
  route('git.repositories.get', 'GET', 'git/repositories/{repositoryId}', 'org-or-project', '7.1', getRepository),
  route('git.refs.list', 'GET', 'git/repositories/{repositoryId}/refs', 'org-or-project', '7.1', listRefs),
  route('git.branchStats', 'GET', 'git/repositories/{repositoryId}/stats/branches', 'org-or-project', '7.1', branchStats),
  route('git.pullRequests.list', 'GET', 'git/repositories/{repositoryId}/pullrequests', 'org-or-project', '7.1', listRepositoryPullRequests),
  route('git.pullRequests.get', 'GET', 'git/repositories/{repositoryId}/pullrequests/{pullRequestId}', 'org-or-project', '7.1', getPullRequest),
  route('git.pullRequests.project', 'GET', 'git/pullrequests', 'project', '7.1', listProjectPullRequests),
  route('git.pullRequests.byId', 'GET', 'git/pullrequests/{pullRequestId}', 'org-or-project', '7.1', getPullRequestById),
  route('git.policies.list', 'GET', 'git/policy/configurations', 'project', '7.1', listGitPolicies),
  route('policy.configurations.list', 'GET', 'policy/configurations', 'project', '7.1', listPolicies),
  route('policy.configurations.get', 'GET', 'policy/configurations/{configurationId}', 'project', '7.1', getPolicy),
  route('policy.types.list', 'GET', 'policy/types', 'project', '7.1', listPolicyTypes),
];

