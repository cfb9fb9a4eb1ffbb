import type { CollectionSource } from '../collection';
import { DAY, HOUR, MINUTE } from '../dates';
import { allocate, ParentIndex } from '../distribution';
import { rngFor } from '../random';
import type {
  DeploymentStatus,
  PipelineRecord,
  ProjectRecord,
  ReleaseDefinitionRecord,
  ReleaseDeploymentRecord,
  ReleaseEnvironmentModel,
  ReleaseEnvironmentStatus,
  ReleaseRecord,
  UserRecord,
} from '../records';
import { timeline, type GenerationContext } from './context';

const ENVIRONMENT_SETS = [['Dev', 'QA', 'Production'], ['Staging', 'Production'], ['Dev', 'Test', 'UAT', 'Production (EU)']] as const;

export function generateReleaseDefinitions(ctx: GenerationContext, projects: readonly ProjectRecord[], pipelines: readonly PipelineRecord[], users: readonly UserRecord[]): ReleaseDefinitionRecord[] {
  const active = projects.filter((p) => p.state === 'wellFormed');
  const counts = allocate(ctx.scale.releaseDefinitions, active.length, ctx.seed ^ 0x4e1d, 0);
  const out: ReleaseDefinitionRecord[] = [];
  let environmentId = 1;
  let global = 0;
  active.forEach((project, p) => {
    const projectPipelines = pipelines.filter((pl) => pl.projectId === project.id);
    for (let k = 0; k < (counts[p] ?? 0); k++, global++) {
      // Release definition ids start at 1 in every project, as in Azure DevOps.
      const id = k + 1;
      const rng = rngFor(ctx.seed, 'release-definition', global);
      const envs = ENVIRONMENT_SETS[rng.int(0, ENVIRONMENT_SETS.length - 1)] ?? ENVIRONMENT_SETS[0];
      const createdOn = ctx.now - rng.int(200, 1200) * DAY;
      const source = projectPipelines.length > 0 ? rng.pick(projectPipelines) : undefined;
      out.push({
        id,
        projectId: project.id,
        name: source ? `${source.name} release` : `${project.name} release ${k + 1}`,
        path: rng.chance(0.7) ? '\\' : '\\Classic',
        revision: rng.int(1, 40),
        description: rng.chance(0.4) ? 'Classic release pipeline.' : '',
        createdOn,
        modifiedOn: createdOn + rng.int(0, 150) * DAY,
        createdById: rng.pick(users).id,
        modifiedById: rng.pick(users).id,
        releaseNameFormat: 'Release-$(rev:r)',
        environments: envs.map((name, rank) => ({ id: environmentId++, name, rank: rank + 1 })),
        buildPipelineId: source?.id ?? null,
        tags: rng.chance(0.2) ? ['legacy'] : [],
      });
    }
  });
  return out;
}

/**
 * Releases, interleaved over definitions with ids in time order. Release ids are unique in the
 * organization; names count per definition (`Release-7`). Environments deploy in rank order:
 * earlier ones succeeded, at most one is failed/rejected/in progress, later ones not started.
 */
export function releaseSource(
  ctx: GenerationContext,
  definitions: readonly ReleaseDefinitionRecord[],
  users: readonly UserRecord[],
): { source: CollectionSource<number, ReleaseRecord>; index: ParentIndex } {
  const total = definitions.length === 0 ? 0 : ctx.scale.releases;
  const index = ParentIndex.interleaved(allocate(total, definitions.length, ctx.seed ^ 0x4e11, 0), ctx.seed ^ 0x4e12);
  const at = timeline(ctx.now, 540 * DAY, total);
  const ordinal = (i: number, parent: number) => {
    const children = index.children(parent);
    let lo = 0;
    let hi = children.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((children[mid] ?? 0) < i) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const source: CollectionSource<number, ReleaseRecord> = {
    size: total,
    keyAt: (i) => i + 1,
    indexOf: (key) => (Number.isInteger(key) && key >= 1 && key <= total ? key - 1 : undefined),
    generate: (i) => {
      const rng = rngFor(ctx.seed, 'release', i);
      const parent = index.parentOf(i);
      const definition = definitions[parent] as ReleaseDefinitionRecord;
      const createdOn = at(i, rng.next());
      const status = rng.weighted([['active', 80], ['abandoned', 15], ['draft', 5]] as const);
      const recent = ctx.now - createdOn < 2 * HOUR;
      const reached = status === 'draft' ? 0 : rng.int(1, definition.environments.length);
      const environments: ReleaseEnvironmentModel[] = definition.environments.map((env, e) => {
        let envStatus: ReleaseEnvironmentStatus = 'notStarted';
        if (e < reached - 1) envStatus = 'succeeded';
        else if (e === reached - 1) envStatus = recent ? 'inProgress' : rng.weighted([['succeeded', 75], ['rejected', 8], ['canceled', 5], ['partiallySucceeded', 7], ['scheduled', 5]] as const);
        return { id: (i + 1) * 10 + env.rank, definitionEnvironmentId: env.id, name: env.name, rank: env.rank, status: envStatus };
      });
      return {
        id: i + 1,
        projectId: definition.projectId,
        definitionId: definition.id,
        name: `Release-${ordinal(i, parent)}`,
        status,
        reason: rng.weighted([['continuousIntegration', 6], ['manual', 3], ['schedule', 1]] as const),
        description: rng.chance(0.3) ? 'Triggered after a successful build.' : '',
        createdOn,
        modifiedOn: Math.min(ctx.now - 1000, createdOn + rng.int(MINUTE, 3 * DAY)),
        createdById: rng.pick(users).id,
        modifiedById: rng.pick(users).id,
        keepForever: rng.chance(0.05),
        environments,
        tags: [],
      };
    },
  };
  return { source, index };
}

const DEPLOYMENT_STATUS: Record<ReleaseEnvironmentStatus, DeploymentStatus | undefined> = {
  notStarted: undefined,
  succeeded: 'succeeded',
  partiallySucceeded: 'partiallySucceeded',
  rejected: 'failed',
  canceled: 'failed',
  inProgress: 'inProgress',
  queued: 'inProgress',
  scheduled: 'notDeployed',
};

/** Deployment id for an attempt on a release environment: unique and in release order. */
export function releaseDeploymentId(releaseId: number, rank: number, attempt: number): number {
  return releaseId * 100 + rank * 10 + attempt;
}

/** The deployments a release implies: one first attempt per environment that was started. */
export function deploymentsOfRelease(seed: number, release: ReleaseRecord): ReleaseDeploymentRecord[] {
  const out: ReleaseDeploymentRecord[] = [];
  for (const env of release.environments) {
    const status = DEPLOYMENT_STATUS[env.status];
    if (status === undefined) continue;
    const rng = rngFor(seed, 'release-deployment', `${release.id}:${env.rank}`);
    const queuedOn = release.createdOn + env.rank * rng.int(MINUTE, HOUR);
    const startedOn = status === 'notDeployed' ? null : queuedOn + rng.int(1000, 5 * MINUTE);
    const completedOn = status === 'inProgress' || startedOn === null ? null : startedOn + rng.int(MINUTE, 40 * MINUTE);
    out.push({
      id: releaseDeploymentId(release.id, env.rank, 1),
      projectId: release.projectId,
      releaseId: release.id,
      definitionId: release.definitionId,
      releaseEnvironmentId: env.id,
      definitionEnvironmentId: env.definitionEnvironmentId,
      attempt: 1,
      deploymentStatus: status,
      operationStatus: status === 'succeeded' ? 'approved' : status === 'failed' ? 'rejected' : status === 'inProgress' ? 'phaseInProgress' : status === 'notDeployed' ? 'scheduled' : 'phasePartiallySucceeded',
      reason: env.rank === 1 ? 'automated' : rng.chance(0.7) ? 'automated' : 'manual',
      queuedOn,
      startedOn,
      completedOn,
      lastModifiedOn: completedOn ?? startedOn ?? queuedOn,
      requestedById: release.createdById,
    });
  }
  return out;
}
