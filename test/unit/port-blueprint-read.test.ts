import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlueprintApi } from '../../core/port/blueprints';
import { PortClient } from '../../core/port/client';
import { createHttpTransport } from '../../core/http/transport';

/** A stand-in for Port that answers each blueprint read with the prepared body. */
let server: Server;
let answer: unknown;
let client: PortClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.url?.startsWith('/v1/auth/access_token') ? { accessToken: 'token', expiresIn: 3600, tokenType: 'Bearer' } : answer;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
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

describe('BlueprintApi: what Port answers to a blueprint read', () => {
  it('reads relation targets and the shape, nulls taken as absent', async () => {
    answer = { ok: true, blueprint: { identifier: 'repo', title: null, schema: { properties: { url: {} } }, relations: { project: { target: 'project', many: false } }, mirrorProperties: null } };
    const api = new BlueprintApi(client);
    expect(await api.relationTargets('repo')).toEqual({ project: 'project' });
    expect(await api.shape('repo')).toEqual({ title: undefined, properties: ['url'], relations: { project: 'project' }, mirrorProperties: [], calculationProperties: [], aggregationProperties: [] });
  });

  it.each([
    ['no blueprint', { ok: true }],
    ['relations without targets', { ok: true, blueprint: { relations: { project: { many: false } } } }],
    ['relations that are a list', { ok: true, blueprint: { relations: ['project'] } }],
  ])('refuses an answer with %s rather than reading it as "no relations"', async (_what, body) => {
    answer = body;
    const api = new BlueprintApi(client);
    await expect(api.relationTargets('repo')).rejects.toThrow('Port answered GET /v1/blueprints/repo with something other than a blueprint.');
    // Not remembered: the next read asks again.
    answer = { ok: true, blueprint: { relations: {} } };
    expect(await api.relationTargets('repo')).toEqual({});
  });
});
