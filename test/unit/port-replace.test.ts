/**
 * With enableMergeEntity: false a write replaces the entity, so the unchanged check must see what a
 * replacing write would clear: a property or relation the mapping no longer sends. Real requests
 * against the Port simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../core/http/transport';
import { PortClient } from '../../core/port/client';
import { EntityApi } from '../../core/port/entities';
import { ProducedEntities } from '../../core/sync/produced';
import { ResourceStats } from '../../core/sync/stats';
import { WritePipeline, type PlanCounts } from '../../core/sync/write-pipeline';
import { startPortSimulator, type PortSimulator } from '../../sim/port';

const DATASOURCE = { prefix: 'port-ocean/azure-devops/', suffix: '/test/exporter' };
let sim: PortSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('a replacing write (enableMergeEntity: false)', () => {
  it('rewrites an entity whose stored property the mapping dropped, and then finds it unchanged', async () => {
    sim = await startPortSimulator({ clientId: 'id', clientSecret: 'secret' });
    sim.seed.blueprints([{ identifier: 'bp', title: 'Thing', schema: { properties: { a: { type: 'number' }, b: { type: 'string' } } } }]);
    const client = new PortClient({ baseUrl: sim.baseUrl, credentials: { clientId: 'id', clientSecret: 'secret' }, transport: createHttpTransport({ timeoutSeconds: 10 }, {}), userAgent: 'port-ocean/azure-devops/0.0.0/test/exporter' });
    const api = new EntityApi(client, { merge: false, createMissingRelatedEntities: true });
    await api.upsertBatch('bp', [{ identifier: 'r1', blueprint: 'bp', title: 'R', properties: { a: 1, b: 'old' } }]);

    const run = async () => {
      const stats = new ResourceStats(0, 'thing');
      const writes = new WritePipeline({ entities: api, owned: Promise.resolve(undefined), datasource: DATASOURCE, mode: 'sync', merge: false, plan: new Map<string, PlanCounts>(), produced: new ProducedEntities(), stats, maxInFlight: 8 });
      writes.add([{ identifier: 'r1', blueprint: 'bp', title: 'R', properties: { a: 1 } }]);
      await writes.flush();
      return stats;
    };
    const first = await run();
    expect({ upserted: first.upserted, unchanged: first.unchanged }).toEqual({ upserted: 1, unchanged: 0 });
    expect(sim.entity('bp', 'r1')?.properties).toEqual({ a: 1 });
    const second = await run();
    expect({ upserted: second.upserted, unchanged: second.unchanged }).toEqual({ upserted: 0, unchanged: 1 });
  });
});
