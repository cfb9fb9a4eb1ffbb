import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository } from '../../sim/azure-devops';
import { expectedCatalog } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { entityWrites, EVENT_KINDS, startCapture, startStack, type Stack } from './harness';

/**
 * Azure DevOps documents neither ordering nor at-most-once delivery (azure-devops-api.md §4.6).
 * Deliveries are captured from the simulator and replayed to the receiver twice or backwards; the
 * final state must be Azure DevOps' current state, which an apply-the-payload receiver would miss.
 */
describe('duplicate and out-of-order deliveries', () => {
  let stack: Stack;
  let capture: Awaited<ReturnType<typeof startCapture>>;
  beforeAll(async () => {
    stack = await startStack({ ado: { seed: 33 }, syncKinds: EVENT_KINDS });
    capture = await startCapture();
  });
  afterAll(async () => {
    await stack?.close();
    await capture?.close();
  });

  const oracle = (blueprint: string) => expectedCatalog(stack.sims.ado, { now: Date.now() }).get(blueprint) ?? new Map();
  const replay = async (bodies: Record<string, unknown>[]) => {
    const answers = [];
    for (const body of bodies) answers.push((await stack.post(body)).json.status);
    await stack.receiver.idle();
    return answers;
  };

  it('processes an event once when it reaches two subscriptions, and once when it is delivered again', async () => {
    const { ado, port } = stack.sims;
    const ids = await stack.subscribe([
      { publisherId: 'tfs', eventType: 'workitem.updated' },
      { publisherId: 'tfs', eventType: 'workitem.updated' },
    ]);
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const item = ado.model.workItemsOf(project.id)[0]!;
    const before = { processed: stack.receiver.metrics.processed.total(), duplicates: stack.receiver.metrics.duplicates.total() };
    port.clearCalls();
    // The re-read takes a while, so the second subscription's copy comes while the first is applied.
    ado.faults.add({ kind: 'latency', route: 'wit.workItemsBatch', latencyMs: 500, times: 1 });
    ado.mutate.updateWorkItem(item.id, { title: 'Seen twice' });
    await stack.settle();
    const deliveries = ado.hooks.deliveries().filter((d) => ids.includes(d.subscriptionId));
    expect(deliveries).toHaveLength(2);
    expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
    // The copy is refused while the first is in flight (it could still fail); Azure DevOps sends it again.
    expect(deliveries.map((d) => d.statusCode)).toEqual([202, 503]);
    expect(stack.receiver.metrics.processed.total() - before.processed).toBe(1);
    expect(entityWrites(stack.sims)).toEqual(['POST /v1/blueprints/azureDevopsWorkItem/entities/bulk']);
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`)?.title).toBe('Seen twice');

    // Sent again once the first is applied, and on any later redelivery: answered, not applied again.
    port.clearCalls();
    for (const delivery of deliveries) {
      const again = await stack.post(delivery.payload);
      expect(again).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    }
    await stack.receiver.idle();
    expect(stack.receiver.metrics.duplicates.total() - before.duplicates).toBe(2);
    expect(entityWrites(stack.sims)).toEqual([]);
    for (const id of ids) stack.sims.ado.hooks.delete(id);
  });

  it('ends with the current state when deliveries arrive newest first', async () => {
    const { ado, port } = stack.sims;
    await stack.subscribe(
      [
        { publisherId: 'tfs', eventType: 'workitem.updated' },
        { publisherId: 'tfs', eventType: 'workitem.deleted' },
        { publisherId: 'tfs', eventType: 'workitem.restored' },
        { publisherId: 'tfs', eventType: 'git.push' },
        { publisherId: 'tfs', eventType: 'git.pullrequest.created' },
        { publisherId: 'tfs', eventType: 'git.pullrequest.updated' },
      ],
      undefined,
      capture.url,
    );
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const [renamed, restored] = ado.model.workItemsOf(project.id).slice(1);
    const repo = ado.model.repositoriesOf(project.id).find(isActiveRepository)!;

    ado.mutate.updateWorkItem(renamed!.id, { title: 'First title' });
    ado.mutate.updateWorkItem(renamed!.id, { title: 'Second title' });
    ado.mutate.deleteWorkItem(restored!.id);
    ado.mutate.restoreWorkItem(restored!.id);
    ado.mutate.push(repo.id, { branch: 'short-lived', files: { '/x.txt': 'x' } });
    ado.mutate.deleteBranch(repo.id, 'short-lived');
    const pr = ado.mutate.createPullRequest(repo.id, { title: 'Reviewed backwards', sourceRefName: repo.defaultBranch! });
    ado.mutate.updatePullRequest(pr.id, { status: 'abandoned' });
    await ado.hooks.flush();
    expect(capture.bodies.map((b) => b.eventType)).toEqual([
      'workitem.updated',
      'workitem.updated',
      'workitem.deleted',
      'workitem.restored',
      'git.push',
      'git.push',
      'git.pullrequest.created',
      'git.pullrequest.updated',
    ]);

    const answers = await replay([...capture.bodies].reverse());
    expect(answers.every((a) => a === 'accepted')).toBe(true);
    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);

    // The older payloads, applied last, did not roll anything back.
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${renamed!.id}`)?.title).toBe('Second title');
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${restored!.id}`)).toBeDefined();
    expect(port.entity('azureDevopsBranch', `${repo.id}/short-lived`)).toBeUndefined();
    expect(port.entity('azureDevopsPullRequest', `${repo.id}/${pr.id}`)?.properties.status).toBe('abandoned');
    for (const blueprint of ['azureDevopsWorkItem', 'azureDevopsBranch', 'azureDevopsPullRequest']) expectBlueprint(stack.sims, blueprint, oracle(blueprint));
  });

  it('applies a deletion once the item is really gone, whatever order the events came in', async () => {
    const { ado, port } = stack.sims;
    capture.bodies.length = 0;
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const item = ado.model.workItemsOf(project.id)[4]!;
    ado.mutate.updateWorkItem(item.id, { title: 'About to go' });
    ado.mutate.deleteWorkItem(item.id);
    await ado.hooks.flush();
    const [updated, deleted] = capture.bodies;
    expect([updated?.eventType, deleted?.eventType]).toEqual(['workitem.updated', 'workitem.deleted']);
    await replay([deleted!, updated!]);
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`)).toBeUndefined();
    expectBlueprint(stack.sims, 'azureDevopsWorkItem', oracle('azureDevopsWorkItem'));
  });

  it('refuses a copy of an event still in flight with 503, so that it is not lost when the first copy fails', async () => {
    const { ado, port } = stack.sims;
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const item = ado.model.workItemsOf(project.id)[2]!;
    // The first copy's re-read is slow, then refused for good (a 400 is not worth trying again).
    ado.faults.add({ kind: 'latency', route: 'wit.workItemsBatch', latencyMs: 800, times: 1 });
    ado.faults.add({ kind: 'status', route: 'wit.workItemsBatch', status: 400, times: 1 });
    ado.mutate.updateWorkItem(item.id, { title: 'Must arrive' });
    const body = { id: 'copied-event', eventType: 'workitem.updated', publisherId: 'tfs', resource: { id: 1, workItemId: item.id }, resourceContainers: { project: { id: project.id } } };
    const failed = stack.receiver.metrics.failed.total();
    expect((await stack.post(body)).status).toBe(202);
    const copy = await stack.post(body);
    expect(copy.status).toBe(503);
    expect(copy.headers['retry-after']).toBe('30');
    expect(copy.json.reason).toMatch(/a copy of this event is still queued or being applied/);
    await stack.receiver.idle();
    expect(stack.receiver.metrics.failed.total() - failed).toBe(1);
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`)?.title).not.toBe('Must arrive');

    // Azure DevOps sends the refused copy again: it is processed, and only then a duplicate.
    expect((await stack.post(body)).status).toBe(202);
    await stack.receiver.idle();
    expect(port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`)?.title).toBe('Must arrive');
    expect(await stack.post(body)).toMatchObject({ status: 200, json: { status: 'duplicate' } });
  });
});
