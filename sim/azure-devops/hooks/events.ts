import { buildJson, runJson } from '../api/build';
import type { View } from '../api/context';
import { pullRequestJson, repositoryJson } from '../api/git';
import { date, identityRef, projectRef, ticks } from '../api/present';
import { deploymentJson, releaseJson } from '../api/release';
import { workItemFields, workItemJson, workItemUrl } from '../api/work-item-json';
import type { OrganizationModel } from '../model/organization';
import type {
  AlertRecord,
  BuildRecord,
  CommitRecord,
  PullRequestRecord,
  ReleaseDeploymentRecord,
  ReleaseRecord,
  RepositoryRecord,
  TimelineRecordModel,
  WorkItemRecord,
} from '../model/records';
import type { ServiceUrls } from '../wire/hosts';
import type { JsonObject } from '../wire/json';
import type { HookEvent } from './subscriptions';

/**
 * Service-hook events, with resources shaped like the real payloads
 * (azure-devops-webhook-samples/, azure-devops-api.md §4.3–4.4).
 */

const text = (t: string, link?: string) => ({ text: link ? `${t}\r\n(${link})` : t, html: link ? `<a href="${link}">${t}</a>` : t, markdown: link ? `[${t}](${link})` : t });

const view = (org: OrganizationModel, urls: ServiceUrls): View => ({ org, urls });

export interface PushInfo {
  pushId: number;
  date: number;
  pushedById: string;
  refUpdates: { name: string; oldObjectId: string; newObjectId: string }[];
  commits: CommitRecord[];
}

export function pushEvent(org: OrganizationModel, repo: RepositoryRecord, push: PushInfo): HookEvent {
  const pusher = org.user(push.pushedById);
  return {
    publisherId: 'tfs',
    eventType: 'git.push',
    projectId: repo.projectId,
    resourceVersion: '1.0',
    attributes: {
      repository: repo.id,
      branch: push.refUpdates.map((r) => r.name),
      pushedby: pusher ? [pusher.id, pusher.principalName, pusher.displayName] : undefined,
    },
    minimalKeys: ['pushId', 'url', 'date', 'refUpdates', 'repository'],
    resource: (urls) => {
      const repoUrl = `${urls.core}/${repo.projectId}/_apis/git/repositories/${repo.id}`;
      return {
        commits: push.commits.map((c) => {
          const author = org.user(c.authorId);
          const person = { name: author?.displayName, email: author?.mailAddress, date: date(c.authorDate) };
          return { commitId: c.commitId, author: person, committer: person, comment: c.comment, url: `${repoUrl}/commits/${c.commitId}` };
        }),
        refUpdates: push.refUpdates,
        repository: repositoryJson(view(org, urls), repo),
        pushedBy: identityRef(pusher, urls),
        pushId: push.pushId,
        date: ticks(push.date),
        url: `${repoUrl}/pushes/${push.pushId}`,
        _links: { self: { href: `${repoUrl}/pushes/${push.pushId}` }, repository: { href: repoUrl }, commits: { href: `${repoUrl}/pushes/${push.pushId}/commits` }, refs: { href: `${repoUrl}/refs` } },
      };
    },
    message: (urls) => text(`${pusher?.displayName ?? 'Someone'} pushed updates to ${repo.name}:${(push.refUpdates[0]?.name ?? '').replace('refs/heads/', '')}`, `${urls.core}/${repo.projectId}/_git/${encodeURIComponent(repo.name)}`),
  };
}

export type PullRequestEventType = 'git.pullrequest.created' | 'git.pullrequest.updated' | 'git.pullrequest.merged';

export function pullRequestEvent(org: OrganizationModel, pr: PullRequestRecord, eventType: PullRequestEventType, notificationType?: string): HookEvent {
  const creator = org.user(pr.creatorId);
  return {
    publisherId: 'tfs',
    eventType,
    projectId: pr.projectId,
    resourceVersion: '1.0',
    attributes: {
      repository: pr.repositoryId,
      branch: pr.targetRefName,
      pullrequestcreatedby: creator ? [creator.id, creator.principalName, creator.displayName] : undefined,
      pullrequestreviewerscontains: pr.reviewers.map((r) => r.id),
      notificationtype: notificationType,
      mergeresult: pr.mergeStatus === 'succeeded' ? 'Succeeded' : 'Unsuccessful',
    },
    minimalKeys: ['pullRequestId', 'url', 'status', 'repository'],
    resource: (urls) => pullRequestJson(view(org, urls), pr),
    message: (urls) => {
      const verb = eventType === 'git.pullrequest.created' ? 'created' : eventType === 'git.pullrequest.merged' ? 'merged' : 'updated';
      return text(`${creator?.displayName ?? 'Someone'} ${verb} pull request ${pr.id} (${pr.title})`, `${urls.core}/${pr.projectId}/_git/pullrequest/${pr.id}`);
    },
  };
}

export function repositoryEvent(org: OrganizationModel, repo: RepositoryRecord, eventType: 'git.repo.created' | 'git.repo.deleted' | 'git.repo.renamed' | 'git.repo.statuschanged', oldName?: string): HookEvent {
  return {
    publisherId: 'tfs',
    eventType,
    projectId: repo.projectId,
    resourceVersion: '1.0-preview.1',
    attributes: { repository: repo.id, projectid: repo.projectId },
    resource: (urls) =>
      eventType === 'git.repo.deleted'
        ? { repositoryId: repo.id, repositoryName: repo.name, projectId: repo.projectId, isHardDelete: false }
        : { repository: repositoryJson(view(org, urls), repo), oldName: oldName, newName: eventType === 'git.repo.renamed' ? repo.name : undefined, isDisabled: repo.isDisabled },
    message: () => text(`Repository ${repo.name} ${eventType.split('.').pop() ?? ''}`),
  };
}

export type WorkItemEventType = 'workitem.created' | 'workitem.updated' | 'workitem.commented' | 'workitem.deleted' | 'workitem.restored';

/**
 * Work item events. `workitem.updated` carries an update resource (`fields` of
 * `{oldValue, newValue}` plus `revision`), as the aspnet sample shows; the others carry the item.
 */
export function workItemEvent(org: OrganizationModel, item: WorkItemRecord, eventType: WorkItemEventType, previous?: WorkItemRecord, comment?: string): HookEvent {
  const changer = org.user(item.changedById);
  const changedFields = (urls: ServiceUrls): Record<string, { oldValue?: unknown; newValue?: unknown }> => {
    if (!previous) return {};
    const before = workItemFields(org, previous, urls);
    const after = workItemFields(org, item, urls);
    const out: Record<string, { oldValue?: unknown; newValue?: unknown }> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = { oldValue: before[key], newValue: after[key] };
    }
    return out;
  };
  return {
    publisherId: 'tfs',
    eventType,
    projectId: item.projectId,
    resourceVersion: '1.0',
    attributes: {
      areapath: item.areaPath,
      workitemtype: item.type,
      changedfields: previous ? Object.keys(changedFields({ core: '', release: '', graph: '', entitlements: '', advsec: '' })) : undefined,
      tag: item.tags,
    },
    minimalKeys: ['id', 'workItemId', 'rev', 'url'],
    resource: (urls) => {
      const url = workItemUrl(urls, item);
      if (eventType === 'workitem.updated') {
        return {
          id: item.rev,
          workItemId: item.id,
          rev: item.rev,
          revisedBy: identityRef(changer, urls),
          revisedDate: '9999-01-01T00:00:00Z',
          fields: changedFields(urls) as JsonObject,
          _links: { self: { href: `${url}/updates/${item.rev}` }, parent: { href: url }, workItemUpdates: { href: `${url}/updates` } },
          url: `${url}/updates/${item.rev}`,
          revision: { id: item.id, rev: item.rev, fields: workItemFields(org, item, urls), url: `${url}/revisions/${item.rev}` },
        };
      }
      const json = workItemJson(org, item, urls, { expand: 'all' });
      if (eventType === 'workitem.deleted') json.url = `${urls.core}/${item.projectId}/_apis/wit/recyclebin/${item.id}`;
      if (eventType === 'workitem.commented' && comment !== undefined) json.fields = { ...(json.fields as JsonObject), 'System.History': comment };
      return json;
    },
    message: (urls) => text(`${item.type} #${item.id} (${item.title}) ${eventType.split('.').pop() ?? ''} by ${changer?.displayName ?? 'someone'}`, `${urls.core}/${item.projectId}/_workitems/edit/${item.id}`),
  };
}

/** build.complete: the resource is the Build (newer service versions send the 2.0 build shape). */
export function buildCompleteEvent(org: OrganizationModel, build: BuildRecord): HookEvent {
  const pipeline = org.pipelines.get(build.pipelineId);
  const status = build.result === 'partiallySucceeded' ? 'PartiallySucceeded' : build.result === 'failed' ? 'Failed' : build.result === 'canceled' ? 'Stopped' : 'Succeeded';
  return {
    publisherId: 'tfs',
    eventType: 'build.complete',
    projectId: build.projectId,
    resourceVersion: '2.0',
    attributes: { definitionname: pipeline?.name, buildstatus: status },
    minimalKeys: ['id', 'url', 'buildNumber', 'status', 'result'],
    resource: (urls) => buildJson(view(org, urls), build),
    message: (urls) => text(`Build ${build.buildNumber} ${build.result ?? 'completed'}`, `${urls.core}/${build.projectId}/_build/results?buildId=${build.id}`),
  };
}

const RUN_STATE_ID: Record<BuildRecord['status'], string> = { inProgress: 'InProgress', notStarted: 'InProgress', cancelling: 'Canceling', completed: 'Completed' };

function pipelineRef(org: OrganizationModel, build: BuildRecord, urls: ServiceUrls): JsonObject | undefined {
  const pipeline = org.pipelines.get(build.pipelineId);
  if (!pipeline) return undefined;
  return { url: `${urls.core}/${pipeline.projectId}/_apis/pipelines/${pipeline.id}?revision=${pipeline.revision}`, id: pipeline.id, revision: pipeline.revision, name: pipeline.name, folder: pipeline.folder };
}

function stageJson(record: TimelineRecordModel, urls: ServiceUrls, build: BuildRecord): JsonObject {
  return {
    _links: { web: { href: `${urls.core}/${build.projectId}/_build/results?buildId=${build.id}` } },
    id: record.id,
    name: record.identifier,
    displayName: record.name,
    state: record.state === 'pending' ? 'notStarted' : record.state === 'inProgress' ? 'running' : 'completed',
    result: record.result ?? undefined,
  };
}

export function runStateEvent(org: OrganizationModel, build: BuildRecord): HookEvent {
  return {
    publisherId: 'pipelines',
    eventType: 'ms.vss-pipelines.run-state-changed-event',
    projectId: build.projectId,
    resourceVersion: '5.1-preview.1',
    attributes: { pipelineid: String(build.pipelineId), runstateid: RUN_STATE_ID[build.status], runresultid: build.result ?? undefined },
    resource: (urls) => {
      const pipeline = org.pipelines.get(build.pipelineId);
      return { run: pipeline ? runJson(view(org, urls), pipeline, build, false) : { id: build.id }, pipeline: pipelineRef(org, build, urls), projectId: build.projectId };
    },
    message: (urls) => text(`Run ${build.buildNumber} ${RUN_STATE_ID[build.status].toLowerCase()}${build.result ? ` (${build.result})` : ''}`, `${urls.core}/${build.projectId}/_build/results?buildId=${build.id}`),
  };
}

export function stageStateEvent(org: OrganizationModel, build: BuildRecord, stage: TimelineRecordModel): HookEvent {
  return {
    publisherId: 'pipelines',
    eventType: 'ms.vss-pipelines.stage-state-changed-event',
    projectId: build.projectId,
    resourceVersion: '5.1-preview.1',
    attributes: { pipelineid: String(build.pipelineId), stagenameid: stage.identifier, stagestateid: stage.state === 'pending' ? 'NotStarted' : stage.state === 'inProgress' ? 'Running' : 'Completed' },
    resource: (urls) => {
      const pipeline = org.pipelines.get(build.pipelineId);
      return { stage: stageJson(stage, urls, build), run: pipeline ? runJson(view(org, urls), pipeline, build, false) : { id: build.id }, pipeline: pipelineRef(org, build, urls), projectId: build.projectId };
    },
    message: () => text(`Stage ${stage.name} of run ${build.buildNumber} is ${stage.state}`),
  };
}

export function jobStateEvent(org: OrganizationModel, build: BuildRecord, stage: TimelineRecordModel, job: TimelineRecordModel): HookEvent {
  return {
    publisherId: 'pipelines',
    eventType: 'ms.vss-pipelines.job-state-changed-event',
    projectId: build.projectId,
    resourceVersion: '5.1-preview.1',
    attributes: { pipelineid: String(build.pipelineId), stagenameid: stage.identifier, jobnameid: job.identifier, jobstateid: job.state, jobresultid: job.result ?? undefined },
    resource: (urls) => {
      const pipeline = org.pipelines.get(build.pipelineId);
      const repo = build.repositoryId ? org.repositories.get(build.repositoryId) : undefined;
      return {
        job: { _links: { web: { href: `${urls.core}/${build.projectId}/_build/results?buildId=${build.id}` } }, id: job.id, name: job.name, state: job.state, result: job.result ?? undefined, startTime: ticks(job.startTime), finishTime: ticks(job.finishTime) },
        stage: stageJson(stage, urls, build),
        run: pipeline ? runJson(view(org, urls), pipeline, build, false) : { id: build.id },
        pipeline: pipelineRef(org, build, urls),
        repositories: repo ? [{ type: 'Git', change: { author: { name: org.user(build.requestedForId)?.displayName }, version: build.sourceVersion }, url: `${urls.core}/${build.projectId}/_git/${encodeURIComponent(repo.name)}` }] : [],
        projectId: build.projectId,
      };
    },
    message: () => text(`Job ${job.name} of stage ${stage.name} is ${job.state}`),
  };
}

export function releaseEvent(org: OrganizationModel, release: ReleaseRecord, eventType: 'ms.vss-release.release-created-event' | 'ms.vss-release.release-abandoned-event'): HookEvent {
  const project = org.projects.get(release.projectId);
  return {
    publisherId: 'rm',
    eventType,
    projectId: release.projectId,
    resourceVersion: '3.0-preview.1',
    attributes: { releasedefinitionid: String(release.definitionId) },
    resource: (urls) => ({ release: releaseJson(view(org, urls), release, ['environments', 'artifacts']), project: project ? { id: project.id, name: project.name } : undefined }),
    message: (urls) => text(`Release ${release.name} ${eventType.includes('created') ? 'created' : 'abandoned'}`, `${urls.core}/${release.projectId}/_release?releaseId=${release.id}`),
  };
}

export function deploymentEvent(org: OrganizationModel, release: ReleaseRecord, deployment: ReleaseDeploymentRecord, eventType: 'ms.vss-release.deployment-started-event' | 'ms.vss-release.deployment-completed-event'): HookEvent {
  const project = org.projects.get(release.projectId);
  const environment = release.environments.find((e) => e.id === deployment.releaseEnvironmentId);
  return {
    publisherId: 'rm',
    eventType,
    projectId: release.projectId,
    resourceVersion: '3.0-preview.1',
    attributes: { releasedefinitionid: String(release.definitionId), releaseenvironmentid: String(deployment.definitionEnvironmentId), releaseenvironmentstatus: environment?.status },
    resource: (urls) => ({
      environment: environment ? { id: environment.id, releaseId: release.id, name: environment.name, status: environment.status, definitionEnvironmentId: environment.definitionEnvironmentId, rank: environment.rank } : undefined,
      release: releaseJson(view(org, urls), release, ['environments']),
      deployment: project ? deploymentJson(view(org, urls), project, deployment) : undefined,
      project: project ? { id: project.id, name: project.name } : undefined,
    }),
    message: () => text(`Deployment of release ${release.name} to ${environment?.name ?? 'environment'} ${eventType.includes('started') ? 'started' : deployment.deploymentStatus}`),
  };
}

export function alertEvent(org: OrganizationModel, alert: AlertRecord, eventType: 'ms.vss-alerts.alert-created-event' | 'ms.vss-alerts.alert-state-changed-event' | 'ms.vss-alerts.alert-updated-event', alertJson: (urls: ServiceUrls) => JsonObject): HookEvent {
  const project = org.projects.get(alert.projectId);
  return {
    publisherId: 'advsec',
    eventType,
    projectId: alert.projectId,
    resourceVersion: '7.2-preview.1',
    attributes: { repository: alert.repositoryId, alerttype: alert.alertType, severity: alert.severity, state: alert.state },
    resource: (urls) => ({ ...alertJson(urls), project: project ? projectRef(project, urls) : undefined }),
    message: () => text(`Alert ${alert.alertId} (${alert.title}) is ${alert.state}`),
  };
}
