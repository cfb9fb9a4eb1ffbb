import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/config/problems';
import { ParentListings } from '../../core/kinds/parents';
import { MemoryReporter } from '../../core/sync/reporter';
import { registerWebhooks, type RegistrationInput, type WebhookSettings } from '../../core/webhooks/register';
import { simulatorClient } from '../support/ado-client';
import { counts, PAT, SECRET, webhookStack, writeConfigFile } from './harness';

/**
 * A run without a webhook secret (the variable unset, or empty because the pipeline secret it comes
 * from is not available) must not strip the Basic-auth credentials of subscriptions that have them:
 * the receiver would reject every delivery from then on.
 */
const { sim, receiver, env, run } = webhookStack(9);
const PUSH = ['--webhook-events', 'git.push'];

function withoutSecret(): Record<string, string> {
  const { OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: _unused, ...rest } = env();
  return rest;
}

const passwords = () => sim().hooks.all().map((s) => s.consumerInputs.basicAuthPassword);

describe('a run without a webhook secret', () => {
  it.each([
    ['unset', () => withoutSecret()],
    ['empty (an unavailable pipeline secret)', () => env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: '' })],
  ])('refuses to remove the credentials of subscriptions that have them when the secret is %s, naming the variable, and changes nothing', async (_name, environment) => {
    const first = await run(PUSH);
    expect(first.code, first.stderr).toBe(0);
    expect(passwords()).toEqual([SECRET, SECRET]);
    const before = JSON.stringify(sim().hooks.all());
    sim().resetCounters();

    for (const args of [PUSH, [...PUSH, '--plan']]) {
      const result = await run(args, environment());
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/the webhook secret \(OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET, webhooks\.secret\) is not set, or empty, but 2 subscription\(s\) of this receiver have Basic-auth credentials/);
      // A configuration error: no summary of changes, none made.
      expect(result.summary?.webhooks).toBeUndefined();
      // The way out, for a receiver that takes deliveries without credentials.
      expect(result.stderr).toMatch(/set webhooks\.allowUnauthenticated: --allow-unauthenticated-webhooks \(--allow-unauthenticated with the webhooks command\), PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED=true, .*allowUnauthenticatedWebhooks input .*allow-unauthenticated-webhooks of the GitHub Action/);
    }
    expect(sim().counters().byRoute['hooks.subscriptions.replace'] ?? 0).toBe(0);
    expect(JSON.stringify(sim().hooks.all())).toBe(before);
    expect(passwords()).toEqual([SECRET, SECRET]);
  });

  it('still registers a first time without a secret (nothing has credentials), with the warning', async () => {
    const result = await run(PUSH, withoutSecret());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/webhooks will be registered without Basic-auth credentials/);
    expect(counts(result.summary)).toEqual({ create: 2 });
    expect(counts((await run(PUSH, withoutSecret())).summary)).toEqual({ keep: 2 });
  });

  it('holds everything while even one subscription would lose its credentials', async () => {
    expect((await run(PUSH, withoutSecret())).code).toBe(0);
    const [unauthenticated] = sim().hooks.all();
    if (!unauthenticated) throw new Error('no subscription');
    // Someone (or an older run) put credentials on one of them.
    sim().hooks.put({ ...unauthenticated, consumerInputs: { ...unauthenticated.consumerInputs, basicAuthUsername: 'port', basicAuthPassword: SECRET } });
    const result = await run(PUSH, withoutSecret());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/but 1 subscription\(s\) of this receiver have Basic-auth credentials/);
    expect(sim().hooks.get(unauthenticated.id)?.consumerInputs.basicAuthPassword).toBe(SECRET);
  });
});

describe('a run without a webhook secret that allows unauthenticated webhooks', () => {
  const allowingFile = writeConfigFile('webhooks:\n  allowUnauthenticated: true\n');
  it.each([
    ['the flag --allow-unauthenticated-webhooks', [...PUSH, '--allow-unauthenticated-webhooks'], () => withoutSecret()],
    ['the flag --allow-unauthenticated of the webhooks command', [...PUSH, '--allow-unauthenticated'], () => withoutSecret()],
    ['the variable PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED', PUSH, () => ({ ...withoutSecret(), PORT_ADO_SYNC_WEBHOOKS_ALLOW_UNAUTHENTICATED: 'true' })],
    ['webhooks.allowUnauthenticated in the config file', [...PUSH, '--config', allowingFile], () => withoutSecret()],
  ])('removes the credentials of subscriptions that have them, with a warning, when %s says so', async (_name, args, environment) => {
    expect((await run(PUSH)).code).toBe(0);
    expect(passwords()).toEqual([SECRET, SECRET]);

    const plan = await run([...args, '--plan'], environment());
    expect(plan.code, plan.stderr).toBe(0);
    expect(counts(plan.summary)).toEqual({ update: 2 });
    expect(passwords()).toEqual([SECRET, SECRET]);

    const result = await run(args, environment());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/subscriptions that already have credentials lose them, as webhooks\.allowUnauthenticated asks/);
    expect(result.summary?.webhooks?.warnings).toContainEqual(expect.stringMatching(/^no webhook secret is set, so 2 subscription\(s\) lose their Basic-auth credentials/));
    expect(counts(result.summary)).toEqual({ update: 2 });
    expect(passwords()).toEqual([undefined, undefined]);
    expect(counts((await run(args, environment())).summary)).toEqual({ keep: 2 });
  });
});

it('refuses --allow-unauthenticated with sync, naming the flag to use there', async () => {
  const result = await run(['--allow-unauthenticated'], env(), { command: 'sync' });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--allow-unauthenticated belongs to the webhooks command; with sync, use --allow-unauthenticated-webhooks.');
});

describe('registerWebhooks without a secret', () => {
  const settings = (over: Partial<WebhookSettings> = {}): WebhookSettings => ({ baseUrl: receiver.baseUrl, username: 'port', events: ['git.push'], includeReleaseEvents: false, prune: false, headers: {}, ...over });
  const register = (input: Partial<RegistrationInput> & { settings: WebhookSettings }) => {
    const client = simulatorClient(sim(), PAT);
    const reporter = new MemoryReporter();
    const parents = new ParentListings(client, { include: [], excludedTags: [] }, { projects: 2 });
    return { reporter, report: registerWebhooks({ integration: 'my-azure-devops-integration', isProjectsLimited: true, mode: 'apply', ...input }, { client, parents, reporter, concurrency: 2 }) };
  };

  it('throws a ConfigError before any write when asked to (registration on its own: exit code 2)', async () => {
    expect((await register({ settings: settings({ secret: SECRET }) }).report).status).toBe('success');
    sim().resetCounters();
    const error = await register({ settings: settings(), configurationProblems: 'throw' }).report.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^the webhook secret \(OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET, webhooks\.secret\) is not set/);
    expect(sim().counters().byRoute['hooks.subscriptions.replace'] ?? 0).toBe(0);
    expect(passwords()).toEqual([SECRET, SECRET]);
  });

  it('removes the credentials when allowUnauthenticated says so, with a warning', async () => {
    expect((await register({ settings: settings({ secret: SECRET }) }).report).status).toBe('success');
    const { report, reporter } = register({ settings: settings({ allowUnauthenticated: true }) });
    const done = await report;
    expect(done.status, done.problems.join('\n')).toBe('success');
    expect(done.changes.map((c) => [c.action, c.outcome])).toEqual([
      ['update', 'done'],
      ['update', 'done'],
    ]);
    expect(passwords()).toEqual([undefined, undefined]);
    expect(reporter.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContainEqual(expect.stringMatching(/2 subscription\(s\) lose their Basic-auth credentials, as allowUnauthenticated asks/));
  });
});
