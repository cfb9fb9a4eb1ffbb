import type { CollectionSource } from '../collection';
import { DAY, HOUR, MINUTE } from '../dates';
import { allocate, ParentIndex } from '../distribution';
import { slug } from '../names';
import { guidFor, rngFor, shaFor } from '../random';
import type {
  BuildRecord,
  BuildResult,
  BuildStatus,
  DeploymentRecordModel,
  EnvironmentRecord,
  PipelineRecord,
  ProjectRecord,
  RepositoryRecord,
  TimelineRecordModel,
  TimelineResult,
  UserRecord,
} from '../records';
import { timeline, type GenerationContext } from './context';

const STAGE_SETS: readonly (readonly string[])[] = [['Build'], ['Build', 'Test'], ['Build', 'Test', 'Deploy'], ['Build', 'Deploy_Staging', 'Deploy_Production']];

export function generatePipelines(ctx: GenerationContext, projects: readonly ProjectRecord[], repos: readonly RepositoryRecord[], users: readonly UserRecord[]): PipelineRecord[] {
  const active = projects.filter((p) => p.state === 'wellFormed');
  const counts = allocate(ctx.scale.pipelines, active.length, ctx.seed ^ 0x31be, 0);
  const out: PipelineRecord[] = [];
  let id = 1;
  active.forEach((project, p) => {
    const projectRepos = repos.filter((r) => r.projectId === project.id && r.defaultBranch !== null);
    for (let k = 0; k < (counts[p] ?? 0); k++, id++) {
      const rng = rngFor(ctx.seed, 'pipeline', id);
      const repo = projectRepos.length > 0 ? rng.pick(projectRepos) : undefined;
      const yaml = repo !== undefined && rng.chance(0.85);
      const base = repo ? repo.name : project.name;
      out.push({
        id,
        projectId: project.id,
        name: k % 5 === 0 ? base : `${base}-${rng.pick(['ci', 'release', 'nightly', 'pr-validation', 'deploy (prod)'])}`,
        folder: rng.chance(0.6) ? '\\' : `\\${rng.pick(['Platform', 'Teams', 'Legacy builds'])}`,
        revision: rng.int(1, 30),
        repositoryId: repo?.id ?? null,
        yamlPath: yaml ? '/azure-pipelines.yml' : null,
        configurationType: yaml ? 'yaml' : 'designerJson',
        createdDate: ctx.now - rng.int(30, 900) * DAY,
        queueStatus: rng.weighted([['enabled', 18], ['disabled', 1], ['paused', 1]] as const),
        authorId: rng.pick(users).id,
      });
    }
  });
  return out;
}

export function stageNamesFor(seed: number, pipelineId: number): string[] {
  return [...(STAGE_SETS[rngFor(seed, 'stages', pipelineId).int(0, STAGE_SETS.length - 1)] ?? ['Build'])];
}

/** Builds (= pipeline runs), interleaved over pipelines, id order = queue-time order. */
export function buildSource(
  ctx: GenerationContext,
  pipelines: readonly PipelineRecord[],
  repoById: (id: string) => RepositoryRecord | undefined,
  users: readonly UserRecord[],
): { source: CollectionSource<number, BuildRecord>; index: ParentIndex; pipelines: readonly PipelineRecord[] } {
  const total = pipelines.length === 0 ? 0 : ctx.scale.builds;
  const index = ParentIndex.interleaved(allocate(total, pipelines.length, ctx.seed ^ 0xb111, 0), ctx.seed ^ 0xb112);
  const at = timeline(ctx.now, 365 * DAY, total);
  const source: CollectionSource<number, BuildRecord> = {
    size: total,
    keyAt: (i) => i + 1,
    indexOf: (key) => (Number.isInteger(key) && key >= 1 && key <= total ? key - 1 : undefined),
    generate: (i) => {
      const rng = rngFor(ctx.seed, 'build', i);
      const pipeline = pipelines[index.parentOf(i)] as PipelineRecord;
      const repo = pipeline.repositoryId ? repoById(pipeline.repositoryId) : undefined;
      const queueTime = at(i, rng.next());
      const age = ctx.now - queueTime;
      let status: BuildStatus = 'completed';
      if (age < 20 * MINUTE) status = rng.weighted([['inProgress', 5], ['notStarted', 2], ['completed', 3]] as const);
      const result: BuildResult | null =
        status === 'completed' ? rng.weighted([['succeeded', 70], ['failed', 15], ['partiallySucceeded', 8], ['canceled', 7]] as const) : null;
      const startTime = status === 'notStarted' ? null : queueTime + rng.int(5_000, 120_000);
      const finishTime = status === 'completed' && startTime !== null ? Math.min(ctx.now - 1000, startTime + rng.int(MINUTE, 30 * MINUTE)) : null;
      const reason = rng.weighted([['individualCI', 50], ['pullRequest', 25], ['manual', 10], ['schedule', 10], ['batchedCI', 5]] as const);
      const day = new Date(queueTime).toISOString().slice(0, 10).replace(/-/g, '');
      return {
        id: i + 1,
        buildNumber: `${day}.${(i % 7) + 1}`,
        pipelineId: pipeline.id,
        projectId: pipeline.projectId,
        status,
        result,
        queueTime,
        startTime,
        finishTime,
        reason,
        sourceBranch: reason === 'pullRequest' ? `refs/pull/${rng.int(1, 5000)}/merge` : (repo?.defaultBranch ?? 'refs/heads/main'),
        sourceVersion: shaFor(ctx.seed, 'build-source', i),
        requestedForId: rng.pick(users).id,
        repositoryId: pipeline.repositoryId,
        tags: rng.chance(0.1) ? ['release-candidate'] : [],
        stageNames: stageNamesFor(ctx.seed, pipeline.id),
      };
    },
  };
  return { source, index, pipelines };
}

/**
 * A build's timeline: per stage a Stage, Phase and Job record, and the job's tasks. Results follow
 * the build's: a failed build fails one stage and skips the ones after it; a running build has one
 * stage in progress and pending ones after it.
 */
export function generateTimeline(seed: number, build: BuildRecord): TimelineRecordModel[] {
  const rng = rngFor(seed, 'timeline', build.id);
  const records: TimelineRecordModel[] = [];
  const stages = build.stageNames;
  const failing = build.result === 'failed' || build.result === 'canceled' ? rng.int(0, stages.length - 1) : -1;
  const running = build.status === 'inProgress' ? rng.int(0, stages.length - 1) : build.status === 'notStarted' ? 0 : -1;
  const begin = build.startTime ?? build.queueTime;
  const end = build.finishTime ?? begin + stages.length * 3 * MINUTE;
  const slice = (end - begin) / Math.max(stages.length, 1);
  let n = 0;
  const id = () => guidFor(seed, 'timeline-record', `${build.id}:${n++}`);
  stages.forEach((stageName, s) => {
    let state: TimelineRecordModel['state'] = 'completed';
    let result: TimelineResult | null = 'succeeded';
    if (running >= 0) {
      if (s === running) [state, result] = [build.status === 'notStarted' ? 'pending' : 'inProgress', null];
      else if (s > running) [state, result] = ['pending', null];
    } else if (failing >= 0) {
      if (s === failing) result = build.result === 'canceled' ? 'canceled' : 'failed';
      else if (s > failing) result = 'skipped';
    } else if (build.result === 'partiallySucceeded' && s === stages.length - 1) {
      result = 'succeededWithIssues';
    }
    const started = state === 'pending' || result === 'skipped' ? null : Math.floor(begin + s * slice);
    const finished = state === 'completed' && started !== null ? Math.floor(begin + (s + 1) * slice) : null;
    const identifier = slug(stageName).replace(/-/g, '_') || `stage_${s}`;
    const base = { state, result, startTime: started, finishTime: finished, attempt: 1, errorCount: result === 'failed' ? 1 : 0, warningCount: result === 'succeededWithIssues' ? 2 : 0 };
    const stage: TimelineRecordModel = { ...base, id: id(), parentId: null, type: 'Stage', name: stageName, identifier, order: s + 1, workerName: null };
    const phase: TimelineRecordModel = { ...base, id: id(), parentId: stage.id, type: 'Phase', name: 'Job', identifier: `${identifier}.__default`, order: 1, workerName: null };
    const job: TimelineRecordModel = { ...base, id: id(), parentId: phase.id, type: 'Job', name: 'Job', identifier: `${identifier}.__default.Job`, order: 1, workerName: started === null ? null : `Hosted Agent ${rng.int(1, 40)}` };
    records.push(stage, phase, job);
    if (stageName.startsWith('Deploy')) {
      records.push({ ...base, id: id(), parentId: stage.id, type: 'Checkpoint', name: 'Checkpoint', identifier: `Checkpoint.${identifier}`, order: 0, workerName: null });
    }
    ['Initialize job', 'Checkout', stageName.startsWith('Deploy') ? 'Deploy' : 'Script', 'Finalize Job'].forEach((taskName, t) => {
      records.push({ ...base, id: id(), parentId: job.id, type: 'Task', name: taskName, identifier: `${job.identifier}.${t}`, order: t + 1, workerName: job.workerName });
    });
  });
  return records;
}

export function generateEnvironments(ctx: GenerationContext, projects: readonly ProjectRecord[], users: readonly UserRecord[]): EnvironmentRecord[] {
  const active = projects.filter((p) => p.state === 'wellFormed');
  const counts = allocate(ctx.scale.environments, active.length, ctx.seed ^ 0xe7e7, 0);
  const names = ['dev', 'staging', 'production', 'qa', 'prod-eu (west)', 'prod-us', 'sandbox', 'perf'];
  const out: EnvironmentRecord[] = [];
  let id = 1;
  active.forEach((project, p) => {
    for (let k = 0; k < (counts[p] ?? 0); k++, id++) {
      const rng = rngFor(ctx.seed, 'environment', id);
      const createdOn = ctx.now - rng.int(20, 700) * DAY;
      const name = names[k % names.length] ?? 'env';
      out.push({
        id,
        projectId: project.id,
        name: k < names.length ? name : `${name}-${k}`,
        description: rng.chance(0.5) ? `The ${name} environment.` : '',
        createdById: rng.pick(users).id,
        createdOn,
        lastModifiedById: rng.pick(users).id,
        lastModifiedOn: createdOn + rng.int(0, 10) * DAY,
      });
    }
  });
  return out;
}

/** Deployment records (jobs that targeted an environment), interleaved over environments. */
export function deploymentRecordSource(
  ctx: GenerationContext,
  environments: readonly EnvironmentRecord[],
  pipelinesOf: (projectId: string) => readonly PipelineRecord[],
  buildsOf: (pipelineId: number) => Uint32Array,
): { source: CollectionSource<number, DeploymentRecordModel>; index: ParentIndex } {
  const eligible = environments.map((e) => pipelinesOf(e.projectId).length > 0);
  const counts = allocate(ctx.scale.deploymentRecords, environments.length, ctx.seed ^ 0xde91, 0).map((c, i) => (eligible[i] ? c : 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const index = ParentIndex.interleaved(counts, ctx.seed ^ 0xde92);
  const at = timeline(ctx.now, 365 * DAY, total);
  const source: CollectionSource<number, DeploymentRecordModel> = {
    size: total,
    keyAt: (i) => i + 1,
    indexOf: (key) => (Number.isInteger(key) && key >= 1 && key <= total ? key - 1 : undefined),
    generate: (i) => {
      const rng = rngFor(ctx.seed, 'deployment-record', i);
      const env = environments[index.parentOf(i)] as EnvironmentRecord;
      const pipeline = rng.pick(pipelinesOf(env.projectId));
      const builds = buildsOf(pipeline.id);
      const buildId = builds.length > 0 ? (builds[rng.int(0, builds.length - 1)] ?? 0) + 1 : rng.int(1, 1000);
      const queueTime = at(i, rng.next());
      const recent = ctx.now - queueTime < 10 * MINUTE;
      const startTime = queueTime + rng.int(2_000, 60_000);
      return {
        id: i + 1,
        environmentId: env.id,
        projectId: env.projectId,
        pipelineId: pipeline.id,
        pipelineName: pipeline.name,
        buildId,
        buildNumber: `${new Date(queueTime).toISOString().slice(0, 10).replace(/-/g, '')}.${(buildId % 7) + 1}`,
        stageName: rng.pick(['Deploy', 'Deploy_Staging', 'Deploy_Production']),
        jobName: `Deploy_${slug(env.name).replace(/-/g, '_')}`,
        stageAttempt: rng.chance(0.1) ? 2 : 1,
        jobAttempt: 1,
        result: recent ? null : rng.weighted([['succeeded', 80], ['failed', 10], ['canceled', 5], ['skipped', 3], ['succeededWithIssues', 2]] as const),
        queueTime,
        startTime,
        finishTime: recent ? null : Math.min(ctx.now - 1000, startTime + rng.int(MINUTE, HOUR)),
        planId: guidFor(ctx.seed, 'plan', i),
      };
    },
  };
  return { source, index };
}
