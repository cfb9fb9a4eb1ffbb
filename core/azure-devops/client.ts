import { ResponseTooLargeError } from '../http/network-error';
import { backoffSeconds, describeNetworkError, isTransientNetworkError, MAX_RETRY_AFTER_SECONDS, retryAfterSeconds, sleep } from '../http/retry';
import type { HttpRequest, HttpTransport } from '../http/transport';
import { ActiveTime } from '../util/wall-clock';
import {
  AzureDevOpsAuthError,
  AzureDevOpsContentTooLargeError,
  AzureDevOpsError,
  AzureDevOpsNotFoundError,
  AzureDevOpsResponseError,
  AzureDevOpsUnavailableError,
  NotAvailableOnServerError,
  serviceMessage,
} from './errors';
import type { Organization, ServiceHost } from './organization';
import type { IdentityRateLimiter } from './rate-limiter';
import { routeOf } from './route-costs';

export type AzureDevOpsCredential = { type: 'pat'; token: string } | { type: 'bearer'; token: string };

export type QueryValue = string | number | boolean | undefined;

export type AdoRequest = {
  service?: ServiceHost;
  /** Path under the service base URL, e.g. `{projectId}/_apis/git/repositories` or `_apis/projects`. */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  method?: HttpRequest['method'];
  body?: unknown;
  apiVersion: string;
  /** POSTs that only read (WIQL, batch reads) may be retried like GETs. */
  readOnly?: boolean;
  /** A write that has the same effect when sent twice (a PUT of the whole resource, a DELETE): retried like GETs. */
  idempotent?: boolean;
  /**
   * `raw`: ask for the content itself (`Accept: application/octet-stream`) and return the body as
   * a Buffer, unparsed: file content. Default `json`.
   */
  response?: 'json' | 'raw';
  /** With `raw`: stop reading past this many bytes and throw AzureDevOpsContentTooLargeError. */
  maxBytes?: number;
  /** A 500 here is known to mean something permanent: fail at once and let the caller decide. */
  noRetryOnServerError?: boolean;
};

export type AdoResponse = { status: number; headers: Record<string, string>; body: unknown };

/** Counters for the requests one part of the run (a kind, the webhook step…) makes. */
export class RequestMetrics {
  requests = 0;
  retries = 0;
  bytesIn = 0;
  readonly throttled = new ActiveTime();
}

export type RetryPolicy = {
  /** Attempts for throttled requests (429 / delayed), which tell us how long to wait. */
  throttledAttempts: number;
  /** Attempts for 502/503/504/408, timeouts, resets and truncated bodies. */
  transientAttempts: number;
  /**
   * Attempts for 500. Azure DevOps answers 500 for some permanent conditions (a team's boards
   * without iterations), so a 500 gets a short second chance, not the full transient treatment.
   */
  serverErrorAttempts: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { throttledAttempts: 10, transientAttempts: 5, serverErrorAttempts: 2, baseDelaySeconds: 1, maxDelaySeconds: 60 };

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

type ClientDeps = {
  organization: Organization;
  credential: AzureDevOpsCredential;
  transport: HttpTransport;
  limiter: IdentityRateLimiter;
  userAgent: string;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Told of every answer (`GET <url> → 200 in 31 ms`), for a debug log. */
  onAnswer?: (line: string) => void;
};

/**
 * The one way the engine talks to Azure DevOps: URL building per service host, auth, the shared
 * per-identity limiter, retries, and classification of failures into typed errors. Paging and
 * fan-out live above it (paging.ts, kinds/).
 */
export class AzureDevOpsClient {
  private readonly authorization: string;

  /** Counters this client adds to: its own, plus those of the client it was derived from. */
  private readonly sinks: readonly RequestMetrics[];

  constructor(
    private readonly deps: ClientDeps,
    readonly metrics: RequestMetrics = new RequestMetrics(),
    parentSinks: readonly RequestMetrics[] = [],
  ) {
    this.sinks = [metrics, ...parentSinks];
    this.authorization =
      deps.credential.type === 'pat'
        ? `Basic ${Buffer.from(`:${deps.credential.token}`).toString('base64')}`
        : `Bearer ${deps.credential.token}`;
  }

  get organization(): Organization {
    return this.deps.organization;
  }

  /**
   * The same client, also counting into `metrics` (one per kind, so the summary can say who spent
   * what, while this client's own counters keep the run's totals).
   */
  withMetrics(metrics: RequestMetrics): AzureDevOpsClient {
    return new AzureDevOpsClient(this.deps, metrics, this.sinks);
  }

  /** The absolute URL of a request, for messages and links. */
  urlOf(request: Pick<AdoRequest, 'service' | 'path' | 'query' | 'apiVersion'>): string {
    return this.targetOf(request).toString();
  }

  private targetOf(request: Pick<AdoRequest, 'service' | 'path' | 'query' | 'apiVersion'>): URL {
    const service = request.service ?? 'core';
    const base = this.deps.organization.services[service];
    if (!base) {
      throw new NotAvailableOnServerError(
        `This needs the Azure DevOps ${serviceLabel(service)} service, which is not available on Azure DevOps Server (${this.deps.organization.url}).`,
      );
    }
    const url = new URL(`${base}/${request.path.replace(/^\//, '')}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    url.searchParams.set('api-version', request.apiVersion);
    return url;
  }

  async request(request: AdoRequest): Promise<AdoResponse> {
    const target = this.targetOf(request);
    const url = target.toString();
    const method = request.method ?? 'GET';
    const retryable = method === 'GET' || request.readOnly === true || request.idempotent === true;
    const policy = this.deps.retry ?? DEFAULT_RETRY_POLICY;
    const display = displayUrl(url);
    // Route costs are learned per endpoint.
    const route = routeOf(method, target);
    let throttledTries = 0;
    // Network failures (and bodies cut short) and error statuses are counted apart, so one kind of
    // failure does not spend the other's attempts.
    let networkTries = 0;
    let statusTries = 0;

    for (;;) {
      let response: SentResponse;
      let sentAt: number | undefined;
      let sending = 0;
      try {
        response = await this.deps.limiter.schedule(
          (at) => {
            sentAt = at;
            sending = performance.now();
            return this.send(method, url, request);
          },
          this.metrics.throttled,
          route,
          this.deps.signal,
        );
      } catch (error) {
        if (this.deps.signal?.aborted) throw error;
        this.count((m) => m.requests++);
        if (request.maxBytes !== undefined && error instanceof ResponseTooLargeError) {
          throw new AzureDevOpsContentTooLargeError(`${method} ${display} answered with more than ${request.maxBytes} bytes; not read further.`, display, request.maxBytes);
        }
        if (retryable && isTransientNetworkError(error) && ++networkTries < policy.transientAttempts) {
          await this.pause(backoffSeconds(networkTries, policy.baseDelaySeconds, policy.maxDelaySeconds));
          continue;
        }
        throw new AzureDevOpsUnavailableError(`${method} ${display} failed: ${describeNetworkError(error)}${networkTries ? ` (after ${networkTries} attempts)` : ''}.`, display);
      }
      this.count((m) => {
        m.requests++;
        m.bytesIn += response.size;
      });
      this.deps.limiter.observe(response.status, response.headers, sentAt);
      const { status, headers } = response;
      this.deps.onAnswer?.(`${method} ${display} → ${status} in ${Math.round(performance.now() - sending)} ms`);

      if (status === 203 || (status >= 300 && status < 400) || status === 401) {
        throw new AzureDevOpsAuthError(authMessage(status, response.text, display), display, status);
      }
      if (status >= 200 && status < 300) {
        if (response.bytes) return { status, headers, body: response.bytes };
        if (status === 204 || response.text.length === 0) return { status, headers, body: undefined };
        try {
          return { status, headers, body: JSON.parse(response.text) as unknown };
        } catch {
          if (retryable && ++networkTries < policy.transientAttempts) {
            await this.pause(backoffSeconds(networkTries, policy.baseDelaySeconds, policy.maxDelaySeconds));
            continue;
          }
          throw new AzureDevOpsResponseError(`${method} ${display} answered ${status} with a body that is not complete JSON (${response.size} bytes).`, display, status);
        }
      }

      const body = safeJson(response.text);
      const { message, code } = serviceMessage(body);
      // A 429 was blocked before it ran ("TF400733: The request has been canceled", azure-devops-api.md
      // §3.1), so any request may be sent again, a write included.
      if (RETRYABLE_STATUS.has(status) && (retryable || status === 429)) {
        const throttled = status === 429;
        const tries = throttled ? ++throttledTries : ++statusTries;
        const limit = throttled ? policy.throttledAttempts : status === 500 ? (request.noRetryOnServerError ? 1 : policy.serverErrorAttempts) : policy.transientAttempts;
        if (tries < limit) {
          // The limiter already pauses everyone for Retry-After on a 429; back off only without one.
          const retryAfter = retryAfterSeconds(headers['retry-after']);
          if (!throttled || retryAfter === undefined) await this.pause(retryAfter ?? backoffSeconds(tries, policy.baseDelaySeconds, policy.maxDelaySeconds));
          continue;
        }
        throw new AzureDevOpsUnavailableError(
          `${method} ${display} kept failing with HTTP ${status}${message ? ` (${message})` : ''} after ${tries} attempts.`,
          display,
          status,
          code,
        );
      }
      if (status === 404) {
        throw new AzureDevOpsNotFoundError(`${method} ${display}: not found${message ? ` (${message})` : ''}.`, display, status, code);
      }
      if (status === 403) {
        throw new AzureDevOpsAuthError(
          `${method} ${display}: the identity lacks permission${message ? ` (${message})` : ''}. Grant it read access to this resource or use a token with the right scopes.`,
          display,
          status,
          code,
        );
      }
      throw new AzureDevOpsError(`${method} ${display} failed with HTTP ${status}${message ? `: ${message}` : ''}.`, display, status, code);
    }
  }

  private async send(method: HttpRequest['method'], url: string, request: AdoRequest): Promise<SentResponse> {
    const { body } = request;
    const raw = request.response === 'raw';
    const response = await this.deps.transport.request({
      method,
      url,
      body: body === undefined ? undefined : JSON.stringify(body),
      maxBytes: request.maxBytes,
      headers: {
        Authorization: this.authorization,
        // Item content comes raw only when JSON is not asked for (git items, `$format` text).
        Accept: raw ? 'application/octet-stream' : 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        // Without it the cloud answers a bad credential with a 203 sign-in page or a 302 (azure-devops-api.md §5.1).
        'X-TFS-FedAuthRedirect': 'Suppress',
        'User-Agent': this.deps.userAgent,
      },
      signal: this.deps.signal,
    });
    const { status, headers } = response;
    // Errors still come as JSON text; only a success is handed over as bytes.
    if (raw && status >= 200 && status < 300) return { status, headers, text: '', bytes: response.body, size: response.body.length };
    return { status, headers, text: response.body.toString('utf8'), size: response.body.length };
  }

  private count(update: (metrics: RequestMetrics) => void): void {
    for (const sink of this.sinks) update(sink);
  }

  private async pause(seconds: number): Promise<void> {
    this.count((m) => m.retries++);
    this.metrics.throttled.begin();
    try {
      await sleep(Math.min(MAX_RETRY_AFTER_SECONDS, seconds) * 1000, this.deps.signal);
    } finally {
      this.metrics.throttled.end();
    }
  }
}

/** `size`: the body's length in bytes (after content decoding), which `text.length` is not once a character takes more than one. */
type SentResponse = { status: number; headers: Record<string, string>; text: string; bytes?: Buffer; size: number };

function serviceLabel(service: ServiceHost): string {
  return { core: 'core', release: 'release management (vsrm)', graph: 'graph (vssps)', entitlements: 'user entitlements (vsaex)', advancedSecurity: 'Advanced Security (advsec)' }[service];
}

/** The URL without its query string: enough to locate the call, nothing that could carry a secret. */
function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function authMessage(status: number, text: string, url: string): string {
  const { message } = serviceMessage(safeJson(text));
  const why =
    status === 203
      ? 'answered with a sign-in page (HTTP 203) instead of data'
      : status >= 300 && status < 400
        ? `redirected to a sign-in page (HTTP ${status})`
        : `rejected the credential (HTTP 401${message ? `: ${message}` : ''})`;
  return `Azure DevOps ${why} for ${url}. The token is invalid, expired or revoked, or lacks access to this organization; check the personal access token (or the job's access token) and its scopes.`;
}
