/**
 * Which kinds an event concerns, and what it is about (its subject: the ids the receiver needs to
 * re-fetch the current state from Azure DevOps). The table follows Ocean's processors
 * (ocean-azure-devops.md §4) with the additions noted inline; payload shapes per
 * azure-devops-api.md §4.4 and the samples in azure-devops-webhook-samples/.
 *
 * A route may name kinds that have no live re-fetch yet (live-kinds.ts): those events are
 * acknowledged and left to the scheduled sync.
 */
import { z } from 'zod';
import type { ServiceHookEvent } from './envelope';

type Resource = Record<string, unknown>;

export type Subject =
  | { type: 'work-item'; projectId: string; workItemId: number; resource: Resource }
  | { type: 'pull-request'; projectId: string; repositoryId: string; pullRequestId: number; sourceRefName: string | undefined; resource: Resource }
  | { type: 'push'; projectId: string; repositoryId: string; refUpdates: RefUpdate[]; repository: Resource }
  | { type: 'repository'; projectId: string; repositoryId: string; repository: Resource }
  | { type: 'build'; projectId: string; buildId: number; pipelineId: number | undefined; resource: Resource }
  | { type: 'run'; projectId: string; runId: number; pipelineId: number; run: Resource; pipeline: Resource }
  | { type: 'release'; projectId: string; releaseId: number; definitionId: number | undefined; release: Resource }
  | { type: 'alert'; projectId: string; repositoryId: string; alertId: number; resource: Resource };

export type SubjectType = Subject['type'];
export type RefUpdate = { name: string; oldObjectId: string; newObjectId: string };

/** `ignore`: the event is fine but names nothing to update (answered 200, not 400). */
export type SubjectResult = { ok: true; subject: Subject } | { ok: false; reason: string; ignore?: boolean };

export type EventRoute = {
  readonly eventTypes: readonly string[];
  /** Kinds whose entities the event may change, in the order they are written. */
  readonly kinds: readonly string[];
  readonly subject: (event: ServiceHookEvent) => SubjectResult;
};

const id = z.union([z.string().min(1), z.number()]).transform(String);
const numericId = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const projectRef = z.looseObject({ id: z.string().min(1).optional() }).optional();

function parse<T>(schema: z.ZodType<T>, resource: Resource, eventType: string): { ok: true; value: T } | { ok: false; reason: string } {
  const result = schema.safeParse(resource);
  if (result.success) return { ok: true, value: result.data };
  const fields = [...new Set(result.error.issues.map((issue) => ['resource', ...issue.path].join('.')))];
  return { ok: false, reason: `a ${eventType} event needs ${fields.join(', ')}, which ${fields.length === 1 ? 'is' : 'are'} missing or malformed` };
}

/**
 * The project an event belongs to. `resourceContainers.project.id` is the documented place; older
 * payloads carry it in the resource, and work item URLs hold it as the segment before `/_apis/`.
 */
function projectOf(event: ServiceHookEvent, ...candidates: (string | undefined)[]): string | undefined {
  if (event.projectId) return event.projectId;
  for (const candidate of candidates) if (candidate) return candidate;
  const url = typeof event.resource.url === 'string' ? event.resource.url : undefined;
  return url ? /\/([^/]+)\/_apis\//.exec(url)?.[1] : undefined;
}

const noProject = (eventType: string): SubjectResult => ({
  ok: false,
  reason: `a ${eventType} event needs its project (resourceContainers.project.id), which is missing`,
});

const workItemResource = z.looseObject({
  id: numericId,
  workItemId: numericId.optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  revision: z.looseObject({ id: numericId.optional(), fields: z.record(z.string(), z.unknown()).optional() }).optional(),
});

function workItemSubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(workItemResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const resource = parsed.value;
  // `workitem.updated` carries an update, whose `id` is the revision; the item is `workItemId`
  // (the aspnet sample; azure-devops-api.md §4.4 warns the events.md sample is wrong here).
  const updated = event.eventType === 'workitem.updated';
  const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : undefined);
  // The aspnet sample sends workItemId 0; its revision and URL (…/workItems/5/updates/2) still name the item.
  const fromUrl = typeof event.resource.url === 'string' ? /\/workItems\/(\d+)\/updates\//i.exec(event.resource.url)?.[1] : undefined;
  const workItemId = updated ? (positive(resource.workItemId) ?? positive(resource.revision?.id) ?? positive(fromUrl ? Number(fromUrl) : undefined)) : resource.id;
  if (workItemId === undefined) return { ok: false, reason: 'a workitem.updated event needs resource.workItemId, which is missing' };
  const fields = updated ? resource.revision?.fields : resource.fields;
  const projectId = projectOf(event, typeof fields?.['System.TeamProject'] === 'string' ? fields['System.TeamProject'] : undefined);
  if (!projectId) return noProject(event.eventType);
  const item: Resource = updated ? { id: workItemId, ...(resource.revision ?? {}), fields: fields ?? {} } : { ...event.resource, id: workItemId };
  return { ok: true, subject: { type: 'work-item', projectId, workItemId, resource: { ...item, id: workItemId } } };
}

const pullRequestResource = z.looseObject({
  pullRequestId: numericId,
  repository: z.looseObject({ id, project: projectRef }),
  sourceRefName: z.string().optional(),
});

function pullRequestSubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(pullRequestResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const { pullRequestId, repository, sourceRefName } = parsed.value;
  const projectId = projectOf(event, repository.project?.id);
  if (!projectId) return noProject(event.eventType);
  return { ok: true, subject: { type: 'pull-request', projectId, repositoryId: repository.id, pullRequestId, sourceRefName, resource: event.resource } };
}

const pushResource = z.looseObject({
  repository: z.looseObject({ id, project: projectRef }),
  refUpdates: z.array(z.looseObject({ name: z.string().min(1), oldObjectId: z.string(), newObjectId: z.string() })),
});

function pushSubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(pushResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const { repository, refUpdates } = parsed.value;
  const projectId = projectOf(event, repository.project?.id);
  if (!projectId) return noProject(event.eventType);
  return {
    ok: true,
    subject: {
      type: 'push',
      projectId,
      repositoryId: repository.id,
      refUpdates: refUpdates.map((r) => ({ name: r.name, oldObjectId: r.oldObjectId, newObjectId: r.newObjectId })),
      repository: parsed.value.repository,
    },
  };
}

const repositoryResource = z.looseObject({ repository: z.looseObject({ id, project: projectRef }) });

function repositorySubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(repositoryResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const { repository } = parsed.value;
  const projectId = projectOf(event, repository.project?.id);
  if (!projectId) return noProject(event.eventType);
  return { ok: true, subject: { type: 'repository', projectId, repositoryId: repository.id, repository } };
}

const buildResource = z.looseObject({ id: numericId, definition: z.looseObject({ id: numericId }).optional(), project: projectRef });

function buildSubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(buildResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const projectId = projectOf(event, parsed.value.project?.id);
  if (!projectId) return noProject(event.eventType);
  return { ok: true, subject: { type: 'build', projectId, buildId: parsed.value.id, pipelineId: parsed.value.definition?.id, resource: event.resource } };
}

// Run, stage and job state changes and approvals all carry the run and its pipeline (events.md samples).
const runResource = z.looseObject({
  run: z.looseObject({ id: numericId }),
  pipeline: z.looseObject({ id: numericId }),
  projectId: z.string().optional(),
});

function runSubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(runResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const { run, pipeline } = parsed.value;
  const projectId = projectOf(event, parsed.value.projectId);
  if (!projectId) return noProject(event.eventType);
  return { ok: true, subject: { type: 'run', projectId, runId: run.id, pipelineId: pipeline.id, run, pipeline } };
}

function checkSubject(event: ServiceHookEvent): SubjectResult {
  const subject = runSubject(event);
  return subject.ok ? subject : { ok: false, reason: `this ${event.eventType} event names no pipeline run to update`, ignore: true };
}

const releaseResource = z.looseObject({
  release: z.looseObject({ id: numericId, releaseDefinition: z.looseObject({ id: numericId }).optional() }),
  project: projectRef,
});

function releaseSubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(releaseResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const { release } = parsed.value;
  const projectId = projectOf(event, parsed.value.project?.id);
  if (!projectId) return noProject(event.eventType);
  return { ok: true, subject: { type: 'release', projectId, releaseId: release.id, definitionId: release.releaseDefinition?.id, release } };
}

// No public sample of the Advanced Security events exists (azure-devops-api.md §4.4); Ocean reads
// the alert id and its repository from the resource, which is the alert as the alerts API shows it.
const alertResource = z.looseObject({
  alertId: numericId,
  repositoryId: id.optional(),
  repository: z.looseObject({ id }).optional(),
  projectId: z.string().optional(),
  project: projectRef,
});

function alertSubject(event: ServiceHookEvent): SubjectResult {
  const parsed = parse(alertResource, event.resource, event.eventType);
  if (!parsed.ok) return parsed;
  const repositoryId = parsed.value.repositoryId ?? parsed.value.repository?.id;
  if (!repositoryId) return { ok: false, reason: `a ${event.eventType} event needs resource.repositoryId, which is missing` };
  const projectId = projectOf(event, parsed.value.projectId, parsed.value.project?.id);
  if (!projectId) return noProject(event.eventType);
  return { ok: true, subject: { type: 'alert', projectId, repositoryId, alertId: parsed.value.alertId, resource: event.resource } };
}

export const EVENT_ROUTES: readonly EventRoute[] = [
  {
    eventTypes: ['workitem.created', 'workitem.updated', 'workitem.commented', 'workitem.deleted', 'workitem.restored'],
    kinds: ['work-item'],
    subject: workItemSubject,
  },
  // `merged` is not registered by default but some teams subscribe to it by hand; it is an update.
  { eventTypes: ['git.pullrequest.created', 'git.pullrequest.updated', 'git.pullrequest.merged'], kinds: ['pull-request'], subject: pullRequestSubject },
  // A push to the default branch also changes the repository's includedFiles (Ocean re-reads them only on creation).
  { eventTypes: ['git.push'], kinds: ['branch', 'repository', 'file', 'folder', 'wiki'], subject: pushSubject },
  { eventTypes: ['git.repo.created'], kinds: ['repository'], subject: repositorySubject },
  // Ocean updates only test runs on build.complete; the build, its run and its stages changed too.
  { eventTypes: ['build.complete'], kinds: ['build', 'pipeline-run', 'pipeline-stage', 'test-run'], subject: buildSubject },
  // A run is a build: its state and result show on both (ocean-azure-devops.md §4 updates only the run).
  { eventTypes: ['ms.vss-pipelines.run-state-changed-event'], kinds: ['pipeline-run', 'build', 'pipeline-stage'], subject: runSubject },
  {
    eventTypes: [
      'ms.vss-pipelines.stage-state-changed-event',
      'ms.vss-pipelines.job-state-changed-event',
      'ms.vss-pipelinechecks-events.approval-pending',
      'ms.vss-pipelinechecks-events.approval-completed',
    ],
    kinds: ['pipeline-stage'],
    subject: runSubject,
  },
  // Ocean reads the check's configuration id as a pipeline id (§4: a latent bug); checks gate
  // stages. No sample of this payload is public: without a run in it there is nothing to re-read.
  { eventTypes: ['ms.vss-pipelinechecks-events.check-updated-event'], kinds: ['pipeline-stage'], subject: checkSubject },
  {
    eventTypes: ['ms.vss-release.release-created-event', 'ms.vss-release.release-abandoned-event'],
    kinds: ['release', 'release-definition'],
    subject: releaseSubject,
  },
  {
    eventTypes: ['ms.vss-release.deployment-started-event', 'ms.vss-release.deployment-completed-event'],
    kinds: ['release', 'release-deployment'],
    subject: releaseSubject,
  },
  {
    eventTypes: ['ms.vss-alerts.alert-created-event', 'ms.vss-alerts.alert-state-changed-event', 'ms.vss-alerts.alert-updated-event'],
    kinds: ['advanced-security-alert'],
    subject: alertSubject,
  },
];

const byEventType = new Map(EVENT_ROUTES.flatMap((route) => route.eventTypes.map((type) => [type.toLowerCase(), route] as const)));

export function routeOf(eventType: string): EventRoute | undefined {
  return byEventType.get(eventType.toLowerCase());
}

/**
 * Events about one subject are applied one at a time, in arrival order, so an older re-fetch can
 * never land after a newer one. Pushes and repository events share the repository's key.
 */
export function orderingKey(subject: Subject): string {
  switch (subject.type) {
    case 'work-item':
      return `work-item:${subject.workItemId}`;
    case 'pull-request':
      return `pull-request:${subject.repositoryId}:${subject.pullRequestId}`;
    case 'push':
    case 'repository':
      return `repository:${subject.repositoryId}`;
    case 'build':
      return `build:${subject.projectId}:${subject.buildId}`;
    case 'run':
      return `build:${subject.projectId}:${subject.runId}`;
    case 'release':
      return `release:${subject.projectId}:${subject.releaseId}`;
    case 'alert':
      return `alert:${subject.repositoryId}:${subject.alertId}`;
  }
}
