import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAT, PORT_CLIENT_SECRET } from '../support/simulators';
import { MAX_BODIES_READ_AT_ONCE } from '../../core/live-events/http-server';
import { basicAuth, GOOD_AUTH, parsedLogs, startStack, WEBHOOK_SECRET, WEBHOOK_USER, type Stack } from './harness';

const MAX_BODY = 64 * 1024;
const WRONG_PASSWORD = 'not-the-webhook-secret-42';

function httpGet(url: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    })
      .on('error', reject)
      .end();
  });
}

const event = (overrides: Record<string, unknown> = {}) => ({
  subscriptionId: 'a0000000-0000-0000-0000-000000000001',
  notificationId: 1,
  id: `e-${Math.random().toString(16).slice(2)}`,
  eventType: 'workitem.created',
  publisherId: 'tfs',
  resource: { id: 1, fields: {} },
  resourceContainers: { project: { id: 'p1' } },
  ...overrides,
});

describe('the receiver over HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sync: false, receiver: { maxBodyBytes: MAX_BODY } });
  });
  afterAll(async () => stack?.close());

  it('answers health, readiness and metrics', async () => {
    expect(await httpGet(`${stack.receiver.url}/healthz`)).toMatchObject({ status: 200, text: '{"status":"ok"}' });
    expect(await httpGet(`${stack.receiver.url}/readyz`)).toMatchObject({ status: 200, text: '{"status":"ready"}' });
    const metrics = await httpGet(`${stack.receiver.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const name of ['events_received_total', 'events_processed_total', 'events_failed_total', 'events_duplicate_total', 'queue_depth', 'processing_seconds_bucket{le="+Inf"}', 'processing_seconds_sum', 'ready 1']) {
      expect(metrics.text).toContain(`port_ado_receiver_${name}`);
    }
    expect(metrics.text).toMatch(/^# TYPE port_ado_receiver_processing_seconds histogram$/m);
    expect((await httpGet(`${stack.receiver.url}/nothing-here`)).status).toBe(404);
    const wrongMethod = await httpGet(`${stack.receiver.url}/integration/webhook`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
  });

  it('rejects a request without an Authorization header (Ocean accepts it)', async () => {
    const res = await stack.post(event(), { authorization: null });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(res.json.reason).toMatch(/missing Authorization header/);
  });

  it('rejects a wrong password, another scheme and malformed credentials', async () => {
    expect((await stack.post(event(), { authorization: basicAuth(WEBHOOK_USER, WRONG_PASSWORD) })).json).toEqual({ status: 'rejected', reason: 'invalid credentials' });
    expect((await stack.post(event(), { authorization: `Bearer ${WEBHOOK_SECRET}` })).status).toBe(401);
    expect((await stack.post(event(), { authorization: `Basic ${Buffer.from(WEBHOOK_SECRET).toString('base64')}` })).json.reason).toMatch(/malformed/);
    expect((await stack.post(event(), { authorization: basicAuth(WEBHOOK_USER, `${WEBHOOK_SECRET}x`) })).status).toBe(401);
    expect((await stack.post(event(), { authorization: basicAuth(WEBHOOK_USER, WEBHOOK_SECRET.slice(0, -1)) })).status).toBe(401);
    // The user name is the one the registration sets (webhooks.username), and it is checked too.
    expect((await stack.post(event({ eventType: 'message.posted' }), { authorization: basicAuth('someone-else', WEBHOOK_SECRET) })).status).toBe(401);
    expect((await stack.post(event({ eventType: 'message.posted' }), { authorization: basicAuth(WEBHOOK_USER, WEBHOOK_SECRET) })).status).toBe(200);
  });

  it('refuses deliveries of a subscription registered with the wrong secret, and Azure DevOps records the failure', async () => {
    const { ado } = stack.sims;
    const [id] = await stack.subscribe([{ publisherId: 'tfs', eventType: 'workitem.commented' }], { user: WEBHOOK_USER, password: WRONG_PASSWORD });
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const before = stack.sims.port.calls().length;
    ado.mutate.commentOnWorkItem(ado.model.workItemsOf(project.id)[0]!.id, 'from an impostor subscription');
    await stack.settle();
    const delivery = ado.hooks.deliveries().find((d) => d.subscriptionId === id);
    expect(delivery).toMatchObject({ ok: false, statusCode: 401 });
    expect(ado.hooks.get(id!)?.status).toBe('onProbation');
    expect(stack.sims.port.calls().length).toBe(before);
  });

  it('rejects oversized bodies, with or without a Content-Length', async () => {
    const big = JSON.stringify(event({ resource: { id: 1, fields: { 'System.Description': 'x'.repeat(MAX_BODY) } } }));
    const declared = await stack.post(undefined, { raw: big });
    expect(declared.status).toBe(413);
    expect(declared.json.reason).toContain(`larger than ${MAX_BODY} bytes`);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(stack.webhookUrl, { method: 'POST', headers: { Authorization: GOOD_AUTH, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      for (let i = 0; i < 4; i++) req.write(big.slice(i * (big.length / 4), (i + 1) * (big.length / 4)));
      req.end();
    });
    expect(chunked).toBe(413);
  });

  it('rejects malformed bodies with a reason', async () => {
    const notJson = await stack.post(undefined, { raw: '{"eventType": "git.push",' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.reason).toMatch(/^the body is not valid JSON/);
    expect((await stack.post(undefined, { raw: 'eventType=git.push', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
    const notEvent = await stack.post({ hello: 'world' });
    expect(notEvent.status).toBe(400);
    expect(notEvent.json.reason).toMatch(/eventType is missing.*publisherId is missing.*resource is missing/);
    const noIds = await stack.post(event({ eventType: 'git.pullrequest.created', resource: { title: 'no ids' } }));
    expect(noIds.status).toBe(400);
    expect(noIds.json.reason).toBe('a git.pullrequest.created event needs resource.pullRequestId, resource.repository, which are missing or malformed');
  });

  it('acknowledges event types it has nothing to do for', async () => {
    const res = await stack.post(event({ eventType: 'tfvc.checkin' }));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ignored' });
  });

  /** A request written by hand: `then` runs on the first bytes of the answer (to send the body after a 100, say). */
  function raw(head: string, then?: (socket: Socket, answer: string) => void): Promise<string> {
    return new Promise((resolve) => {
      const { hostname, port } = new URL(stack.receiver.url);
      let answer = '';
      let answered = false;
      const socket = connect(Number(port), hostname, () => socket.write(head));
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('utf8');
        if (!answered && then) {
          answered = true;
          then(socket, answer);
        }
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
      setTimeout(() => socket.destroy(), 5000).unref();
    });
  }
  const webhookHead = (headers: string) => `POST /integration/webhook HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\n${headers}\r\n`;

  it('logs every refusal at warn with its reason, and never the body', async () => {
    const leaked = 'hunter2-pasted-into-the-body';
    const notJson = await stack.post(undefined, { raw: `{"token": ${leaked}}` });
    expect(notJson.status).toBe(400);
    expect(notJson.json.reason).toBe('the body is not valid JSON (an unexpected character)');
    expect((await stack.post(undefined, { raw: `{"${leaked}":` })).json.reason).toBe('the body is not valid JSON (it ends early)');
    expect((await stack.post(undefined, { raw: `{"token": "${leaked}" x}` })).json.reason).toMatch(/^the body is not valid JSON \(at character \d+\)$/);
    expect((await stack.post(undefined, { raw: leaked, contentType: 'text/plain' })).status).toBe(415);
    expect((await stack.post(undefined, { raw: `"${'x'.repeat(MAX_BODY)}${leaked}"` })).status).toBe(413);

    const refusals = parsedLogs(stack).filter((l) => /^delivery refused with (400|413|415)$/.test(l.msg));
    expect(refusals.every((l) => l.level === 'warn')).toBe(true);
    expect(refusals.map((l) => [l.msg, l.reason])).toEqual(
      expect.arrayContaining([
        ['delivery refused with 400', 'the body is not valid JSON (an unexpected character)'],
        ['delivery refused with 400', 'the body is not valid JSON (it ends early)'],
        ['delivery refused with 415', 'the body must be JSON (Content-Type: application/json)'],
        ['delivery refused with 413', `the body is larger than ${MAX_BODY} bytes (raise it with --max-body-bytes)`],
      ]),
    );
    expect(stack.logs.join('')).not.toContain(leaked);
  });

  it('answers an Expect: 100-continue it refuses without 100 Continue, reading nothing', async () => {
    const unauthenticated = await raw(webhookHead('Content-Length: 100000000\r\nExpect: 100-continue\r\n'));
    expect(unauthenticated).toMatch(/^HTTP\/1\.1 401 /);
    expect(unauthenticated).not.toContain('100 Continue');
    expect(unauthenticated).toMatch(/missing Authorization header/);
    const tooLarge = await raw(webhookHead(`Authorization: ${GOOD_AUTH}\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n`));
    expect(tooLarge).toMatch(/^HTTP\/1\.1 413 /);
    expect(tooLarge).not.toContain('100 Continue');
    expect(parsedLogs(stack).filter((l) => l.msg === 'delivery refused with 401' && /missing Authorization/.test(String(l.reason))).length).toBeGreaterThanOrEqual(1);

    // A delivery that may go on gets its 100 Continue, then the answer to the body it sends.
    const body = JSON.stringify(event({ eventType: 'tfvc.checkin' }));
    const accepted = await raw(webhookHead(`Authorization: ${GOOD_AUTH}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n`), (socket, first) => {
      expect(first).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
      socket.write(body);
    });
    expect(accepted).toMatch(/HTTP\/1\.1 200 OK[\s\S]*"status":"ignored"/);
  });

  it(`reads at most ${MAX_BODIES_READ_AT_ONCE} bodies at once: a delivery beyond gets 503 + Retry-After`, async () => {
    const slow: Socket[] = [];
    const { hostname, port } = new URL(stack.receiver.url);
    for (let i = 0; i < MAX_BODIES_READ_AT_ONCE; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), hostname, () => {
          // Half a body: the receiver keeps reading, waiting for the rest.
          socket.write(`${webhookHead(`Authorization: ${GOOD_AUTH}\r\nContent-Length: 1000\r\n`)}{"id":`, () => resolve());
        });
        socket.on('error', () => undefined);
        slow.push(socket);
      });
    }
    await new Promise((r) => setTimeout(r, 200));
    const busy = await stack.post(event({ eventType: 'tfvc.checkin' }));
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('30');
    expect(busy.json.reason).toBe(`${MAX_BODIES_READ_AT_ONCE} deliveries are being read already; send the event again later`);
    for (const socket of slow) socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await stack.post(event({ eventType: 'tfvc.checkin' }))).status).toBe(200);
  });

  it('never writes a secret to its logs', () => {
    const text = stack.logs.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [WEBHOOK_SECRET, WRONG_PASSWORD, PAT, PORT_CLIENT_SECRET, GOOD_AUTH.slice(6), basicAuth(WEBHOOK_USER, WRONG_PASSWORD).slice(6)]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    // Refusals are logged with their reason, so an operator can see why deliveries fail.
    expect(parsedLogs(stack).filter((l) => l.msg === 'delivery refused with 401').length).toBeGreaterThanOrEqual(6);
  });
});
