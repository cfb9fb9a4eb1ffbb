import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository } from '../../sim/azure-devops';
import { expectedCatalog } from '../support/default-catalog-oracle';
import { expectPortMatches } from '../support/port-assertions';
import { entityWrites, fullSync, snapshot, startStack, type Stack } from './harness';

/**
 * Azure DevOps changes, the simulator delivers the real service-hook events to the receiver, and
 * Port must end up exactly where a full sync would put it: checked by running that sync afterwards
 * (it must find nothing to write) and against the independent oracle of the default catalog.
 */
describe('live events converge Port to the state of a full sync', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await stack.subscribe();
  });
  afterAll(async () => stack?.close());

  it('applies work item, git, pull request, pipeline and release events', async () => {
    const { ado } = stack.sims;
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const items = ado.model.workItemsOf(project.id);
    const type = items[0]!.type;
    const repo = ado.model.repositoriesOf(project.id).find(isActiveRepository)!;
    const otherBranch = ado.model.branchesOf(repo.id).find((b) => b.name !== repo.defaultBranch);

    // Work items: create, update, comment, delete, delete-and-restore.
    const created = ado.mutate.createWorkItem(project.id, { type, title: 'Created live' });
    ado.mutate.updateWorkItem(items[0]!.id, { title: 'Renamed live', state: 'Active' });
    ado.mutate.commentOnWorkItem(items[1]!.id, 'a comment');
    ado.mutate.deleteWorkItem(items[2]!.id);
    ado.mutate.deleteWorkItem(items[3]!.id);
    ado.mutate.restoreWorkItem(items[3]!.id);
    // Git: a new branch, a push to the default branch, a deleted branch, a new repository.
    ado.mutate.push(repo.id, { branch: 'feature/live', files: { '/live.txt': 'live' } });
    ado.mutate.push(repo.id, { files: { '/README.md': 'changed live' } });
    if (otherBranch) ado.mutate.deleteBranch(repo.id, otherBranch.name);
    const newRepo = ado.mutate.createRepository(project.id, { name: 'created-live', empty: true });
    // Pull requests: created, then completed (merged + updated events).
    const pr = ado.mutate.createPullRequest(repo.id, { title: 'Live PR', sourceRefName: 'refs/heads/feature/live' });
    ado.mutate.updatePullRequest(pr.id, { status: 'completed' });
    // A pipeline run: queued, then completed (run-state-changed twice, build.complete).
    const pipeline = ado.model.pipelinesOf(project.id)[0] ?? [...ado.model.pipelines.all()][0]!;
    const run = ado.mutate.queueRun(pipeline.id);
    const stage = ado.model.timeline(run.id)?.find((r) => r.type === 'Stage');
    expect(stage).toBeDefined();
    ado.mutate.setStageState(run.id, stage!.name, 'inProgress');
    // Test runs raise no event of their own; build.complete is when they are read (as Ocean does).
    const testRun = ado.mutate.createTestRun(pipeline.projectId, { name: 'Live tests', buildId: run.id, totalTests: 3, passedTests: 2 });
    ado.mutate.setRunState(run.id, { status: 'completed', result: 'failed' });
    // A release: created, then deployed.
    const definition = [...ado.model.releaseDefinitions.all()][0]!;
    const release = ado.mutate.createRelease(definition.projectId, definition.id);
    ado.mutate.deployRelease(release.id, release.environments[0]!.id, 'succeeded');

    await stack.settle();
    const metrics = stack.receiver.metrics;
    expect(metrics.failed.total(), stack.logs.join('')).toBe(0);
    const deliveries = ado.hooks.deliveries();
    expect(deliveries.length).toBeGreaterThanOrEqual(16);
    expect(deliveries.filter((d) => !d.ok)).toEqual([]);
    // Every delivery was applied: none ignored, none a duplicate; each one's time is in the histogram.
    expect(metrics.processed.total()).toBe(deliveries.length);
    expect(metrics.latency.observations).toBe(deliveries.length);
    expect(metrics.render()).toMatch(new RegExp(`^port_ado_receiver_processing_seconds_count ${deliveries.length}$`, 'm'));

    // Spot checks: what the events were about is in Port as it is now in Azure DevOps.
    const port = stack.sims.port;
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${created.id}`)?.title).toBe('Created live');
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${items[0]!.id}`)?.properties.state).toBe('Active');
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${items[2]!.id}`)).toBeUndefined();
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${items[3]!.id}`)).toBeDefined();
    expect(port.entity('azureDevopsBranch', `${repo.id}/feature/live`)?.properties.commit).toBe(ado.model.branchesOf(repo.id).find((b) => b.name === 'refs/heads/feature/live')?.objectId);
    if (otherBranch) expect(port.entity('azureDevopsBranch', `${repo.id}/${otherBranch.name.replace('refs/heads/', '').replace(/[^\p{L}0-9@_.+:/=-]/gu, '_')}`)).toBeUndefined();
    expect(port.entity('azureDevopsRepository', newRepo.id)?.title).toBe('created-live');
    expect(port.entity('azureDevopsPullRequest', `${repo.id}/${pr.id}`)?.properties.status).toBe('completed');
    expect(port.entity('azureDevopsBuild', `${pipeline.projectId}/${run.id}`)?.properties.result).toBe('failed');
    expect(port.entity('azureDevopsPipelineRun', `${pipeline.projectId}/${pipeline.id}/${run.id}`)?.properties.state).toBe('completed');
    expect(port.entity('azureDevopsPipelineStage', `${pipeline.projectId}/${run.id}/${stage!.id}`)?.properties.state).toBe('completed');
    expect(port.entities('azureDevopsTestRun').find((e) => e.identifier.endsWith(`/${testRun.id}`))?.properties).toMatchObject({ totalTests: 3, passedTests: 2 });
    expect(port.entities('azureDevopsReleaseDeployment').some((e) => e.relations.release === `${definition.projectId}/${release.id}`)).toBe(true);
    expect(port.entity('azureDevopsRelease', `${definition.projectId}/${release.id}`)).toBeDefined();
    // Written as the integration, so the sync's reconciliation treats them as its own.
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${created.id}`)?.datasource).toMatch(/^port-ocean\/azure-devops\/.*\/my-azure-devops-integration\/exporter$/);

    // The independent oracle agrees, and a full sync finds nothing left to do.
    expectPortMatches(stack.sims, expectedCatalog(ado, { now: Date.now() }));
    const before = snapshot(stack.sims);
    port.clearCalls();
    const sync = await fullSync(stack.sims);
    expect(sync.code, sync.stderr).toBe(0);
    expect(entityWrites(stack.sims)).toEqual([]);
    expect(snapshot(stack.sims)).toEqual(before);
  });

  it('re-reads the stages of the run an approval or check names, and acknowledges a check that names none', async () => {
    const { ado, port } = stack.sims;
    const pipeline = [...ado.model.pipelines.all()].find((p) => ado.model.projects.get(p.projectId)?.state === 'wellFormed')!;
    const run = ado.mutate.queueRun(pipeline.id);
    await stack.settle();
    const stage = ado.model.timeline(run.id)!.find((r) => r.type === 'Stage')!;
    // A stage waiting for an approval: the simulator raises no approval events, so this one is sent by hand.
    ado.model.setTimeline(run.id, ado.model.timeline(run.id)!.map((r) => (r.id === stage.id ? { ...r, state: 'inProgress' as const, startTime: Date.now() } : r)));
    const processed = stack.receiver.metrics.processed.total();
    const approval = await stack.post({
      subscriptionId: 'by-hand',
      notificationId: 1,
      id: `approval-${run.id}`,
      eventType: 'ms.vss-pipelinechecks-events.approval-pending',
      publisherId: 'pipelines',
      resource: { approval: { id: 'a1', status: 'pending' }, projectId: pipeline.projectId, pipeline: { id: pipeline.id }, stage: { id: stage.id, name: stage.identifier }, run: { id: run.id } },
      resourceContainers: { project: { id: pipeline.projectId } },
    });
    expect(approval.json.status).toBe('accepted');
    await stack.receiver.idle();
    expect(stack.receiver.metrics.processed.total()).toBe(processed + 1);
    expect(port.entity('azureDevopsPipelineStage', `${pipeline.projectId}/${run.id}/${stage.id}`)?.properties.state).toBe('inProgress');

    const check = await stack.post({ id: 'check-1', eventType: 'ms.vss-pipelinechecks-events.check-updated-event', publisherId: 'pipelines', resource: { checkConfigurationId: 7 } });
    expect(check).toMatchObject({ status: 200, json: { status: 'ignored' } });
  });
});
