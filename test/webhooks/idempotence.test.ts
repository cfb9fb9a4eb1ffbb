import { describe, expect, it } from 'vitest';
import { counts, expectedKeys, SECRET, subscriptionKeys, webhookStack, wellFormedProjects } from './harness';

/** First run creates the exact set, the second changes nothing, in both URL forms. */
describe.each([{ cloud: true }, { cloud: false }])('registration (cloud form: $cloud)', ({ cloud }) => {
  const { sim, receiver, env, run } = webhookStack(3, { cloud });

  it('creates the exact set on the first run and changes nothing on the second', async () => {
    const environment = env({ OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED: 'true' });
    const projects = wellFormedProjects(sim()).map((p) => p.id);
    // Azure DevOps Server has no Advanced Security: its event types are left out there.
    const publishers = cloud ? (['tfs', 'pipelines', 'advsec', 'rm'] as const) : (['tfs', 'pipelines', 'rm'] as const);
    const expected = expectedKeys(publishers, projects);

    const first = await run(['--include-release-events'], environment);
    expect(first.code, first.stderr).toBe(0);
    expect(subscriptionKeys(sim())).toEqual(expected);
    expect(counts(first.summary)).toEqual({ create: expected.length });
    for (const s of sim().hooks.all()) {
      expect(s).toMatchObject({ status: 'enabled', consumerId: 'webHooks', consumerActionId: 'httpRequest' });
      expect(s.consumerInputs).toMatchObject({ url: receiver.url, basicAuthUsername: 'port', basicAuthPassword: SECRET });
      // Each publisher's subscriptions live on its own host in the cloud (created there, or the simulator refuses them).
      if (cloud) expect(s.host, `${s.publisherId} ${s.eventType}`).toBe({ rm: 'release', advsec: 'advsec' }[s.publisherId] ?? 'core');
    }
    const ids = sim().hooks.all().map((s) => s.id).sort();

    sim().resetCounters();
    const second = await run(['--include-release-events'], environment);
    expect(second.code, second.stderr).toBe(0);
    expect(counts(second.summary)).toEqual({ keep: expected.length });
    expect(sim().hooks.all().map((s) => s.id).sort()).toEqual(ids);
    const served = sim().counters();
    expect(served.byRoute['hooks.subscriptions.create'] ?? 0).toBe(0);
    expect(served.byRoute['hooks.subscriptions.replace'] ?? 0).toBe(0);
    // One listing per publisher, on the publisher's host.
    expect(served.byRoute['hooks.subscriptions.list']).toBe(publishers.length);
    if (cloud) {
      expect(served.byHost.release).toBeGreaterThan(0);
      expect(served.byHost.advsec).toBeGreaterThan(0);
    } else {
      // Server: one host for everything, release hooks included.
      expect(Object.keys(served.byHost)).toEqual(['server']);
    }
    expect(second.stdout).toMatch(/Webhooks registered for http:\/\/127\.0\.0\.1:\d+\/integration\/webhook/);
  });

  it('registers organization-wide subscriptions when isProjectsLimited is false, and they match on the next run', async () => {
    const environment = env({ OCEAN__INTEGRATION__CONFIG__IS_PROJECTS_LIMITED: 'false' });
    const publishers = cloud ? (['tfs', 'pipelines', 'advsec'] as const) : (['tfs', 'pipelines'] as const);
    const first = await run([], environment);
    expect(first.code, first.stderr).toBe(0);
    expect(subscriptionKeys(sim())).toEqual(expectedKeys(publishers, [undefined]));
    // The service adds tfsSubscriptionId to org-level subscriptions; Ocean then never matched them (PR #3778).
    expect(sim().hooks.all().every((s) => s.publisherInputs.tfsSubscriptionId)).toBe(true);
    const second = await run([], environment);
    expect(counts(second.summary)).toEqual({ keep: expectedKeys(publishers, [undefined]).length });
  });
});
