/**
 * The receiver's HTTP endpoints: `POST /integration/webhook` (Ocean's path, so subscriptions made
 * for Ocean keep working), `GET /healthz` (the process is up), `GET /readyz` (Port and the mapping
 * are loaded: route traffic here) and `GET /metrics` (Prometheus text).
 *
 * Request order for the webhook: shutting down → 503; credentials → 401 (before any body is read);
 * circuit open (outage.ts) → 503; media type → 415; size → 413 (from Content-Length, else while
 * reading); too many bodies being read at once → 503; JSON → 400; then the intake decides. A
 * request with `Expect: 100-continue` that any of the checks before the body refuses is answered
 * without `100 Continue`, and its body is never read. Every refusal is logged at warn with its
 * reason (never a header or the body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Decision, EventIntake } from './event-intake';
import type { ReceiverLogger } from './json-logger';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus';
import type { ReceiverMetrics } from './receiver-metrics';

export const WEBHOOK_PATH = '/integration/webhook';

export type ServerState = {
  /** Undefined when ready; the reason otherwise. */
  notReady(): string | undefined;
  shuttingDown(): boolean;
  /** While events keep failing because Port or Azure DevOps is down (the circuit is open): why, and when to come back. */
  outage(): { reason: string; retryAfterSeconds: number } | undefined;
};

export type ReceiverServerDependencies = {
  intake: EventIntake;
  metrics: ReceiverMetrics;
  log: ReceiverLogger;
  state: ServerState;
  maxBodyBytes: number;
};

/** A body past the limit is read on (and dropped) up to this many times the limit, so the client can read the 413. */
const DRAIN_FACTOR = 4;

/** Webhook bodies read at once, at most; a delivery beyond gets 503. With `maxBodyBytes` this bounds the memory of bodies being read. */
export const MAX_BODIES_READ_AT_ONCE = 16;

/** Bodies being read now (one counter per server). */
type Reads = { count: number };

export function createReceiverServer(deps: ReceiverServerDependencies): Server {
  const reads: Reads = { count: 0 };
  const server = createServer((req, res) => {
    handle(req, res, deps, reads).catch((error: unknown) => {
      deps.log.error('request failed', { path: pathOf(req), error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) send(res, 500, { status: 'rejected', reason: 'internal error' });
      else res.destroy();
    });
  });
  // `Expect: 100-continue`: node would answer 100 at once, inviting the body of a request it is
  // about to refuse (an unauthenticated one, say). The checks that need no body run first.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    let refusal: Decision | undefined;
    try {
      refusal = pathOf(req) === WEBHOOK_PATH && req.method === 'POST' ? beforeBody(req, deps, reads) : undefined;
    } catch {
      // A target that is no URL: the request handler answers it (and its errors are caught there).
    }
    if (refusal) {
      logRefusal(deps, req, refusal);
      // Nothing of the body is read: the connection closes after the answer.
      send(res, refusal.status, refusal.body, { ...refusal.headers, Connection: 'close' });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  // Slow or stalled senders must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://receiver').pathname.replace(/\/+$/, '') || '/';
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ReceiverServerDependencies, reads: Reads): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  switch (path) {
    case '/healthz':
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD');
      return send(res, 200, { status: 'ok' });
    case '/readyz': {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD');
      const reason = deps.state.shuttingDown() ? 'shutting down' : deps.state.notReady();
      if (reason !== undefined) return send(res, 503, { status: 'not ready', reason });
      const outage = deps.state.outage();
      if (outage) return send(res, 503, { status: 'not ready', reason: outage.reason }, { 'Retry-After': String(outage.retryAfterSeconds) });
      return send(res, 200, { status: 'ready' });
    }
    case '/metrics':
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD');
      res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' }).end(deps.metrics.render());
      return;
    case WEBHOOK_PATH:
      if (method !== 'POST') return methodNotAllowed(req, res, 'POST');
      return webhook(req, res, deps, reads);
    default:
      req.resume();
      return send(res, 404, { status: 'rejected', reason: `no endpoint ${path}; deliveries go to POST ${WEBHOOK_PATH}` });
  }
}

/** Logged for every delivery turned away: the status and the reason, never a header or the body. */
function logRefusal(deps: ReceiverServerDependencies, req: IncomingMessage, decision: Decision): void {
  if (decision.reject) deps.metrics.rejected.inc({ reason: decision.reject });
  deps.log.warn(`delivery refused with ${decision.status}`, { reason: decision.body.reason, remote: req.socket.remoteAddress });
}

/** The checks that need no body, in order; undefined when the body may be read. */
function beforeBody(req: IncomingMessage, deps: ReceiverServerDependencies, reads: Reads): Decision | undefined {
  const { intake } = deps;
  if (deps.state.shuttingDown()) return intake.unavailable('shutting_down', 'the receiver is shutting down; send the event again later');
  const denied = intake.authenticate(req.headers.authorization);
  if (denied) return denied;
  const outage = deps.state.outage();
  if (outage) return intake.unavailable('unavailable', outage.reason, outage.retryAfterSeconds);
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
    return { status: 415, body: { status: 'rejected', reason: 'the body must be JSON (Content-Type: application/json)' }, reject: 'unsupported_media_type' };
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > deps.maxBodyBytes) return tooLarge(deps.maxBodyBytes);
  if (reads.count >= MAX_BODIES_READ_AT_ONCE) return intake.unavailable('busy', `${MAX_BODIES_READ_AT_ONCE} deliveries are being read already; send the event again later`);
  return undefined;
}

function tooLarge(maxBodyBytes: number): Decision {
  return { status: 413, body: { status: 'rejected', reason: `the body is larger than ${maxBodyBytes} bytes (raise it with --max-body-bytes)` }, reject: 'too_large' };
}

async function webhook(req: IncomingMessage, res: ServerResponse, deps: ReceiverServerDependencies, reads: Reads): Promise<void> {
  const refuse = (decision: Decision) => {
    logRefusal(deps, req, decision);
    // The body was not (fully) read: close the connection rather than parse what follows as a request.
    discard(req, deps.maxBodyBytes * DRAIN_FACTOR);
    send(res, decision.status, decision.body, { ...decision.headers, Connection: 'close' });
  };

  const early = beforeBody(req, deps, reads);
  if (early) return refuse(early);

  reads.count++;
  let body: Buffer | 'too-large' | 'aborted';
  try {
    body = await readBody(req, deps.maxBodyBytes);
  } finally {
    reads.count--;
  }
  // The sender went away mid-body: nobody is left to answer.
  if (body === 'aborted') return;
  if (body === 'too-large') return refuse(tooLarge(deps.maxBodyBytes));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    return refuse({ status: 400, body: { status: 'rejected', reason: `the body is not valid JSON${jsonProblem(error)}` }, reject: 'invalid_json' });
  }
  const decision = deps.intake.accept(parsed);
  if (decision.status >= 400) logRefusal(deps, req, decision);
  else if (decision.reject) deps.metrics.rejected.inc({ reason: decision.reject });
  send(res, decision.status, decision.body, decision.headers);
}

/**
 * Where JSON.parse stopped, without its message: V8 quotes the text around the error, and the body
 * may hold anything (a secret pasted by mistake), which must reach neither the log nor the answer.
 */
function jsonProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return ` (at character ${position})`;
  if (/end of JSON input/i.test(message)) return ' (it ends early)';
  if (/Unexpected token/i.test(message)) return ' (an unexpected character)';
  return '';
}

/**
 * The body, `too-large` as soon as it passes the limit (the rest is then discarded), or `aborted`
 * when the connection closes before the body is complete.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve('aborted') : reject(error)));
    // Settles nothing once the body was read (a promise settles once).
    req.on('close', () => resolve('aborted'));
  });
}

function discard(req: IncomingMessage, limit: number): void {
  if (req.readableEnded) return;
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) req.destroy();
  });
  req.resume();
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  send(res, 405, { status: 'rejected', reason: `use ${allow}` }, { Allow: allow });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers }).end(text);
}

