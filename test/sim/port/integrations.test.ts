import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortSimulator } from '../../../sim/port/index';
import { startWithClient, type TestClient } from './client';

let sim: PortSimulator;
let client: TestClient;
beforeAll(async () => ({ sim, client } = await startWithClient()));
afterAll(() => sim.close());

const ID = 'my-azure-devops-integration';
const mapping = {
  deleteDependentEntities: true,
  createMissingRelatedEntities: true,
  enableMergeEntity: true,
  resources: [
    {
      kind: 'project',
      selector: { query: 'true' },
      port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"project"', properties: { url: '.url' } } } },
    },
  ],
};

describe('integration lifecycle', () => {
  it('answers 404 not_found for an integration that does not exist yet', async () => {
    const res = await client.get(`/v1/integration/${ID}`, { query: { oceanCoreVersion: '0.48.12', isPolling: false } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ ok: false, error: 'not_found' });
    expect(typeof res.body['message']).toBe('string');
    expect(res.body).not.toHaveProperty('integration');
  });

  it('creates the integration with the fields Ocean reads back, and refuses a second one (409)', async () => {
    const res = await client.post('/v1/integration', {
      installationId: ID,
      installationAppType: 'azure-devops',
      version: '0.12.2',
      changelogDestination: {},
      config: mapping,
      actionsProcessingEnabled: false,
      incrementalSyncEnabled: false,
      createPortResourcesOrigin: 'Default',
    });
    expect(res.status).toBe(201);
    const integration = res.body['integration'] as Record<string, unknown>;
    expect(integration).toMatchObject({
      installationId: ID,
      installationAppType: 'azure-devops',
      version: '0.12.2',
      installationType: 'OnPrem',
      config: mapping,
      arePortResourcesInitialized: false,
      createPortResourcesOrigin: 'Default',
      changelogDestination: {},
    });
    expect(integration['updatedAt']).toEqual(expect.any(String));
    expect((integration['logAttributes'] as { ingestUrl: string }).ingestUrl).toContain(sim.baseUrl);

    const again = await client.post('/v1/integration', { installationId: ID, installationAppType: 'azure-devops' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ ok: false, error: 'identifier_taken' });
  });

  it('rejects a create body without installationId (422)', async () => {
    const res = await client.post('/v1/integration', { installationAppType: 'azure-devops' });
    expect(res.status).toBe(422);
    expect(res.body['error']).toBe('bad_request');
  });

  it('patches the drift fields and the initialization flag', async () => {
    const res = await client.patch(`/v1/integration/${ID}`, { version: '0.13.0', processingMode: 'dsp', arePortResourcesInitialized: true });
    expect(res.status).toBe(200);
    expect(res.body['integration']).toMatchObject({ version: '0.13.0', processingMode: 'dsp', arePortResourcesInitialized: true, installationAppType: 'azure-devops' });
    expect((await client.get(`/v1/integration/${ID}`)).body['integration']).toMatchObject({ version: '0.13.0' });
    expect((await client.patch('/v1/integration/nope', { version: '1' })).status).toBe(404);
  });

  it('replaces the config through /config and validates it as port-app-config', async () => {
    const config = { ...mapping, enableMergeEntity: false };
    const ok = await client.patch(`/v1/integration/${ID}/config`, { config });
    expect(ok.status).toBe(200);
    expect((ok.body['integration'] as Record<string, unknown>)['config']).toEqual(config);

    const missingSelector = await client.patch(`/v1/integration/${ID}/config`, {
      config: { resources: [{ kind: 'project', port: { entity: { mappings: { identifier: '.id', blueprint: '"project"' } } } }] },
    });
    expect(missingSelector.status).toBe(422);
    expect(JSON.stringify(missingSelector.body['details'])).toContain('resources.0.selector');
    const threshold = await client.patch(`/v1/integration/${ID}/config`, { config: { entityDeletionThreshold: 2 } });
    expect(threshold.status).toBe(422);
    // Mappings as a list are accepted by Port's schema (§3.2).
    const list = await client.patch(`/v1/integration/${ID}/config`, {
      config: { resources: [{ kind: 'project', selector: { query: 'true' }, port: { entity: { mappings: [{ identifier: '.id', blueprint: '"project"' }] } } }] },
    });
    expect(list.status).toBe(200);
  });

  it('stores resync state exactly as sent, misspelt intervalInMinuets included, with its history', async () => {
    const running = { status: 'running', lastResyncEnd: null, lastResyncStart: '2026-01-01T00:00:00.000Z', nextResync: null, intervalInMinuets: 60 };
    const r1 = await client.patch(`/v1/integration/${ID}/resync-state`, running);
    expect(r1.status).toBe(200);
    const state = (r1.body['integration'] as Record<string, unknown>)['resyncState'] as Record<string, unknown>;
    expect(state).toMatchObject(running);
    expect(state['updatedAt']).toEqual(expect.any(String));
    expect(state).not.toHaveProperty('intervalInMinutes');

    await client.patch(`/v1/integration/${ID}/resync-state`, { status: 'completed', lastResyncEnd: '2026-01-01T00:05:00.000Z', nextResync: null, intervalInMinuets: 60 });
    const history = sim.integration(ID)?.records.resyncStateHistory ?? [];
    expect(history.map((h) => h['status'])).toEqual(['running', 'completed']);
    expect((await client.patch(`/v1/integration/${ID}/resync-state`, { status: 'RUNNING' })).status).toBe(422);
  });

  it('records raw data examples per kind', async () => {
    const res = await client.post(`/v1/integration/${ID}/kinds/pull-request/examples`, { examples: [{ id: 1 }, { id: 2 }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(sim.integration(ID)?.records.examples['pull-request']).toEqual([[{ id: 1 }, { id: 2 }]]);
    expect((await client.post(`/v1/integration/${ID}/kinds/pull-request/examples`, { nope: [] })).status).toBe(422);
    expect((await client.post('/v1/integration/nope/kinds/project/examples', { examples: [] })).status).toBe(404);
  });

  it('answers provision-enabled with no types and the organization with no feature flags', async () => {
    expect((await client.get('/v1/integration/provision-enabled')).body).toEqual({ ok: true, integrations: [] });
    const org = await client.get('/v1/organization');
    expect((org.body['organization'] as Record<string, unknown>)['featureFlags']).toEqual([]);
  });

  it('keeps incremental-sync cursors per kind and index: GET empty, PUT 404 first, POST, then PUT', async () => {
    const path = `/v1/integration/${ID}/cursor`;
    const query = { kind: 'work-item', index: '3' };
    expect((await client.get(path, { query })).body).toEqual({ ok: true });
    const put404 = await client.put(path, { primary: '2026-01-01T00:00:00Z' }, { query });
    expect(put404.status).toBe(404);
    expect(put404.body['error']).toBe('not_found');
    expect((await client.post(path, { primary: '2026-01-01T00:00:00Z' }, { query })).status).toBe(201);
    expect((await client.post(path, { primary: '2026-01-01T00:00:00Z' }, { query })).status).toBe(409);
    expect((await client.put(path, { primary: '2026-02-01T00:00:00Z' }, { query })).status).toBe(200);
    expect((await client.get(path, { query })).body).toEqual({ ok: true, cursor: { primary: '2026-02-01T00:00:00Z' } });
    expect((await client.get(path, { query: { kind: 'work-item', index: '4' } })).body).toEqual({ ok: true });
    expect((await client.get(path, { query: { kind: 'work-item' } })).status).toBe(422);
    expect((await client.get('/v1/integration/nope/cursor', { query })).status).toBe(404);
  });

  it('accepts log and metric payloads on the ingest URLs it hands out', async () => {
    const integration = (await client.get(`/v1/integration/${ID}`)).body['integration'] as Record<string, { ingestUrl: string }>;
    const logs = await fetch(integration['logAttributes']?.ingestUrl as string, { method: 'POST', body: JSON.stringify({ logs: [{ message: 'hi' }] }) });
    expect(logs.status).toBe(200);
    const metrics = await fetch(`${integration['metricAttributes']?.ingestUrl}/syncMetrics`, { method: 'POST', body: JSON.stringify({ syncKindsMetrics: [] }) });
    expect(metrics.status).toBe(200);
    const records = sim.integration(ID)?.records;
    expect(records?.logs).toEqual([{ logs: [{ message: 'hi' }] }]);
    expect(records?.metrics).toEqual([{ method: 'POST', path: 'syncMetrics', body: { syncKindsMetrics: [] } }]);
  });
});
