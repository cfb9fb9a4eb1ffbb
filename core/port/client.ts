import { z } from 'zod';
import { backoffSeconds, describeNetworkError, isTransientNetworkError, MAX_RETRY_AFTER_SECONDS, resetAfterSeconds, retryAfterSeconds, sleep, throttleSeconds } from '../http/retry';
import { ActiveTime } from '../util/wall-clock';
import type { HttpRequest, HttpTransport } from '../http/transport';
import pLimit, { type LimitFunction } from 'p-limit';
import { PortApiError, PortAuthError } from './errors';

export type PortCredentials = { clientId: string; clientSecret: string };

export type PortRequest = {
  method: HttpRequest['method'];
  path: string;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  /** The body already serialized (it wins over `body`): a caller that measured the JSON need not serialize twice. */
  bodyText?: string;
  /** Safe to send twice (reads, upserts, deletes). Creates and PATCHes are not retried, as in Ocean (§2.12). */
  retryable: boolean;
  /** Statuses the caller handles itself instead of an exception (e.g. 404 on a lookup, 207 on bulk). */
  accept?: readonly number[];
  /** Aborts this request and its retries, besides the client's own signal (a receiver event cut off at shutdown). */
  signal?: AbortSignal;
  /** Also counts this request's attempts here, as `metrics.requests` does: one part's share of the client's requests (a resource's). */
  counter?: PortRequestCounter;
};

/** Requests sent, every attempt counted (a retry, a 401 sent again), as PortRequestMetrics counts them. */
export type PortRequestCounter = { requests: number };

export type PortResponse = { status: number; body: unknown };

export class PortRequestMetrics {
  requests = 0;
  retries = 0;
  bytesOut = 0;
  bytesIn = 0;
  /** Wall-clock time during which at least one request waited after a 429 (Port's throttling). */
  readonly throttled = new ActiveTime();
}

const tokenResponse = z.object({ accessToken: z.string().min(1), expiresIn: z.number().positive(), tokenType: z.string().min(1) });
const errorBody = z.looseObject({ error: z.string().optional(), message: z.string().optional() });

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/** How hard the client retries throttling and transient failures. */
export type PortRetryPolicy = { maxAttempts: number; baseDelaySeconds: number; maxDelaySeconds: number };
export const DEFAULT_PORT_RETRY_POLICY: PortRetryPolicy = { maxAttempts: 8, baseDelaySeconds: 0.3, maxDelaySeconds: 30 };

/**
 * Port's HTTP API with the token lifecycle (fetched lazily, refreshed before expiry and once on a
 * 401), retries for throttling and transient failures, and a bound on requests in flight.
 * Every call carries the Ocean-compatible User-Agent that Port records as the datasource.
 */
export class PortClient {
  readonly metrics = new PortRequestMetrics();
  private token: { header: string; expiresAt: number } | undefined;
  private tokenRequest: Promise<string> | undefined;
  private clockReading: { serviceDate: Date; agentNow: Date } | undefined;
  private readonly slots: LimitFunction;
  private readonly retry: PortRetryPolicy;

  constructor(
    private readonly deps: {
      baseUrl: string;
      credentials: PortCredentials;
      transport: HttpTransport;
      /** `port-ocean/azure-devops/<version>/<identifier>/exporter` for writes. */
      userAgent: string;
      maxConcurrent?: number;
      /** Called with every access token fetched, so wrappers can mask it. */
      onToken?: (token: string) => void;
      signal?: AbortSignal;
      retry?: PortRetryPolicy;
      /** The agent's clock (tests move it). */
      now?: () => Date;
      /** Told of every answer (`POST /v1/entities/search → 200 in 40 ms`), for a debug log. */
      onAnswer?: (line: string) => void;
    },
  ) {
    this.slots = pLimit(deps.maxConcurrent ?? 8);
    this.retry = deps.retry ?? DEFAULT_PORT_RETRY_POLICY;
  }

  get baseUrl(): string {
    return this.deps.baseUrl.replace(/\/+$/, '');
  }

  /** Port's `Date` header on the last token answer, and the agent's time when it came. */
  get clock(): { serviceDate: Date; agentNow: Date } | undefined {
    return this.clockReading;
  }

  /** Proves the credentials work (pre-flight) and caches the token. */
  async authenticate(): Promise<void> {
    await this.authorization(true);
  }

  request(request: PortRequest): Promise<PortResponse> {
    return this.slots(() => this.send(request));
  }

  private async send(request: PortRequest): Promise<PortResponse> {
    const url = this.url(request);
    const route = `${request.method} ${request.path}`;
    const data = request.bodyText ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
    const signal = request.signal && this.deps.signal ? AbortSignal.any([request.signal, this.deps.signal]) : (request.signal ?? this.deps.signal);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      // Cancelled while it waited for a slot or a retry: it is not sent.
      signal?.throwIfAborted();
      let response;
      const sending = performance.now();
      try {
        response = await this.deps.transport.request({
          method: request.method,
          url,
          body: data,
          headers: {
            Authorization: await this.authorization(false),
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'User-Agent': this.deps.userAgent,
          },
          signal,
        });
      } catch (error) {
        this.metrics.requests++;
        if (request.counter) request.counter.requests++;
        if (request.retryable && isTransientNetworkError(error) && attempt < this.retry.maxAttempts) {
          await this.backoff(attempt, undefined, undefined, signal);
          continue;
        }
        throw new PortApiError(`Port ${route} failed: ${describeNetworkError(error)}.`, undefined, undefined, route);
      }
      this.metrics.requests++;
      if (request.counter) request.counter.requests++;
      this.metrics.bytesOut += data?.length ?? 0;
      const text = response.body.toString('utf8');
      this.metrics.bytesIn += response.body.length;
      const body = parseJson(text);
      const status = response.status;
      this.deps.onAnswer?.(`${route} → ${status} in ${Math.round(performance.now() - sending)} ms`);
      if (status === 401 && !refreshed) {
        // The token expired early or was revoked: fetch a new one and try again, once.
        refreshed = true;
        this.token = undefined;
        attempt--;
        continue;
      }
      if ((status >= 200 && status < 300) || request.accept?.includes(status)) return { status, body };
      // A 429 was refused before it ran, so any request may go again, a POST that creates included.
      if (RETRYABLE.has(status) && (request.retryable || status === 429) && attempt < this.retry.maxAttempts) {
        await this.backoff(attempt, status, response.headers, signal);
        continue;
      }
      throw apiError(route, status, body);
    }
  }

  private url(request: PortRequest): string {
    const url = new URL(`${this.baseUrl}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value as readonly string[]) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /**
   * Waits before attempt `attempt + 1`: the usual backoff, longer when Port's `Retry-After` (or
   * `x-ratelimit-reset`) asks for more, and after a 429 at least MIN_THROTTLE_SECONDS, the rule the
   * Azure DevOps client follows too (throttleSeconds). A header is never taken as a reason to wait
   * less: a reset at or before the agent's clock reads as 0 s, and 8 attempts would pass in
   * milliseconds. Never longer than MAX_RETRY_AFTER_SECONDS.
   */
  private async backoff(attempt: number, status?: number, headers: Readonly<Record<string, string | undefined>> = {}, signal = this.deps.signal): Promise<void> {
    this.metrics.retries++;
    const backoff = backoffSeconds(attempt, this.retry.baseDelaySeconds, this.retry.maxDelaySeconds);
    if (status !== 429) {
      const asked = retryAfterSeconds(headers['retry-after']) ?? resetAfterSeconds(headers['x-ratelimit-reset']);
      await sleep(Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(backoff, asked ?? 0)) * 1000, signal);
      return;
    }
    this.metrics.throttled.begin();
    try {
      await sleep(Math.max(backoff, throttleSeconds(headers, backoff)) * 1000, signal);
    } finally {
      this.metrics.throttled.end();
    }
  }

  private async authorization(force: boolean): Promise<string> {
    // Refresh a minute early so a long batch never starts with a token about to lapse.
    if (!force && this.token && Date.now() < this.token.expiresAt - 60_000) return this.token.header;
    this.tokenRequest ??= this.fetchToken().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  private async fetchToken(): Promise<string> {
    const route = 'POST /v1/auth/access_token';
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await this.deps.transport.request({
          method: 'POST',
          url: `${this.baseUrl}/v1/auth/access_token`,
          body: JSON.stringify({ clientId: this.deps.credentials.clientId, clientSecret: this.deps.credentials.clientSecret }),
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': this.deps.userAgent.replace(/\/exporter$/, '') },
          signal: this.deps.signal,
        });
      } catch (error) {
        this.metrics.requests++;
        if (isTransientNetworkError(error) && attempt < this.retry.maxAttempts) {
          await this.backoff(attempt);
          continue;
        }
        throw new PortApiError(`Could not reach Port at ${this.baseUrl}: ${describeNetworkError(error)}.`, undefined, undefined, route);
      }
      this.metrics.requests++;
      const body = parseJson(response.body.toString('utf8'));
      if (RETRYABLE.has(response.status) && attempt < this.retry.maxAttempts) {
        await this.backoff(attempt, response.status, response.headers);
        continue;
      }
      if (response.status === 401 || response.status === 403 || response.status === 404 || response.status === 422) {
        // Unlike Ocean, bad credentials are not retried for five minutes: they will not get better.
        throw new PortAuthError(
          `Port rejected the client credentials (HTTP ${response.status}) at ${this.baseUrl}. Check the client id and secret (Port → Settings → Credentials) and the Port region/API URL.`,
          response.status,
          errorBody.safeParse(body).data?.error,
          route,
        );
      }
      const parsed = tokenResponse.safeParse(body);
      if (response.status !== 200 || !parsed.success) throw apiError(route, response.status, body);
      const header = `${parsed.data.tokenType} ${parsed.data.accessToken}`;
      this.deps.onToken?.(parsed.data.accessToken);
      const date = response.headers['date'];
      const serviceDate = typeof date === 'string' ? new Date(date) : undefined;
      if (serviceDate && !Number.isNaN(serviceDate.getTime())) this.clockReading = { serviceDate, agentNow: (this.deps.now ?? (() => new Date()))() };
      this.token = { header, expiresAt: Date.now() + parsed.data.expiresIn * 1000 };
      return header;
    }
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function apiError(route: string, status: number, body: unknown): PortApiError {
  const parsed = errorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error : undefined;
  // A gateway in front of Port answers with an HTML page: its text is the message, not its markup.
  const message = parsed.success ? parsed.data.message : typeof body === 'string' ? body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) : undefined;
  return new PortApiError(`Port ${route} failed with HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`, status, code, route);
}
