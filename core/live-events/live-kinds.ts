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
 * Each lookup also returns tombstones: the event's items as raw items built from the payload,
 * mapped only to learn their identifiers, so an item the listing no longer shows (deleted, out of
 * a selector's window, in a project now excluded) is deleted from Port as a sync would.
 */
import type { AzureDevOpsClient } from '../azure-devops/client';
import { AzureDevOpsNotFoundError } from '../azure-devops/errors';
import type { Organization } from '../azure-devops/organization';
import type { RawItem } from '../azure-devops/paging';
import type { ConcurrencyPolicy, KindContext, KindDefinition } from '../kinds/kind';
import type { Project } from '../kinds/parents';
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

const workItem: LiveKind = {
  subjects: ['work-item'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'work-item') return gone([]);
    const project = await ctx.scope.project(subject.projectId);
    const tombstone = { ...subject.resource, id: subject.workItemId, __projectId: project?.id ?? subject.projectId, __project: projectStub(subject, project) };
    if (!project) return gone([tombstone]);
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project] }), withWiqlCondition(`[System.Id] = ${subject.workItemId}`), ctx);
    return { current: items.filter((item) => item.id === subject.workItemId), tombstones: [tombstone], complete };
  },
};

const pullRequest: LiveKind = {
  subjects: ['pull-request'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'pull-request') return gone([]);
    const tombstone = { ...subject.resource };
    const project = await ctx.scope.project(subject.projectId);
    const repository = project && (await ctx.scope.repository(project, subject.repositoryId));
    if (!project || !repository) return gone([tombstone]);
    // The kind lists a project's pull requests per status; the repository and source branch
    // narrow each listing to the few pull requests of that branch.
    const narrow = withQuery(/\/_apis\/git\/pullrequests$/, { 'searchCriteria.repositoryId': repository.id, 'searchCriteria.sourceRefName': subject.sourceRefName });
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project], repositories: [repository] }), narrow, ctx);
    return { current: items.filter((item) => item.pullRequestId === subject.pullRequestId), tombstones: [tombstone], complete };
  },
};

const branch: LiveKind = {
  subjects: ['push'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'push') return gone([]);
    // Tags and other refs are not branches (the kind lists refs/heads/* only).
    const heads = subject.refUpdates.filter((ref) => ref.name.startsWith('refs/heads/'));
    if (heads.length === 0) return gone([]);
    const project = await ctx.scope.project(subject.projectId);
    const repository = project && (await ctx.scope.repository(project, subject.repositoryId));
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
    const project = await ctx.scope.project(subject.projectId);
    const tombstone = { ...subject.repository, id: subject.repositoryId };
    // A repository created a moment ago is not in a cached listing yet; after a push, its size is new.
    const found = project && (await ctx.scope.repository(project, subject.repositoryId, { fresh: true }));
    if (!project || !found) return gone([tombstone]);
    const { items, complete } = await relist(kind, selector, new ScopedParents(ctx.client, { projects: [project], repositories: [found] }), (r) => r, ctx);
    return { current: items.filter((item) => item.id === found.id), tombstones: [tombstone], complete };
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
    let body: unknown;
    try {
      body = (await ctx.client.request({ path: `${project.id}/_apis/pipelines/${pipeline.id}/runs/${runId}`, apiVersion: '7.1' })).body;
    } catch (error) {
      if (error instanceof AzureDevOpsNotFoundError) return gone([tombstone]);
      throw error;
    }
    if (typeof body !== 'object' || body === null) throw new Error(`Azure DevOps answered run ${runId} of pipeline ${pipeline.id} without a run object.`);
    const item: RawItem = { ...(body as RawItem) };
    for (const key of RUN_DETAIL_KEYS) delete item[key];
    return { current: [{ ...item, __project: pipeline.__project, __pipeline: pipeline }], tombstones: [tombstone], complete: true };
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

const idOf = (value: unknown): string | undefined => {
  const raw = (value as { id?: unknown } | undefined)?.id;
  return typeof raw === 'number' || typeof raw === 'string' ? String(raw) : undefined;
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
    return { current: items.filter((item) => idOf(item.__build) === String(buildId)), tombstones: [], complete };
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
    return { current: items.filter((item) => idOf(item.release) === String(subject.releaseId)), tombstones: [], complete };
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
    return { current: items.filter((item) => idOf(item.build) === String(subject.buildId)), tombstones: [], complete };
  },
};

/** The alerts API has no id filter: the repository's alerts are listed (with the selector's criteria) and the one picked. */
const advancedSecurityAlert: LiveKind = {
  subjects: ['alert'],
  async fetch(kind, selector, subject, ctx) {
    if (subject.type !== 'alert') return gone([]);
    const project = await ctx.scope.project(subject.projectId);
    const repository = project && (await ctx.scope.repository(project, subject.repositoryId));
    const tombstone = { ...subject.resource, __repositoryId: subject.repositoryId, __projectId: project?.id ?? subject.projectId, __repository: repository ?? { id: subject.repositoryId } };
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
    const project = await ctx.scope.project(subject.projectId);
    const repository = project && (await ctx.scope.repository(project, subject.repositoryId));
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
