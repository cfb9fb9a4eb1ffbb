import { describe, expect, it } from 'vitest';
import { counts, keyOf, ROTATED_SECRET, SECRET, subscriptionKeys, webhookStack, wellFormedProjects } from './harness';

/** How registration writes: what Azure DevOps would refuse, retries of idempotent writes, and which deletions a failure holds. */
const stack = webhookStack(11);
const { sim, env } = stack;
const run = (args: string[], environment = env(), options: { writesInOrder?: boolean } = {}) =>
  // One write at a time: a fault that fires `times` then hits known subscriptions.
  stack.run(args, environment, options.writesInOrder ? { frontDoor: { concurrency: { projects: 1 } } } : {});
const TWO_EVENTS = ['--webhook-events', 'git.push,workitem.created'];
const served = (route: string) => sim().counters().byRoute[route] ?? 0;

describe('credentials Azure DevOps would refuse', () => {
  it('a secret with a space stops the run before any request, naming the variable and not the value', async () => {
    const secret = 'correct horse battery staple';
    sim().resetCounters();
    const result = await run(TWO_EVENTS, env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: secret }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: the webhook secret contains a space, which Azure DevOps refuses');
    for (const text of [result.stdout, result.stderr]) expect(text).not.toContain(secret);
    expect(sim().counters().requests).toBe(0);
    expect(sim().hooks.all()).toEqual([]);
  });

  it('a user name with a space, or longer than 256 characters, too', async () => {
    for (const username of ['svc account', 'u'.repeat(257)]) {
      const result = await run(TWO_EVENTS, env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME: username }));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/environment variable OCEAN__INTEGRATION__CONFIG__WEBHOOK_AUTH_USERNAME: must (not contain spaces|be at most 256 characters)/);
    }
    expect(sim().hooks.all()).toEqual([]);
  });
});

describe('failed writes in the summary', () => {
  it('one line for one refusal repeated for every subscription, without the subscription URLs', async () => {
    expect((await run(TWO_EVENTS)).code).toBe(0);
    const total = sim().hooks.all().length;
    expect(total).toBe(4);
    sim().faults.add({ kind: 'status', status: 400, route: 'hooks.subscriptions.replace' });
    const result = await run(TWO_EVENTS, env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: ROTATED_SECRET }));
    expect(result.code).toBe(1);
    expect(counts(result.summary)).toEqual({ failed: total });
    expect(result.summary?.webhooks?.problems).toEqual([expect.stringMatching(new RegExp(`^${total} subscription changes failed, e\\.g\\. update .*: PUT .* failed with HTTP 400`))]);
    expect(result.stderr.split('\n').filter((line) => line.includes('HTTP 400'))).toHaveLength(1);
  });
});

describe('retries of idempotent writes', () => {
  it('retries a PUT that failed with 503 or whose answer was cut off (the replace is idempotent)', async () => {
    expect((await run(TWO_EVENTS)).code).toBe(0);
    sim().faults.add({ kind: 'status', status: 503, route: 'hooks.subscriptions.replace', times: 1 });
    sim().faults.add({ kind: 'truncate', route: 'hooks.subscriptions.replace', skip: 1, times: 1 });
    sim().resetCounters();
    const result = await run(TWO_EVENTS, env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: ROTATED_SECRET }));
    expect(result.code, result.stderr).toBe(0);
    expect(counts(result.summary)).toEqual({ update: 4 });
    expect(served('hooks.subscriptions.replace')).toBe(4 + 2);
    expect(sim().hooks.all().map((s) => s.consumerInputs.basicAuthPassword)).toEqual([ROTATED_SECRET, ROTATED_SECRET, ROTATED_SECRET, ROTATED_SECRET]);
  });

  it('retries a DELETE that failed with 503 or timed out', async () => {
    expect((await run(TWO_EVENTS)).code).toBe(0);
    sim().faults.add({ kind: 'status', status: 503, route: 'hooks.subscriptions.delete', times: 1 });
    sim().faults.add({ kind: 'timeout', route: 'hooks.subscriptions.delete', skip: 1, times: 1 });
    sim().resetCounters();
    const result = await run(['--webhook-events', 'git.push', '--prune'], env({ OCEAN__CLIENT_TIMEOUT: '1' }));
    expect(result.code, result.stderr).toBe(0);
    expect(counts(result.summary)).toEqual({ keep: 2, prune: 2 });
    // Each fault once (the timeout lets the first deletion through), then both deletions went through.
    expect(sim().counters().faultsInjected).toBe(2);
    expect(served('hooks.subscriptions.delete')).toBe(2 + 2);
    expect(subscriptionKeys(sim()).every((key) => key.startsWith('tfs|git.push|'))).toBe(true);
  });

  it('counts a DELETE answered 404 (gone already) as done', async () => {
    expect((await run(TWO_EVENTS)).code).toBe(0);
    sim().faults.add({ kind: 'status', status: 404, route: 'hooks.subscriptions.delete' });
    const result = await run(['--webhook-events', 'git.push', '--prune']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.summary?.webhooks?.changes.filter((c) => c.action === 'prune').map((c) => [c.outcome, c.reasons.at(-1)])).toEqual([
      ['done', 'already deleted'],
      ['done', 'already deleted'],
    ]);
    expect(result.summary?.webhooks?.problems).toEqual([]);
  });

  it('never sends a create twice (POST is not idempotent: a retry could make a duplicate)', async () => {
    sim().faults.add({ kind: 'status', status: 503, route: 'hooks.subscriptions.create', times: 1 });
    sim().resetCounters();
    const result = await run(['--webhook-events', 'git.push']);
    expect(result.code).toBe(1);
    expect(served('hooks.subscriptions.create')).toBe(2);
    expect(counts(result.summary)).toEqual({ create: 1, failed: 1 });
  });
});

describe('deletions held by a failed create', () => {
  it('after a receiver URL change, holds only the deletions the failed creates would replace', async () => {
    const projects = wellFormedProjects(sim()).map((p) => p.id);
    expect((await run(TWO_EVENTS)).code).toBe(0);
    const old = new Map(sim().hooks.all().map((s) => [s.id, s.eventType]));
    // Creates go in order, one at a time: git.push for both projects first, and those two fail.
    sim().faults.add({ kind: 'status', status: 400, route: 'hooks.subscriptions.create', times: 2 });
    const moved = await run([...TWO_EVENTS, '--prune'], env({ OCEAN__BASE_URL: 'https://hooks-new.example.com' }), { writesInOrder: true });
    expect(moved.code).toBe(1);
    expect(counts(moved.summary)).toEqual({ create: 2, failed: 2, prune: 2, held: 2 });
    const held = moved.summary?.webhooks?.changes.filter((c) => c.outcome === 'held') ?? [];
    expect(held.map((c) => c.eventType)).toEqual(['git.push', 'git.push']);
    expect(held[0]?.reasons.at(-1)).toMatch(/^not done: the create of git\.push for the project .* failed, so the subscription it would replace stays$/);
    // The old git.push subscriptions still deliver; workitem.created moved.
    const remaining = sim().hooks.all().filter((s) => old.has(s.id));
    expect(remaining.map((s) => s.eventType)).toEqual(['git.push', 'git.push']);
    expect(subscriptionKeys(sim(), (s) => !old.has(s.id))).toEqual(projects.map((p) => keyOf('tfs', 'workitem.created', p)).sort());
    expect(sim().hooks.all().every((s) => s.consumerInputs.basicAuthPassword === SECRET)).toBe(true);
  });

  it('switching from organization-wide to per-project, keeps the organization-wide one whose project replacement failed', async () => {
    expect((await run([...TWO_EVENTS, '--no-projects-limited'])).code).toBe(0);
    expect(subscriptionKeys(sim())).toEqual([keyOf('tfs', 'git.push', undefined), keyOf('tfs', 'workitem.created', undefined)].sort());
    // git.push for the first project fails; its organization-wide counterpart must stay.
    sim().faults.add({ kind: 'status', status: 400, route: 'hooks.subscriptions.create', times: 1 });
    const result = await run([...TWO_EVENTS, '--prune', '--projects-limited'], env(), { writesInOrder: true });
    expect(result.code).toBe(1);
    expect(counts(result.summary)).toEqual({ create: 3, failed: 1, prune: 1, held: 1 });
    expect(subscriptionKeys(sim()).filter((key) => key.endsWith('|*'))).toEqual([keyOf('tfs', 'git.push', undefined)]);
  });
});
