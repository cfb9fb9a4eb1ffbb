import { afterEach, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator } from '../../sim/azure-devops';
import { baseEnv, counts, PAT, runCli, SECRET, webhookStack, wellFormedProjects, writeConfigFile } from './harness';

const { sim, receiver, env, run } = webhookStack(6);
afterEach(() => {
  sim().credentials.setMode(PAT, 'active');
});

describe('permissions', () => {
  it('names the permission and the project when creating is refused (403)', async () => {
    sim().faults.add({ kind: 'status', status: 403, route: 'hooks.subscriptions.create' });
    const result = await run(['--webhook-events', 'git.push,workitem.created']);
    expect(result.code).toBe(1);
    expect(sim().hooks.all()).toEqual([]);
    expect(counts(result.summary)).toEqual({ failed: 4 });
    for (const project of wellFormedProjects(sim())) {
      expect(result.stderr).toContain(`Azure DevOps refused to create service-hook subscriptions for the project ${project.name} (HTTP 403`);
      expect(result.stderr).toContain(`the Service Hooks permission "Edit subscriptions" on project '${project.name}'`);
    }
    // One line per project, not one per event type.
    expect(result.summary?.webhooks?.problems).toHaveLength(2);
  });

  it('keeps the subscriptions at the former receiver URL while their replacements cannot be created', async () => {
    const first = await run(['--webhook-events', 'git.push']);
    expect(first.code, first.stderr).toBe(0);
    const before = sim().hooks.all().map((h) => h.id).sort();
    expect(before.length).toBeGreaterThan(0);
    sim().faults.add({ kind: 'status', status: 403, route: 'hooks.subscriptions.create' });
    const moved = await run(['--webhook-events', 'git.push', '--prune'], env({ OCEAN__BASE_URL: 'https://hooks-new.example.com' }));
    expect(moved.code).toBe(1);
    // Deleting them now would leave the organization with no subscription at all.
    expect(sim().hooks.all().map((h) => h.id).sort()).toEqual(before);
    expect(counts(moved.summary)).toEqual({ failed: before.length, held: before.length });
  });

  it('refuses to prune when no selected event is available here (Advanced Security events on Azure DevOps Server)', async () => {
    const server = () => ({ ...baseEnv(sim(), receiver) });
    const first = await runCli(['--webhook-events', 'git.push'], server());
    expect(first.code, first.stderr).toBe(0);
    const before = sim().hooks.all().map((h) => h.id).sort();
    expect(before.length).toBeGreaterThan(0);
    const advsecOnly = await runCli(['--webhook-events', 'ms.vss-alerts.alert-created-event', '--prune'], server());
    expect(sim().hooks.all().map((h) => h.id).sort()).toEqual(before);
    expect(advsecOnly.stdout + advsecOnly.stderr).toContain('no selected event is available here, so nothing is registered, and pruning is refused');
  });

  it('names the permission when listing is refused (401 after the credential was accepted)', async () => {
    sim().faults.add({ kind: 'status', status: 401, route: 'hooks.subscriptions.list', times: 1 });
    const result = await run(['--webhook-events', 'git.push']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused to list the tfs service-hook subscriptions \(HTTP 401.*"View subscriptions" for the organization/);
    expect(result.stderr).toContain('Service Hooks (Read)');
    expect(sim().hooks.all()).toEqual([]);
  });

  it('stops with exit code 2 before anything when the credential does not work', async () => {
    sim().resetCounters();
    sim().credentials.setMode(PAT, 'revoked');
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rejected the credential/);
    expect(sim().counters().byRoute['hooks.subscriptions.list']).toBeUndefined();
  });
});

describe('the receiver URL', () => {
  it('warns about a loopback, plain-HTTP receiver with Basic auth, which the real service refuses', async () => {
    const strict = await startAzureDevOpsSimulator({ scale: 'tiny', seed: 6, pat: PAT, webhooks: { strict: true } });
    try {
      const result = await runCli(['--webhook-events', 'git.push'], { ...baseEnv(strict, receiver, { cloud: true }) }, { cloud: true });
      expect(result.stderr).toMatch(/warning: Webhooks: the receiver 127\.0\.0\.1:\d+ is a loopback or private address/);
      expect(result.stderr).toMatch(/warning: Webhooks: the receiver URL uses http:\/\/, but Basic authentication needs HTTPS/);
      // The warning was right: a service that enforces the rule refuses every subscription.
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/loopback/);
      expect(strict.hooks.all()).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('does not warn about a public HTTPS receiver', async () => {
    const result = await run(['--webhook-events', 'git.push', '--webhook-base-url', 'https://hooks.example.com/ado/']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/warning/);
    expect(sim().hooks.all().map((s) => s.consumerInputs.url)).toEqual(['https://hooks.example.com/ado/integration/webhook', 'https://hooks.example.com/ado/integration/webhook']);
  });
});

describe('the command line', () => {
  it('needs the receiver base URL', async () => {
    const { OCEAN__BASE_URL: _unused, ...withoutBase } = env();
    const result = await run([], withoutBase);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/registering webhooks needs the public URL of your webhook receiver: set OCEAN__BASE_URL/);
  });

  it('keeps --prune for the webhooks command', async () => {
    const result = await run(['--prune'], env(), { command: 'sync' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--prune belongs to the webhooks command; with sync, use --prune-webhooks/);
  });

  it('registers without Basic auth when there is no secret, and warns', async () => {
    const { OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: _unused, ...withoutSecret } = env();
    const result = await run(['--webhook-events', 'git.push'], withoutSecret);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/webhooks will be registered without Basic-auth credentials/);
    for (const s of sim().hooks.all()) expect(s.consumerInputs.basicAuthUsername ?? '').toBe('');
    expect(counts((await run(['--webhook-events', 'git.push'], withoutSecret)).summary)).toEqual({ keep: 2 });
    // Adding a secret later updates them.
    expect(counts((await run(['--webhook-events', 'git.push'])).summary)).toEqual({ update: 2 });
  });
});

describe('secrets', () => {
  it('never appear in the output, the summary or messages, even on failure', async () => {
    const headerSecret = 'header-secret-value-0004';
    const config = writeConfigFile(['webhooks:', '  headers:', '    X-Receiver-Key: ${HEADER_TOKEN}', ''].join('\n'));
    const leaks = [SECRET, headerSecret, PAT, Buffer.from(`port:${SECRET}`).toString('base64'), Buffer.from(`:${PAT}`).toString('base64')];
    const ok = await run(['--config', config, '--include-release-events', '--debug'], env({ HEADER_TOKEN: headerSecret }));
    expect(ok.code, ok.stderr).toBe(0);
    sim().faults.add({ kind: 'status', status: 400, route: 'hooks.subscriptions.replace' });
    const failed = await run(['--config', config, '--include-release-events', '--debug', '--plan'], env({ HEADER_TOKEN: 'another-header-secret', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: 'rotated-secret-0005' }));
    const applied = await run(['--config', config, '--include-release-events', '--debug'], env({ HEADER_TOKEN: 'another-header-secret', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: 'rotated-secret-0005' }));
    expect(applied.code).toBe(1);
    for (const text of [ok, failed, applied].flatMap((r) => [r.stdout, r.stderr, JSON.stringify(r.summary)])) {
      for (const secret of [...leaks, 'another-header-secret', 'rotated-secret-0005']) expect(text).not.toContain(secret);
    }
  });

  it('a header value Azure DevOps would refuse (Authorization: Bearer …) stops the run before anything is registered, naming the file, line and header', async () => {
    const token = 'bearer-token-value-0007';
    const config = writeConfigFile(['webhooks:', '  headers:', '    Authorization: Bearer ${HEADER_TOKEN}', ''].join('\n'));
    const result = await run(['--config', config, '--webhook-events', 'git.push'], env({ HEADER_TOKEN: token }));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/:3:\d+ \(webhooks\.headers\): header Authorization: the value must not be empty or contain spaces/);
    expect(sim().hooks.all()).toEqual([]);
    for (const text of [result.stdout, result.stderr]) expect(text).not.toContain(token);
  });

  it('are masked in the JSON summary too, where the report quotes them (a receiver URL with the secret in its path)', async () => {
    const secret = 'url-borne-secret-0006';
    const result = await run(['--webhook-events', 'git.push', '--plan'], env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: secret, OCEAN__BASE_URL: `https://hooks.example.com/${secret}` }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.summary?.webhooks?.receiverUrl).toContain('***');
    expect(JSON.stringify(result.summary)).not.toContain(secret);
  });
});
