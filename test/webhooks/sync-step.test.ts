import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { counts, expectedKeys, Receiver, runCli, SECRET, subscriptionKeys, wellFormedProjects } from './harness';

/** `sync --register-webhooks`: registration as a step after the sync, in the sync's summary and exit code. */
let sims: Simulators;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  sims = await startSimulators({ ado: { scale: 'tiny', seed: 7 } });
});
afterAll(async () => {
  await sims.close();
  await receiver.stop();
});

const env = () => sims.env({ OCEAN__BASE_URL: receiver.baseUrl, OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: SECRET });
const sync = (args: string[], extraEnv: Record<string, string> = {}) => runCli(['--kinds', 'project', '--register-webhooks', ...args], { ...env(), ...extraEnv }, { command: 'sync' });

describe('registration after a sync', () => {
  it('plans without writing, then registers, with a webhooks section in the summary', async () => {
    const plan = await sync(['--plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(sims.ado.hooks.all()).toEqual([]);
    expect(plan.stdout).toMatch(/Webhooks plan \(nothing was changed\)/);

    const result = await sync([]);
    expect(result.code, result.stderr).toBe(0);
    expect(subscriptionKeys(sims.ado)).toEqual(expectedKeys(['tfs', 'pipelines'], wellFormedProjects(sims.ado).map((p) => p.id)));
    expect(result.summary?.status).toBe('success');
    expect(result.summary?.webhooks?.status).toBe('success');
    expect(counts(result.summary)).toEqual({ create: 32 });
    expect(result.stdout).toMatch(/Sync succeeded[\s\S]*Webhooks registered for http:\/\/127\.0\.0\.1:\d+\/integration\/webhook/);
    expect(result.stdout).toMatch(/event type\s+created\s+updated\s+replaced\s+kept\s+pruned/);
    expect(sims.port.entities('azureDevopsProject').length).toBeGreaterThan(0);
  });

  it('after a sync too, refuses to remove the credentials of subscriptions that have them when the secret is empty', async () => {
    const before = JSON.stringify(sims.ado.hooks.all());
    expect(sims.ado.hooks.all().every((s) => s.consumerInputs.basicAuthPassword === SECRET)).toBe(true);
    const result = await runCli(['--kinds', 'project', '--register-webhooks'], { ...env(), OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: '' }, { command: 'sync' });
    // The sync itself went through and is reported; registration changed nothing and says why.
    expect(result.code).toBe(1);
    expect(result.summary?.status).toBe('partial');
    expect(result.summary?.webhooks?.status).toBe('failed');
    expect(result.stderr).toMatch(/OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET.*is not set, or empty, but 32 subscription\(s\) of this receiver have Basic-auth credentials/);
    expect(JSON.stringify(sims.ado.hooks.all())).toBe(before);
  });

  it('removes them, with a warning, when --allow-unauthenticated-webhooks says so', async () => {
    const result = await sync(['--allow-unauthenticated-webhooks'], { OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.summary?.webhooks?.status).toBe('success');
    expect(result.summary?.webhooks?.warnings).toContainEqual(expect.stringMatching(/^no webhook secret is set, so 32 subscription\(s\) lose their Basic-auth credentials/));
    expect(counts(result.summary)).toEqual({ update: 32 });
    expect(sims.ado.hooks.all().every((s) => s.consumerInputs.basicAuthPassword === undefined)).toBe(true);
  });

  it('makes the run a partial failure when registration fails, and still syncs', async () => {
    sims.ado.hooks.clear();
    sims.ado.faults.add({ kind: 'status', status: 403, route: 'hooks.subscriptions.create' });
    try {
      const result = await sync([]);
      expect(result.code).toBe(1);
      expect(result.summary?.status).toBe('partial');
      expect(result.summary?.webhooks?.status).toBe('failed');
      expect(result.stderr).toMatch(/Webhook registration failed: see the summary\./);
      expect(result.stdout).toMatch(/Edit subscriptions/);
      // The sync itself went through: the projects are in Port.
      expect((result.summary as unknown as { resources: { kind: string; error: string | null }[] }).resources).toEqual([expect.objectContaining({ kind: 'project', error: null })]);
    } finally {
      sims.ado.faults.clear();
    }
  });
});
