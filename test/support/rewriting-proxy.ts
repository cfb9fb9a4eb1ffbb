import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AzureDevOpsClient } from '../../core/azure-devops/client';
import { parseOrganizationUrl } from '../../core/azure-devops/organization';
import { IdentityRateLimiter } from '../../core/azure-devops/rate-limiter';
import { createHttpTransport } from '../../core/http/transport';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';

/** Requests whose URL path matches `path` are answered 200 with `text` as JSON (`''`: an empty body). */
export type Rewrite = { path: RegExp; text: string };

export type RewritingProxy = {
  /** Edited freely by a test; the first match answers. */
  readonly rewrites: Rewrite[];
  /** The engine's Azure DevOps client on the proxy, over real sockets, with a PAT. */
  client(token: string): AzureDevOpsClient;
  close(): Promise<void>;
};

/**
 * A forwarding proxy in front of the Azure DevOps simulator that answers the requests a test names
 * with a body of its choosing (an empty body, a list, null: what a proxy or a changed API may send
 * where one object is expected), and forwards everything else unchanged.
 */
export async function startRewritingProxy(sim: AzureDevOpsSimulator): Promise<RewritingProxy> {
  const target = new URL(sim.serverUrl);
  const rewrites: Rewrite[] = [];
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://proxy').pathname;
    const rewrite = rewrites.find((r) => r.path.test(pathname));
    if (rewrite) {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(rewrite.text)) });
        res.end(rewrite.text);
      });
      return;
    }
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    rewrites,
    client: (token) =>
      new AzureDevOpsClient({
        organization: parseOrganizationUrl(`${origin}${target.pathname}`),
        credential: { type: 'pat', token },
        transport: createHttpTransport({ timeoutSeconds: 30 }),
        limiter: new IdentityRateLimiter(8),
        userAgent: 'port-ado-sync-tests',
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
