/**
 * How each kind re-reads the items one event is about, from Azure DevOps (the source of truth),
 * so that an event never writes what its payload said but what is true now: a late or repeated
 * delivery then cannot roll an entity back, and a delete followed by a restore ends restored.
 *
 * Most kinds run their own listing (`kind.list`), narrowed to the event's parents (ScopedParents)
 * and to its item (a query parameter or WIQL condition on the kind's own request): the item comes
 * back with exactly the fields and enrichment a full sync maps. Pipeline runs have no list filter
 * (the runs endpoint returns up to 10,000 runs), so they are read one by one.
 *
 * Each lookup also returns tombstones: the event's items as raw items, mapped only to learn their
 * identifiers, so an item the listing no longer shows (deleted, out of a selector's window, in a
 * project now excluded) is deleted from Port as a sync would.
 *
 * A payload is never proof that something is gone: it may be stale (a project renamed since) or
 * forged. Where the project or repository a payload names is not found, or a re-read comes back
 * empty, the item itself is read by id (the repository, the pull request, the work item): only a
 * 404 there, or the item's own project being out of scope, deletes; an item that exists is re-read
 * under the project and repository Azure DevOps says it is in, and its tombstone is built from that
 * answer, not from the payload.
 */
import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { AzureDevOpsNotFoundError } from '../azure-devops/errors';
import type { Organization } from '../azure-devops/organization';
import type { RawItem } from '../azure-devops/paging';
import { readIfPresent } from '../azure-devops/read-if-present';
import type { ConcurrencyPolicy, KindContext, KindDefinition } from '../kinds/kind';
import { enrichRun } from '../kinds/pipeline-run';
import { repositorySchema, type Project, type Repository } from '../kinds/parents';
import { idOf } from '../util/id-of';
import type { Subject, SubjectType } from './event-routes';
import type { LiveScope } from './live-scope';
import { narrowingClient, withQuery, withWiqlCondition, type Narrowing } from './narrowing-client';
import { ScopedParents } from './scoped-parents';

export type LiveFetchContext = {
  /** The event's client: aborted when the event times out. */
  readonly client: AzureDevOpsClient;
  readonly scope: LiveScope;
  readonly organization: Organization;
  readonly concurrency: ConcurrencyPolicy;
  readonly now: Date;
  readonly warn: (message: string) => void;
};

export type Lookup = {
  /** The event's items as they are now (raw, as the kind lists them). */
  current: RawItem[];
  /** The event's items as the payload described them, for identifiers only. */
  tombstones: RawItem[];
  /** False when the listing said it was partial: nothing may be deleted on its strength. */
  complete: boolean;
};

export type LiveKind = {
  readonly subjects: readonly SubjectType[];
  fetch(kind: KindDefinition, selector: unknown, subject: Subject, ctx: LiveFetchContext): Promise<Lookup>;
};

const gone = (tombstones: RawItem[]): Lookup => ({ current: [], tombstones, complete: true });

async function relist(kind: KindDefinition, selector: unknown, parents: ScopedParents, narrow: Narrowing, ctx: LiveFetchContext): Promise<{ items: RawItem[]; complete: boolean }> {
  let complete = true;
  const kindContext: KindContext = {
    client: narrowingClient(ctx.client, narrow),
    organization: ctx.organization,
    parents,
    concurrency: ctx.concurrency,
    now: ctx.now,
    listing: {
      incomplete: (reason) => {
        complete = false;
        ctx.warn(`${kind.kind}: listing incomplete: ${reason}`);
      },
      warn: (message) => ctx.warn(`${kind.kind}: ${message}`),
    },
  };
  const items: RawItem[] = [];
  try {
    for await (const page of kind.list(kindContext, selector)) items.push(...page);
  } catch (error) {
    // A parent that vanished between the event and now (a deleted repository) answers 404.
    if (error instanceof AzureDevOpsNotFoundError) return { items: [], complete: true };
    throw error;
  }
  return { items, complete };
}

const projectStub = (subject: Subject, project: Project | undefined): Record<string, unknown> => project ?? { id: subject.projectId };


/**
 * The repository as Azure DevOps has it now: Repositories - Get by id, without a project (an id
 * names a repository in the whole organization), shaped as the repositories listing shows it.
 * Undefined when the service answers 404: the repository is gone (or out of the identity's sight,
 * which a sync would not list either).
 */
async function readRepository(repositoryId: string, ctx: LiveFetchContext): Promise<Repository | undefined> {
  const read = await readIfPresent(ctx.client, { path: `_apis/git/repositories/${encodeURIComponent(repositoryId)}`, apiVersion: '7.1' }, `repository ${repositoryId}`);
  if (!read) return undefined;
  const parsed = repositorySchema.safeParse(read);
  if (!parsed.success) throw new Error(`Azure DevOps answered repository ${repositoryId} without the id, name and project the receiver relies on.`);
  // Only the single read carries links; the listing a sync maps has none.
  const repository: Repository = { ...parsed.data };
  delete repository._links;
  return repository;
}

/**
 * The project and repository an event is about, as Azure DevOps has them. The cached listings are
 * asked first, under the project the payload names; when either is not there, the repository is
 * read by id and its own project used, never the payload's. Both are set when it is in scope; the
 * project is undefined when the repository is gone (404) or its project is out of scope, the only
 * cases in which what the event describes may be deleted.
 */
async function locateRepository(projectId: string, repositoryId: string, ctx: LiveFetchContext): Promise<{ project?: Project; repository?: Repository }> {
  const claimed = await ctx.scope.project(projectId);
  const cached = claimed && (await ctx.scope.repository(claimed, repositoryId));
  if (claimed && cached) return { project: claimed, repository: cached };
  const repository = await readRepository(repositoryId, ctx);
  if (!repository) return {};
  return { project: await ctx.scope.project(repository.project.id), repository };
}

const workItemRead = z.looseObject({ id: z.number(), url: z.string().optional(), fields: z.record(z.string(), z.unknown()).optional() });

/**
 * Where a work item is (Work Items - Get by id, without a project): the project id its URL holds
 * and its `System.TeamProject` (the current name). Undefined when the service answers 404: the
 * work item is deleted (in the recycle bin) or out of the identity's sight.
 */
async function locateWorkItem(workItemId: number, ctx: LiveFetchContext): Promise<{ projectId?: string; projectName?: string } | undefined> {
  const read = await readIfPresent(ctx.client, { path: `_apis/wit/workitems/${workItemId}`, query: { fields: 'System.TeamProject' }, apiVersion: '7.1' }, `work item ${workItemId}`);
  if (!read) return undefined;
  const parsed = workItemRead.safeParse(read);
  const name = parsed.success ? parsed.data.fields?.['System.TeamProject'] : undefined;
  const projectId = parsed.success && parsed.data.url ? /\/([0-9a-f-]{36})\/_apis\/wit\/workitems\//i.exec(parsed.data.url)?.[1] : undefined;
  if (typeof name !== 'string' && projectId === undefined) throw new Error(`Azure DevOps answered work item ${workItemId} without its project (System.TeamProject or its URL).`);
  return { ...(projectId ? { projectId } : {}), ...(typeof name === 'string' ? { projectName: name } : {}) };
}

const sameName = (a: string, b: string | undefined) => b === undefined || a.toLowerCase() === b.toLowerCase();

/**
 * The project in scope a work item is in. The cached projects listing is read again when it names
 * that project differently than the work item does (renamed since the listing was read), and, with
 * `reloadOnMiss`, when only the name is known and the listing has no project by that name (a
 * rename). Without it, a miss is taken from the cached listing (re-read on a miss at most every
 * few seconds), so that events about projects out of scope do not each re-read the projects.
 */
async function projectOfWorkItem(where: { projectId?: string; projectName?: string }, reloadOnMiss: boolean, ctx: LiveFetchContext): Promise<Project | undefined> {
  const key = where.projectId ?? where.projectName ?? '';
  const cached = await ctx.scope.project(key);
  if (cached && sameName(cached.name, where.projectName)) return cached;
  if (!cached && (where.projectId !== undefined || !reloadOnMiss)) return undefined;
  return ctx.scope.project(key, { reload: true });
}

const workItem: LiveKind = {
  subjects: ['work-item'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'work-item') return gone([]);
    const id = subject.workItemId;
    const tombstoneIn = (projectId: string, project: Record<string, unknown>): RawItem => ({ ...subject.resource, id, __projectId: projectId, __project: project });
    const reread = async (project: Project) => {
      // The kind's WIQL names the project by its name (`[System.TeamProject] IN (…)`), as cached.
      const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), withWiqlCondition(`[System.Id] = ${id}`), ctx);
      return { current: items.filter((item) => item.id === id), complete };
    };
    const claimed = await ctx.scope.project(subject.projectId);
    const first = claimed ? await reread(claimed) : undefined;
    if (claimed && first && (first.current.length > 0 || !first.complete)) return { ...first, tombstones: [tombstoneIn(claimed.id, claimed)] };

    // Nothing came back, or the payload names no project in scope. Neither proves the work item
    // gone: the cached name the WIQL used may be stale (a rename), the payload stale or forged.
    const where = await locateWorkItem(id, ctx);
    if (!where) return gone([tombstoneIn(claimed?.id ?? subject.projectId, projectStub(subject, claimed))]);
    // The payload's project in scope is a reason to think the work item is too: a miss by name there is a rename.
    const project = await projectOfWorkItem(where, claimed !== undefined, ctx);
    // An identifier under a project the work item is not in (the payload's) is no live item either.
    const elsewhere = claimed && claimed.id !== project?.id ? [tombstoneIn(claimed.id, claimed)] : [];
    if (!project) {
      const projectId = where.projectId ?? subject.projectId;
      return gone([tombstoneIn(projectId, { id: projectId, ...(where.projectName ? { name: where.projectName } : {}) }), ...elsewhere]);
    }
    if (!sameName(project.name, where.projectName)) {
      ctx.warn(`work-item: work item ${id} is in project '${where.projectName ?? ''}', which the projects listing still calls '${project.name}'; left to the next event or sync`);
      return { current: [], tombstones: [], complete: false };
    }
    const tombstones = [tombstoneIn(project.id, project), ...elsewhere];
    // Asked under this very project and name already: the WIQL (the selector's condition) leaves it out.
    if (first && claimed?.id === project.id && claimed.name === project.name) return { ...first, tombstones };
    return { ...(await reread(project)), tombstones };
  },
};

const pullRequestRead = z.looseObject({
  pullRequestId: z.number(),
  sourceRefName: z.string().optional(),
  repository: z.looseObject({ id: z.string(), project: z.looseObject({ id: z.string() }) }),
});

const pullRequest: LiveKind = {
  subjects: ['pull-request'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'pull-request') return gone([]);
    const id = subject.pullRequestId;
    const reread = async (project: Project, repository: Repository, sourceRefName: string | undefined) => {
      // The kind lists a project's pull requests per status; the repository and source branch
      // narrow each listing to the few pull requests of that branch.
      const narrow = withQuery(/\/_apis\/git\/pullrequests$/, { 'searchCriteria.repositoryId': repository.id, 'searchCriteria.sourceRefName': sourceRefName });
      const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project], repositories: [repository] }), narrow, ctx);
      return { current: items.filter((item) => item.pullRequestId === id), complete };
    };
    const claimed = await ctx.scope.project(subject.projectId);
    const cached = claimed && (await ctx.scope.repository(claimed, subject.repositoryId));
    const first = claimed && cached ? await reread(claimed, cached, subject.sourceRefName) : undefined;
    if (first && (first.current.length > 0 || !first.complete)) return { ...first, tombstones: [{ ...subject.resource }] };

    // Not under the parents the payload names, or not in their listing: the pull request itself
    // says whether it is gone, and where it is (the payload's repository and branch may be wrong).
    const read = await readIfPresent(ctx.client, { path: `_apis/git/pullrequests/${id}`, apiVersion: '7.1' }, `pull request ${id}`);
    if (!read) return gone([{ ...subject.resource }]);
    const parsed = pullRequestRead.safeParse(read);
    if (!parsed.success) throw new Error(`Azure DevOps answered pull request ${id} without its repository and project.`);
    const pr = parsed.data;
    const tombstones = [{ ...pr }];
    // Listed under its own repository and branch already: the listing (the selector's window) leaves it out.
    if (first && cached?.id === pr.repository.id && (subject.sourceRefName === undefined || subject.sourceRefName === pr.sourceRefName)) return { ...first, tombstones };
    const { project, repository } = await locateRepository(pr.repository.project.id, pr.repository.id, ctx);
    if (!project || !repository) return gone(tombstones);
    return { ...(await reread(project, repository, pr.sourceRefName)), tombstones };
  },
};

const branch: LiveKind = {
  subjects: ['push'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'push') return gone([]);
    // Tags and other refs are not branches (the kind lists refs/heads/* only).
    const heads = subject.refUpdates.filter((ref) => ref.name.startsWith('refs/heads/'));
    if (heads.length === 0) return gone([]);
    const { project, repository } = await locateRepository(subject.projectId, subject.repositoryId, ctx);
    const tombstones = heads.map((ref) => ({ name: ref.name.replace(/^refs\/heads\//, ''), refName: ref.name, objectId: ref.oldObjectId, __repository: repository ?? subject.repository }));
    if (!project || !repository) return gone(tombstones);
    // `filter` is a prefix (heads/main also matches heads/main-2): one request for one branch,
    // the repository's whole branch list for a push that moved several.
    const [only] = heads;
    const narrow: Narrowing = heads.length === 1 && only ? withQuery(new RegExp(`/_apis/git/repositories/${repository.id}/refs$`), { filter: only.name.replace(/^refs\//, '') }) : (r) => r;
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project], repositories: [repository] }), narrow, ctx);
    const names = new Set(heads.map((ref) => ref.name));
    return { current: items.filter((item) => typeof item.refName === 'string' && names.has(item.refName)), tombstones, complete };
  },
};

const repository: LiveKind = {
  subjects: ['repository', 'push'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'repository' && subject.type !== 'push') return gone([]);
    // A push matters to the repository only on its default branch, where includedFiles are read.
    const defaultBranch = subject.type === 'push' && typeof subject.repository.defaultBranch === 'string' ? subject.repository.defaultBranch : undefined;
    if (subject.type === 'push' && !subject.refUpdates.some((ref) => ref.name === defaultBranch)) return gone([]);
    // The repository itself, read now: a cached listing (up to --parent-cache old) would write an
    // older size or default branch over what a sync wrote since, and miss one created a moment ago.
    // Its project is the one Azure DevOps names, not the payload's.
    const found = await readRepository(subject.repositoryId, ctx);
    if (!found) return gone([{ ...subject.repository, id: subject.repositoryId }]);
    const project = await ctx.scope.project(found.project.id);
    if (!project) return gone([found]);
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project], repositories: [found] }), (r) => r, ctx);
    return { current: items.filter((item) => item.id === found.id), tombstones: [found], complete };
  },
};

const build: LiveKind = {
  subjects: ['build', 'run'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'build' && subject.type !== 'run') return gone([]);
    const buildId = subject.type === 'build' ? subject.buildId : subject.runId;
    const project = await ctx.scope.project(subject.projectId);
    const described = subject.type === 'build' ? subject.resource : { id: buildId, definition: { id: subject.pipelineId } };
    const tombstone = { ...described, id: buildId, __projectId: project?.id ?? subject.projectId, __project: projectStub(subject, project) };
    if (!project) return gone([tombstone]);
    const narrow = withQuery(/\/_apis\/build\/builds$/, { buildIds: buildId });
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), narrow, ctx);
    return { current: items.filter((item) => item.id === buildId), tombstones: [tombstone], complete };
  },
};

/** Keys only Runs - Get returns; Runs - List (what the sync maps) leaves them out. */
const RUN_DETAIL_KEYS = ['resources', 'variables', 'finalYaml', 'yamlDetails'];

const pipelineRun: LiveKind = {
  subjects: ['run', 'build'],
  async fetch(_kind, _selector, subject, ctx) {
    if (subject.type !== 'run' && subject.type !== 'build') return gone([]);
    const runId = subject.type === 'run' ? subject.runId : subject.buildId;
    const pipelineId = subject.pipelineId;
    // A build.complete payload without its definition cannot name the pipeline; the run-state event does.
    if (pipelineId === undefined) return { current: [], tombstones: [], complete: false };
    const project = await ctx.scope.project(subject.projectId);
    const pipeline = project && (await ctx.scope.pipeline(project, pipelineId));
    const run = subject.type === 'run' ? subject.run : {};
    const tombstone = { ...run, id: runId, __project: projectStub(subject, project), __pipeline: pipeline ?? { id: pipelineId, __project: projectStub(subject, project) } };
    if (!project || !pipeline) return gone([tombstone]);
    const read = await readIfPresent(ctx.client, { path: `${project.id}/_apis/pipelines/${pipeline.id}/runs/${runId}`, apiVersion: '7.1' }, `run ${runId} of pipeline '${pipeline.name}'`);
    if (!read) return gone([tombstone]);
    const listed: RawItem = { ...read };
    for (const key of RUN_DETAIL_KEYS) delete listed[key];
    return { current: [enrichRun(listed, pipeline)], tombstones: [tombstone], complete: true };
  },
};

const release: LiveKind = {
  subjects: ['release'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'release') return gone([]);
    const project = await ctx.scope.project(subject.projectId);
    const tombstone = { ...subject.release, id: subject.releaseId, __project: projectStub(subject, project) };
    if (!project) return gone([tombstone]);
    const narrow = withQuery(/\/_apis\/release\/releases$/, { releaseIdFilter: subject.releaseId });
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), narrow, ctx);
    return { current: items.filter((item) => item.id === subject.releaseId), tombstones: [tombstone], complete };
  },
};

/** Stages live in the build's timeline: the kind lists builds (narrowed to this one) and reads it. */
const pipelineStage: LiveKind = {
  subjects: ['run', 'build'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'run' && subject.type !== 'build') return gone([]);
    const buildId = subject.type === 'build' ? subject.buildId : subject.runId;
    const project = await ctx.scope.project(subject.projectId);
    if (!project) return gone([]);
    const narrow = withQuery(/\/_apis\/build\/builds$/, { buildIds: buildId });
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), narrow, ctx);
    // Stages are never removed from a build; no tombstones, so nothing is deleted here.
    return { current: items.filter((item) => idOf(item.__build)?.toString() === String(buildId)), tombstones: [], complete };
  },
};

/** Deployment events change one release's deployments; Ocean narrows the listing by `releaseId` too. */
const releaseDeployment: LiveKind = {
  subjects: ['release'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'release') return gone([]);
    const project = await ctx.scope.project(subject.projectId);
    if (!project) return gone([]);
    const narrow = withQuery(/\/_apis\/release\/deployments$/, { releaseId: subject.releaseId });
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), narrow, ctx);
    return { current: items.filter((item) => idOf(item.release)?.toString() === String(subject.releaseId)), tombstones: [], complete };
  },
};

/** A new or abandoned release changes its definition's last release (Ocean re-reads it on both). */
const releaseDefinition: LiveKind = {
  subjects: ['release'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'release' || subject.definitionId === undefined) return gone([]);
    const project = await ctx.scope.project(subject.projectId);
    if (!project) return gone([]);
    const narrow = withQuery(/\/_apis\/release\/definitions$/, { definitionIdFilter: subject.definitionId });
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), narrow, ctx);
    return { current: items.filter((item) => item.id === subject.definitionId), tombstones: [], complete };
  },
};

/** Ocean's only use of build.complete: the test runs of the build (`buildUri`, ocean-azure-devops.md §4). */
const testRun: LiveKind = {
  subjects: ['build'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'build') return gone([]);
    const project = await ctx.scope.project(subject.projectId);
    if (!project) return gone([]);
    const narrow = withQuery(/\/_apis\/test\/runs$/, { buildUri: `vstfs:///Build/Build/${subject.buildId}` });
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), narrow, ctx);
    return { current: items.filter((item) => idOf(item.build)?.toString() === String(subject.buildId)), tombstones: [], complete };
  },
};

/** The alerts API has no id filter: the repository's alerts are listed (with the selector's criteria) and the one picked. */
const advancedSecurityAlert: LiveKind = {
  subjects: ['alert'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'alert') return gone([]);
    const { project, repository } = await locateRepository(subject.projectId, subject.repositoryId, ctx);
    const tombstone = { ...subject.resource, __repositoryId: repository?.id ?? subject.repositoryId, __projectId: repository?.project.id ?? subject.projectId, __repository: repository ?? { id: subject.repositoryId } };
    if (!project || !repository) return gone([tombstone]);
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project], repositories: [repository] }), (r) => r, ctx);
    return { current: items.filter((item) => item.alertId === subject.alertId), tombstones: [tombstone], complete };
  },
};

/**
 * Files and folders of the pushed repository, as the kind reads them (its patterns, its branch).
 * A push does not list which paths it changed, so what it removed is not known here: removed
 * files and folders leave Port with the next scheduled sync.
 */
const repositoryContent: LiveKind = {
  subjects: ['push'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'push') return gone([]);
    if (!subject.refUpdates.some((ref) => ref.name.startsWith('refs/heads/'))) return gone([]);
    const { project, repository } = await locateRepository(subject.projectId, subject.repositoryId, ctx);
    if (!project || !repository) return gone([]);
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project], repositories: [repository] }), (r) => r, ctx);
    return { current: items, tombstones: [], complete };
  },
};

/**
 * Kinds with live updates. A kind missing here (teams, boards, policies, wikis…) has no event in
 * Azure DevOps, or none wired yet; the scheduled sync keeps it current.
 */
export const LIVE_KINDS: Readonly<Record<string, LiveKind>> = {
  'work-item': workItem,
  'pull-request': pullRequest,
  branch,
  repository,
  build,
  'pipeline-run': pipelineRun,
  'pipeline-stage': pipelineStage,
  release,
  'release-deployment': releaseDeployment,
  'release-definition': releaseDefinition,
  'test-run': testRun,
  'advanced-security-alert': advancedSecurityAlert,
  file: repositoryContent,
  folder: repositoryContent,
};

export function liveKind(kind: string): LiveKind | undefined {
  return Object.hasOwn(LIVE_KINDS, kind) ? LIVE_KINDS[kind] : undefined;
}
