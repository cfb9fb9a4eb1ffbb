/**
 * The receiver's HTTP endpoints: `POST /integration/webhook` (Ocean's path, so subscriptions made
 * for Ocean keep working), `GET /healthz` (the process is up), `GET /readyz` (Port and the mapping
 * are loaded: route traffic here) and `GET /metrics` (Prometheus text).
 *
 * Request order for the webhook: shutting down → 503; credentials → 401 (before any body is read);
 * media type → 415; size → 413 (from Content-Length, else while reading); JSON → 400; then the
 * intake decides.
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

export function createReceiverServer(deps: ReceiverServerDependencies): Server {
  const server = createServer((req, res) => {
    handle(req, res, deps).catch((error: unknown) => {
      deps.log.error('request failed', { path: pathOf(req), error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) send(res, 500, { status: 'rejected', reason: 'internal error' });
      else res.destroy();
    });
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

async function handle(req: IncomingMessage, res: ServerResponse, deps: ReceiverServerDependencies): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  switch (path) {
    case '/healthz':
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD');
      return send(res, 200, { status: 'ok' });
    case '/readyz': {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD');
      const reason = deps.state.shuttingDown() ? 'shutting down' : deps.state.notReady();
      return reason === undefined ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'not ready', reason });
    }
    case '/metrics':
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD');
      res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' }).end(deps.metrics.render());
      return;
    case WEBHOOK_PATH:
      if (method !== 'POST') return methodNotAllowed(req, res, 'POST');
      return webhook(req, res, deps);
    default:
      req.resume();
      return send(res, 404, { status: 'rejected', reason: `no endpoint ${path}; deliveries go to POST ${WEBHOOK_PATH}` });
  }
}

async function webhook(req: IncomingMessage, res: ServerResponse, deps: ReceiverServerDependencies): Promise<void> {
  const { intake, metrics, log } = deps;
  const refuse = (decision: Decision) => {
    if (decision.reject) metrics.rejected.inc({ reason: decision.reject });
    if (decision.status === 401 || decision.status === 503) {
      log.warn(`delivery refused with ${decision.status}`, { reason: decision.body.reason, remote: req.socket.remoteAddress });
    }
    // The body was not (fully) read: close the connection rather than parse what follows as a request.
    discard(req, deps.maxBodyBytes * DRAIN_FACTOR);
    send(res, decision.status, decision.body, { ...decision.headers, Connection: 'close' });
  };

  if (deps.state.shuttingDown()) return refuse(intake.unavailable('shutting_down', 'the receiver is shutting down; send the event again later'));
  const denied = intake.authenticate(req.headers.authorization);
  if (denied) return refuse(denied);

  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
    return refuse({ status: 415, body: { status: 'rejected', reason: 'the body must be JSON (Content-Type: application/json)' }, reject: 'unsupported_media_type' });
  }
  const tooLarge: Decision = {
    status: 413,
    body: { status: 'rejected', reason: `the body is larger than ${deps.maxBodyBytes} bytes (raise it with --max-body-bytes)` },
    reject: 'too_large',
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > deps.maxBodyBytes) return refuse(tooLarge);

  const body = await readBody(req, deps.maxBodyBytes);
  if (body === 'too-large') return refuse(tooLarge);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    return refuse({ status: 400, body: { status: 'rejected', reason: `the body is not valid JSON: ${(error as Error).message}` }, reject: 'invalid_json' });
  }
  const decision = intake.accept(parsed);
  if (decision.reject) {
    metrics.rejected.inc({ reason: decision.reject });
    if (decision.status >= 400 && decision.status < 500) log.warn(`delivery refused with ${decision.status}`, { reason: decision.body.reason });
  }
  send(res, decision.status, decision.body, decision.headers);
}

/** The body, or `too-large` as soon as it passes the limit (the rest is then discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
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
    req.on('error', reject);
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

