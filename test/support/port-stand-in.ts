import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { createHttpTransport } from '../../core/http/transport';
import { PortClient } from '../../core/port/client';

/**
 * A stand-in for Port over a real socket, for tests of how the client reads answers the simulator
 * never gives: it issues a token, and answers every other request with `answer` as it is then.
 * Registers its own start and stop; `client()` is the PortClient pointed at it.
 */
export function portStandIn(): { set answer(body: unknown); client: () => PortClient } {
  let answer: unknown;
  let client: PortClient | undefined;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.url?.startsWith('/v1/auth/access_token') ? { accessToken: 'token', expiresIn: 3600, tokenType: 'Bearer' } : answer;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new PortClient({
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: { clientId: 'id', clientSecret: 'secret' },
      transport: createHttpTransport({ timeoutSeconds: 10 }, {}),
      userAgent: 'port-ocean/azure-devops/0.0.0/test/exporter',
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    set answer(body: unknown) {
      answer = body;
    },
    client: () => {
      if (!client) throw new Error('the Port stand-in has not started');
      return client;
    },
  };
}
