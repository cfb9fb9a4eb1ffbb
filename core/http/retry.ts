import { isAxiosError } from 'axios';

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

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET']);

/** Network failures worth retrying: resets, timeouts, refused connections, DNS hiccups. */
export function isTransientNetworkError(error: unknown): boolean {
  if (!isAxiosError(error)) return false;
  if (error.response) return isCutOffBody(error);
  if (error.code && TRANSIENT_CODES.has(error.code)) return true;
  return /socket hang up|aborted|timeout/i.test(error.message);
}

/**
 * The headers arrived but the connection dropped before the whole body did (a truncated answer):
 * axios reports it as ERR_BAD_RESPONSE "stream has been aborted" with the partial response attached.
 */
function isCutOffBody(error: { code?: string | undefined; message: string }): boolean {
  return error.code === 'ERR_BAD_RESPONSE' && /aborted/i.test(error.message);
}

export function describeNetworkError(error: unknown): string {
  if (isAxiosError(error)) {
    if (isCutOffBody(error)) return 'the connection dropped before the whole answer arrived (truncated response)';
    if (error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED') return 'the request timed out';
    if (error.code === 'ECONNRESET' || /socket hang up/i.test(error.message)) return 'the connection was reset';
    if (error.code === 'ECONNREFUSED') return 'the connection was refused';
    if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'the host name could not be resolved';
    return error.code ? `network error ${error.code}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Lower-cased single-value header map from axios' header object. */
export function headerMap(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      out[key.toLowerCase()] = Array.isArray(value) ? value.map(headerText).join(', ') : headerText(value);
    }
  }
  return out;
}

function headerText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
