/**
 * The HTTP transport over real sockets on 127.0.0.1: what the Azure DevOps and Port clients rely
 * on (statuses never thrown, no redirects, decoded bodies, limits, proxies, CAs, host overrides)
 * and how each way a request can fail is classified for retries and described to users.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpNetworkError, ResponseTooLargeError } from '../../core/http/network-error';
import { describeNetworkError, isTransientNetworkError } from '../../core/http/retry';
import { createHttpTransport, type HttpTransport, type NetworkOptions } from '../../core/http/transport';

const SECRET = 'Basic c2VjcmV0LXRva2VuLXRyYW5zcG9ydA==';
const JSON_BODY = JSON.stringify({ value: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) });
/** Several 64 KB chunks on the wire and after decoding, with two- to four-byte characters on every chunk boundary somewhere. */
const LARGE_BODY = JSON.stringify({ value: Array.from({ length: 6000 }, (_, i) => ({ id: i, name: `Zoë Ångström ${'€'.repeat(i % 5)}🚀 ${i}` })) });
const LARGE_GZIP = gzipSync(LARGE_BODY);

type Seen = { method: string | undefined; url: string | undefined; headers: IncomingMessage['headers']; body: string };
const seen: Seen[] = [];
const hanging = new Set<ServerResponse>();

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method, url: req.url, headers: req.headers, body });
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  switch (path) {
    case '/json':
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Total': '200', 'Set-Cookie': ['a=1', 'b=2'] }).end(JSON_BODY);
      return;
    case '/unavailable':
      res.writeHead(503, { 'Retry-After': '7' }).end('{"message":"busy"}');
      return;
    case '/redirect':
      res.writeHead(302, { Location: '/json' }).end();
      return;
    case '/gzip':
      res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync(JSON_BODY));
      return;
    case '/br':
      res.writeHead(200, { 'Content-Encoding': 'br' }).end(brotliCompressSync(JSON_BODY));
      return;
    case '/deflate':
      res.writeHead(200, { 'Content-Encoding': 'deflate' }).end(deflateSync(JSON_BODY));
      return;
    case '/deflate-raw':
      res.writeHead(200, { 'Content-Encoding': 'deflate' }).end(deflateRawSync(JSON_BODY));
      return;
    case '/large':
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(LARGE_BODY);
      return;
    case '/large-gzip':
      // Written in small pieces, so the decoder is fed many times.
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      for (let at = 0; at < LARGE_GZIP.length; at += 7000) res.write(LARGE_GZIP.subarray(at, at + 7000));
      res.end();
      return;
    case '/gzip-unfinished':
      // The final deflate block and the gzip trailer never come; the connection closes cleanly.
      res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(LARGE_GZIP.subarray(0, LARGE_GZIP.length - 12));
      return;
    case '/gzip-corrupt':
      res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(Buffer.concat([LARGE_GZIP.subarray(0, 10), Buffer.alloc(64, 0xff)]));
      return;
    case '/gzip-bomb':
      res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync('z'.repeat(1_000_000)));
      return;
    case '/truncated': {
      // Headers promise the whole length; half arrives, then the connection drops.
      const payload = Buffer.from(JSON_BODY);
      res.writeHead(200, { 'Content-Length': String(payload.length) });
      res.write(payload.subarray(0, payload.length / 2), () => res.socket?.destroy());
      return;
    }
    case '/reset':
      req.socket.destroy();
      return;
    case '/hang':
      hanging.add(res);
      return;
    case '/large-declared':
      res.writeHead(200, { 'Content-Length': '5000' }).end('x'.repeat(5000));
      return;
    case '/large-chunked':
      // No length announced: the limit is found while reading.
      res.writeHead(200);
      for (let i = 0; i < 50; i++) res.write('y'.repeat(100));
      res.end();
      return;
    default:
      res.writeHead(404).end();
  }
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A forward proxy: absolute-URI requests for http targets, CONNECT tunnels for https ones; both require its credentials. */
function startProxy(): { server: Server; requests: string[]; tunnels: string[]; refused: number } {
  const state = { requests: [] as string[], tunnels: [] as string[], refused: 0 };
  const expected = `Basic ${Buffer.from('agent:proxy-pass').toString('base64')}`;
  const server = createServer((req, res) => {
    if (req.headers['proxy-authorization'] !== expected) {
      state.refused++;
      res.writeHead(407).end();
      return;
    }
    state.requests.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const { 'proxy-authorization': _auth, ...headers } = req.headers;
    const upstream = request({ host: '127.0.0.1', port: Number(target.port), method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    if (req.headers['proxy-authorization'] !== expected) {
      state.refused++;
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    state.tunnels.push(req.url ?? '');
    const [, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    socket.on('error', () => upstream.destroy());
  });
  return {
    server,
    requests: state.requests,
    tunnels: state.tunnels,
    get refused() {
      return state.refused;
    },
  };
}

let server: Server;
let base: string;
let port: number;
const transports: HttpTransport[] = [];
const transport = (options: Partial<NetworkOptions> = {}, env: NodeJS.ProcessEnv = {}) => {
  const created = createHttpTransport({ timeoutSeconds: 5, ...options }, env);
  transports.push(created);
  return created;
};
const get = (t: HttpTransport, url: string, extra: { maxBytes?: number; signal?: AbortSignal } = {}) => t.request({ method: 'GET', url, headers: { Authorization: SECRET, Accept: 'application/json' }, ...extra });

/** A port nothing listens on (any more). */
async function unusedPort(): Promise<number> {
  const closed = createServer();
  const unused = await listen(closed);
  await close(closed);
  return unused;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  server = createServer(handler);
  port = await listen(server);
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await Promise.all(transports.map((t) => t.close().catch(() => undefined)));
  await close(server);
});

describe('createHttpTransport: answers', () => {
  it('sends method, headers and body as given and hands back status, lower-case headers and the bytes', async () => {
    const t = transport();
    const response = await t.request({ method: 'POST', url: `${base}/json?a=1&b=x%20y`, headers: { Authorization: SECRET, 'Content-Type': 'application/json' }, body: '{"q":"ü"}' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString('utf8'))).toEqual(JSON.parse(JSON_BODY));
    expect(response.headers['x-total']).toBe('200');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', url: '/json?a=1&b=x%20y', body: '{"q":"ü"}' });
    expect(request.headers.authorization).toBe(SECRET);
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength('{"q":"ü"}')));
  });

  it('hands over error statuses and redirects instead of throwing or following them', async () => {
    const t = transport();
    const unavailable = await get(t, `${base}/unavailable`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('7');
    expect(unavailable.body.toString()).toBe('{"message":"busy"}');
    const before = seen.length;
    const redirect = await get(t, `${base}/redirect`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/json');
    expect(seen.length).toBe(before + 1);
  });

  it('asks for compressed answers and decodes gzip and brotli', async () => {
    const t = transport();
    for (const path of ['/gzip', '/br']) {
      const response = await get(t, `${base}${path}`);
      expect(response.body.toString('utf8')).toBe(JSON_BODY);
      expect(seen.at(-1)!.headers['accept-encoding']).toContain(path === '/gzip' ? 'gzip' : 'br');
    }
  });

  it('decodes deflate, zlib-wrapped or raw as some servers send it', async () => {
    const t = transport();
    for (const path of ['/deflate', '/deflate-raw']) expect((await get(t, `${base}${path}`)).body.toString('utf8')).toBe(JSON_BODY);
  });

  it('joins a body of many chunks, characters split between chunks included', async () => {
    const t = transport();
    for (const path of ['/large', '/large-gzip']) {
      const response = await get(t, `${base}${path}`);
      expect(response.body.toString('utf8')).toBe(LARGE_BODY);
      expect(response.body.length).toBe(Buffer.byteLength(LARGE_BODY));
      expect(response.body.equals(Buffer.from(LARGE_BODY))).toBe(true);
    }
  });

  it('hands over what a compressed body held when its end never came; refuses one that cannot be decoded', async () => {
    const t = transport();
    const unfinished = (await get(t, `${base}/gzip-unfinished`)).body.toString('utf8');
    expect(unfinished.length).toBeGreaterThan(LARGE_BODY.length / 2);
    expect(LARGE_BODY.startsWith(unfinished)).toBe(true);
    const corrupt = await failure(get(t, `${base}/gzip-corrupt`));
    expect(corrupt).toBeInstanceOf(HttpNetworkError);
    expect((corrupt as HttpNetworkError).truncated).toBe(false);
    expect((await get(t, `${base}/json`)).status).toBe(200);
  });

  it('counts maxBytes after decoding, so a small compressed body cannot unfold past the limit', async () => {
    const t = transport({ maxSockets: 1 });
    expect(await failure(get(t, `${base}/gzip-bomb`, { maxBytes: 100_000 }))).toBeInstanceOf(ResponseTooLargeError);
    expect((await get(t, `${base}/gzip-bomb`, { maxBytes: 1_000_000 })).body.length).toBe(1_000_000);
    expect((await get(t, `${base}/json`)).status).toBe(200);
  });

  it('reaches host names through the resolve overrides, exact and wildcard', async () => {
    const t = transport({ resolve: { 'dev.azure.test': '127.0.0.1', '*.vssps.test': '127.0.0.1' } });
    expect((await get(t, `http://dev.azure.test:${port}/json`)).status).toBe(200);
    expect(seen.at(-1)!.headers.host).toBe(`dev.azure.test:${port}`);
    expect((await get(t, `http://org.vssps.test:${port}/json`)).status).toBe(200);
  });
});

describe('createHttpTransport: failures', () => {
  it('a body cut off after the headers is a transient, truncated answer', async () => {
    const error = await failure(get(transport(), `${base}/truncated`));
    expect(error).toBeInstanceOf(HttpNetworkError);
    expect(isTransientNetworkError(error)).toBe(true);
    expect(describeNetworkError(error)).toBe('the connection dropped before the whole answer arrived (truncated response)');
  });

  it('a connection dropped before any answer is a transient reset', async () => {
    const error = await failure(get(transport(), `${base}/reset`));
    expect(isTransientNetworkError(error)).toBe(true);
    expect(describeNetworkError(error)).toBe('the connection was reset');
  });

  it('no answer within the timeout is a transient timeout', async () => {
    const error = await failure(get(transport({ timeoutSeconds: 0.3 }), `${base}/hang`));
    expect(isTransientNetworkError(error)).toBe(true);
    expect(describeNetworkError(error)).toBe('the request timed out');
  });

  it('a closed port is a transient refusal; an unknown host is described as such', async () => {
    const closedPort = await unusedPort();
    const refused = await failure(get(transport(), `http://127.0.0.1:${closedPort}/json`));
    expect(isTransientNetworkError(refused)).toBe(true);
    expect(describeNetworkError(refused)).toBe('the connection was refused');
    const unknown = await failure(get(transport(), `http://no-such-host.invalid:${port}/json`));
    expect(describeNetworkError(unknown)).toMatch(/host name could not be resolved|network error EAI_AGAIN/);
  });

  it('stops reading past maxBytes, announced or counted, and the connection serves the next request', async () => {
    const t = transport({ maxSockets: 1 });
    expect(await failure(get(t, `${base}/large-declared`, { maxBytes: 1000 }))).toBeInstanceOf(ResponseTooLargeError);
    expect(await failure(get(t, `${base}/large-chunked`, { maxBytes: 1000 }))).toBeInstanceOf(ResponseTooLargeError);
    expect((await get(t, `${base}/large-chunked`, { maxBytes: 5000 })).body.length).toBe(5000);
    expect((await get(t, `${base}/json`)).status).toBe(200);
  });

  it('a request cancelled through its signal rejects with the reason, and is not retryable', async () => {
    const controller = new AbortController();
    const pending = get(transport(), `${base}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run cancelled')), 50);
    const error = await failure(pending);
    expect((error as Error).message).toBe('run cancelled');
    expect(isTransientNetworkError(error)).toBe(false);
  });

  it('never puts the Authorization header into what a failure says', async () => {
    for (const path of ['/truncated', '/reset']) {
      const error = await failure(get(transport(), `${base}${path}`));
      expect(describeNetworkError(error)).not.toContain(SECRET);
      expect(String(error)).not.toContain(SECRET);
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(SECRET);
    }
  });
});

describe('createHttpTransport: proxies', () => {
  let proxy: ReturnType<typeof startProxy>;
  let proxyUrl: string;
  beforeAll(async () => {
    proxy = startProxy();
    proxyUrl = `http://agent:proxy-pass@127.0.0.1:${await listen(proxy.server)}`;
  });
  afterAll(async () => close(proxy.server));

  it('sends http requests to an explicit proxy in absolute form, with its credentials', async () => {
    const t = transport({ proxyUrl, resolve: { 'dev.azure.test': '127.0.0.1' } });
    const response = await get(t, `http://dev.azure.test:${port}/json?x=1`);
    expect(response.status).toBe(200);
    expect(proxy.requests.at(-1)).toBe(`http://dev.azure.test:${port}/json?x=1`);
    expect(proxy.refused).toBe(0);
  });

  it('takes the proxy from HTTPS_PROXY / HTTP_PROXY and honours NO_PROXY', async () => {
    const t = transport({}, { HTTP_PROXY: proxyUrl, NO_PROXY: 'direct.test' });
    const before = proxy.requests.length;
    expect((await get(t, `http://via-proxy.test:${port}/json`)).status).toBe(200);
    expect(proxy.requests.length).toBe(before + 1);
    const direct = transport({ resolve: { 'direct.test': '127.0.0.1' } }, { HTTPS_PROXY: proxyUrl, NO_PROXY: 'direct.test' });
    expect((await get(direct, `http://direct.test:${port}/json`)).status).toBe(200);
    expect(proxy.requests.length).toBe(before + 1);
  });

  it('says so when the proxy wants other credentials, for http and https targets, and does not retry', async () => {
    const t = transport({ proxyUrl: proxyUrl.replace('proxy-pass', 'wrong') });
    for (const url of [`http://dev.azure.test:${port}/json`, `https://dev.azure.test:${port}/json`]) {
      const error = await failure(get(t, url));
      expect(isTransientNetworkError(error)).toBe(false);
      expect(describeNetworkError(error)).toBe('the proxy asked for credentials (HTTP 407); check the user name and password of the proxy URL');
    }
  });

  it('treats a tunnel the proxy cannot open (HTTP 502) as transient', async () => {
    const closedPort = await unusedPort();
    const error = await failure(get(transport({ proxyUrl }), `https://dev.azure.test:${closedPort}/json`));
    expect(isTransientNetworkError(error)).toBe(true);
    expect(describeNetworkError(error)).toBe('the proxy refused the connection (HTTP 502)');
  });
});

describe('createHttpTransport: TLS', () => {
  let dir: string;
  let cert: string;
  let tlsServer: Server;
  let tlsPort: number;
  let proxy: ReturnType<typeof startProxy>;
  let proxyUrl: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'transport-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=secure.test', '-addext', 'subjectAltName=DNS:secure.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    tlsServer = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, handler);
    tlsPort = await listen(tlsServer);
    proxy = startProxy();
    proxyUrl = `http://agent:proxy-pass@127.0.0.1:${await listen(proxy.server)}`;
  });
  afterAll(async () => {
    await close(tlsServer);
    await close(proxy.server);
    rmSync(dir, { recursive: true, force: true });
  });
  const url = () => `https://secure.test:${tlsPort}/json`;
  const resolve = { 'secure.test': '127.0.0.1' };

  it('trusts an extra CA certificate on top of the defaults, and refuses the server without it', async () => {
    expect((await get(transport({ resolve, caCertificates: cert }), url())).status).toBe(200);
    const untrusted = await failure(get(transport({ resolve }), url()));
    expect(untrusted).toBeInstanceOf(HttpNetworkError);
    expect(isTransientNetworkError(untrusted)).toBe(false);
    expect(describeNetworkError(untrusted)).toMatch(/^network error [A-Z_]+$/);
  });

  it('skips verification when told to', async () => {
    expect((await get(transport({ resolve, rejectUnauthorized: false }), url())).status).toBe(200);
  });

  it('tunnels https through the proxy with CONNECT and verifies the server through the tunnel', async () => {
    const t = transport({ proxyUrl, caCertificates: cert });
    expect((await get(t, url())).status).toBe(200);
    expect(proxy.tunnels.at(-1)).toBe(`secure.test:${tlsPort}`);
    expect(await failure(get(transport({ proxyUrl }), url()))).toBeInstanceOf(HttpNetworkError);
  });
});
