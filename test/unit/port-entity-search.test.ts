import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortClient } from '../../core/port/client';
import { EntityApi } from '../../core/port/entities';
import { createHttpTransport } from '../../core/http/transport';

/** A stand-in for Port that answers each entity search with the next prepared body. */
let server: Server;
let answer: unknown;
let api: EntityApi;
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
  api = new EntityApi(client, { merge: false, createMissingRelatedEntities: true });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fields = { title: true, icon: false, team: false, properties: ['state'], relations: ['project'] };
const datasource = { prefix: 'port-ocean/azure-devops/', suffix: '/test/exporter' };

describe('EntityApi.fetch: what Port answers to an entity search', () => {
  it('returns the stored entities by identifier, as answered', async () => {
    const stored = { identifier: 'p/1', blueprint: 'bp', title: null, properties: { state: 'Active' }, relations: { project: 'p' }, extra: 1 };
    answer = { ok: true, entities: [stored] };
    const found = await api.fetch('bp', ['p/1', 'p/2'], fields, datasource);
    expect([...found.keys()]).toEqual(['p/1']);
    expect(found.get('p/1')).toEqual(stored);
  });

  it.each([
    ['no entities list', { ok: true }],
    ['an identifier that is not a string', { ok: true, entities: [{ identifier: 1 }] }],
    ['properties that are not an object', { ok: true, entities: [{ identifier: 'p/1', properties: ['Active'] }] }],
    ['relations that are not an object', { ok: true, entities: [{ identifier: 'p/1', relations: 'p' }] }],
    ['a title that is not text', { ok: true, entities: [{ identifier: 'p/1', title: 3 }] }],
  ])('refuses an answer with %s', async (_what, body) => {
    answer = body;
    await expect(api.fetch('bp', ['p/1'], fields, datasource)).rejects.toThrow('Port answered an entity search with something other than a list of entities.');
  });
});

describe('PortClient metrics', () => {
  it('counts the bytes Port sent, not the characters they decode to', async () => {
    answer = { ok: true, entities: [{ identifier: 'p/1', blueprint: 'bp', title: 'Zoë Müller’s board', properties: { state: 'Résolu' } }] };
    await api.fetch('bp', ['p/1'], fields, datasource); // the access token, once
    const before = client.metrics.bytesIn;
    await api.fetch('bp', ['p/1'], fields, datasource);
    const sent = JSON.stringify(answer);
    expect(Buffer.byteLength(sent)).toBeGreaterThan(sent.length);
    expect(client.metrics.bytesIn - before).toBe(Buffer.byteLength(sent));
  });
});
