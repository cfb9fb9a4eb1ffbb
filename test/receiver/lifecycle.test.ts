import { EventEmitter } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { receiveMain } from '../../cli/receiver';
import { startSimulators, type Simulators } from '../support/simulators';
import { basicAuth, EVENT_KINDS, parsedLogs, startStack, WEBHOOK_SECRET, WEBHOOK_USER, type Stack } from './harness';

function status(url: string): Promise<number | 'refused'> {
  return new Promise((resolve) => {
    httpRequest(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', () => resolve('refused'))
      .end();
  });
}

function postJson(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    httpRequest(url, { method: 'POST', headers: { Authorization: basicAuth(WEBHOOK_USER, WEBHOOK_SECRET), 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end(payload);
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `port-ado-sync receive` in-process: its log lines, and a way to send it SIGTERM. */
function runReceive(args: string[], env: Record<string, string>) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const err = new PassThrough();
  let errText = '';
  err.on('data', (c: Buffer) => (errText += c.toString()));
  const signals = new EventEmitter();
  const exit = receiveMain(args, { PORT_ADO_SYNC_RECEIVER_HOST: '127.0.0.1', PORT_ADO_SYNC_RECEIVER_PORT: '0', ...env }, { out, err }, signals);
  const lines = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string; url?: string });
  return { exit, lines, text: () => text, errText: () => errText, signal: (name: NodeJS.Signals) => signals.emit(name, name) };
}

describe('the receive command', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { scale: 'tiny', seed: 55 } });
    const sync = await main(['sync', '--no-progress', '--kinds', EVENT_KINDS.join(',')], sims.env(), { out: new PassThrough() as unknown as NodeJS.WriteStream, err: new PassThrough() as unknown as NodeJS.WriteStream });
    expect(sync).toBe(0);
  });
  afterAll(async () => sims?.close());

  it('drains queued events on SIGTERM, refusing new ones, then exits 0', async () => {
    const { ado, port } = sims;
    const run = runReceive([], sims.env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET, OCEAN__EVENT_LISTENER: '{"type":"WEBHOOKS_ONLY"}' }));
    await until(() => run.lines().some((l) => l.msg === 'receiver ready'), 'the receiver to get ready');
    const url = run.lines().find((l) => l.msg === 'receiver listening')!.url!;
    expect(await status(`${url}/readyz`)).toBe(200);

    const { get } = await import('../sim/azure-devops/helpers');
    const { PAT } = await import('../support/simulators');
    const sub = await get(ado, '/_apis/hooks/subscriptions?api-version=7.1', {
      method: 'POST',
      pat: PAT,
      body: { publisherId: 'tfs', eventType: 'workitem.updated', consumerId: 'webHooks', consumerActionId: 'httpRequest', consumerInputs: { url: `${url}/integration/webhook`, basicAuthUsername: WEBHOOK_USER, basicAuthPassword: WEBHOOK_SECRET } },
    });
    expect(sub.status).toBe(200);
    // Re-reads hang for a while, so the events are still queued when the signal comes.
    ado.faults.add({ kind: 'latency', route: 'wit.workItemsBatch', latencyMs: 1500, times: 3 });
    const items = ado.model.projectList().flatMap((p) => ado.model.workItemsOf(p.id)).slice(0, 3);
    for (const item of items) ado.mutate.updateWorkItem(item.id, { title: `Drained ${item.id}` });
    await ado.hooks.flush();
    expect(ado.hooks.deliveries().map((d) => d.statusCode)).toEqual([202, 202, 202]);

    run.signal('SIGTERM');
    await until(async () => (await status(`${url}/readyz`)) === 503, 'readiness to drop');
    expect(await postJson(`${url}/integration/webhook`, { id: 'late', eventType: 'workitem.updated', publisherId: 'tfs', resource: { id: 1 } })).toBe(503);
    expect(await run.exit).toBe(0);
    for (const item of items) expect(port.entity('azureDevopsWorkItem', `${item.projectId}/${item.id}`)?.title).toBe(`Drained ${item.id}`);
    expect(await status(`${url}/healthz`)).toBe('refused');
    const messages = run.lines().map((l) => l.msg);
    expect(messages).toContain('SIGTERM received: finishing queued events, then stopping');
    expect(run.lines().find((l) => l.msg === 'receiver stopped')).toMatchObject({ drained: true, left: 0 });
  });

  it('starts with a summary path in the shared config file whose folder is missing: it writes no summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'receiver-config-'));
    const config = join(dir, 'port-ado-sync.yml');
    writeFileSync(config, `summaryPath: ${join(dir, 'no-such-folder', 'summary.json')}\n`);
    const run = runReceive(['--config', config], sims.env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET, OCEAN__EVENT_LISTENER: '{"type":"WEBHOOKS_ONLY"}' }));
    await until(() => run.lines().some((l) => l.msg === 'receiver ready'), 'the receiver to get ready');
    run.signal('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('exits 2 with the reason when the configuration, credentials or mapping are wrong', async () => {
    const missing = runReceive([], { OCEAN__PORT__CLIENT_ID: 'x', OCEAN__PORT__CLIENT_SECRET: 'y' });
    expect(await missing.exit).toBe(2);
    expect(missing.text()).toMatch(/Azure DevOps organization URL is missing/);

    const badPort = runReceive([], sims.env({ OCEAN__PORT__CLIENT_SECRET: 'wrong-port-secret' }));
    expect(await badPort.exit).toBe(2);
    expect(badPort.lines().find((l) => l.level === 'error')?.msg).toMatch(/Port rejected the client credentials/);
    expect(badPort.text()).not.toContain('wrong-port-secret');

    const dir = mkdtempSync(join(tmpdir(), 'receiver-mapping-'));
    const mapping = join(dir, 'port-app-config.yml');
    writeFileSync(mapping, 'resources:\n  - kind: work-item\n    selector:\n      query: "true"\n    port:\n      entity:\n        mappings:\n          identifier: ".id | tostring"\n          blueprint: \'"azureDevopsWorkItem"\'\n          title: ".fields[" \n');
    const badMapping = runReceive(['--mapping', mapping], sims.env());
    expect(await badMapping.exit).toBe(2);
    const error = badMapping.lines().find((l) => l.msg.startsWith('mapping:')) as { msg: string; file?: string; line?: number } | undefined;
    expect(error?.msg).toMatch(/title.*does not compile/);
    expect(error).toMatchObject({ file: mapping, line: 10 });

    const badCa = runReceive(['--ca-file', join(dir, 'no-such-ca.pem')], sims.env());
    expect(await badCa.exit).toBe(2);
    expect(badCa.text()).toMatch(/--ca-file.*no-such-ca\.pem' does not exist or cannot be read/);

    const badOption = runReceive(['--queue-size', 'lots'], sims.env());
    expect(await badOption.exit).toBe(2);
    expect(badOption.errText()).toContain('flag --queue-size: must be a number');

    // An integration of the same identifier that Port hosts: both would write the same entities.
    sims.port.seed.integration({ installationId: 'hosted-by-port', installationAppType: 'azure-devops', installationType: 'Saas', config: {} });
    const hosted = runReceive([], sims.env({ OCEAN__INTEGRATION__IDENTIFIER: 'hosted-by-port' }));
    expect(await hosted.exit).toBe(2);
    expect(hosted.lines().find((l) => l.level === 'error')?.msg).toMatch(/Integration 'hosted-by-port' in Port is installed as 'Saas'/);
  });

  it('refuses to start without a webhook secret, unless it listens on a loopback address only or is told to', async () => {
    const ready = async (run: ReturnType<typeof runReceive>) => {
      await until(() => run.lines().some((l) => l.msg === 'receiver ready'), 'the receiver to get ready');
      run.signal('SIGTERM');
      expect(await run.exit).toBe(0);
    };
    for (const secret of [undefined, '', '   ']) {
      const env = sims.env({ PORT_ADO_SYNC_RECEIVER_HOST: '0.0.0.0', ...(secret === undefined ? {} : { OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: secret }) });
      const open = runReceive([], env);
      expect(await open.exit).toBe(2);
      const error = open.lines().find((l) => l.level === 'error');
      expect(error?.msg).toMatch(/^no webhook secret is configured, and the receiver would listen on 0\.0\.0\.0/);
      expect(error?.msg).toContain('OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET');
      expect(error?.msg).toContain('--allow-unauthenticated');
      expect(open.lines().some((l) => l.msg === 'receiver listening')).toBe(false);
    }

    // Loopback only: whoever can reach it is on this machine (behind a local HTTPS terminator, say).
    const local = runReceive([], sims.env({ PORT_ADO_SYNC_RECEIVER_HOST: '127.0.0.1' }));
    await ready(local);
    expect(local.lines().find((l) => l.level === 'warn')?.msg).toMatch(/^no webhook secret is configured: every request is accepted \(listening on a loopback address only\)/);

    // Told to, by flag or variable.
    const flagged = runReceive(['--allow-unauthenticated'], sims.env({ PORT_ADO_SYNC_RECEIVER_HOST: '0.0.0.0' }));
    await ready(flagged);
    expect(flagged.lines().find((l) => l.level === 'warn')?.msg).toMatch(/every request is accepted \(--allow-unauthenticated\)/);
    await ready(runReceive([], sims.env({ PORT_ADO_SYNC_RECEIVER_HOST: '0.0.0.0', PORT_ADO_SYNC_RECEIVER_ALLOW_UNAUTHENTICATED: 'true' })));
    const unclear = runReceive([], sims.env({ PORT_ADO_SYNC_RECEIVER_ALLOW_UNAUTHENTICATED: 'maybe' }));
    expect(await unclear.exit).toBe(2);
    expect(unclear.errText()).toContain('environment variable PORT_ADO_SYNC_RECEIVER_ALLOW_UNAUTHENTICATED: must be true or false');
  });

  it('knows which addresses are loopback only', async () => {
    const { isLoopbackHost } = await import('../../core/live-events/receiver');
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.4', '192.168.1.10', 'receiver.example.com', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('accepts the previous secret as well while a rotation is under way', async () => {
    const OLD = 'previous-webhook-secret-0001';
    const run = runReceive([], sims.env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET, PORT_ADO_SYNC_RECEIVER_PREVIOUS_WEBHOOK_SECRET: OLD }));
    await until(() => run.lines().some((l) => l.msg === 'receiver ready'), 'the receiver to get ready');
    const url = `${run.lines().find((l) => l.msg === 'receiver listening')!.url!}/integration/webhook`;
    const post = (password: string) =>
      new Promise<number>((resolve, reject) =>
        httpRequest(url, { method: 'POST', headers: { Authorization: basicAuth(WEBHOOK_USER, password), 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end(JSON.stringify({ id: `rotation-${password}`, eventType: 'tfvc.checkin', publisherId: 'tfs', resource: {} })),
      );
    expect(await post(WEBHOOK_SECRET)).toBe(200);
    expect(await post(OLD)).toBe(200);
    expect(await post('some-other-secret')).toBe(401);
    run.signal('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.text()).not.toContain(OLD);
    expect(run.text()).not.toContain(Buffer.from(`${WEBHOOK_USER}:${OLD}`).toString('base64'));
  });

  it('is the receive subcommand of the CLI, with its own help', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    expect(await main(['receive', '--help'], {}, { out: out as unknown as NodeJS.WriteStream, err: out as unknown as NodeJS.WriteStream })).toBe(0);
    expect(text).toContain('POST /integration/webhook');
    expect(text).toContain('PORT_ADO_SYNC_RECEIVER_QUEUE_SIZE');
  });
});

describe('readiness and per-event deadlines', () => {
  let stack: Stack;
  beforeAll(async () => {
    // One try per event: the deadline is under test here, not the retries after it (outage.test.ts).
    stack = await startStack({ ado: { seed: 56 }, syncKinds: EVENT_KINDS, receiver: { eventTimeoutSeconds: 1, eventAttempts: 1 } });
  });
  afterAll(async () => stack?.close());

  it('is not ready until the mapping is loaded', async () => {
    const { startReceiver } = await import('../../core/live-events/receiver');
    const { JsonLogger } = await import('../../core/live-events/json-logger');
    const { receiverOptionsSchema } = await import('../../core/live-events/receiver-options');
    const { layerFromEnvironment, resolveConfig } = await import('../../core/config');
    stack.sims.port.injectFault({ method: 'GET', path: '/v1/integration/*', latencyMs: 1500, times: 1 });
    const { config } = resolveConfig([layerFromEnvironment(stack.sims.env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET }))]);
    const second = await startReceiver(config, receiverOptionsSchema.parse({ host: '127.0.0.1', port: 0 }), { log: new JsonLogger({ write: () => true }, { level: 'info' }) });
    try {
      const readiness = () =>
        new Promise<{ status: number; text: string }>((resolve) =>
          httpRequest(`${second.url}/readyz`, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          }).end(),
        );
      expect(await status(`${second.url}/healthz`)).toBe(200);
      // Port answers the integration (and so the mapping) slowly: the receiver says so meanwhile.
      let early = await readiness();
      while (early.status === 503 && !early.text.includes('loading the mapping')) early = await readiness();
      expect(early).toEqual({ status: 503, text: '{"status":"not ready","reason":"loading the mapping"}' });
      expect(await postJson(`${second.url}/integration/webhook`, { id: 'early', eventType: 'workitem.updated', publisherId: 'tfs', resource: { id: 1 } })).toBe(503);
      expect(await second.ready).toBe(true);
      expect(await status(`${second.url}/readyz`)).toBe(200);
    } finally {
      await second.stop();
      await second.ready;
      stack.sims.port.clearFaults();
    }
  });

  it('fails an event that overruns its deadline, and processes it when it is delivered again', async () => {
    const { ado, port } = stack.sims;
    await stack.subscribe([{ publisherId: 'tfs', eventType: 'workitem.updated' }]);
    // Every re-read is slow until the deadline has struck once; then Azure DevOps recovers.
    const slow = ado.faults.add({ kind: 'latency', route: 'wit.workItemsBatch', latencyMs: 2500 });
    const item = ado.model.projectList().flatMap((p) => ado.model.workItemsOf(p.id))[0]!;
    ado.mutate.updateWorkItem(item.id, { title: 'Slow to read' });
    await stack.settle();
    ado.faults.clear(slow);
    expect(stack.receiver.metrics.failed.total()).toBe(1);
    expect(port.entity('azureDevopsWorkItem', `${item.projectId}/${item.id}`)?.title).not.toBe('Slow to read');
    expect(parsedLogs(stack).find((l) => l.level === 'error')?.msg).toBe('event timed out: did not finish within 1 s');

    const [delivery] = ado.hooks.deliveries();
    expect((await stack.post(delivery!.payload)).json.status).toBe('accepted');
    await stack.receiver.idle();
    expect(port.entity('azureDevopsWorkItem', `${item.projectId}/${item.id}`)?.title).toBe('Slow to read');
    expect(stack.receiver.metrics.processed.total()).toBe(1);
  });
});

describe('a drain that runs out of time', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ado: { seed: 57 }, syncKinds: ['project', 'work-item'], receiver: { workers: 1, drainSeconds: 1 } });
  });
  afterAll(async () => stack?.sims.close());

  it('cuts off the running event, drops the waiting ones (each logged at error, to be sent again) and starts nothing afterwards', async () => {
    const { ado, port } = stack.sims;
    // Every re-read takes 1.5 s: with one worker, four events cannot finish within the 1 s drain.
    ado.faults.add({ kind: 'latency', route: 'wit.workItemsBatch', latencyMs: 1500 });
    const items = ado.model.projectList().flatMap((p) => ado.model.workItemsOf(p.id)).slice(0, 4);
    for (const [i, item] of items.entries()) {
      ado.mutate.updateWorkItem(item.id, { title: `Drained ${i}` });
      const body = { id: `drain-${i}`, eventType: 'workitem.updated', publisherId: 'tfs', resource: { id: 1, workItemId: item.id }, resourceContainers: { project: { id: item.projectId } } };
      expect((await stack.post(body)).status).toBe(202);
    }
    const started = Date.now();
    expect(await stack.receiver.stop()).toEqual({ drained: false });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await stack.receiver.done).toBe(0);

    const errors = parsedLogs(stack).filter((l) => l.level === 'error');
    expect(errors.filter((l) => l.msg.startsWith('event cut off at shutdown')).map((l) => l.eventId)).toEqual(['drain-0']);
    expect(errors.filter((l) => l.msg.startsWith('event dropped at shutdown')).map((l) => l.eventId)).toEqual(['drain-1', 'drain-2', 'drain-3']);
    for (const line of errors) expect(line.msg).toMatch(/send it again from the service-hook history$/);
    expect(parsedLogs(stack).find((l) => l.msg === 'receiver stopped')).toMatchObject({ drained: false, left: 4 });
    expect(stack.receiver.metrics.failed.total()).toBe(4);

    // Nothing runs on once stop() has resolved.
    await new Promise((r) => setTimeout(r, 3500));
    expect(stack.receiver.metrics.processed.total()).toBe(0);
    expect(parsedLogs(stack).filter((l) => l.msg === 'event processed')).toEqual([]);
    for (const [i, item] of items.entries()) expect(port.entity('azureDevopsWorkItem', `${item.projectId}/${item.id}`)?.title).not.toBe(`Drained ${i}`);
  });
});

/**
 * Sends a work-item event whose Port write is held 3 s and then refused (nothing stored): only a
 * retry of that request would store it. Resolves once the write has reached Port.
 */
async function eventWithHeldWrite(stack: Stack, eventId: string, title: string): Promise<{ identifier: string }> {
  const { ado, port } = stack.sims;
  port.injectFault({ method: 'POST', path: '/v1/blueprints/azureDevopsWorkItem/entities/bulk', status: 503, latencyMs: 3000, times: 1 });
  const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
  const item = ado.model.workItemsOf(project.id)[0]!;
  ado.mutate.updateWorkItem(item.id, { title });
  port.clearCalls();
  expect((await stack.post({ id: eventId, eventType: 'workitem.updated', publisherId: 'tfs', resource: { id: 1, workItemId: item.id }, resourceContainers: { project: { id: project.id } } })).status).toBe(202);
  await until(() => port.faults().some((f) => f.matched > 0), 'the write reached Port');
  return { identifier: `${project.id}/${item.id}` };
}

/** Past the held answer and the client's retry after it, had the request not been aborted: one request, nothing stored. */
async function expectWriteAborted(stack: Stack, identifier: string, title: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 3500));
  expect(stack.sims.port.calls({ path: '/v1/blueprints/azureDevopsWorkItem/entities/bulk' })).toHaveLength(1);
  expect(stack.sims.port.entity('azureDevopsWorkItem', identifier)?.title).not.toBe(title);
}

describe('a drain that runs out of time while Port answers a write', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ado: { seed: 58 }, syncKinds: ['project', 'work-item'], receiver: { workers: 1, drainSeconds: 1 }, retry: { port: { maxAttempts: 3, baseDelaySeconds: 0.05, maxDelaySeconds: 0.1 } } });
  });
  afterAll(async () => stack?.sims.close());

  it('aborts the write under way and sends nothing more for the event', async () => {
    const { identifier } = await eventWithHeldWrite(stack, 'cut-write', 'Cut off mid-write');
    expect(await stack.receiver.stop()).toEqual({ drained: false });
    await expectWriteAborted(stack, identifier, 'Cut off mid-write');
    expect(parsedLogs(stack).find((l) => l.msg.startsWith('event cut off at shutdown'))).toMatchObject({ eventId: 'cut-write' });
  });
});

describe('an event that overruns its timeout while Port answers a write', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ado: { seed: 59 }, syncKinds: ['project', 'work-item'], receiver: { workers: 1, eventTimeoutSeconds: 1, eventAttempts: 1 }, retry: { port: { maxAttempts: 3, baseDelaySeconds: 0.05, maxDelaySeconds: 0.1 } } });
  });
  afterAll(async () => stack?.sims.close());

  it('aborts the write under way, so no retry of it races a later attempt', async () => {
    const { identifier } = await eventWithHeldWrite(stack, 'timed-out-write', 'Timed out mid-write');
    await expectWriteAborted(stack, identifier, 'Timed out mid-write');
    await stack.receiver.stop();
  });
});
