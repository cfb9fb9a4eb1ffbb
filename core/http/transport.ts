import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import { Agent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { HttpNetworkError, ResponseTooLargeError } from './network-error';
import { ACCEPT_ENCODING, readResponseBody } from './response-body';

export type NetworkOptions = {
  timeoutSeconds: number;
  /** Explicit proxy; when absent HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment apply. */
  proxyUrl?: string | undefined;
  noProxy?: string | undefined;
  /** Extra trusted CA certificates (PEM), added to Node's defaults. */
  caCertificates?: string | undefined;
  rejectUnauthorized?: boolean | undefined;
  /**
   * Host name → IP address overrides, like curl's --resolve. Lets a local simulator answer for
   * dev.azure.com and its service hosts while the engine still derives those hosts itself.
   */
  resolve?: Readonly<Record<string, string>> | undefined;
  maxSockets?: number | undefined;
};

export type HttpRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Set by the clients (Authorization among them); never copied into an error. */
  headers: Readonly<Record<string, string>>;
  /** The body, already serialized. */
  body?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Stop reading past this many bytes and reject with ResponseTooLargeError. */
  maxBytes?: number | undefined;
};

export type HttpResponse = {
  status: number;
  /** Lower-case names, one value each (a repeated header's values joined with ", "). */
  headers: Record<string, string>;
  /** The whole body, decoded from gzip/deflate/br. */
  body: Buffer;
};

/**
 * What the Azure DevOps and Port clients send their requests through. Status codes are never
 * thrown: the callers decide what a 203 HTML page, a truncated JSON body or a 429 means for their
 * API. A request without a complete answer rejects with HttpNetworkError (or, past `maxBytes`,
 * ResponseTooLargeError); one cancelled through its signal rejects with the signal's reason.
 */
export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Closes the idle connections and waits for requests in flight. */
  close(): Promise<void>;
}

/**
 * undici agents with keep-alive connection pools, proxy and CA handling. No redirect is followed:
 * a redirect from Azure DevOps is a sign-in page, not data.
 */
export function createHttpTransport(options: NetworkOptions, env: NodeJS.ProcessEnv = process.env): HttpTransport {
  const timeout = options.timeoutSeconds * 1000;
  const lookup = options.resolve ? overrideLookup(options.resolve) : undefined;
  const connect = {
    timeout,
    ...(lookup ? { lookup } : {}),
    ...(options.caCertificates ? { ca: [...defaultCaCertificates(), options.caCertificates] } : {}),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  };
  const pool = { connections: options.maxSockets ?? 64, headersTimeout: timeout, bodyTimeout: timeout, connect };
  const direct = new Agent(pool);

  const proxyUrl = options.proxyUrl ?? (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy || undefined);
  const noProxy = options.noProxy ?? (env.NO_PROXY || env.no_proxy || '');
  const proxied = proxyUrl
    ? new ProxyAgent({
        uri: proxyUrl,
        ...pool,
        // http targets go to the proxy as absolute-URI requests (what forward proxies expect);
        // https targets through a CONNECT tunnel, verified against the same CAs.
        proxyTunnel: false,
        proxyTls: connect,
        requestTls: connect,
        // The pools to the proxy itself get the same limits and timeouts as the direct ones.
        factory: (origin, own) => new Pool(origin, { ...pool, ...own }),
        clientFactory: (origin, own) => new Pool(origin, { ...pool, ...own }),
      })
    : undefined;

  return {
    async request(request) {
      const target = new URL(request.url);
      const dispatcher: Dispatcher = proxied && !bypassesProxy(target, noProxy) ? proxied : direct;
      try {
        const response = await dispatcher.request({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: request.method,
          headers: { ...request.headers, 'accept-encoding': ACCEPT_ENCODING },
          body: request.body,
          signal: request.signal,
        });
        const headers = headerMap(response.headers);
        return { status: response.statusCode, headers, body: await readResponseBody(response.body, headers, request.maxBytes) };
      } catch (error) {
        if (request.signal?.aborted) throw abortReason(request.signal);
        throw error instanceof ResponseTooLargeError ? error : HttpNetworkError.from(error, false);
      }
    },
    async close() {
      await Promise.all([direct.close(), proxied?.close()]);
    },
  };
}

/** NO_PROXY semantics shared by curl and most tools: `*`, host names, `.suffix` / `suffix` domain matches, optional `:port`. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [rawHost = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (entryPort && entryPort !== port) return false;
      const suffix = rawHost.replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

function headerMap(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function overrideLookup(table: Readonly<Record<string, string>>): LookupFunction {
  const entries = Object.entries(table).map(([name, address]) => [name.toLowerCase(), address] as const);
  return (hostname, options, callback) => {
    const name = hostname.toLowerCase();
    const hit = entries.find(([pattern]) => (pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) : name === pattern));
    if (!hit) {
      dns.lookup(hostname, options, callback);
      return;
    }
    const family = hit[1].includes(':') ? 6 : 4;
    if (options.all) {
      (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: hit[1], family }]);
    } else {
      callback(null, hit[1], family);
    }
  };
}

function defaultCaCertificates(): string[] {
  // Passing `ca` replaces Node's bundle, so the defaults are added back explicitly.
  return [...tls.rootCertificates];
}
