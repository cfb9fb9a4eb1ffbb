import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { churn } from '../mutations/churn';
import { Mutations } from '../mutations/mutations';
import type { AzureDevOpsSimulator } from '../simulator';
import { KINDS, minimumRequestsByRouteFor, minimumRequestsFor, type Kind } from './minimum-requests';

/**
 * The control API under `/_sim/…` (no authentication): lets a test or the benchmark drive a
 * simulator running in another process. Routes:
 *
 * - `GET  /_sim/state`                   org, URLs, counters, throttle, faults, subscriptions, concurrency peaks, answer memo
 * - `GET  /_sim/counters`, `POST /_sim/counters/reset`
 * - `GET  /_sim/faults`, `POST /_sim/faults` (a FaultSpec) → `{id}`, `DELETE /_sim/faults[/{id}]`
 * - `GET  /_sim/throttle`, `PUT /_sim/throttle` (partial config, or `{"enabled": false}`), `POST /_sim/throttle/reset`
 * - `PUT  /_sim/latency` `{ms}`; `PUT /_sim/concurrency` `{limit}` (null = unlimited)
 * - `POST /_sim/credentials` `{token, mode: active|revoked|sign-in-page}`; `{token, kind: pat|bearer, projects?, name?}` adds one
 * - `POST /_sim/mutations` `{op, args}`: calls `mutate[op](...args)` (see mutations.ts), returns the result
 * - `POST /_sim/churn` `{fraction, seed}`: edits that fraction of work items and active pull requests and queues new runs (mutations/churn.ts)
 * - `GET  /_sim/hooks/subscriptions`, `PUT /_sim/hooks/subscriptions/{id}/status` `{status}`, `GET /_sim/hooks/deliveries`, `POST /_sim/hooks/flush`
 * - `GET  /_sim/minimum-requests[?kinds=a,b]`
 * - `POST /_sim/reset`
 */

const faultSchema = z.object({
  kind: z.enum(['latency', 'status', 'reset', 'timeout', 'truncate', 'repeat-token', 'ignore-skip', 'body']),
  route: z.string().optional(),
  path: z.string().optional(),
  method: z.string().optional(),
  identity: z.string().optional(),
  status: z.number().int().min(400).max(599).optional(),
  latencyMs: z.number().int().min(0).optional(),
  skip: z.number().int().min(0).optional(),
  times: z.number().int().min(1).optional(),
  body: z.json().optional(),
});

const throttleSchema = z.union([
  z.object({ enabled: z.literal(false) }),
  z.object({
    enabled: z.literal(true).optional(),
    windowMs: z.number().positive().optional(),
    budget: z.number().positive().optional(),
    headerThreshold: z.number().min(0).optional(),
    blockThreshold: z.number().positive().optional(),
    defaultCost: z.number().min(0).optional(),
    routeCosts: z.record(z.string(), z.number().min(0)).optional(),
    delayPerTstuMs: z.number().min(0).optional(),
    maxDelayMs: z.number().min(0).optional(),
    resource: z.string().optional(),
  }),
]);

const credentialSchema = z.union([
  z.object({ token: z.string().min(1), mode: z.enum(['active', 'revoked', 'sign-in-page']) }),
  z.object({ token: z.string().min(1), kind: z.enum(['pat', 'bearer']), projects: z.array(z.string()).optional(), name: z.string().optional() }),
]);

const mutationSchema = z.object({ op: z.string(), args: z.array(z.unknown()).default([]) });
const statusSchema = z.object({ status: z.enum(['enabled', 'onProbation', 'disabledByUser', 'disabledBySystem', 'disabledByInactiveIdentity']) });

const INTERNAL = new Set(['constructor', 'org', 'publish', 'actor', 'timelineRecord', 'columnFor']);
const MUTATIONS = new Set(Object.getOwnPropertyNames(Mutations.prototype).filter((name) => !INTERNAL.has(name)));

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body ?? null), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(payload.length) });
  res.end(payload);
}

function parse<T>(schema: z.ZodType<T>, body: Buffer): T {
  let value: unknown = {};
  if (body.length > 0) {
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ControlError(400, 'The body is not valid JSON.');
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ControlError(400, `Invalid body: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return result.data;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function handleControlRequest(sim: AzureDevOpsSimulator, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const parts = url.pathname.split('/').filter(Boolean).slice(1);
  const path = parts.join('/');
  try {
    if (method === 'GET' && path === 'state') {
      return json(res, 200, {
        org: sim.org,
        port: sim.port,
        serverUrl: sim.serverUrl,
        cloudUrl: sim.cloudUrl,
        counters: sim.counters(),
        throttle: sim.throttle.settings ?? { enabled: false },
        faults: sim.faults.list(),
        subscriptions: sim.hooks.all().length,
        concurrencyPeaks: sim.concurrencyPeaks(),
        memo: sim.memoStats() ?? null,
      });
    }
    if (method === 'GET' && path === 'counters') return json(res, 200, sim.counters());
    if (method === 'POST' && path === 'counters/reset') {
      sim.resetCounters();
      return json(res, 200, sim.counters());
    }
    if (path === 'faults' && method === 'GET') return json(res, 200, sim.faults.list());
    if (path === 'faults' && method === 'POST') return json(res, 200, { id: sim.faults.add(parse(faultSchema, body)) });
    if (parts[0] === 'faults' && method === 'DELETE') {
      sim.faults.clear(parts[1]);
      return json(res, 200, sim.faults.list());
    }
    if (path === 'throttle' && method === 'GET') return json(res, 200, sim.throttle.settings ?? { enabled: false });
    if (path === 'throttle' && method === 'PUT') {
      const config = parse(throttleSchema, body);
      if (config.enabled === false) sim.throttle.configure(false);
      else {
        const { enabled: _enabled, ...rest } = config;
        sim.throttle.configure(rest);
      }
      return json(res, 200, sim.throttle.settings ?? { enabled: false });
    }
    if (path === 'throttle/reset' && method === 'POST') {
      sim.throttle.reset();
      return json(res, 200, {});
    }
    if (path === 'latency' && method === 'PUT') {
      sim.setLatency(parse(z.object({ ms: z.number().int().min(0) }), body).ms);
      return json(res, 200, {});
    }
    if (path === 'concurrency' && method === 'PUT') {
      sim.setMaxConcurrentRequests(parse(z.object({ limit: z.number().int().min(1).nullable() }), body).limit ?? undefined);
      return json(res, 200, {});
    }
    if (path === 'credentials' && method === 'POST') {
      const input = parse(credentialSchema, body);
      if ('mode' in input) sim.credentials.setMode(input.token, input.mode);
      else if (input.kind === 'pat') sim.credentials.addPat(input.token, input.name);
      else sim.credentials.addBearer({ token: input.token, projects: input.projects, name: input.name });
      return json(res, 200, {});
    }
    if (path === 'mutations' && method === 'POST') {
      const { op, args } = parse(mutationSchema, body);
      if (!MUTATIONS.has(op)) throw new ControlError(400, `Unknown mutation '${op}'. Known: ${[...MUTATIONS].sort().join(', ')}.`);
      const fn = (sim.mutate as unknown as Record<string, (...a: unknown[]) => unknown>)[op];
      if (!fn) throw new ControlError(400, `Unknown mutation '${op}'.`);
      let result: unknown;
      try {
        result = fn.apply(sim.mutate, args);
      } catch (error) {
        throw new ControlError(400, error instanceof Error ? error.message : String(error));
      }
      return json(res, 200, { result: result ?? null });
    }
    if (path === 'churn' && method === 'POST') {
      const { fraction, seed } = parse(z.object({ fraction: z.number().gt(0).max(1), seed: z.number().int().min(0).default(1) }), body);
      return json(res, 200, churn(sim.model, sim.mutate, fraction, seed));
    }
    if (path === 'hooks/subscriptions' && method === 'GET') return json(res, 200, sim.hooks.all());
    if (parts[0] === 'hooks' && parts[1] === 'subscriptions' && parts[3] === 'status' && method === 'PUT') {
      const { status } = parse(statusSchema, body);
      if (!sim.hooks.get(parts[2] ?? '')) throw new ControlError(404, `No subscription ${parts[2] ?? ''}.`);
      return json(res, 200, sim.hooks.setStatus(parts[2] ?? '', status));
    }
    if (path === 'hooks/deliveries' && method === 'GET') return json(res, 200, sim.hooks.deliveries());
    if (path === 'hooks/flush' && method === 'POST') {
      await sim.hooks.flush();
      return json(res, 200, {});
    }
    if (path === 'minimum-requests' && method === 'GET') {
      const minimum = sim.minimumRequests();
      const wanted = (url.searchParams.get('kinds') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
      const unknown = wanted.filter((k) => !(KINDS as readonly string[]).includes(k));
      if (unknown.length > 0) throw new ControlError(400, `Unknown kinds: ${unknown.join(', ')}.`);
      if (wanted.length === 0) return json(res, 200, minimum);
      return json(res, 200, { ...minimum, selected: minimumRequestsFor(minimum, wanted as Kind[]), selectedByRoute: minimumRequestsByRouteFor(minimum, wanted as Kind[]) });
    }
    if (path === 'reset' && method === 'POST') {
      sim.reset();
      return json(res, 200, {});
    }
    throw new ControlError(404, `No control route ${method} ${url.pathname}. See sim/azure-devops/control/control-api.ts.`);
  } catch (error) {
    if (error instanceof ControlError) return json(res, error.status, { message: error.message });
    throw error;
  }
}
