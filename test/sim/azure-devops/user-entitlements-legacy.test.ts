import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { cloudHost, get, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', users: 230 }, seed: 5 });
});
afterAll(async () => {
  await sim.close();
});

describe('user entitlements before api-version 7.0 (top/skip, {count, value})', () => {
  it('pages with top and skip and answers a plain list, no token', async () => {
    const host = cloudHost(sim, 'vsaex');
    const seen: string[] = [];
    for (let skip = 0; ; skip += 100) {
      const res = await get(sim, `/_apis/userentitlements?top=100&skip=${skip}&api-version=6.0-preview.3`, { host });
      expect(res.status).toBe(200);
      const body = res.json<ListBody<{ id: string; user: { principalName: string } }> & { items?: unknown; continuationToken?: unknown }>();
      expect(body.items).toBeUndefined();
      expect(body.continuationToken).toBeUndefined();
      expect(body.count).toBe(body.value.length);
      seen.push(...body.value.map((e) => e.id));
      if (body.value.length < 100) break;
    }
    expect(seen.sort()).toEqual([...sim.model.users.all()].map((u) => u.id).sort());
  });

  it('reads the version from the Accept header as well, and keeps the 7.x search form otherwise', async () => {
    const host = cloudHost(sim, 'vsaex');
    const legacy = await get(sim, '/_apis/userentitlements?top=5', { host, headers: { Accept: 'application/json;api-version=5.1-preview.2' } });
    expect(legacy.json<ListBody>().value).toHaveLength(5);
    const current = await get(sim, '/_apis/userentitlements?top=5&api-version=7.1', { host });
    const body = current.json<{ items: unknown[]; continuationToken: string | null }>();
    expect(body.items).toHaveLength(100);
    expect(body.continuationToken).toBeTruthy();
  });
});
