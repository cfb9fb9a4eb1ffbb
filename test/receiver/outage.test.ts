/**
 * Port or Azure DevOps down: an event that fails on it is queued again (a bounded number of
 * times, keeping its place among the events about its entity), and while events keep failing
 * that way deliveries and readiness get 503 + Retry-After, so that Azure DevOps keeps the events
 * and sends them again instead of them being acknowledged and lost.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureDevOpsError, AzureDevOpsUnavailableError } from '../../core/azure-devops/errors';
import { HttpNetworkError } from '../../core/http/network-error';
import { ListingFailedError } from '../../core/kinds/fan-out';
import { QueueTimeoutError } from '../../core/live-events/ordered-queue';
import { Circuit, isTransientFailure } from '../../core/live-events/outage';
import { PortApiError, PortAuthError } from '../../core/port/errors';
import { parsedLogs, startStack, type Stack } from './harness';

/** The clients give up quickly here: the receiver's own retries are under test. */
const FAST_CLIENTS = {
  port: { maxAttempts: 2, baseDelaySeconds: 0.01, maxDelaySeconds: 0.05 },
  azureDevOps: { throttledAttempts: 2, transientAttempts: 2, serverErrorAttempts: 1, baseDelaySeconds: 0.01, maxDelaySeconds: 0.05 },
};

function readyz(url: string): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(`${url}/readyz`, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], text }));
    })
      .on('error', reject)
      .end();
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('what counts as an outage', () => {
  it('tells transient failures from the others', () => {
    expect(isTransientFailure(new PortApiError('down', 503, undefined, 'POST /x'))).toBe(true);
    expect(isTransientFailure(new PortApiError('throttled', 429, undefined, 'POST /x'))).toBe(true);
    expect(isTransientFailure(new PortApiError('unreachable', undefined, undefined, 'POST /x'))).toBe(true);
    expect(isTransientFailure(new AzureDevOpsUnavailableError('kept failing', 'https://x'))).toBe(true);
    expect(isTransientFailure(new AzureDevOpsError('500', 'https://x', 500))).toBe(true);
    expect(isTransientFailure(new QueueTimeoutError('did not finish'))).toBe(true);
    expect(isTransientFailure(new Error('wrapped', { cause: new HttpNetworkError('reset', 'ECONNRESET', false, undefined) }))).toBe(true);
    expect(isTransientFailure(new ListingFailedError([{ scope: 'work items 1…1', error: new AzureDevOpsUnavailableError('kept failing', 'https://x', 503) }]))).toBe(true);

    expect(isTransientFailure(new PortApiError('invalid', 422, undefined, 'POST /x'))).toBe(false);
    expect(isTransientFailure(new PortAuthError('bad credentials', 401, undefined, 'POST /x'))).toBe(false);
    expect(isTransientFailure(new AzureDevOpsError('bad request', 'https://x', 400))).toBe(false);
    expect(isTransientFailure(new Error('Port rejected 1 entity'))).toBe(false);
    expect(
      isTransientFailure(
        new ListingFailedError([
          { scope: 'a', error: new AzureDevOpsUnavailableError('kept failing', 'https://x', 503) },
          { scope: 'b', error: new AzureDevOpsError('bad request', 'https://x', 400) },
        ]),
      ),
    ).toBe(false);
  });

  it('opens the circuit after the threshold of distinct events, until the cool-down passes with nothing left to try, or a try gets through', () => {
    let now = 0;
    let busy = false;
    const circuit = new Circuit(2, 1000, () => busy, () => now);
    circuit.failed('event:a');
    circuit.failed('event:a');
    // One event failing again and again is that event's problem, not an outage.
    expect(circuit.openForMs()).toBeUndefined();
    circuit.failed('event:b');
    expect(circuit.openForMs()).toBe(1000);
    now = 600;
    expect(circuit.openForMs()).toBe(400);
    now = 1000;
    // Half-open: deliveries come in again; the next transient failure opens it at once.
    expect(circuit.openForMs()).toBeUndefined();
    circuit.failed('event:c');
    expect(circuit.openForMs()).toBe(1000);
    // Past the cool-down, events still being tried keep it open: their outcome decides.
    now = 2500;
    busy = true;
    expect(circuit.openForMs()).toBe(1000);
    busy = false;
    expect(circuit.openForMs()).toBeUndefined();
    circuit.reached();
    expect(circuit.openForMs()).toBeUndefined();
    circuit.failed('event:d');
    expect(circuit.openForMs()).toBeUndefined();
  });
});

describe('the receiver during an outage', () => {
  const RETRY_AFTER = 2;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      ado: { seed: 47 },
      syncKinds: ['project', 'work-item'],
      receiver: { workers: 2, eventAttempts: 3, retryDelaySeconds: 1, circuitThreshold: 2, retryAfterSeconds: RETRY_AFTER },
      retry: FAST_CLIENTS,
    });
  });
  afterAll(async () => stack?.close());

  const items = () => stack.sims.ado.model.projectList().flatMap((p) => stack.sims.ado.model.workItemsOf(p.id));
  const eventFor = (id: string, item: { id: number; projectId: string }) => ({
    id,
    eventType: 'workitem.updated',
    publisherId: 'tfs',
    resource: { id: 1, workItemId: item.id },
    resourceContainers: { project: { id: item.projectId } },
  });
  const title = (item: { id: number; projectId: string }) => stack.sims.port.entity('azureDevopsWorkItem', `${item.projectId}/${item.id}`)?.title;
  const retries = () => parsedLogs(stack).filter((l) => l.level === 'warn' && / trying again in \d+ s$/.test(l.msg));

  it('tries an event again when Port was down, and applies it once Port is back', async () => {
    const { ado, port } = stack.sims;
    const item = items()[0]!;
    const before = { processed: stack.receiver.metrics.processed.total(), failed: stack.receiver.metrics.failed.total() };
    port.injectFault({ method: 'POST', path: '/v1/blueprints/**', status: 503 });
    ado.mutate.updateWorkItem(item.id, { title: 'Written after the outage' });
    expect((await stack.post(eventFor('outage-short', item))).status).toBe(202);
    await until(() => retries().some((l) => l.eventId === 'outage-short'), 'the first try to fail');
    port.clearFaults();
    await stack.receiver.idle();
    expect(title(item)).toBe('Written after the outage');
    expect(stack.receiver.metrics.processed.total() - before.processed).toBe(1);
    expect(stack.receiver.metrics.failed.total() - before.failed).toBe(0);
    expect(stack.receiver.metrics.retried.total()).toBeGreaterThanOrEqual(1);
    const retry = retries().find((l) => l.eventId === 'outage-short')!;
    expect(retry).toMatchObject({ attempt: 1, attempts: 3, key: `work-item:${item.id}` });
    expect(retry.msg).toMatch(/^event failed: Port POST .* HTTP 503.*; trying again in 1 s$/);
  });

  it('keeps the order of the events about one entity while an event waits for its retry', async () => {
    const { ado } = stack.sims;
    const item = items()[1]!;
    // Azure DevOps fails the first try's re-reads (the client tries twice), then recovers.
    ado.faults.add({ kind: 'status', route: 'wit.workItemsBatch', status: 503, times: 2 });
    ado.mutate.updateWorkItem(item.id, { title: 'First' });
    expect((await stack.post(eventFor('order-1', item))).status).toBe(202);
    await until(() => retries().some((l) => l.eventId === 'order-1'), 'the first event to fail once');
    ado.mutate.updateWorkItem(item.id, { title: 'Second' });
    expect((await stack.post(eventFor('order-2', item))).status).toBe(202);
    await stack.receiver.idle();
    const processed = parsedLogs(stack)
      .filter((l) => l.msg === 'event processed' && String(l.eventId).startsWith('order-'))
      .map((l) => l.eventId);
    expect(processed).toEqual(['order-1', 'order-2']);
    expect(title(item)).toBe('Second');
  });

  it('answers deliveries and readiness with 503 + Retry-After while events keep failing, then lets them in again', async () => {
    const { ado, port } = stack.sims;
    const [a, b, c] = items().slice(2, 5);
    const before = { failed: stack.receiver.metrics.failed.total(), processed: stack.receiver.metrics.processed.total() };
    port.injectFault({ method: 'POST', path: '/v1/blueprints/**', status: 503 });
    for (const item of [a!, b!, c!]) ado.mutate.updateWorkItem(item.id, { title: `Kept through the outage ${item.id}` });
    expect((await stack.post(eventFor('circuit-a', a!))).status).toBe(202);
    expect((await stack.post(eventFor('circuit-b', b!))).status).toBe(202);

    // Two distinct events failed on Port: the circuit opens.
    await until(async () => (await readyz(stack.receiver.url)).status === 503, 'readiness to drop');
    const ready = await readyz(stack.receiver.url);
    expect(Number(ready.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(ready.retryAfter)).toBeLessThanOrEqual(RETRY_AFTER);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'not ready', reason: expect.stringMatching(/Port or Azure DevOps is unavailable/) as unknown });
    const refused = await stack.post(eventFor('circuit-c', c!));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json.reason).toMatch(/Port or Azure DevOps is unavailable/);
    expect(stack.receiver.metrics.rejected.get({ reason: 'unavailable' })).toBeGreaterThanOrEqual(1);
    expect(stack.receiver.metrics.registry.render()).toMatch(/^port_ado_receiver_circuit_open 1$/m);

    // Port stays down past the retry budget: the events fail for good, each logged at error.
    await stack.receiver.idle();
    expect(stack.receiver.metrics.failed.total() - before.failed).toBe(2);
    const finalErrors = parsedLogs(stack).filter((l) => l.level === 'error' && String(l.eventId).startsWith('circuit-'));
    expect(finalErrors.map((l) => l.eventId).sort()).toEqual(['circuit-a', 'circuit-b']);
    for (const line of finalErrors) expect(line.msg).toMatch(/the last of 3 tries; send it again/);

    // Port is back; after the cool-down, with nothing left to try, the circuit half-opens: ready again.
    port.clearFaults();
    await until(async () => (await readyz(stack.receiver.url)).status === 200, 'readiness to return', (RETRY_AFTER + 3) * 1000);
    // The first event let in is the trial: until it is done the circuit stays open.
    expect((await stack.post(eventFor('circuit-a', a!))).status).toBe(202);
    expect((await stack.post(eventFor('circuit-b', b!))).status).toBe(503);
    await stack.receiver.idle();
    // It got through: the circuit is closed, and the other resent events are applied.
    expect((await readyz(stack.receiver.url)).status).toBe(200);
    expect((await stack.post(eventFor('circuit-b', b!))).status).toBe(202);
    expect((await stack.post(eventFor('circuit-c', c!))).status).toBe(202);
    await stack.receiver.idle();
    for (const item of [a!, b!, c!]) expect(title(item)).toBe(`Kept through the outage ${item.id}`);
    expect(stack.receiver.metrics.processed.total() - before.processed).toBe(3);
    expect(stack.receiver.metrics.registry.render()).toMatch(/^port_ado_receiver_circuit_open 0$/m);
  });
});
