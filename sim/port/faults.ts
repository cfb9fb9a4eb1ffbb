import { z } from 'zod';

/**
 * Fault rules let tests provoke what real Port (and the load balancers in front of it) do under
 * stress: 429 with `Retry-After` or `x-ratelimit-reset` (port-api-and-ocean-core.md §2.12),
 * 5xx, 413, slow answers and dropped connections.
 */
export const faultRuleSchema = z
  .strictObject({
    /** HTTP method to match; omitted or `*` matches any. */
    method: z.string().min(1).optional(),
    /** Path glob: `*` matches within one segment, `**` across segments. Query strings are ignored. */
    path: z.string().startsWith('/'),
    status: z.union([z.literal(413), z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
    /** 429: adds `Retry-After: <seconds>`. */
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    /** 429: adds `x-ratelimit-reset: <epoch seconds now + N>` and the other `x-ratelimit-*` headers. */
    rateLimitResetSeconds: z.number().int().nonnegative().optional(),
    /** Delay added after normal handling (alone) or before the fault answer (with a status). */
    latencyMs: z.number().int().nonnegative().max(600_000).optional(),
    /**
     * With a status: the route runs first and its change is stored, then the fault answers instead
     * (a gateway timing out after Port applied the request), so a client that retries repeats it.
     */
    applied: z.boolean().optional(),
    /** Destroy the socket without answering. */
    resetConnection: z.boolean().optional(),
    /** Fire at most this many times, then stay inert. */
    times: z.number().int().positive().optional(),
    /** Fire only on every Nth matching request (N, 2N, …). */
    everyNth: z.number().int().positive().optional(),
    /** Body of 5xx answers: JSON like Port's API, or an HTML page like a gateway. */
    bodyFormat: z.enum(['json', 'html']).optional(),
  })
  .refine((r) => r.status !== undefined || r.latencyMs !== undefined || r.resetConnection === true, {
    message: 'a fault needs a status, a latencyMs or resetConnection: true',
  })
  .refine((r) => !r.applied || r.status !== undefined, { message: 'applied: true needs a status to answer with' });

export type FaultRule = z.input<typeof faultRuleSchema>;

export type ActiveFault = FaultRule & { id: string; matched: number; fired: number };

export type FaultDecision = {
  /** The rule that answers instead of the route (status or reset), if any. */
  answer?: ActiveFault;
  /** Extra latency from latency-only rules that fired. */
  latencyMs: number;
};

export class FaultInjector {
  private rules: (ActiveFault & { regex: RegExp })[] = [];
  private nextId = 1;

  add(rule: FaultRule): ActiveFault {
    const parsed = faultRuleSchema.parse(rule);
    const active = { ...parsed, id: `fault-${this.nextId++}`, matched: 0, fired: 0 };
    this.rules.push({ ...active, regex: globToRegex(parsed.path) });
    return active;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map(({ regex: _regex, ...rule }) => ({ ...rule }));
  }

  /** Counts the request against every matching rule and says which ones fire. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const rule of this.rules) {
      if (rule.method && rule.method !== '*' && rule.method.toUpperCase() !== method) continue;
      if (!rule.regex.test(path)) continue;
      rule.matched++;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (rule.everyNth !== undefined && rule.matched % rule.everyNth !== 0) continue;
      const answers = rule.status !== undefined || rule.resetConnection === true;
      if (answers && decision.answer) continue;
      rule.fired++;
      if (answers) decision.answer = rule;
      else decision.latencyMs += rule.latencyMs ?? 0;
    }
    return decision;
  }
}

function globToRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}/?$`);
}

export function faultReply(rule: ActiveFault): { status: number; headers: Record<string, string>; body: unknown; raw?: string } {
  const status = rule.status ?? 500;
  const headers: Record<string, string> = {};
  if (status === 429) {
    if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
    if (rule.rateLimitResetSeconds !== undefined) {
      headers['x-ratelimit-limit'] = '1000';
      headers['x-ratelimit-remaining'] = '0';
      headers['x-ratelimit-period'] = '60';
      headers['x-ratelimit-reset'] = String(Math.floor(Date.now() / 1000) + rule.rateLimitResetSeconds);
    }
    return { status, headers, body: { ok: false, error: 'rate_limit_exceeded', message: 'Too many requests. Slow down and retry after the time the rate-limit headers give.' } };
  }
  if (status === 413) {
    return { status, headers, body: { ok: false, error: 'request_too_large', message: 'Request body is too large (limit is 1MiB)' } };
  }
  const gateway = status !== 500;
  const format = rule.bodyFormat ?? (gateway ? 'html' : 'json');
  const reason = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status] ?? 'Error';
  if (format === 'html') {
    return { status, headers: { 'content-type': 'text/html' }, body: undefined, raw: `<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center></body></html>\n` };
  }
  return { status, headers, body: { ok: false, error: 'internal_error', message: `${reason} (injected by the simulator)` } };
}
