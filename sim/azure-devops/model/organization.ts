import { arraySource, Collection } from './collection';
import { DAY } from './dates';
import type { ParentIndex } from './distribution';
import type { GenerationContext } from './generate/context';
import { generateBoards, generateClassificationNodes, generateGroups, generateProjects, generateTeams, generateUsers } from './generate/people-and-projects';
import { commitHistoryLength, commitId, generateBranches, generateCommit, generatePolicies, generateRepositories, pullRequestSource, repositoryFiles, withFolders } from './generate/git';
import { buildSource, deploymentRecordSource, generateEnvironments, generatePipelines, generateTimeline } from './generate/pipelines';
import { generateCodeCoverage, generateTestResults, generateWikiPages, generateWikis, alertSource, testRunSource } from './generate/quality';
import { deploymentsOfRelease, generateReleaseDefinitions, releaseSource } from './generate/release';
import { toWorkItemPath, workItemSource } from './generate/work-items';
import { guidFor } from './random';
import type {
  AlertRecord,
  BoardRecord,
  BranchRecord,
  BuildRecord,
  ClassificationNodeRecord,
  CodeCoverageRecord,
  CommitRecord,
  DeploymentRecordModel,
  EnvironmentRecord,
  GroupRecord,
  PipelineRecord,
  PolicyRecord,
  ProjectRecord,
  PullRequestRecord,
  ReleaseDefinitionRecord,
  ReleaseDeploymentRecord,
  ReleaseRecord,
  RepositoryFile,
  RepositoryRecord,
  TeamRecord,
  TestResultRecord,
  TestRunRecord,
  TimelineRecordModel,
  UserRecord,
  WikiPageRecord,
  WikiRecord,
  WorkItemRecord,
} from './records';
import { resolveScale, type ScaleCounts, type ScaleOption } from './scale';

export interface OrganizationOptions {
  org: string;
  seed: number;
  scale?: ScaleOption;
  /** Reference time (ms). Default: the current UTC day at 00:00, so one day's runs agree. */
  referenceTime?: number;
}

/** Builds a `children(parent)` lookup from a generator's parent index and parent list. */
function childrenBy<P>(index: ParentIndex, parents: readonly P[], keyOf: (parent: P) => string | number): (key: string | number) => Iterable<number> {
  const position = new Map<string | number, number>();
  parents.forEach((p, i) => position.set(keyOf(p), i));
  return (key) => {
    const p = position.get(key);
    return p === undefined ? [] : index.children(p);
  };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' });

/**
 * The whole simulated organization: generated lazily from (seed, scale) with a mutation overlay.
 * Everything a route serves and everything a test expects comes from here.
 */
export class OrganizationModel {
  readonly name: string;
  readonly id: string;
  readonly seed: number;
  readonly now: number;
  readonly scale: ScaleCounts;

  readonly users: Collection<string, never, UserRecord>;
  readonly projects: Collection<string, never, ProjectRecord>;
  readonly teams: Collection<string, string, TeamRecord>;
  readonly groups: Collection<string, never, GroupRecord>;
  readonly classificationNodes: Collection<number, string, ClassificationNodeRecord>;
  readonly boards: Collection<string, string, BoardRecord>;
  readonly repositories: Collection<string, string, RepositoryRecord>;
  readonly branches: Collection<string, string, BranchRecord>;
  readonly policies: Collection<string, string, PolicyRecord>;
  readonly pullRequests: Collection<number, string, PullRequestRecord>;
  readonly pipelines: Collection<number, string, PipelineRecord>;
  readonly builds: Collection<number, number, BuildRecord>;
  readonly environments: Collection<number, string, EnvironmentRecord>;
  readonly deploymentRecords: Collection<number, number, DeploymentRecordModel>;
  readonly releaseDefinitions: Collection<string, string, ReleaseDefinitionRecord>;
  readonly releases: Collection<number, string, ReleaseRecord>;
  readonly workItems: Collection<number, string, WorkItemRecord>;
  readonly testRuns: Collection<number, string, TestRunRecord>;
  readonly alerts: Collection<number, string, AlertRecord>;
  readonly wikis: Collection<string, string, WikiRecord>;
  readonly wikiPages: Collection<string, string, WikiPageRecord>;

  private readonly ctx: GenerationContext;
  private readonly timelineOverrides = new Map<number, TimelineRecordModel[]>();
  private readonly testResultOverrides = new Map<number, TestResultRecord[]>();
  private readonly extraDeployments = new Map<number, ReleaseDeploymentRecord>();
  private readonly deploymentOverrides = new Map<number, ReleaseDeploymentRecord>();
  /** `${repositoryId}|${branch}` → path → file (null = deleted) */
  private readonly fileOverrides = new Map<string, Map<string, RepositoryFile | null>>();
  private readonly extraCommits = new Map<string, CommitRecord>();
  private readonly commitIndexCache = new Map<string, Map<string, number>>();
  /** Edits to the overlays kept outside the collections (timelines, files, commits…). */
  private overlayEdits = 0;
  private collectionList: Collection<string | number, string | number, unknown>[] | undefined;
  private nodePaths: { version: number; byPath: Map<string, Map<string, ClassificationNodeRecord>> } | undefined;
  private nextIds: Record<'workItem' | 'pullRequest' | 'build' | 'release' | 'testRun' | 'alert' | 'deploymentRecord' | 'environment' | 'pipeline' | 'node', number>;

  constructor(options: OrganizationOptions) {
    this.name = options.org;
    this.seed = options.seed;
    this.scale = resolveScale(options.scale);
    this.now = options.referenceTime ?? Math.floor(Date.now() / DAY) * DAY;
    this.id = guidFor(this.seed, 'organization', this.name);
    const ctx: GenerationContext = { org: this.name, seed: this.seed, scale: this.scale, now: this.now };
    this.ctx = ctx;

    const users = generateUsers(ctx);
    const projects = generateProjects(ctx);
    const teams = generateTeams(ctx, projects, users);
    const nodes = generateClassificationNodes(ctx, projects, teams);
    const groups = generateGroups(ctx, projects, teams, users);
    const boards = generateBoards(ctx, projects, teams);
    const repos = generateRepositories(ctx, projects);
    const branches = generateBranches(ctx, repos, users);
    const policies = generatePolicies(ctx, projects, repos, users);
    const pipelines = generatePipelines(ctx, projects, repos, users);
    const environments = generateEnvironments(ctx, projects, users);
    const definitions = generateReleaseDefinitions(ctx, projects, pipelines, users);
    const wikis = generateWikis(ctx, projects, repos);
    const wikiPages = generateWikiPages(ctx, wikis);

    this.users = new Collection({ source: arraySource(users, (u) => u.id), keyOf: (u) => u.id });
    this.projects = new Collection({ source: arraySource(projects, (p) => p.id), keyOf: (p) => p.id });
    this.teams = eagerChildren(teams, (t) => t.id, (t) => t.projectId);
    this.groups = new Collection({ source: arraySource(groups, (g) => g.descriptor), keyOf: (g) => g.descriptor });
    this.classificationNodes = eagerChildren(nodes, (n) => n.id, (n) => n.projectId);
    this.boards = eagerChildren(boards, (b) => b.id, (b) => b.teamId);
    this.repositories = eagerChildren(repos, (r) => r.id, (r) => r.projectId);
    this.branches = eagerChildren(branches, (b) => b.key, (b) => b.repositoryId);
    this.policies = eagerChildren(policies, (p) => p.key, (p) => p.projectId);
    this.pipelines = eagerChildren(pipelines, (p) => p.id, (p) => p.projectId);
    this.environments = eagerChildren(environments, (e) => e.id, (e) => e.projectId);
    this.releaseDefinitions = eagerChildren(definitions, (d): string => `${d.projectId}|${d.id}`, (d) => d.projectId);
    this.wikis = eagerChildren(wikis, (w) => w.id, (w) => w.projectId);
    this.wikiPages = eagerChildren(wikiPages, (p) => p.key, (p) => p.wikiId);

    const pr = pullRequestSource(ctx, repos, (id) => this.branches.children(id), users);
    this.pullRequests = new Collection({ source: pr.source, keyOf: (p) => p.id, parentOf: (p) => p.repositoryId, baseChildren: childrenBy(pr.index, pr.repos, (r) => r.id) as (k: string) => Iterable<number> });

    const build = buildSource(ctx, pipelines, (id) => this.repositories.get(id), users);
    const buildChildren = childrenBy(build.index, build.pipelines, (p) => p.id);
    this.builds = new Collection({ source: build.source, keyOf: (b) => b.id, parentOf: (b) => b.pipelineId, baseChildren: buildChildren as (k: number) => Iterable<number> });
    const baseBuildsOf = (pipelineId: number) => {
      const position = build.pipelines.findIndex((p) => p.id === pipelineId);
      return position < 0 ? new Uint32Array() : build.index.children(position);
    };
    const pipelinesOf = (projectId: string) => pipelines.filter((p) => p.projectId === projectId);

    const deployments = deploymentRecordSource(ctx, environments, pipelinesOf, baseBuildsOf);
    this.deploymentRecords = new Collection({ source: deployments.source, keyOf: (d) => d.id, parentOf: (d) => d.environmentId, baseChildren: childrenBy(deployments.index, environments, (e) => e.id) as (k: number) => Iterable<number> });

    const release = releaseSource(ctx, definitions, users);
    const releasesOfDefinition = childrenBy(release.index, definitions, (d) => `${d.projectId}|${d.id}`);
    this.releases = new Collection({
      source: release.source,
      keyOf: (r) => r.id,
      parentOf: (r): string => `${r.projectId}|${r.definitionId}`,
      baseChildren: releasesOfDefinition as (k: string) => Iterable<number>,
    });

    const wi = workItemSource(ctx, { projects, teams, nodes, boards, users });
    this.workItems = new Collection({ source: wi.source, keyOf: (w) => w.id, parentOf: (w) => w.projectId, baseChildren: childrenBy(wi.index, wi.projects, (p) => p.id) as (k: string) => Iterable<number> });

    const tr = testRunSource(ctx, projects, pipelinesOf, baseBuildsOf, users);
    this.testRuns = new Collection({ source: tr.source, keyOf: (r) => r.id, parentOf: (r) => r.projectId, baseChildren: childrenBy(tr.index, tr.projects, (p) => p.id) as (k: string) => Iterable<number> });

    const al = alertSource(ctx, repos);
    this.alerts = new Collection({ source: al.source, keyOf: (a) => a.alertId, parentOf: (a) => a.repositoryId, baseChildren: childrenBy(al.index, al.repos, (r) => r.id) as (k: string) => Iterable<number> });

    this.nextIds = {
      workItem: (wi.source.size > 0 ? wi.source.keyAt(wi.source.size - 1) : 0) + 1,
      pullRequest: pr.source.size + 1,
      build: build.source.size + 1,
      release: release.source.size + 1,
      testRun: tr.source.size + 1,
      alert: al.source.size + 1,
      deploymentRecord: deployments.source.size + 1,
      environment: environments.length + 1,
      pipeline: pipelines.length + 1,
      node: nodes.length + 1,
    };
  }

  /**
   * Derives every base record now rather than on first read. The benchmark warms the organization
   * before timing, so that a first run does not pay for the simulator's lazy generation (CPU on
   * the cores the engine shares) where a real service pays nothing; tests stay lazy.
   */
  warm(): number {
    let records = 0;
    // Counting reads every record.
    for (const collection of this.collections()) records += collection.count();
    return records;
  }

  /**
   * Changes whenever an answer may: every mutation of a collection or an overlay moves it. What
   * the answer memo checks before it replays an answer.
   */
  get version(): number {
    let version = this.overlayEdits;
    for (const collection of this.collections()) version += collection.version;
    return version;
  }

  /** Every collection of the model, found rather than listed, so one added later is warmed and versioned too. */
  private collections(): Collection<string | number, string | number, unknown>[] {
    this.collectionList ??= (Object.values(this) as unknown[]).filter((m): m is Collection<string | number, string | number, unknown> => m instanceof Collection);
    return this.collectionList;
  }

  /** Hands out the next id of a kind (for created items). */
  nextId(kind: keyof OrganizationModel['nextIds']): number {
    const id = this.nextIds[kind];
    this.nextIds[kind] = id + 1;
    return id;
  }

  // ---- lookups -------------------------------------------------------------------------------

  /** A project by id or name (case-insensitive), in any state. */
  project(idOrName: string): ProjectRecord | undefined {
    const byId = this.projects.get(idOrName.toLowerCase());
    if (byId) return byId;
    const lower = idOrName.toLowerCase();
    for (const p of this.projects.all()) if (p.name.toLowerCase() === lower) return p;
    return undefined;
  }

  projectList(): ProjectRecord[] {
    return [...this.projects.all()].sort(byName);
  }

  team(projectId: string, idOrName: string): TeamRecord | undefined {
    const lower = idOrName.toLowerCase();
    return this.teams.children(projectId).find((t) => t.id === lower || t.name.toLowerCase() === lower);
  }

  teamsOf(projectId: string): TeamRecord[] {
    return this.teams.children(projectId).sort(byName);
  }

  /** The organization owner: the identity PATs act as. */
  owner(): UserRecord | undefined {
    for (const user of this.users.all()) return user;
    return undefined;
  }

  user(id: string): UserRecord | undefined {
    return this.users.get(id.toLowerCase());
  }

  userByDescriptor(descriptor: string): UserRecord | undefined {
    for (const u of this.users.all()) if (u.descriptor === descriptor) return u;
    return undefined;
  }

  group(descriptor: string): GroupRecord | undefined {
    return this.groups.get(descriptor);
  }

  /** A repository by id (anywhere) or by name (within the project, when given). */
  repository(idOrName: string, projectId?: string): RepositoryRecord | undefined {
    const byId = this.repositories.get(idOrName.toLowerCase());
    if (byId && (projectId === undefined || byId.projectId === projectId)) return byId;
    if (projectId === undefined) return undefined;
    const lower = idOrName.toLowerCase();
    return this.repositories.children(projectId).find((r) => r.name.toLowerCase() === lower);
  }

  repositoriesOf(projectId: string): RepositoryRecord[] {
    return this.repositories.children(projectId).sort(byName);
  }

  branchesOf(repositoryId: string): BranchRecord[] {
    return this.branches.children(repositoryId).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  pullRequestsOf(repositoryId: string): PullRequestRecord[] {
    return this.pullRequests.children(repositoryId);
  }

  pipelinesOf(projectId: string): PipelineRecord[] {
    return this.pipelines.children(projectId);
  }

  buildsOfPipeline(pipelineId: number): BuildRecord[] {
    return this.builds.children(pipelineId);
  }

  buildsOfProject(projectId: string): BuildRecord[] {
    return this.pipelinesOf(projectId).flatMap((p) => this.builds.children(p.id));
  }

  timeline(buildId: number): TimelineRecordModel[] | undefined {
    const override = this.timelineOverrides.get(buildId);
    if (override) return override;
    const build = this.builds.get(buildId);
    return build ? generateTimeline(this.seed, build) : undefined;
  }

  setTimeline(buildId: number, records: TimelineRecordModel[]): void {
    this.timelineOverrides.set(buildId, records);
    this.overlayEdits++;
  }

  environmentsOf(projectId: string): EnvironmentRecord[] {
    return this.environments.children(projectId);
  }

  deploymentRecordsOf(environmentId: number): DeploymentRecordModel[] {
    return this.deploymentRecords.children(environmentId);
  }

  releaseDefinitionsOf(projectId: string): ReleaseDefinitionRecord[] {
    return this.releaseDefinitions.children(projectId);
  }

  releaseDefinition(projectId: string, id: number): ReleaseDefinitionRecord | undefined {
    return this.releaseDefinitions.get(`${projectId}|${id}`);
  }

  releasesOfProject(projectId: string): ReleaseRecord[] {
    return this.releaseDefinitionsOf(projectId).flatMap((d) => this.releases.children(`${projectId}|${d.id}`));
  }

  /** Deployments of a release: derived from its environments' statuses, plus later attempts. */
  deploymentsOfRelease(release: ReleaseRecord): ReleaseDeploymentRecord[] {
    const base = deploymentsOfRelease(this.seed, release).map((d) => this.deploymentOverrides.get(d.id) ?? d);
    const extra = [...this.extraDeployments.values()].filter((d) => d.releaseId === release.id);
    return [...base, ...extra];
  }

  releaseDeploymentsOfProject(projectId: string): ReleaseDeploymentRecord[] {
    return this.releasesOfProject(projectId).flatMap((r) => this.deploymentsOfRelease(r));
  }

  putReleaseDeployment(deployment: ReleaseDeploymentRecord): void {
    const release = this.releases.get(deployment.releaseId);
    const base = release ? deploymentsOfRelease(this.seed, release).some((d) => d.id === deployment.id) : false;
    if (base) this.deploymentOverrides.set(deployment.id, deployment);
    else this.extraDeployments.set(deployment.id, deployment);
    this.overlayEdits++;
  }

  workItemsOf(projectId: string): WorkItemRecord[] {
    return this.workItems.children(projectId);
  }

  nodesOf(projectId: string, structureType: 'area' | 'iteration'): ClassificationNodeRecord[] {
    return this.classificationNodes.children(projectId).filter((n) => n.structureType === structureType);
  }

  /**
   * The area or iteration node a work item's path names (`Project\\Team A`, matched without case),
   * from a table built once per change of the nodes: every work item read looks up two.
   */
  nodeAtWorkItemPath(projectId: string, structureType: 'area' | 'iteration', path: string): ClassificationNodeRecord | undefined {
    if (this.nodePaths?.version !== this.classificationNodes.version) this.nodePaths = { version: this.classificationNodes.version, byPath: new Map() };
    const key = `${projectId}|${structureType}`;
    let byPath = this.nodePaths.byPath.get(key);
    if (!byPath) {
      byPath = new Map();
      // The first node wins, as a scan in order would find it.
      for (const node of this.nodesOf(projectId, structureType).reverse()) byPath.set(toWorkItemPath(node.path).toLowerCase(), node);
      this.nodePaths.byPath.set(key, byPath);
    }
    return byPath.get(path.toLowerCase());
  }

  boardsOf(teamId: string): BoardRecord[] {
    return this.boards.children(teamId);
  }

  testRunsOf(projectId: string): TestRunRecord[] {
    return this.testRuns.children(projectId);
  }

  testResults(runId: number): TestResultRecord[] | undefined {
    const override = this.testResultOverrides.get(runId);
    if (override) return override;
    const run = this.testRuns.get(runId);
    return run ? generateTestResults(this.seed, run) : undefined;
  }

  setTestResults(runId: number, results: TestResultRecord[]): void {
    this.testResultOverrides.set(runId, results);
    this.overlayEdits++;
  }

  codeCoverage(buildId: number): CodeCoverageRecord | undefined {
    return this.builds.get(buildId) ? generateCodeCoverage(this.seed, buildId) : undefined;
  }

  alertsOf(repositoryId: string): AlertRecord[] {
    return this.alerts.children(repositoryId);
  }

  wikisOf(projectId: string): WikiRecord[] {
    return this.wikis.children(projectId);
  }

  wikiPagesOf(wikiId: string): WikiPageRecord[] {
    return this.wikiPages.children(wikiId).sort((a, b) => a.order - b.order);
  }

  // ---- repository content ---------------------------------------------------------------------

  /** Files and folders of a branch (default branch when omitted), sorted by path. */
  files(repositoryId: string, branch?: string): RepositoryFile[] | undefined {
    const repo = this.repositories.get(repositoryId);
    if (!repo || repo.defaultBranch === null) return repo ? [] : undefined;
    const ref = branch ?? repo.defaultBranch;
    if (!this.branches.get(`${repo.id}|${ref}`)) return undefined;
    const base = repositoryFiles(this.seed, repo);
    const overlay = this.fileOverrides.get(`${repo.id}|${ref}`);
    if (!overlay) return base;
    const byPath = new Map(base.filter((f) => !f.isFolder).map((f) => [f.path, f]));
    for (const [path, file] of overlay) {
      if (file === null) byPath.delete(path);
      else byPath.set(path, file);
    }
    return withFolders([...byPath.values()]);
  }

  setFile(repositoryId: string, branch: string, path: string, content: string | null): void {
    const key = `${repositoryId}|${branch}`;
    const overlay = this.fileOverrides.get(key) ?? new Map<string, RepositoryFile | null>();
    overlay.set(path, content === null ? null : { path, isFolder: false, content });
    this.fileOverrides.set(key, overlay);
    this.overlayEdits++;
  }

  /** A commit of a repository: the default branch's history, pushed commits, or a branch tip. */
  commit(repositoryId: string, sha: string): CommitRecord | undefined {
    const repo = this.repositories.get(repositoryId);
    if (!repo || repo.defaultBranch === null) return undefined;
    const extra = this.extraCommits.get(`${repo.id}|${sha}`);
    if (extra) return extra;
    let index = this.commitIndexCache.get(repo.id);
    if (!index) {
      index = new Map();
      for (let i = 0; i < commitHistoryLength(this.seed, repo.id); i++) index.set(commitId(this.seed, repo.id, i), i);
      this.commitIndexCache.set(repo.id, index);
    }
    const position = index.get(sha);
    if (position !== undefined) return generateCommit(this.ctx, repo, [...this.users.all()], position);
    const branch = this.branches.children(repo.id).find((b) => b.objectId === sha);
    if (branch) {
      const tip = generateCommit(this.ctx, repo, [...this.users.all()], commitHistoryLength(this.seed, repo.id) - 1);
      return { ...tip, commitId: sha, parents: [tip.commitId], comment: `Work on ${branch.name.replace('refs/heads/', '')}`, authorId: branch.creatorId };
    }
    return undefined;
  }

  /** The default branch's history, newest first, then pushed commits. */
  commits(repositoryId: string): CommitRecord[] {
    const repo = this.repositories.get(repositoryId);
    if (!repo || repo.defaultBranch === null) return [];
    const users = [...this.users.all()];
    const out: CommitRecord[] = [];
    for (let i = commitHistoryLength(this.seed, repo.id) - 1; i >= 0; i--) out.push(generateCommit(this.ctx, repo, users, i));
    const pushed = [...this.extraCommits.values()].filter((c) => c.repositoryId === repo.id).reverse();
    return [...pushed, ...out];
  }

  addCommit(commit: CommitRecord): void {
    this.extraCommits.set(`${commit.repositoryId}|${commit.commitId}`, commit);
    this.overlayEdits++;
  }
}

function eagerChildren<K extends string | number, R>(records: readonly R[], keyOf: (r: R) => K, parentOf: (r: R) => string): Collection<K, string, R> {
  const groups = new Map<string, number[]>();
  records.forEach((r, i) => {
    const parent = parentOf(r);
    const list = groups.get(parent) ?? [];
    list.push(i);
    groups.set(parent, list);
  });
  return new Collection({ source: arraySource(records, keyOf), keyOf, parentOf, baseChildren: (parent) => groups.get(parent) ?? [] });
}
