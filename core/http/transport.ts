import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import axios, { type AxiosInstance } from 'axios';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

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

/**
 * One axios instance with keep-alive agents, proxy and CA handling. Status codes are never thrown
 * (validateStatus accepts all) and bodies arrive as text: the callers decide what a 203 HTML page,
 * a truncated JSON body or a 429 means for their API.
 */
export function createHttpTransport(options: NetworkOptions, env: NodeJS.ProcessEnv = process.env): AxiosInstance {
  const lookup = options.resolve ? overrideLookup(options.resolve) : undefined;
  const tls = {
    ...(options.caCertificates ? { ca: [...defaultCaCertificates(), options.caCertificates] } : {}),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  };
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, ...(lookup ? { lookup } : {}) };
  const direct = { http: new http.Agent(agentOptions), https: new https.Agent({ ...agentOptions, ...tls }) };

  const proxyUrl = options.proxyUrl ?? (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy || undefined);
  const noProxy = options.noProxy ?? (env.NO_PROXY || env.no_proxy || '');
  const proxied = proxyUrl
    ? { http: new HttpProxyAgent(proxyUrl, agentOptions), https: new HttpsProxyAgent(proxyUrl, { ...agentOptions, ...tls }) }
    : undefined;

  const instance = axios.create({
    timeout: options.timeoutSeconds * 1000,
    proxy: false, // axios' own proxy support does not tunnel https; the agents above do.
    maxRedirects: 0, // a redirect from Azure DevOps is a sign-in page, not data.
    responseType: 'text',
    transitional: { silentJSONParsing: true, forcedJSONParsing: false, clarifyTimeoutError: true },
    validateStatus: () => true,
    // Bodies arrive serialized. axios' default would JSON.parse every JSON string body once more
    // to "validate" it: a full parse of every Port write (docs/performance.md).
    transformRequest: [(data: unknown) => (data === undefined || typeof data === 'string' ? data : JSON.stringify(data))],
    httpAgent: direct.http,
    httpsAgent: direct.https,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
  });
  if (proxied) {
    instance.interceptors.request.use((config) => {
      const target = new URL(config.url ?? '', config.baseURL);
      if (!bypassesProxy(target, noProxy)) {
        config.httpAgent = proxied.http;
        config.httpsAgent = proxied.https;
      }
      return config;
    });
  }
  return instance;
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
