import { HttpNetworkError } from './network-error';

/**
 * The longest a service's `Retry-After` (or rate-limit reset) holds a request: beyond it the wait is
 * more likely a misreading (a clock far off, a date meant for a cache) than a plan, and a run that
 * sleeps for an hour on one header looks hung.
 */
export const MAX_RETRY_AFTER_SECONDS = 300;

/**
 * The shortest a throttled request (429) waits, even with `Retry-After: 0` or a rate-limit reset
 * at or before the agent's clock (a clock a little ahead reads a reset "now" as past): retrying at
 * once would only be throttled again, and a few retries would be spent in milliseconds.
 */
export const MIN_THROTTLE_SECONDS = 1;

/**
 * How long a throttled request waits: what the service asked (`Retry-After`, else
 * `x-ratelimit-reset`), `fallbackSeconds` when it asked nothing, never less than
 * MIN_THROTTLE_SECONDS nor more than MAX_RETRY_AFTER_SECONDS. Both clients follow this rule.
 */
export function throttleSeconds(headers: Readonly<Record<string, string | undefined>>, fallbackSeconds: number, now = Date.now()): number {
  const asked = retryAfterSeconds(headers['retry-after'], now) ?? resetAfterSeconds(headers['x-ratelimit-reset'], now);
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(MIN_THROTTLE_SECONDS, asked ?? fallbackSeconds));
}

/** Seconds to wait from `Retry-After` (delta seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * Seconds until a reset given as a Unix epoch (or, when small, as seconds from now). Port and
 * Azure DevOps both send `x-ratelimit-reset` as an epoch; Ocean treats values ≤ 10000 as deltas.
 */
export function resetAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (!value || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n > 10_000 ? Math.max(0, n - now / 1000) : n;
}

/** Exponential backoff with ±20 % jitter: base·2^(attempt-1), never above the cap. `attempt` starts at 1. */
export function backoffSeconds(attempt: number, baseSeconds: number, capSeconds: number, random = Math.random): number {
  const raw = Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.min(capSeconds, raw * (0.8 + 0.4 * random()));
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// UND_ERR_SOCKET is undici's "other side closed": the peer dropped the connection before answering.
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET']);
const TRANSIENT_CODES = new Set([...TIMEOUT_CODES, ...RESET_CODES, 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
// A proxy's gateway errors pass like the service's own 502/503/504.
const PROXY_TRANSIENT_STATUS = new Set([502, 503, 504]);

/** Network failures worth retrying: resets, timeouts, refused connections, DNS hiccups, truncated bodies. */
export function isTransientNetworkError(error: unknown): boolean {
  if (!(error instanceof HttpNetworkError)) return false;
  if (error.proxyStatus !== undefined) return PROXY_TRANSIENT_STATUS.has(error.proxyStatus);
  return error.truncated || (error.code !== undefined && TRANSIENT_CODES.has(error.code));
}

export function describeNetworkError(error: unknown): string {
  if (error instanceof HttpNetworkError) {
    if (error.truncated) return 'the connection dropped before the whole answer arrived (truncated response)';
    if (error.proxyStatus === 407) return 'the proxy asked for credentials (HTTP 407); check the user name and password of the proxy URL';
    if (error.proxyStatus !== undefined) return `the proxy refused the connection (HTTP ${error.proxyStatus})`;
    const code = error.code ?? '';
    if (TIMEOUT_CODES.has(code)) return 'the request timed out';
    if (RESET_CODES.has(code)) return 'the connection was reset';
    if (code === 'ECONNREFUSED') return 'the connection was refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
    return code ? `network error ${code}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts (at once if it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error('aborted');
}
