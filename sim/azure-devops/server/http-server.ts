import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler, RequestContext } from '../api/context';
import type { ServiceHookStore } from '../hooks/subscriptions';
import type { OrganizationModel } from '../model/organization';
import { checkApiVersion, requestedVersionText } from '../wire/api-version';
import { AdoError, errors } from '../wire/errors';
import { classifyHost, resolvePath, serviceUrls, type ServiceHost } from '../wire/hosts';
import { isJsonObject, type Json } from '../wire/json';
import { QueryParams } from '../wire/query';
import { CONTINUATION_HEADER, type SimResponse } from '../wire/response';
import type { Method, Router } from '../wire/router';
import { signInPage, type CredentialStore } from './auth';
import type { ConcurrencyLimiter } from './concurrency';
import type { Counters } from './counters';
import type { ActiveFault, Faults } from './faults';
import type { Throttle } from './throttle';
import { waitOutLatency } from '../../shared/latency';
import { AnswerMemo } from './answer-memo';

/** What the request pipeline needs; `org` is read per request so a reset can swap the model. */
export interface PipelineDeps {
  org(): OrganizationModel;
  router: Router<Handler>;
  credentials: CredentialStore;
  throttle: Throttle;
  faults: Faults;
  limiter: ConcurrencyLimiter;
  counters: Counters;
  hooks(): ServiceHookStore;
  latencyMs(): number;
  /** Handles `/_sim/…` (no auth). */
  control(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void>;
  /** Responses that a `timeout` fault keeps open; ended on close. */
  hanging: Set<ServerResponse>;
  /** Replays answers of an unchanged organization (`--memo`); absent, every answer is made afresh. */
  memo?: AnswerMemo;
}

const MAX_BODY = 16 * 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new AdoError(413, 'The request body is too large.', 'RequestEntityTooLargeException'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An answer ready for the wire: its body serialized. */
interface Encoded {
  status: number;
  headers: Record<string, string>;
  payload: Buffer | undefined;
  contentType: string | undefined;
}

function encode(response: SimResponse, version?: string): Encoded {
  let payload: Buffer | undefined;
  let contentType = response.contentType;
  if (response.body !== undefined && response.status !== 204) {
    if (Buffer.isBuffer(response.body)) payload = response.body;
    else if (typeof response.body === 'string' && contentType !== undefined) payload = Buffer.from(response.body, 'utf8');
    else {
      payload = Buffer.from(JSON.stringify(response.body), 'utf8');
      contentType = `application/json; charset=utf-8${version ? `; api-version=${version}` : ''}`;
    }
  }
  return { status: response.status, headers: response.headers ?? {}, payload, contentType };
}

function send(res: ServerResponse, deps: PipelineDeps, response: SimResponse, options: { version?: string; truncate?: boolean; routeId?: string } = {}): void {
  write(res, deps, encode(response, options.version), options);
}

function write(res: ServerResponse, deps: PipelineDeps, answer: Encoded, options: { truncate?: boolean; routeId?: string } = {}): void {
  const { payload, contentType } = answer;
  const headers: Record<string, string> = {
    ActivityId: randomUUID(),
    'X-TFS-Session': randomUUID(),
    'X-VSS-E2EID': randomUUID(),
    ...answer.headers,
  };
  if (contentType) headers['Content-Type'] = contentType;
  headers['Content-Length'] = String(payload?.length ?? 0);
  deps.counters.status(answer.status);
  res.writeHead(answer.status, headers);
  if (!payload) {
    res.end();
    return;
  }
  if (options.truncate) {
    // Headers promise the full length; half the body arrives, then the connection drops.
    const half = payload.subarray(0, Math.floor(payload.length / 2));
    deps.counters.bytes(half.length, options.routeId);
    res.write(half, () => res.socket?.destroy());
    return;
  }
  deps.counters.bytes(payload.length, options.routeId);
  res.end(payload);
}

function errorResponse(error: unknown): SimResponse {
  if (error instanceof AdoError) return { status: error.status, body: error.body(), headers: error.headers };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: new AdoError(500, `TF400898: An Internal Error Occurred. ${message}`, 'VssServiceException').body() };
}

/**
 * The request pipeline: host and path → route → authentication → faults → concurrency limit →
 * throttling → api-version → handler → what is left of the latency → response.
 */
export function createRequestListener(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, deps).catch((error: unknown) => {
      if (!res.headersSent) send(res, deps, errorResponse(error));
      else res.destroy();
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: PipelineDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const body = await readBody(req);
  if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
    await deps.control(req, res, url, body);
    return;
  }
  const org = deps.org();
  const method = (req.method ?? 'GET').toUpperCase();
  const kind = classifyHost(req.headers.host);
  const hostLabel = kind.deployment === 'server' ? 'server' : (kind.service ?? 'unknown');
  const resolved = resolvePath(kind, url.pathname, org.name);
  const service: ServiceHost | 'server' | undefined = kind.deployment === 'server' ? 'server' : kind.service;
  const result = resolved && service ? deps.router.match(method, resolved.segments, service) : ({ kind: 'not-found' } as const);
  const routeId = result.kind === 'match' ? result.match.route.id : result.kind;
  deps.counters.request(routeId, hostLabel);

  const auth = deps.credentials.authenticate(req.headers.authorization);
  if (!auth.ok) {
    deps.counters.authFailure();
    const suppress = String(req.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() === 'suppress';
    // Without `X-TFS-FedAuthRedirect: Suppress`, cloud answers a bad credential with a 203 and an
    // HTML sign-in page instead of 401 (azure-devops-api.md §5.1); some expired credentials do so regardless.
    if (auth.signInPage || (!suppress && kind.deployment === 'cloud')) {
      send(res, deps, { status: 203, body: signInPage(org.name), contentType: 'text/html; charset=utf-8' });
    } else {
      const error = errors.unauthorized();
      send(res, deps, { status: 401, body: error.body(), headers: { 'WWW-Authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="${org.name}"` } });
    }
    return;
  }
  const identity = auth.identity;
  deps.counters.identity(identity.key);

  if (result.kind !== 'match' || !resolved || !service) {
    const error = result.kind === 'method-not-allowed' ? new AdoError(405, `The requested resource does not support http method '${method}'.`, 'HttpMethodNotAllowedException') : errors.notFound(url.pathname);
    send(res, deps, errorResponse(error));
    return;
  }
  const { match } = result;
  const faults = deps.faults.take({ routeId, path: url.pathname, method, identity: identity.key });
  if (faults.length > 0) deps.counters.fault();
  const release = await deps.limiter.acquire(identity.key);
  try {
    const outcome = await applyFaults(faults, req, res, deps);
    if (outcome === 'handled') return;

    const decision = deps.throttle.evaluate(identity.key, routeId);
    if (decision.stage === 'block') {
      deps.counters.throttled();
      const error = errors.throttled(deps.throttle.settings?.resource ?? 'Core.TSTU');
      send(res, deps, { status: 429, body: error.body(), headers: decision.headers });
      return;
    }
    if (decision.stage === 'delay') {
      deps.counters.delayed(decision.delayMs);
      await sleep(decision.delayMs);
    }
    if (decision.stage !== 'none') deps.counters.rateLimitHeaders();
    const served = performance.now();
    const latency = deps.latencyMs();
    const afterLatency = () => waitOutLatency(latency, served);

    const versionText = requestedVersionText(new URLSearchParams(url.search).get('api-version') ?? findCaseInsensitive(url.searchParams, 'api-version'), req.headers.accept);
    const versionError = checkApiVersion(method, versionText, {
      routeVersion: match.route.version,
      deploymentMax: kind.deployment === 'cloud' ? { major: 7, minor: 2 } : { major: 7, minor: 1 },
      releasedMax: { major: 7, minor: 1 },
    });
    if (versionError) {
      await afterLatency();
      send(res, deps, { ...errorResponse(versionError), headers: { ...decision.headers } });
      return;
    }

    const apiVersion = versionText ?? match.route.version;
    const memoKey =
      deps.memo && match.route.replayable && faults.length === 0
        ? AnswerMemo.key({ identity: identity.key, host: req.headers.host ?? '', url: req.url ?? '', accept: req.headers.accept ?? '', apiVersion, body })
        : undefined;
    const replayed = memoKey === undefined ? undefined : deps.memo?.get(org, memoKey);
    if (replayed) {
      deps.counters.replayed();
      await afterLatency();
      write(res, deps, { ...replayed, headers: { ...decision.headers, ...replayed.headers } }, { routeId });
      return;
    }
    const versionAtStart = memoKey === undefined ? 0 : org.version;

    let parsedBody: unknown;
    if (body.length > 0 && method !== 'GET') {
      try {
        parsedBody = JSON.parse(body.toString('utf8'));
      } catch {
        await afterLatency();
        send(res, deps, errorResponse(errors.badRequest('The request body is not valid JSON.', 'ArgumentException')));
        return;
      }
    }
    if (faults.some((f) => f.kind === 'ignore-skip')) for (const name of ['$skip', 'skip']) url.searchParams.delete(name);
    const ctx: RequestContext = {
      method: method as Method,
      routeId,
      params: match.params,
      query: new QueryParams(url.searchParams),
      headers: req.headers,
      body: parsedBody,
      org,
      urls: serviceUrls(kind, org.name, resolved.basePath),
      deployment: kind.deployment,
      service,
      identity,
      projectSegment: match.project,
      teamSegment: match.team,
      hooks: deps.hooks(),
    };
    let response: SimResponse;
    try {
      response = await match.route.handler(ctx);
    } catch (error) {
      response = errorResponse(error);
    }
    if (faults.some((f) => f.kind === 'repeat-token')) response = repeatToken(response, ctx.query.get('continuationToken'));
    const replaced = faults.find((f) => f.kind === 'body');
    if (replaced) response = { status: 200, body: (replaced.body ?? null) as Json };
    // Serialized before the latency is waited out: the simulator's own work counts toward it.
    const answer = encode(response, apiVersion);
    if (memoKey !== undefined && answer.status === 200 && answer.payload && answer.contentType) {
      deps.memo?.keep(org, versionAtStart, memoKey, { status: 200, payload: answer.payload, contentType: answer.contentType, headers: answer.headers });
    }
    await afterLatency();
    write(res, deps, { ...answer, headers: { ...decision.headers, ...answer.headers } }, { routeId, truncate: faults.some((f) => f.kind === 'truncate') });
  } finally {
    release();
  }
}

function findCaseInsensitive(params: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of params) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** A buggy service: the next-page token is the one the client just sent (forever). */
function repeatToken(response: SimResponse, sent: string | undefined): SimResponse {
  if (sent === undefined || sent === '') return response;
  const headers = { ...(response.headers ?? {}) };
  if (headers[CONTINUATION_HEADER] !== undefined || response.status === 200) headers[CONTINUATION_HEADER] = sent;
  let body = response.body;
  if (isJsonObject(body) && 'continuationToken' in body) body = { ...body, continuationToken: sent };
  return { ...response, headers, body };
}

async function applyFaults(faults: ActiveFault[], req: IncomingMessage, res: ServerResponse, deps: PipelineDeps): Promise<'handled' | 'continue'> {
  for (const fault of faults) {
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.latencyMs ?? 1000);
        break;
      case 'reset':
        req.socket.destroy();
        return 'handled';
      case 'timeout':
        deps.hanging.add(res);
        res.on('close', () => deps.hanging.delete(res));
        return 'handled';
      case 'status': {
        const status = fault.status ?? 503;
        send(res, deps, { ...errorResponse(errors.serverError(status)), status, headers: status === 503 || status === 429 ? { 'Retry-After': '1' } : {} });
        return 'handled';
      }
      default:
        break;
    }
  }
  return 'continue';
}
