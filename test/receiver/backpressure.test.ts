import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedCatalog } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { EVENT_KINDS, startStack, type PostResult, type Stack } from './harness';

const CAPACITY = 2;
const RETRY_AFTER = 7;

/**
 * A burst larger than the queue: the receiver answers 503 with Retry-After instead of buffering
 * without bound, and the events it refused are applied when they are delivered again.
 */
describe('a burst beyond the queue', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      ado: { seed: 44, webhooks: { disableAfterFailures: 1000 } },
      syncKinds: EVENT_KINDS,
      receiver: { queueCapacity: CAPACITY, workers: 1, retryAfterSeconds: RETRY_AFTER },
    });
    await stack.subscribe([{ publisherId: 'tfs', eventType: 'workitem.updated' }]);
  });

  /** The first re-read hangs a while, so the burst arrives while one event runs and the queue fills. */
  const stallFirstRefetch = () => stack.sims.ado.faults.add({ kind: 'latency', route: 'wit.workItemsBatch', latencyMs: 1500, times: 1 });
  afterAll(async () => stack?.close());

  /** What a sender honouring Retry-After does (Azure DevOps' resend, here without the wait). */
  async function redeliver(body: unknown): Promise<PostResult> {
    for (;;) {
      const res = await stack.post(body);
      if (res.status !== 503) return res;
      await stack.receiver.idle();
    }
  }

  it('refuses what does not fit with 503 and Retry-After, and converges once the refused events are sent again', async () => {
    const { ado } = stack.sims;
    const items = ado.model.projectList().flatMap((p) => ado.model.workItemsOf(p.id)).slice(0, 8);
    expect(items).toHaveLength(8);
    stallFirstRefetch();
    for (const [i, item] of items.entries()) ado.mutate.updateWorkItem(item.id, { title: `Burst ${i}` });
    await stack.settle();

    const deliveries = ado.hooks.deliveries();
    expect(deliveries).toHaveLength(8);
    const refused = deliveries.filter((d) => d.statusCode === 503);
    const accepted = deliveries.filter((d) => d.statusCode === 202);
    // One event runs, CAPACITY wait; the rest cannot be taken.
    expect(accepted.length).toBe(1 + CAPACITY);
    expect(refused.length).toBe(8 - accepted.length);
    expect(stack.receiver.metrics.rejected.get({ reason: 'queue_full' })).toBe(refused.length);
    expect(stack.receiver.metrics.processed.total()).toBe(accepted.length);

    // The refused events are missing from Port until they come again.
    const oracle = () => expectedCatalog(ado, { now: Date.now() }).get('azureDevopsWorkItem') ?? new Map();
    expect(() => expectBlueprint(stack.sims, 'azureDevopsWorkItem', oracle())).toThrow();
    for (const delivery of refused) expect((await redeliver(delivery.payload)).json.status).toBe('accepted');
    await stack.receiver.idle();
    expect(stack.receiver.metrics.processed.total()).toBe(8);
    expect(stack.receiver.metrics.failed.total()).toBe(0);
    expectBlueprint(stack.sims, 'azureDevopsWorkItem', oracle());
  });

  it('says when to come back', async () => {
    const { ado } = stack.sims;
    stallFirstRefetch();
    const items = ado.model.projectList().flatMap((p) => ado.model.workItemsOf(p.id)).slice(0, 6);
    const bodies = items.map((item, i) => ({
      subscriptionId: 'direct',
      notificationId: 1000 + i,
      id: `burst-${i}`,
      eventType: 'workitem.updated',
      publisherId: 'tfs',
      resource: { id: 1, workItemId: item.id, revision: { id: item.id, fields: {} } },
      resourceContainers: { project: { id: item.projectId } },
    }));
    const answers = await Promise.all(bodies.map((body) => stack.post(body)));
    const full = answers.filter((a) => a.status === 503);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1 + CAPACITY);
    expect(full).toHaveLength(items.length - 1 - CAPACITY);
    for (const answer of full) {
      expect(answer.headers['retry-after']).toBe(String(RETRY_AFTER));
      expect(answer.json.reason).toMatch(/queue is full/);
    }
    await stack.receiver.idle();
  });
});
