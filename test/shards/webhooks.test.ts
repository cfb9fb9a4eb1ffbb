/**
 * Service hooks cover the whole organization and are registered once per round: by shard 0, for
 * every project (not only its share); the other shards leave them alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { expectedKeys, Receiver, runCli, SECRET, subscriptionKeys, wellFormedProjects } from '../webhooks/harness';

let sims: Simulators;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  sims = await startSimulators({ ado: { scale: 'tiny', seed: 2 } });
});
afterAll(async () => {
  await sims.close();
  await receiver.stop();
});

const sync = (shard: string) =>
  runCli(['--kinds', 'project', '--register-webhooks', '--shard', shard], sims.env({ OCEAN__BASE_URL: receiver.baseUrl, OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: SECRET }), { command: 'sync' });

describe('webhooks of a sharded organization', () => {
  it('are registered by shard 0 for every project, and left alone by the other shards', async () => {
    const zero = await sync('0/2');
    expect(zero.code, zero.stderr).toBe(0);
    expect(subscriptionKeys(sims.ado)).toEqual(expectedKeys(['tfs', 'pipelines'], wellFormedProjects(sims.ado).map((p) => p.id)));
    expect(zero.summary?.webhooks?.status).toBe('success');

    sims.ado.hooks.clear();
    const one = await sync('1/2');
    expect(one.code, one.stderr).toBe(0);
    expect(sims.ado.hooks.all()).toEqual([]);
    expect(one.summary?.webhooks ?? null).toBeNull();
    expect(one.stdout + one.stderr).toContain('Webhooks: registered by shard 0 for the whole organization; shard 1/2 leaves them alone.');
  });
});
