import { createHash } from 'node:crypto';
import type { CommitRecord, RepositoryFile, RepositoryRecord } from '../model/records';
import { errors } from '../wire/errors';
import { isJsonObject, type JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { topSkip } from '../wire/paging';
import { list, ok, type SimResponse } from '../wire/response';
import type { RequestContext, Route } from './context';
import { identityRef, ticks } from './present';
import { route } from './route';
import { requireRepository } from './scope';

/** Git content: items (files and folders), items batch, commits and commit changes. */

type Recursion = 'none' | 'onelevel' | 'full';

/** A Git blob id for content: SHA-1 over `blob <size>\0<content>`, as git computes it. */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function treeId(repoId: string, path: string): string {
  return createHash('sha1').update(`tree ${repoId}:${path}`).digest('hex');
}

function parseRecursion(text: string | undefined): Recursion {
  const value = (text ?? 'none').toLowerCase();
  if (value === 'none' || value === 'onelevel' || value === 'full') return value;
  if (value === 'onelevelplusnestedemptyfolders') return 'onelevel';
  throw errors.badRequest(`The value '${text ?? ''}' is not valid for recursionLevel.`, 'InvalidArgumentValueException');
}

interface ResolvedVersion {
  branch: string;
  commitId: string;
}

/**
 * `versionDescriptor.version`/`versionType` (also accepted without the prefix, as Ocean sends
 * them): a branch name, or the default branch when absent. Commits and tags resolve to the default
 * branch's content (the simulator keeps one tree per branch).
 */
function resolveVersion(ctx: RequestContext, repo: RepositoryRecord, version?: string, versionType?: string): ResolvedVersion {
  const q = ctx.query;
  const v = version ?? q.get('versionDescriptor.version') ?? q.get('version');
  const type = (versionType ?? q.get('versionDescriptor.versionType') ?? q.get('versionType') ?? 'branch').toLowerCase();
  if (repo.defaultBranch === null) throw errors.itemNotFound('/', repo.name);
  if (v === undefined || v === '') {
    const tip = ctx.org.branches.get(`${repo.id}|${repo.defaultBranch}`);
    return { branch: repo.defaultBranch, commitId: tip?.objectId ?? '' };
  }
  if (type === 'branch') {
    const name = v.startsWith('refs/') ? v : `refs/heads/${v}`;
    const branch = ctx.org.branches.get(`${repo.id}|${name}`);
    if (!branch) throw errors.branchNotFound(v);
    return { branch: name, commitId: branch.objectId };
  }
  if (type === 'commit') {
    if (!ctx.org.commit(repo.id, v)) throw errors.commitNotFound(v);
    return { branch: repo.defaultBranch, commitId: v };
  }
  return { branch: repo.defaultBranch, commitId: ctx.org.branches.get(`${repo.id}|${repo.defaultBranch}`)?.objectId ?? '' };
}

function normalizePath(path: string): string {
  const trimmed = `/${path.replace(/\\/g, '/').replace(/^\/+/, '')}`.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function itemJson(ctx: RequestContext, repo: RepositoryRecord, file: RepositoryFile, version: ResolvedVersion, options: { content?: boolean; metadata?: boolean }): JsonObject {
  const repoUrl = `${ctx.urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}`;
  const name = file.path.split('/').pop() ?? '';
  const extension = name.includes('.') ? name.split('.').pop() : undefined;
  return {
    objectId: file.isFolder ? treeId(repo.id, file.path) : blobId(file.content ?? ''),
    gitObjectType: file.isFolder ? 'tree' : 'blob',
    commitId: version.commitId,
    path: file.path,
    isFolder: file.isFolder ? true : undefined,
    contentMetadata: options.metadata && !file.isFolder ? { encoding: 65001, contentType: 'text/plain', fileName: name, extension, isBinary: false } : undefined,
    content: options.content && !file.isFolder ? (file.content ?? '') : undefined,
    url: `${repoUrl}/items?path=${encodeURIComponent(file.path)}&versionType=Branch&version=${encodeURIComponent(version.branch.replace('refs/heads/', ''))}&versionOptions=None`,
  };
}

/** Items under a path at a recursion level (the path itself included, as the service does). */
function itemsUnder(files: RepositoryFile[], scope: string, recursion: Recursion): RepositoryFile[] | undefined {
  const root = files.find((f) => f.path === scope);
  if (!root) return undefined;
  if (recursion === 'none' || !root.isFolder) return [root];
  const prefix = scope === '/' ? '/' : `${scope}/`;
  return files.filter((f) => {
    if (f.path === scope) return true;
    if (!f.path.startsWith(prefix)) return false;
    return recursion === 'full' || !f.path.slice(prefix.length).includes('/');
  });
}

function wantsJson(ctx: RequestContext): boolean {
  const format = ctx.query.get('$format')?.toLowerCase();
  if (format !== undefined) return format === 'json';
  return (ctx.headers.accept ?? '').toLowerCase().includes('application/json');
}

/**
 * Items: a list (`scopePath` + `recursionLevel`), or one item (`path`). One file comes back as
 * its raw content unless JSON is asked for (`Accept: application/json` or `$format=json`), which
 * is what the `$format` parameter text describes; `download=true` forces a file download.
 */
function getItems(ctx: RequestContext): SimResponse {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  const q = ctx.query;
  const version = resolveVersion(ctx, repo);
  const files = ctx.org.files(repo.id, version.branch) ?? [];
  const recursion = parseRecursion(q.get('recursionLevel'));
  const metadata = q.bool('includeContentMetadata') ?? false;
  const path = q.get('path');
  if (path !== undefined && recursion === 'none') {
    const target = normalizePath(path);
    const file = files.find((f) => f.path === target);
    if (!file) throw errors.itemNotFound(target, repo.name);
    const format = q.get('$format')?.toLowerCase();
    if (format === 'zip') throw errors.badRequest('Zip downloads are not simulated.', 'NotSupportedException');
    if (!file.isFolder && (q.bool('download') === true || format === 'octetstream')) {
      return { status: 200, body: Buffer.from(file.content ?? '', 'utf8'), contentType: 'application/octet-stream', headers: { 'Content-Disposition': `attachment; filename=${file.path.split('/').pop() ?? 'file'}` } };
    }
    if (!file.isFolder && (format === 'text' || !wantsJson(ctx))) {
      return { status: 200, body: file.content ?? '', contentType: 'text/plain; charset=utf-8' };
    }
    return ok(itemJson(ctx, repo, file, version, { content: q.bool('includeContent') ?? false, metadata }));
  }
  const scope = normalizePath(path ?? q.get('scopePath') ?? '/');
  const items = itemsUnder(files, scope, recursion);
  if (!items) throw errors.itemNotFound(scope, repo.name);
  return list(items.map((f) => itemJson(ctx, repo, f, version, { metadata })));
}

/** `POST itemsbatch`: one list of items per descriptor (`{count, value: [[…], […]]}`). */
function itemsBatch(ctx: RequestContext): SimResponse {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  const body = ctx.body;
  if (!isJsonObject(body) || !Array.isArray(body.itemDescriptors)) throw errors.badRequest('The request body must contain "itemDescriptors".', 'ArgumentNullException');
  const metadata = body.includeContentMetadata === true;
  const lists = body.itemDescriptors.map((descriptor) => {
    if (!isJsonObject(descriptor) || typeof descriptor.path !== 'string') throw errors.badRequest('Every item descriptor needs a "path".', 'ArgumentNullException');
    const version = resolveVersion(ctx, repo, typeof descriptor.version === 'string' ? descriptor.version : undefined, typeof descriptor.versionType === 'string' ? descriptor.versionType : undefined);
    const files = ctx.org.files(repo.id, version.branch) ?? [];
    const items = itemsUnder(files, normalizePath(descriptor.path), parseRecursion(typeof descriptor.recursionLevel === 'string' ? descriptor.recursionLevel : undefined));
    return (items ?? []).map((f) => itemJson(ctx, repo, f, version, { metadata }));
  });
  return list(lists);
}

function changeCounts(commit: CommitRecord): Record<string, number> {
  const counts: Record<string, number> = { Add: 0, Edit: 0, Delete: 0 };
  for (const change of commit.changes) {
    const key = change.changeType === 'add' ? 'Add' : change.changeType === 'edit' ? 'Edit' : 'Delete';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * A commit as lists show it: the comment cut to its first line (or 100 characters) with
 * `commentTruncated: true`, as in the commits examples.
 */
export function commitRefJson(ctx: RequestContext, repo: RepositoryRecord, commit: CommitRecord, options: { full?: boolean } = {}): JsonObject {
  const author = ctx.org.user(commit.authorId);
  const person = { name: author?.displayName, email: author?.mailAddress, date: ticks(commit.authorDate) };
  const firstLine = commit.comment.split('\n')[0] ?? '';
  const short = firstLine.length > 100 ? firstLine.slice(0, 100) : firstLine;
  const truncated = !options.full && short !== commit.comment;
  const base = `${ctx.urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}`;
  const remote = `${ctx.urls.core}/${encodeURIComponent(ctx.org.projects.get(repo.projectId)?.name ?? '')}/_git/${encodeURIComponent(repo.name)}`;
  return {
    commitId: commit.commitId,
    author: person,
    committer: person,
    comment: truncated ? short : commit.comment,
    commentTruncated: truncated ? true : undefined,
    changeCounts: changeCounts(commit),
    parents: commit.parents,
    url: `${base}/commits/${commit.commitId}`,
    remoteUrl: `${remote}/commit/${commit.commitId}`,
    _links: {
      self: { href: `${base}/commits/${commit.commitId}` },
      repository: { href: base },
      web: { href: `${remote}/commit/${commit.commitId}` },
      changes: { href: `${base}/commits/${commit.commitId}/changes` },
      tree: { href: `${base}/trees/${treeId(repo.id, commit.commitId)}` },
    },
  };
}

interface ChangeJson extends JsonObject {
  item: JsonObject;
  changeType: string;
}

function changeJson(ctx: RequestContext, repo: RepositoryRecord, commit: CommitRecord): ChangeJson[] {
  const files = ctx.org.files(repo.id) ?? [];
  const base = `${ctx.urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}`;
  // Folders of changed files are listed too (as trees), as the changes examples show.
  const folders = new Map<string, string>();
  for (const change of commit.changes) {
    const parts = change.path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const folder = `/${parts.slice(0, i).join('/')}`;
      if (!folders.has(folder)) folders.set(folder, change.changeType === 'add' ? 'add' : 'edit');
    }
  }
  const item = (path: string, folder: boolean) => {
    const file = files.find((f) => f.path === path);
    return {
      objectId: folder ? treeId(repo.id, path) : file ? blobId(file.content ?? '') : undefined,
      gitObjectType: folder ? 'tree' : 'blob',
      commitId: commit.commitId,
      path,
      isFolder: folder ? true : undefined,
      url: `${base}/items${path}?versionType=Commit&version=${commit.commitId}`,
    };
  };
  return [
    ...[...folders].map(([path, changeType]) => ({ item: item(path, true), changeType })),
    ...commit.changes.map((change) => ({ item: item(change.path, false), changeType: change.changeType, sourceServerItem: change.path })),
  ];
}

function listCommits(ctx: RequestContext): SimResponse {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  const q = ctx.query;
  const from = q.date('searchCriteria.fromDate');
  const to = q.date('searchCriteria.toDate');
  const author = q.get('searchCriteria.author')?.toLowerCase();
  const itemPath = q.get('searchCriteria.itemPath');
  const commits = ctx.org.commits(repo.id).filter((c) => {
    if (from !== undefined && c.authorDate < from) return false;
    if (to !== undefined && c.authorDate > to) return false;
    if (author) {
      const user = ctx.org.user(c.authorId);
      if (!user || (!user.displayName.toLowerCase().includes(author) && !user.mailAddress.toLowerCase().includes(author))) return false;
    }
    if (itemPath && !c.changes.some((ch) => ch.path === normalizePath(itemPath))) return false;
    return true;
  });
  const page = topSkip(commits, q, PAGE_LIMITS.commits, { top: q.has('searchCriteria.$top') ? 'searchCriteria.$top' : '$top', skip: q.has('searchCriteria.$skip') ? 'searchCriteria.$skip' : '$skip' });
  // With an item path the service answers with that item's history, each commit with its change.
  return list(page.map((c) => (itemPath ? { ...commitRefJson(ctx, repo, c), changes: changeJson(ctx, repo, c).filter((ch) => ch.item.path === normalizePath(itemPath)) } : commitRefJson(ctx, repo, c))));
}

function getCommit(ctx: RequestContext): SimResponse {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  const commit = ctx.org.commit(repo.id, ctx.params.commitId ?? '');
  if (!commit) throw errors.commitNotFound(ctx.params.commitId ?? '');
  const changeCount = ctx.query.int('changeCount');
  return ok({
    ...commitRefJson(ctx, repo, commit, { full: true }),
    treeId: treeId(repo.id, commit.commitId),
    push: { pushedBy: identityRef(ctx.org.user(commit.authorId), ctx.urls), pushId: parseInt(commit.commitId.slice(0, 6), 16) % 100_000, date: ticks(commit.authorDate) },
    changes: changeCount !== undefined && changeCount > 0 ? changeJson(ctx, repo, commit).slice(0, changeCount) : undefined,
  });
}

/** Changes of a commit: `{changeCounts, changes}` (not a list wrapper), `top`/`skip`. */
function getChanges(ctx: RequestContext): SimResponse {
  const repo = requireRepository(ctx, ctx.params.repositoryId ?? '');
  const commit = ctx.org.commit(repo.id, ctx.params.commitId ?? '');
  if (!commit) throw errors.commitNotFound(ctx.params.commitId ?? '');
  const skip = ctx.query.int('skip') ?? ctx.query.int('$skip') ?? 0;
  const top = ctx.query.int('top') ?? ctx.query.int('$top') ?? 100;
  const all = changeJson(ctx, repo, commit);
  // changeCounts covers every change of the commit, not just this page (changes example).
  const counts: Record<string, number> = {};
  for (const change of all) {
    const key = change.changeType.replace(/^./, (c) => c.toUpperCase());
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return ok({ changeCounts: counts, changes: all.slice(skip, skip + top) });
}

export const gitContentRoutes: Route[] = [
  route('git.items', 'GET', 'git/repositories/{repositoryId}/items', 'org-or-project', '7.1', getItems),
  route('git.itemsBatch', 'POST', 'git/repositories/{repositoryId}/itemsbatch', 'org-or-project', '7.1', itemsBatch, { replayable: true }),
  route('git.commits.list', 'GET', 'git/repositories/{repositoryId}/commits', 'org-or-project', '7.1', listCommits),
  route('git.commits.get', 'GET', 'git/repositories/{repositoryId}/commits/{commitId}', 'org-or-project', '7.1', getCommit),
  route('git.commits.changes', 'GET', 'git/repositories/{repositoryId}/commits/{commitId}/changes', 'org-or-project', '7.1', getChanges),
];
