import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerAuthRoutes, TokenIssuer } from './auth';
import { BlueprintService, registerBlueprintRoutes } from './blueprints';
import { registerEntityRoutes } from './entities';
import { EntityWriter } from './entity-writer';
import { PortApiError } from './errors';
import { FaultInjector, faultReply, type ActiveFault } from './faults';
import { queryObject, readBody, sendBody } from './http-io';
import { IntegrationService, registerIntegrationRoutes } from './integrations';
import { CallRecorder, ConcurrencyGate } from './recorder';
import { Router, type Reply, type RequestContext } from './router';
import { waitOutLatency } from '../shared/latency';
import { Clock, PortStore } from './store';

export type PortSimulatorOptions = {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** When both are absent, any credentials get a token. */
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime; Port's is 3 hours (§1). */
  tokenTtlSeconds?: number;
  /** Added to every API answer (not to /_sim). */
  latencyMs?: number;
  /** Requests above this many in flight wait in a FIFO queue. */
  maxConcurrentRequests?: number;
};

/** Port rejects request bodies over 1 MiB with 413 (§2.11). */
export const REQUEST_BODY_LIMIT = 1024 * 1024;
const CONTROL_BODY_LIMIT = 256 * 1024 * 1024;
export const DEFAULT_TOKEN_TTL_SECONDS = 10_800;

/** Wires the simulated organization to HTTP: routing, auth, body limits, faults, latency, recording. */
export class PortSimulatorCore {
  readonly store = new PortStore();
  readonly clock = new Clock();
  readonly tokens: TokenIssuer;
  readonly faults = new FaultInjector();
  readonly recorder = new CallRecorder();
  readonly blueprints: BlueprintService;
  readonly writer: EntityWriter;
  readonly integrations: IntegrationService;
  readonly api = new Router();
  readonly control = new Router();
  baseUrl = '';
  private readonly gate: ConcurrencyGate;

  constructor(private readonly options: PortSimulatorOptions) {
    this.tokens = new TokenIssuer(options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS);
    this.gate = new ConcurrencyGate(options.maxConcurrentRequests, () => this.recorder.counters);
    this.blueprints = new BlueprintService(this.store, this.clock);
    this.writer = new EntityWriter(this.store, this.clock);
    this.integrations = new IntegrationService(this.store, this.clock, () => this.baseUrl);
    registerAuthRoutes(this.api, this.tokens, { clientId: options.clientId, clientSecret: options.clientSecret });
    registerIntegrationRoutes(this.api, this.store, this.integrations);
    registerEntityRoutes(this.api, this.store, this.blueprints, this.writer);
    registerBlueprintRoutes(this.api, this.blueprints, this.store);
  }

  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      // A client that hung up mid-request is not the simulator's failure.
      if (req.destroyed || res.destroyed) return;
      console.error('Port simulator: unhandled error', error);
      if (!res.headersSent) sendBody(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ ok: false, error: 'internal_error', message: 'The simulator failed; see its stderr.' }));
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
      const body = await readBody(req, CONTROL_BODY_LIMIT);
      const reply = await this.dispatch(this.control, method, url, body.buffer, body.tooLarge, req, true);
      sendJson(res, reply);
      return;
    }

    const body = await readBody(req, REQUEST_BODY_LIMIT);
    await this.gate.enter();
    const served = performance.now();
    try {
      const decision = this.faults.decide(method, url.pathname);
      const fault = decision.answer;
      let reply: Reply & { raw?: string };
      let latency = (this.options.latencyMs ?? 0) + decision.latencyMs;
      if (fault?.resetConnection) {
        if (fault.latencyMs) await sleep(fault.latencyMs);
        req.socket.destroy();
        this.record(req, url, method, null, 0, body.bytes, 0, fault);
        return;
      }
      let routeName: string | null = null;
      if (fault) {
        // A fault answers before the route runs, so nothing is stored, unless it comes after it.
        if (fault.applied) await this.dispatch(this.api, method, url, body.buffer, body.tooLarge, req, false);
        reply = faultReply(fault);
        latency += fault.latencyMs ?? 0;
        routeName = this.api.match(method, url.pathname) ? this.routeName(method, url.pathname) : null;
      } else {
        routeName = this.routeName(method, url.pathname);
        reply = await this.dispatch(this.api, method, url, body.buffer, body.tooLarge, req, false);
      }
      await waitOutLatency(latency, served);
      const sent = sendJson(res, reply);
      this.record(req, url, method, routeName, reply.status, body.bytes, sent, fault);
    } finally {
      this.gate.leave();
    }
  }

  private routeName(method: string, path: string): string | null {
    try {
      const match = this.api.match(method, path);
      return match ? `${method} ${match.route.pattern}` : null;
    } catch {
      return null;
    }
  }

  private record(req: IncomingMessage, url: URL, method: string, route: string | null, status: number, requestBytes: number, responseBytes: number, fault: ActiveFault | undefined): void {
    this.recorder.record({
      method,
      path: url.pathname,
      query: queryObject(url.searchParams),
      route,
      status,
      userAgent: req.headers['user-agent'] ?? null,
      requestBytes,
      responseBytes,
      timestamp: new Date().toISOString(),
      ...(fault ? { faultId: fault.id } : {}),
    });
  }

  /** Route → auth → body size → JSON → handler, the order a Fastify-style server applies them. */
  private async dispatch(router: Router, method: string, url: URL, buffer: Buffer | undefined, tooLarge: boolean, req: IncomingMessage, isControl: boolean): Promise<Reply> {
    try {
      const match = router.match(method, url.pathname);
      if (!match) throw new PortApiError(404, 'not_found', `Route ${method}:${url.pathname} not found`);
      let clientId: string | null = null;
      if (!isControl && !match.route.public) clientId = this.tokens.authenticate(req.headers.authorization);
      if (tooLarge) throw new PortApiError(413, 'request_too_large', 'Request body is too large (limit is 1MiB)');
      const ctx: RequestContext = {
        method,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        body: parseJson(buffer),
        userAgent: req.headers['user-agent'] ?? null,
        clientId,
      };
      return await match.route.handler(ctx);
    } catch (error) {
      if (error instanceof PortApiError) return { status: error.status, body: error.toBody() };
      throw error;
    }
  }
}

function parseJson(buffer: Buffer | undefined): unknown {
  if (!buffer || buffer.length === 0) return undefined;
  try {
    return JSON.parse(buffer.toString('utf8')) as unknown;
  } catch (error) {
    throw new PortApiError(400, 'bad_request', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function sendJson(res: ServerResponse, reply: Reply & { raw?: string }): number {
  const headers: Record<string, string> = { 'x-trace-id': randomUUID(), ...reply.headers };
  if (reply.raw !== undefined) return sendBody(res, reply.status, headers, reply.raw);
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return sendBody(res, reply.status, headers, reply.body === undefined ? undefined : JSON.stringify(reply.body));
}
