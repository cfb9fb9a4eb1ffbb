import { randomUUID } from 'node:crypto';
import { alertJson } from '../api/advsec';
import { alertEvent, buildCompleteEvent, deploymentEvent, jobStateEvent, pullRequestEvent, pushEvent, releaseEvent, repositoryEvent, runStateEvent, stageStateEvent, workItemEvent } from '../hooks/events';
import type { HookEvent, ServiceHookStore } from '../hooks/subscriptions';
import type { Collection } from '../model/collection';
import { descriptorPart } from '../model/generate/context';
import { commitHistoryLength, commitId as defaultCommitId } from '../model/generate/git';
import { stageNamesFor, generateTimeline } from '../model/generate/pipelines';
import { releaseDeploymentId } from '../model/generate/release';
import type { OrganizationModel } from '../model/organization';
import { PROCESSES, stateCategory, workItemType } from '../model/processes';
import { shaFor } from '../model/random';
import type {
  AlertRecord,
  BranchRecord,
  BuildRecord,
  BuildResult,
  BuildStatus,
  CommitRecord,
  DeploymentRecordModel,
  DeploymentStatus,
  EnvironmentRecord,
  GroupRecord,
  PipelineRecord,
  PolicyRecord,
  ProjectRecord,
  PullRequestRecord,
  ReleaseDeploymentRecord,
  ReleaseEnvironmentStatus,
  ReleaseRecord,
  RepositoryRecord,
  TeamRecord,
  TestRunRecord,
  TimelineRecordModel,
  TimelineResult,
  UserRecord,
  WikiPageRecord,
  WorkItemRecord,
} from '../model/records';

/**
 * Changes to the organization, as a user or a pipeline would make them. Each change updates the
 * model (through the collections' overlay) and publishes the service-hook events the real service
 * raises for it, so webhook receivers can be tested end to end.
 */

const ZERO_SHA = '0000000000000000000000000000000000000000';

type Collections = {
  [K in keyof OrganizationModel as OrganizationModel[K] extends Collection<string | number, string | number, unknown> ? K : never]: OrganizationModel[K];
};
export type CollectionName = keyof Collections;

function fail(message: string): never {
  throw new Error(message);
}

/** Asserts that a looked-up record exists. */
function must<T>(value: T | undefined, message: string): T {
  return value ?? fail(message);
}

export class Mutations {
  private pushCounter = 5000;

  constructor(
    private readonly model: () => OrganizationModel,
    private readonly hooks: ServiceHookStore,
  ) {}

  private get org(): OrganizationModel {
    return this.model();
  }

  private publish(event: HookEvent): void {
    this.hooks.publish(event);
  }

  private actor(id?: string): UserRecord {
    const user = id ? this.org.user(id) : this.org.owner();
    return user ?? fail(`No user ${id ?? '(owner)'}.`);
  }

  // ---- generic ------------------------------------------------------------------------------------

  /** Creates or replaces any record (rename, move, change any field). No events. */
  put<N extends CollectionName>(collection: N, record: Parameters<Collections[N]['put']>[0]): void {
    (this.org[collection] as unknown as Collection<string | number, string | number, unknown>).put(record);
  }

  /** Deletes any record by key. No events. */
  remove<N extends CollectionName>(collection: N, key: string | number): boolean {
    return (this.org[collection] as unknown as Collection<string | number, string | number, unknown>).delete(key) !== undefined;
  }

  // ---- core ---------------------------------------------------------------------------------------

  createProject(input: { name: string; description?: string; process?: ProjectRecord['process']; visibility?: ProjectRecord['visibility']; state?: ProjectRecord['state'] }): ProjectRecord {
    if (this.org.project(input.name)) fail(`A project named ${input.name} exists.`);
    const id = randomUUID();
    const teamId = randomUUID();
    const project: ProjectRecord = { id, name: input.name, description: input.description ?? '', state: input.state ?? 'wellFormed', visibility: input.visibility ?? 'private', revision: 1, lastUpdateTime: Date.now(), process: input.process ?? 'Agile', defaultTeamId: teamId, tags: [] };
    this.org.projects.put(project);
    const owner = this.actor();
    this.org.teams.put({ id: teamId, projectId: id, name: `${input.name} Team`, description: 'The default project team.', isDefault: true, memberIds: [owner.id], adminIds: [owner.id], areaPath: input.name, iterationIds: [] });
    return project;
  }

  updateProject(id: string, patch: Partial<Omit<ProjectRecord, 'id'>>): ProjectRecord {
    const project = this.org.projects.get(id) ?? fail(`No project ${id}.`);
    const updated = { ...project, ...patch, revision: project.revision + 1, lastUpdateTime: Date.now() };
    this.org.projects.put(updated);
    return updated;
  }

  deleteProject(id: string): void {
    must(this.org.projects.delete(id), `No project ${id}.`);
  }

  createTeam(projectId: string, input: { name: string; description?: string; memberIds?: string[] }): TeamRecord {
    const project = this.org.projects.get(projectId) ?? fail(`No project ${projectId}.`);
    const team: TeamRecord = { id: randomUUID(), projectId, name: input.name, description: input.description ?? '', isDefault: false, memberIds: input.memberIds ?? [], adminIds: (input.memberIds ?? []).slice(0, 1), areaPath: `${project.name}\\${input.name}`, iterationIds: [] };
    this.org.teams.put(team);
    return team;
  }

  updateTeam(id: string, patch: Partial<Omit<TeamRecord, 'id' | 'projectId'>>): TeamRecord {
    const team = this.org.teams.get(id) ?? fail(`No team ${id}.`);
    const updated = { ...team, ...patch };
    this.org.teams.put(updated);
    return updated;
  }

  deleteTeam(id: string): void {
    must(this.org.teams.delete(id), `No team ${id}.`);
  }

  createUser(input: { displayName: string; mailAddress: string; license?: UserRecord['accessLevel'] }): UserRecord {
    const originId = randomUUID();
    const user: UserRecord = {
      id: randomUUID(),
      descriptor: `aad.${descriptorPart(originId)}`,
      displayName: input.displayName,
      mailAddress: input.mailAddress,
      principalName: input.mailAddress,
      origin: 'aad',
      originId,
      directoryAlias: input.mailAddress.split('@')[0] ?? input.displayName,
      createdDate: Date.now(),
      lastAccessedDate: null,
      accessLevel: input.license ?? { accountLicenseType: 'express', licenseDisplayName: 'Basic', licensingSource: 'account', msdnLicenseType: 'none', status: 'pending' },
    };
    this.org.users.put(user);
    return user;
  }

  deleteUser(id: string): void {
    const user = this.org.users.delete(id) ?? fail(`No user ${id}.`);
    for (const group of [...this.org.groups.all()]) {
      if (group.memberDescriptors.includes(user.descriptor)) this.org.groups.put({ ...group, memberDescriptors: group.memberDescriptors.filter((d) => d !== user.descriptor) });
    }
  }

  createGroup(input: { displayName: string; projectId?: string; description?: string; memberDescriptors?: string[] }): GroupRecord {
    const project = input.projectId ? (this.org.projects.get(input.projectId) ?? fail(`No project ${input.projectId}.`)) : undefined;
    const id = randomUUID();
    const group: GroupRecord = { id, descriptor: `vssgp.${descriptorPart(`S-1-9-1551374245-${id}`)}`, displayName: input.displayName, principalName: `[${project?.name ?? this.org.name}]\\${input.displayName}`, description: input.description ?? '', projectId: project?.id ?? null, kind: 'custom', memberDescriptors: input.memberDescriptors ?? [] };
    this.org.groups.put(group);
    return group;
  }

  addGroupMember(groupDescriptor: string, memberDescriptor: string): void {
    const group = this.org.group(groupDescriptor) ?? fail(`No group ${groupDescriptor}.`);
    if (!group.memberDescriptors.includes(memberDescriptor)) this.org.groups.put({ ...group, memberDescriptors: [...group.memberDescriptors, memberDescriptor] });
  }

  removeGroupMember(groupDescriptor: string, memberDescriptor: string): void {
    const group = this.org.group(groupDescriptor) ?? fail(`No group ${groupDescriptor}.`);
    this.org.groups.put({ ...group, memberDescriptors: group.memberDescriptors.filter((d) => d !== memberDescriptor) });
  }

  // ---- git ----------------------------------------------------------------------------------------

  /** Creates a repository with an initial commit on its default branch (unless `empty`). Fires `git.repo.created`. */
  createRepository(projectId: string, input: { name: string; defaultBranch?: string; empty?: boolean; advancedSecurityEnabled?: boolean }): RepositoryRecord {
    must(this.org.projects.get(projectId), `No project ${projectId}.`);
    if (this.org.repository(input.name, projectId)) fail(`A repository named ${input.name} exists in the project.`);
    const repo: RepositoryRecord = { id: randomUUID(), projectId, name: input.name, defaultBranch: input.empty ? null : (input.defaultBranch ?? 'refs/heads/main'), size: 0, isDisabled: false, isFork: false, createdDate: Date.now(), advancedSecurityEnabled: input.advancedSecurityEnabled ?? false };
    this.org.repositories.put(repo);
    if (repo.defaultBranch) this.org.branches.put({ key: `${repo.id}|${repo.defaultBranch}`, repositoryId: repo.id, name: repo.defaultBranch, objectId: defaultCommitId(this.org.seed, repo.id, commitHistoryLength(this.org.seed, repo.id) - 1), creatorId: this.actor().id });
    this.publish(repositoryEvent(this.org, repo, 'git.repo.created'));
    return repo;
  }

  /** Renames, disables/enables or otherwise changes a repository; fires renamed/statuschanged as apt. */
  updateRepository(id: string, patch: Partial<Omit<RepositoryRecord, 'id'>>): RepositoryRecord {
    const repo = this.org.repositories.get(id) ?? fail(`No repository ${id}.`);
    const updated = { ...repo, ...patch };
    this.org.repositories.put(updated);
    if (patch.name !== undefined && patch.name !== repo.name) this.publish(repositoryEvent(this.org, updated, 'git.repo.renamed', repo.name));
    if (patch.isDisabled !== undefined && patch.isDisabled !== repo.isDisabled) this.publish(repositoryEvent(this.org, updated, 'git.repo.statuschanged'));
    return updated;
  }

  deleteRepository(id: string): void {
    const repo = this.org.repositories.delete(id) ?? fail(`No repository ${id}.`);
    this.publish(repositoryEvent(this.org, repo, 'git.repo.deleted'));
  }

  /**
   * Pushes one commit to a branch (created when missing): files map path → content (null deletes).
   * Fires `git.push` with the ref update and the commit.
   */
  push(repositoryId: string, input: { branch?: string; files?: Record<string, string | null>; message?: string; pushedById?: string }): { commit: CommitRecord; pushId: number } {
    const repo = this.org.repositories.get(repositoryId) ?? fail(`No repository ${repositoryId}.`);
    if (!repo.defaultBranch) fail(`Repository ${repo.name} is empty; create it with a default branch.`);
    const branchName = input.branch ? (input.branch.startsWith('refs/') ? input.branch : `refs/heads/${input.branch}`) : repo.defaultBranch;
    const existing = this.org.branches.get(`${repo.id}|${branchName}`);
    const pusher = this.actor(input.pushedById);
    const pushId = ++this.pushCounter;
    const sha = shaFor(this.org.seed, 'pushed-commit', `${repo.id}:${pushId}:${Date.now()}`);
    const before = this.org.files(repo.id, existing ? branchName : repo.defaultBranch) ?? [];
    if (!existing) {
      // A new branch starts from the default branch's files.
      for (const f of before) if (!f.isFolder && f.content !== null) this.org.setFile(repo.id, branchName, f.path, f.content);
    }
    const changes: CommitRecord['changes'] = [];
    for (const [path, content] of Object.entries(input.files ?? {})) {
      const had = before.some((f) => f.path === path && !f.isFolder);
      this.org.setFile(repo.id, branchName, path, content);
      changes.push({ path, changeType: content === null ? 'delete' : had ? 'edit' : 'add' });
    }
    const commit: CommitRecord = { commitId: sha, repositoryId: repo.id, parents: existing ? [existing.objectId] : [], authorId: pusher.id, authorDate: Date.now(), comment: input.message ?? 'Update files', changes };
    this.org.addCommit(commit);
    const branch: BranchRecord = { key: `${repo.id}|${branchName}`, repositoryId: repo.id, name: branchName, objectId: sha, creatorId: existing?.creatorId ?? pusher.id };
    this.org.branches.put(branch);
    this.publish(pushEvent(this.org, repo, { pushId, date: Date.now(), pushedById: pusher.id, refUpdates: [{ name: branchName, oldObjectId: existing?.objectId ?? ZERO_SHA, newObjectId: sha }], commits: [commit] }));
    return { commit, pushId };
  }

  /** Deletes a branch (a push whose ref update ends at the zero object id). */
  deleteBranch(repositoryId: string, branch: string, pushedById?: string): void {
    const repo = this.org.repositories.get(repositoryId) ?? fail(`No repository ${repositoryId}.`);
    const name = branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
    const existing = this.org.branches.delete(`${repo.id}|${name}`) ?? fail(`No branch ${name}.`);
    const pusher = this.actor(pushedById);
    this.publish(pushEvent(this.org, repo, { pushId: ++this.pushCounter, date: Date.now(), pushedById: pusher.id, refUpdates: [{ name, oldObjectId: existing.objectId, newObjectId: ZERO_SHA }], commits: [] }));
  }

  createPullRequest(repositoryId: string, input: { title: string; sourceRefName: string; targetRefName?: string; description?: string; creatorId?: string; reviewerIds?: string[]; isDraft?: boolean }): PullRequestRecord {
    const repo = this.org.repositories.get(repositoryId) ?? fail(`No repository ${repositoryId}.`);
    const creator = this.actor(input.creatorId);
    const id = this.org.nextId('pullRequest');
    const source = this.org.branches.get(`${repo.id}|${input.sourceRefName}`);
    const target = this.org.branches.get(`${repo.id}|${input.targetRefName ?? repo.defaultBranch ?? ''}`);
    const pr: PullRequestRecord = {
      id,
      repositoryId: repo.id,
      projectId: repo.projectId,
      status: 'active',
      isDraft: input.isDraft ?? false,
      title: input.title,
      description: input.description ?? '',
      creatorId: creator.id,
      creationDate: Date.now(),
      closedDate: null,
      closedById: null,
      sourceRefName: input.sourceRefName,
      targetRefName: input.targetRefName ?? repo.defaultBranch ?? 'refs/heads/main',
      mergeStatus: 'succeeded',
      mergeId: randomUUID(),
      sourceCommitId: source?.objectId ?? shaFor(this.org.seed, 'pr-source', id),
      targetCommitId: target?.objectId ?? ZERO_SHA,
      mergeCommitId: shaFor(this.org.seed, 'pr-merge-commit', id),
      reviewers: (input.reviewerIds ?? []).map((rid) => ({ id: rid, vote: 0, isRequired: false })),
    };
    this.org.pullRequests.put(pr);
    this.publish(pullRequestEvent(this.org, pr, 'git.pullrequest.created'));
    return pr;
  }

  /**
   * Updates a pull request. Completing it fires `git.pullrequest.merged` and `…updated`; other
   * changes fire `…updated` with the matching notification type.
   */
  updatePullRequest(id: number, patch: Partial<Pick<PullRequestRecord, 'title' | 'description' | 'status' | 'isDraft' | 'reviewers' | 'mergeStatus' | 'targetRefName'>> & { closedById?: string }): PullRequestRecord {
    const pr = this.org.pullRequests.get(id) ?? fail(`No pull request ${id}.`);
    const closing = patch.status !== undefined && patch.status !== 'active' && pr.status === 'active';
    const updated: PullRequestRecord = {
      ...pr,
      ...patch,
      closedDate: closing ? Date.now() : patch.status === 'active' ? null : pr.closedDate,
      closedById: closing ? this.actor(patch.closedById).id : patch.status === 'active' ? null : pr.closedById,
    };
    this.org.pullRequests.put(updated);
    if (closing && updated.status === 'completed') this.publish(pullRequestEvent(this.org, updated, 'git.pullrequest.merged'));
    const notification = patch.status !== undefined ? 'StatusUpdateNotification' : patch.reviewers !== undefined ? 'ReviewerVoteNotification' : 'PushNotification';
    this.publish(pullRequestEvent(this.org, updated, 'git.pullrequest.updated', notification));
    return updated;
  }

  createPolicy(projectId: string, input: Omit<PolicyRecord, 'key' | 'id' | 'projectId' | 'revision' | 'createdDate' | 'createdById' | 'isDeleted'> & { createdById?: string }): PolicyRecord {
    const existing = this.org.policies.children(projectId);
    const id = existing.reduce((max, p) => Math.max(max, p.id), 0) + 1;
    const policy: PolicyRecord = { ...input, key: `${projectId}|${id}`, id, projectId, revision: 1, createdDate: Date.now(), createdById: this.actor(input.createdById).id, isDeleted: false };
    this.org.policies.put(policy);
    return policy;
  }

  updatePolicy(projectId: string, id: number, patch: Partial<Pick<PolicyRecord, 'isEnabled' | 'isBlocking' | 'settings' | 'scopes'>>): PolicyRecord {
    const policy = this.org.policies.get(`${projectId}|${id}`) ?? fail(`No policy ${id}.`);
    const updated = { ...policy, ...patch, revision: policy.revision + 1 };
    this.org.policies.put(updated);
    return updated;
  }

  deletePolicy(projectId: string, id: number): void {
    must(this.org.policies.delete(`${projectId}|${id}`), `No policy ${id}.`);
  }

  // ---- pipelines ----------------------------------------------------------------------------------

  createPipeline(projectId: string, input: { name: string; repositoryId?: string; folder?: string; yamlPath?: string }): PipelineRecord {
    must(this.org.projects.get(projectId), `No project ${projectId}.`);
    const pipeline: PipelineRecord = { id: this.org.nextId('pipeline') + 100_000, projectId, name: input.name, folder: input.folder ?? '\\', revision: 1, repositoryId: input.repositoryId ?? null, yamlPath: input.yamlPath ?? '/azure-pipelines.yml', configurationType: 'yaml', createdDate: Date.now(), queueStatus: 'enabled', authorId: this.actor().id };
    this.org.pipelines.put(pipeline);
    return pipeline;
  }

  updatePipeline(id: number, patch: Partial<Omit<PipelineRecord, 'id'>>): PipelineRecord {
    const pipeline = this.org.pipelines.get(id) ?? fail(`No pipeline ${id}.`);
    const updated = { ...pipeline, ...patch, revision: pipeline.revision + 1 };
    this.org.pipelines.put(updated);
    return updated;
  }

  deletePipeline(id: number): void {
    must(this.org.pipelines.delete(id), `No pipeline ${id}.`);
  }

  /** Queues a run (= build) of a pipeline, in progress. Fires run-state-changed (InProgress). */
  queueRun(pipelineId: number, input: { sourceBranch?: string; requestedForId?: string; reason?: BuildRecord['reason'] } = {}): BuildRecord {
    const pipeline = this.org.pipelines.get(pipelineId) ?? fail(`No pipeline ${pipelineId}.`);
    const repo = pipeline.repositoryId ? this.org.repositories.get(pipeline.repositoryId) : undefined;
    const id = this.org.nextId('build');
    const now = Date.now();
    const build: BuildRecord = {
      id,
      buildNumber: `${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}.${(id % 7) + 1}`,
      pipelineId,
      projectId: pipeline.projectId,
      status: 'inProgress',
      result: null,
      queueTime: now,
      startTime: now,
      finishTime: null,
      reason: input.reason ?? 'manual',
      sourceBranch: input.sourceBranch ?? repo?.defaultBranch ?? 'refs/heads/main',
      sourceVersion: repo ? (this.org.branches.get(`${repo.id}|${repo.defaultBranch ?? ''}`)?.objectId ?? ZERO_SHA) : ZERO_SHA,
      requestedForId: this.actor(input.requestedForId).id,
      repositoryId: pipeline.repositoryId,
      tags: [],
      stageNames: stageNamesFor(this.org.seed, pipelineId),
      lastChangedDate: now,
    };
    this.org.builds.put(build);
    this.org.setTimeline(id, generateTimeline(this.org.seed, build));
    this.publish(runStateEvent(this.org, build));
    return build;
  }

  /** Changes a run's state. Completion fires run-state-changed and `build.complete`. */
  setRunState(buildId: number, state: { status: BuildStatus; result?: BuildResult | null }): BuildRecord {
    const build = this.org.builds.get(buildId) ?? fail(`No build ${buildId}.`);
    const now = Date.now();
    const updated: BuildRecord = { ...build, status: state.status, result: state.status === 'completed' ? (state.result ?? 'succeeded') : null, finishTime: state.status === 'completed' ? now : null, startTime: build.startTime ?? now, lastChangedDate: now };
    this.org.builds.put(updated);
    if (updated.status === 'completed') {
      const result: TimelineResult = updated.result === 'failed' ? 'failed' : updated.result === 'canceled' ? 'canceled' : 'succeeded';
      const finishing = (this.org.timeline(buildId) ?? []).map((r): TimelineRecordModel => (r.state === 'completed' ? r : { ...r, state: 'completed', result, finishTime: now, startTime: r.startTime ?? now }));
      this.org.setTimeline(buildId, finishing);
    }
    this.publish(runStateEvent(this.org, updated));
    if (updated.status === 'completed') this.publish(buildCompleteEvent(this.org, updated));
    return updated;
  }

  private timelineRecord(buildId: number, stageName: string): { records: TimelineRecordModel[]; stage: TimelineRecordModel; build: BuildRecord } {
    const build = this.org.builds.get(buildId) ?? fail(`No build ${buildId}.`);
    const records = this.org.timeline(buildId) ?? [];
    const stage = records.find((r) => r.type === 'Stage' && (r.name === stageName || r.identifier === stageName)) ?? fail(`Build ${buildId} has no stage ${stageName}.`);
    return { records, stage, build };
  }

  /** Changes a stage's state in the run's timeline. Fires stage-state-changed. */
  setStageState(buildId: number, stageName: string, state: TimelineRecordModel['state'], result: TimelineResult | null = null): TimelineRecordModel {
    const { records, stage, build } = this.timelineRecord(buildId, stageName);
    const now = Date.now();
    const updated: TimelineRecordModel = { ...stage, state, result: state === 'completed' ? (result ?? 'succeeded') : null, startTime: stage.startTime ?? (state === 'pending' ? null : now), finishTime: state === 'completed' ? now : null };
    this.org.setTimeline(buildId, records.map((r) => (r.id === stage.id ? updated : r)));
    this.org.builds.put({ ...build, lastChangedDate: now });
    this.publish(stageStateEvent(this.org, build, updated));
    return updated;
  }

  /** Changes the state of a stage's job. Fires job-state-changed. */
  setJobState(buildId: number, stageName: string, state: TimelineRecordModel['state'], result: TimelineResult | null = null): TimelineRecordModel {
    const { records, stage, build } = this.timelineRecord(buildId, stageName);
    const phase = records.find((r) => r.parentId === stage.id && r.type === 'Phase');
    const job = records.find((r) => r.parentId === phase?.id && r.type === 'Job') ?? fail(`Stage ${stageName} has no job.`);
    const now = Date.now();
    const updated: TimelineRecordModel = { ...job, state, result: state === 'completed' ? (result ?? 'succeeded') : null, startTime: job.startTime ?? (state === 'pending' ? null : now), finishTime: state === 'completed' ? now : null };
    this.org.setTimeline(buildId, records.map((r) => (r.id === job.id ? updated : r)));
    this.org.builds.put({ ...build, lastChangedDate: now });
    this.publish(jobStateEvent(this.org, build, stage, updated));
    return updated;
  }

  createEnvironment(projectId: string, input: { name: string; description?: string }): EnvironmentRecord {
    must(this.org.projects.get(projectId), `No project ${projectId}.`);
    const now = Date.now();
    const owner = this.actor();
    const env: EnvironmentRecord = { id: this.org.nextId('environment'), projectId, name: input.name, description: input.description ?? '', createdById: owner.id, createdOn: now, lastModifiedById: owner.id, lastModifiedOn: now };
    this.org.environments.put(env);
    return env;
  }

  /** Records a deployment job that targeted an environment. */
  addDeploymentRecord(environmentId: number, input: { buildId: number; stageName?: string; jobName?: string; result?: DeploymentRecordModel['result'] }): DeploymentRecordModel {
    const env = this.org.environments.get(environmentId) ?? fail(`No environment ${environmentId}.`);
    const build = this.org.builds.get(input.buildId) ?? fail(`No build ${input.buildId}.`);
    const pipeline = this.org.pipelines.get(build.pipelineId);
    const now = Date.now();
    const record: DeploymentRecordModel = { id: this.org.nextId('deploymentRecord'), environmentId, projectId: env.projectId, pipelineId: build.pipelineId, pipelineName: pipeline?.name ?? '', buildId: build.id, buildNumber: build.buildNumber, stageName: input.stageName ?? 'Deploy', jobName: input.jobName ?? 'Deploy', stageAttempt: 1, jobAttempt: 1, result: input.result ?? 'succeeded', queueTime: now, startTime: now, finishTime: input.result === null ? null : now, planId: randomUUID() };
    this.org.deploymentRecords.put(record);
    return record;
  }

  // ---- releases -----------------------------------------------------------------------------------

  /** Creates a release of a definition (environments not started). Fires release-created. */
  createRelease(projectId: string, definitionId: number, input: { description?: string; createdById?: string } = {}): ReleaseRecord {
    const definition = this.org.releaseDefinition(projectId, definitionId) ?? fail(`No release definition ${definitionId} in project ${projectId}.`);
    const id = this.org.nextId('release');
    const count = this.org.releases.children(`${projectId}|${definitionId}`).length;
    const actor = this.actor(input.createdById);
    const now = Date.now();
    const release: ReleaseRecord = {
      id,
      projectId,
      definitionId,
      name: `Release-${count + 1}`,
      status: 'active',
      reason: 'manual',
      description: input.description ?? '',
      createdOn: now,
      modifiedOn: now,
      createdById: actor.id,
      modifiedById: actor.id,
      keepForever: false,
      environments: definition.environments.map((e) => ({ id: id * 10 + e.rank, definitionEnvironmentId: e.id, name: e.name, rank: e.rank, status: 'notStarted' })),
      tags: [],
    };
    this.org.releases.put(release);
    this.publish(releaseEvent(this.org, release, 'ms.vss-release.release-created-event'));
    return release;
  }

  abandonRelease(releaseId: number): ReleaseRecord {
    const release = this.org.releases.get(releaseId) ?? fail(`No release ${releaseId}.`);
    const updated: ReleaseRecord = { ...release, status: 'abandoned', modifiedOn: Date.now() };
    this.org.releases.put(updated);
    this.publish(releaseEvent(this.org, updated, 'ms.vss-release.release-abandoned-event'));
    return updated;
  }

  /**
   * Moves a release environment to a status. `inProgress` fires deployment-started; a final
   * status (succeeded, partiallySucceeded, rejected, canceled) fires deployment-completed.
   */
  deployRelease(releaseId: number, environment: string | number, status: ReleaseEnvironmentStatus): ReleaseDeploymentRecord {
    const release = this.org.releases.get(releaseId) ?? fail(`No release ${releaseId}.`);
    const env = release.environments.find((e) => e.id === environment || e.name === environment || e.definitionEnvironmentId === environment) ?? fail(`Release ${releaseId} has no environment ${String(environment)}.`);
    const updated: ReleaseRecord = { ...release, modifiedOn: Date.now(), environments: release.environments.map((e) => (e.id === env.id ? { ...e, status } : e)) };
    this.org.releases.put(updated);
    const deployment = this.org.deploymentsOfRelease(updated).find((d) => d.releaseEnvironmentId === env.id) ?? fail('Deployment not derived.');
    const now = Date.now();
    const statusOf: Partial<Record<ReleaseEnvironmentStatus, DeploymentStatus>> = { succeeded: 'succeeded', partiallySucceeded: 'partiallySucceeded', rejected: 'failed', canceled: 'failed', inProgress: 'inProgress', queued: 'inProgress' };
    const final = status !== 'inProgress' && status !== 'queued' && status !== 'notStarted' && status !== 'scheduled';
    const record: ReleaseDeploymentRecord = { ...deployment, id: releaseDeploymentId(release.id, env.rank, 1), deploymentStatus: statusOf[status] ?? 'notDeployed', startedOn: deployment.startedOn ?? now, completedOn: final ? now : null, lastModifiedOn: now };
    this.org.putReleaseDeployment(record);
    this.publish(deploymentEvent(this.org, updated, record, final ? 'ms.vss-release.deployment-completed-event' : 'ms.vss-release.deployment-started-event'));
    return record;
  }

  // ---- work items ---------------------------------------------------------------------------------

  createWorkItem(projectId: string, input: { type: string; title: string; state?: string; areaPath?: string; iterationPath?: string; assignedToId?: string | null; createdById?: string; tags?: string[]; description?: string; parentId?: number | null; priority?: number }): WorkItemRecord {
    const project = this.org.projects.get(projectId) ?? fail(`No project ${projectId}.`);
    const type = workItemType(project.process, input.type) ?? fail(`Work item type ${input.type} does not exist in the ${project.process} process.`);
    const creator = this.actor(input.createdById);
    const now = Date.now();
    const state = input.state ?? type.states[0]?.[0] ?? 'New';
    const item: WorkItemRecord = {
      id: this.org.nextId('workItem'),
      projectId,
      rev: 1,
      type: type.name,
      title: input.title,
      state,
      reason: `New ${type.name.toLowerCase()}`,
      areaPath: input.areaPath ?? project.name,
      iterationPath: input.iterationPath ?? project.name,
      assignedToId: input.assignedToId ?? null,
      createdById: creator.id,
      changedById: creator.id,
      createdDate: now,
      changedDate: now,
      stateChangeDate: now,
      closedDate: null,
      priority: input.priority ?? 2,
      tags: input.tags ?? [],
      description: input.description ?? '',
      storyPoints: null,
      remainingWork: null,
      boardColumn: this.columnFor(project, type.name, state),
      boardColumnDone: false,
      parentId: input.parentId ?? null,
      commentCount: 0,
      history: null,
    };
    this.org.workItems.put(item);
    this.publish(workItemEvent(this.org, item, 'workitem.created'));
    return item;
  }

  private columnFor(project: ProjectRecord, type: string, state: string): string | null {
    const level = PROCESSES[project.process].boards.find((b) => b.types.includes(type));
    if (!level) return null;
    const board = this.org.boardsOf(project.defaultTeamId).find((b) => b.name === level.name);
    return board?.columns.find((c) => c.stateMappings[type] === state)?.name ?? null;
  }

  /** Changes fields of a work item (a new revision). Fires `workitem.updated` with old/new values. */
  updateWorkItem(id: number, patch: Partial<Omit<WorkItemRecord, 'id' | 'rev' | 'createdDate' | 'createdById'>> & { changedById?: string }): WorkItemRecord {
    const item = this.org.workItems.get(id) ?? fail(`No work item ${id}.`);
    const project = this.org.projects.get(patch.projectId ?? item.projectId) ?? fail('No project.');
    const now = Date.now();
    const state = patch.state ?? item.state;
    const category = stateCategory(project.process, patch.type ?? item.type, state);
    const updated: WorkItemRecord = {
      ...item,
      ...patch,
      rev: item.rev + 1,
      changedDate: now,
      changedById: this.actor(patch.changedById).id,
      stateChangeDate: state !== item.state ? now : item.stateChangeDate,
      closedDate: state !== item.state ? (category === 'Completed' ? now : null) : item.closedDate,
      boardColumn: patch.boardColumn !== undefined ? patch.boardColumn : state !== item.state ? this.columnFor(project, patch.type ?? item.type, state) : item.boardColumn,
    };
    this.org.workItems.put(updated);
    this.publish(workItemEvent(this.org, updated, 'workitem.updated', item));
    return updated;
  }

  /** Adds a comment (System.History). Fires `workitem.commented`. */
  commentOnWorkItem(id: number, comment: string, byId?: string): WorkItemRecord {
    const item = this.org.workItems.get(id) ?? fail(`No work item ${id}.`);
    const updated: WorkItemRecord = { ...item, rev: item.rev + 1, commentCount: item.commentCount + 1, history: comment, changedDate: Date.now(), changedById: this.actor(byId).id };
    this.org.workItems.put(updated);
    this.publish(workItemEvent(this.org, updated, 'workitem.commented', undefined, comment));
    return updated;
  }

  /** Moves a work item to the recycle bin. Fires `workitem.deleted`. */
  deleteWorkItem(id: number): WorkItemRecord {
    const item = this.org.workItems.delete(id) ?? fail(`No work item ${id}.`);
    this.publish(workItemEvent(this.org, item, 'workitem.deleted'));
    return item;
  }

  /** Restores a deleted work item. Fires `workitem.restored`. */
  restoreWorkItem(id: number): WorkItemRecord {
    const item = this.org.workItems.restore(id) ?? fail(`Work item ${id} is not in the recycle bin.`);
    this.publish(workItemEvent(this.org, item, 'workitem.restored'));
    return item;
  }

  // ---- test, security, wiki ---------------------------------------------------------------------------

  createTestRun(projectId: string, input: { name: string; buildId?: number | null; totalTests?: number; passedTests?: number; state?: TestRunRecord['state'] }): TestRunRecord {
    must(this.org.projects.get(projectId), `No project ${projectId}.`);
    const now = Date.now();
    const total = input.totalTests ?? 1;
    const passed = input.passedTests ?? total;
    const run: TestRunRecord = { id: this.org.nextId('testRun'), projectId, name: input.name, buildId: input.buildId ?? null, state: input.state ?? 'Completed', isAutomated: input.buildId !== undefined && input.buildId !== null, totalTests: total, passedTests: passed, incompleteTests: 0, notApplicableTests: 0, unanalyzedTests: total - passed, createdDate: now, startedDate: now, completedDate: input.state === 'InProgress' ? null : now, lastUpdatedDate: now, ownerId: this.actor().id };
    this.org.testRuns.put(run);
    return run;
  }

  /** Creates an Advanced Security alert. Fires the advsec alert-created event. */
  createAlert(repositoryId: string, input: Partial<Omit<AlertRecord, 'alertId' | 'repositoryId' | 'projectId'>> & { title: string }): AlertRecord {
    const repo = this.org.repositories.get(repositoryId) ?? fail(`No repository ${repositoryId}.`);
    const now = Date.now();
    const alert: AlertRecord = {
      alertType: 'dependency',
      severity: 'high',
      state: 'active',
      ruleId: 'GHSA-sim-0000-0000',
      ruleName: 'CVE-2024-0000',
      toolName: 'AdvancedSecurity-Dependency-Scanning',
      filePath: '/package-lock.json',
      line: 1,
      gitRef: repo.defaultBranch ?? 'refs/heads/main',
      firstSeenDate: now,
      lastSeenDate: now,
      fixedDate: null,
      introducedDate: now,
      modifiedDate: now,
      dismissalType: null,
      confidence: 'high',
      ...input,
      alertId: this.org.nextId('alert'),
      repositoryId: repo.id,
      projectId: repo.projectId,
    };
    this.org.alerts.put(alert);
    this.publish(alertEvent(this.org, alert, 'ms.vss-alerts.alert-created-event', (urls) => alertJson({ org: this.org, urls }, alert)));
    return alert;
  }

  /** Changes an alert (state, severity…); bumps its modified date. Fires alert-state-changed or alert-updated. */
  updateAlert(alertId: number, patch: Partial<Omit<AlertRecord, 'alertId' | 'repositoryId' | 'projectId'>>): AlertRecord {
    const alert = this.org.alerts.get(alertId) ?? fail(`No alert ${alertId}.`);
    const now = Date.now();
    const updated: AlertRecord = { ...alert, ...patch, modifiedDate: now, fixedDate: patch.state === 'fixed' ? now : (patch.fixedDate ?? alert.fixedDate) };
    this.org.alerts.put(updated);
    const eventType = patch.state !== undefined && patch.state !== alert.state ? 'ms.vss-alerts.alert-state-changed-event' : 'ms.vss-alerts.alert-updated-event';
    this.publish(alertEvent(this.org, updated, eventType, (urls) => alertJson({ org: this.org, urls }, updated)));
    return updated;
  }

  /** Creates or updates a wiki page by path. */
  putWikiPage(wikiId: string, path: string, content: string): WikiPageRecord {
    must(this.org.wikis.get(wikiId), `No wiki ${wikiId}.`);
    const pages = this.org.wikiPagesOf(wikiId);
    const existing = pages.find((p) => p.path === path);
    const id = existing?.id ?? pages.reduce((max, p) => Math.max(max, p.id), 0) + 1;
    const page: WikiPageRecord = { key: `${wikiId}|${id}`, wikiId, id, path, order: existing?.order ?? pages.length, content };
    this.org.wikiPages.put(page);
    return page;
  }

  deleteWikiPage(wikiId: string, path: string): void {
    const page = this.org.wikiPagesOf(wikiId).find((p) => p.path === path) ?? fail(`No page ${path}.`);
    this.org.wikiPages.delete(page.key);
  }
}
