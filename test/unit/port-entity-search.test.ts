import { beforeAll, describe, expect, it } from 'vitest';
import type { PortClient } from '../../core/port/client';
import { EntityApi } from '../../core/port/entities';
import { portStandIn } from '../support/port-stand-in';

const port = portStandIn();
let api: EntityApi;
let client: PortClient;
beforeAll(() => {
  client = port.client();
  api = new EntityApi(client, { merge: false, createMissingRelatedEntities: true });
});

const fields = { title: true, icon: false, team: false, properties: ['state'], relations: ['project'] };
const datasource = { prefix: 'port-ocean/azure-devops/', suffix: '/test/exporter' };

describe('EntityApi.fetch: what Port answers to an entity search', () => {
  it('returns the stored entities by identifier, as answered', async () => {
    const stored = { identifier: 'p/1', blueprint: 'bp', title: null, properties: { state: 'Active' }, relations: { project: 'p' }, extra: 1 };
    port.answer = { ok: true, entities: [stored] };
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
    port.answer = body;
    await expect(api.fetch('bp', ['p/1'], fields, datasource)).rejects.toThrow('Port answered an entity search with something other than a list of entities.');
  });
});

describe('PortClient metrics', () => {
  it('counts the bytes Port sent, not the characters they decode to', async () => {
    const body = { ok: true, entities: [{ identifier: 'p/1', blueprint: 'bp', title: 'Zoë Müller’s board', properties: { state: 'Résolu' } }] };
    port.answer = body;
    await api.fetch('bp', ['p/1'], fields, datasource); // the access token, once
    const before = client.metrics.bytesIn;
    await api.fetch('bp', ['p/1'], fields, datasource);
    const sent = JSON.stringify(body);
    expect(Buffer.byteLength(sent)).toBeGreaterThan(sent.length);
    expect(client.metrics.bytesIn - before).toBe(Buffer.byteLength(sent));
  });
});
