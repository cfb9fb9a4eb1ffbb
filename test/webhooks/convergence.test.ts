import { describe, expect, it } from 'vitest';
import type { SubscriptionRecord } from '../../sim/azure-devops';
import { counts, EVENTS, expectedKeys, keyOf, ROTATED_SECRET, SECRET, subscriptionKeys, webhookStack, wellFormedProjects } from './harness';

const { sim, receiver, env, run } = webhookStack(5, { betweenTests: 'reset' });

function find(eventType: string, projectId: string): SubscriptionRecord {
  const found = sim().hooks.all().find((s) => s.eventType === eventType && s.publisherInputs.projectId === projectId);
  if (!found) throw new Error(`no ${eventType} subscription for ${projectId}`);
  return found;
}

/** A subscription made by hand, straight into the simulator's store (as the UI or another tool would). */
function addByHand(like: SubscriptionRecord, consumerInputs: Record<string, string>): SubscriptionRecord {
  const { publisherInputs, ...rest } = like;
  return sim().hooks.create({ ...rest, hostId: publisherInputs.hostId ?? '', publisherInputs: { projectId: publisherInputs.projectId ?? '' }, consumerInputs });
}

describe('convergence', () => {
  it('after manual disabling, secret rotation, a project added and an event type removed, one run converges', async () => {
    const [p1, p2] = wellFormedProjects(sim()).map((p) => p.id);
    if (!p1 || !p2) throw new Error('need two projects');
    const first = await run(['--include-release-events'], env());
    expect(first.code, first.stderr).toBe(0);

    const disabledByUser = find('git.push', p1);
    const onProbation = find('workitem.updated', p2);
    const disabledBySystem = find('ms.vss-release.release-created-event', p1);
    sim().hooks.setStatus(disabledByUser.id, 'disabledByUser');
    sim().hooks.setStatus(onProbation.id, 'onProbation');
    sim().hooks.setStatus(disabledBySystem.id, 'disabledBySystem');
    // A second copy of one of ours (a run that registered twice), and a bare copy at our receiver URL
    // without this integration's identifier (as Ocean makes them without a secret): both go with
    // --prune, being exact copies apart from the credentials (someone's own, filtered or set up
    // differently, stays: ownership.test.ts).
    const original = find('git.pullrequest.created', p1);
    const duplicate = addByHand(original, { ...original.consumerInputs });
    const unmarked = addByHand(original, { url: receiver.url });
    const foreign = addByHand(find('git.push', p2), { url: 'https://elsewhere.example.com/hooks', basicAuthUsername: 'them', basicAuthPassword: 'theirs' });
    const added = sim().mutate.createProject({ name: 'Webhooks Added' });
    const kept = (['tfs', 'pipelines', 'advsec'] as const).flatMap((p) => EVENTS[p]).filter((e) => e !== 'git.repo.created');
    const next = env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: ROTATED_SECRET });
    const args = ['--include-release-events', '--prune', '--webhook-events', kept.join(',')];

    const result = await run(args, next);
    expect(result.code, result.stderr).toBe(0);
    expect(counts(result.summary)).toEqual({
      create: 22, // every kept event type for the new project
      replace: 1, // the one Azure DevOps disabled, re-enabled in place
      update: 22 * 2 - 2, // the rest, on probation included: the secret changed
      keep: 1, // the one a user disabled stays as it is
      prune: 2 + 2, // git.repo.created in both projects, the duplicate and the unmarked copy
    });
    expect(result.stdout).toMatch(/- kept git\.push for the project .* \(disabledByUser: disabled in Azure DevOps by a user, so it stays disabled; not updated while disabled \(credentials or headers changed\)\)/);
    const ours = (s: SubscriptionRecord) => s.id !== foreign.id && s.id !== unmarked.id;
    expect(subscriptionKeys(sim(), ours)).toEqual(expectedKeys(['tfs', 'pipelines', 'advsec', 'rm'], [p1, p2, added.id], { except: ['git.repo.created'] }));
    for (const s of sim().hooks.all().filter((h) => ours(h) && h.id !== disabledByUser.id)) {
      expect(s.status, `${s.eventType} ${s.publisherInputs.projectId ?? ''}`).toBe('enabled');
      expect(s.consumerInputs.basicAuthPassword).toBe(ROTATED_SECRET);
    }
    for (const s of [onProbation, disabledBySystem]) expect(sim().hooks.get(s.id)?.status).toBe('enabled');
    // An administrator's choice stands: not re-enabled, not rewritten.
    expect(sim().hooks.get(disabledByUser.id)).toMatchObject({ status: 'disabledByUser', consumerInputs: { basicAuthPassword: SECRET } });
    expect(sim().hooks.get(duplicate.id)).toBeUndefined();
    expect(sim().hooks.get(unmarked.id)).toBeUndefined();
    // Another receiver's subscription is not ours, whatever prune says.
    expect(sim().hooks.get(foreign.id)?.consumerInputs).toMatchObject({ url: 'https://elsewhere.example.com/hooks', basicAuthPassword: 'theirs' });

    const again = await run(args, next);
    expect(counts(again.summary)).toEqual({ keep: 22 * 3 });
    expect(sim().hooks.get(disabledByUser.id)?.status).toBe('disabledByUser');
  });

  it('leaves a subscription on probation alone while it is current (it still delivers)', async () => {
    const [p1] = wellFormedProjects(sim()).map((p) => p.id);
    if (!p1) throw new Error('no project');
    expect((await run(['--webhook-events', 'git.push'], env())).code).toBe(0);
    const probation = find('git.push', p1);
    sim().hooks.setStatus(probation.id, 'onProbation');
    sim().resetCounters();
    const result = await run(['--webhook-events', 'git.push'], env());
    expect(result.code, result.stderr).toBe(0);
    expect(counts(result.summary)).toEqual({ keep: 2 });
    expect(sim().counters().byRoute['hooks.subscriptions.replace'] ?? 0).toBe(0);
    expect(sim().hooks.get(probation.id)?.status).toBe('onProbation');
  });

  it('leaves unwanted subscriptions in place without prune, shows them in plan mode, deletes them with prune', async () => {
    const projects = wellFormedProjects(sim()).map((p) => p.id);
    expect((await run([], env())).code).toBe(0);
    const before = subscriptionKeys(sim());
    const onlyPush = ['--webhook-events', 'git.push'];

    const withoutPrune = await run(onlyPush, env());
    expect(withoutPrune.code).toBe(0);
    // Every publisher is listed, also those no longer used (pipelines, advsec): all the rest shows as stale.
    expect(counts(withoutPrune.summary)).toEqual({ keep: 2, stale: before.length - 2 });
    expect(withoutPrune.summary?.webhooks?.listings.map((l) => l.publisherId)).toEqual(['tfs', 'advsec', 'pipelines', 'rm']);
    expect(withoutPrune.stdout).toMatch(/not wanted, left in place: ms\.vss-alerts\.alert-created-event for the project .* \(event type not selected; pruning is off\)/);
    expect(subscriptionKeys(sim())).toEqual(before);
    expect(withoutPrune.stdout).toMatch(/not wanted, left in place: workitem\.created for the project .* \(event type not selected; pruning is off\)/);

    const plan = await run([...onlyPush, '--prune', '--plan'], env());
    expect(plan.code).toBe(0);
    expect(plan.summary?.webhooks?.mode).toBe('plan');
    expect(counts(plan.summary)).toEqual({ keep: 2, prune: before.length - 2 });
    expect(plan.stdout).toMatch(/would prune workitem\.created/);
    expect(subscriptionKeys(sim())).toEqual(before);

    const pruned = await run([...onlyPush, '--prune'], env());
    expect(pruned.code).toBe(0);
    expect(subscriptionKeys(sim())).toEqual(projects.map((p) => keyOf('tfs', 'git.push', p)).sort());
  });

  it('moves to a new receiver URL: creates there, prunes ours at the old one, leaves other integrations alone', async () => {
    const events = ['--webhook-events', 'git.push', '--prune'];
    expect((await run(events, env())).code).toBe(0);
    const old = sim().hooks.all().map((s) => s.id);
    const otherIntegration = await run(events, env({ OCEAN__INTEGRATION__IDENTIFIER: 'another-integration', OCEAN__BASE_URL: 'https://other.example.com' }));
    expect(otherIntegration.code, otherIntegration.stderr).toBe(0);
    const moved = await run(events, env({ OCEAN__BASE_URL: 'https://new-hooks.example.com' }));
    expect(moved.code, moved.stderr).toBe(0);
    expect(counts(moved.summary)).toEqual({ create: 2, prune: 2 });
    expect(moved.summary?.webhooks?.changes.filter((c) => c.action === 'prune').map((c) => [c.subscriptionId, c.reasons[0]])).toEqual(old.map((id) => [id, 'receiver URL changed']));
    expect(sim().hooks.all().map((s) => s.consumerInputs.url).sort()).toEqual([
      'https://new-hooks.example.com/integration/webhook',
      'https://new-hooks.example.com/integration/webhook',
      'https://other.example.com/integration/webhook',
      'https://other.example.com/integration/webhook',
    ]);
  });

  it('refuses to prune everything when no project is in scope (a projects filter that matches nothing)', async () => {
    expect((await run(['--webhook-events', 'git.push'], env())).code).toBe(0);
    const before = subscriptionKeys(sim());
    const result = await run(['--webhook-events', 'git.push', '--prune', '--projects', 'No Such Project'], env());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/no project is in scope .* pruning is refused/);
    expect(counts(result.summary)).toEqual({ held: 2 });
    expect(subscriptionKeys(sim())).toEqual(before);
  });

  it('switches between organization-wide and per-project subscriptions, creating before pruning', async () => {
    const projects = wellFormedProjects(sim()).map((p) => p.id);
    const events = ['--webhook-events', 'git.push,workitem.created', '--prune'];
    expect((await run([...events, '--no-projects-limited'], env())).code).toBe(0);
    expect(subscriptionKeys(sim())).toEqual([keyOf('tfs', 'git.push', undefined), keyOf('tfs', 'workitem.created', undefined)].sort());
    const result = await run([...events, '--projects-limited'], env());
    expect(counts(result.summary)).toEqual({ create: 4, prune: 2 });
    expect(result.summary?.webhooks?.changes.find((c) => c.action === 'prune')?.reasons[0]).toMatch(/organization-wide, but subscriptions are per project/);
    expect(subscriptionKeys(sim())).toEqual(expectedKeys([], []).concat(projects.flatMap((p) => [keyOf('tfs', 'git.push', p), keyOf('tfs', 'workitem.created', p)])).sort());
  });

  it('plan mode prints the diff and changes nothing', async () => {
    expect((await run([], env())).code).toBe(0);
    const snapshot = JSON.stringify(sim().hooks.all());
    const plan = await run(['--plan'], env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: ROTATED_SECRET }));
    expect(plan.code, plan.stderr).toBe(0);
    expect(counts(plan.summary)).toEqual({ update: sim().hooks.all().length });
    expect(plan.stdout).toMatch(/Webhooks plan \(nothing was changed\)/);
    expect(plan.stdout).toMatch(/would update git\.push for the project .* \(credentials or headers changed\)/);
    expect(JSON.stringify(sim().hooks.all())).toBe(snapshot);
    expect(sim().hooks.all().every((s) => s.consumerInputs.basicAuthPassword === SECRET)).toBe(true);
  });
});

describe('a failed listing', () => {
  // Listings run one publisher at a time in catalogue order (tfs, advsec, pipelines, rm); skipping
  // the first makes the advsec listing fail (twice: the client retries a 500 once).
  const advsecListingFails = () => sim().faults.add({ kind: 'status', status: 500, route: 'hooks.subscriptions.list', skip: 1, times: 2 });

  it('creates nothing of the publisher whose listing failed, and the other publishers\' subscriptions', async () => {
    advsecListingFails();
    const result = await run(['--include-release-events'], env());
    expect(result.code).toBe(1);
    const projects = wellFormedProjects(sim()).map((p) => p.id);
    expect(subscriptionKeys(sim())).toEqual(expectedKeys(['tfs', 'pipelines', 'rm'], projects));
    expect(counts(result.summary)).toEqual({ create: 40, held: 6 });
    expect(result.summary?.webhooks?.changes.filter((c) => c.outcome === 'held').every((c) => c.publisherId === 'advsec' && c.reasons[0] === 'not verified: the advsec listing failed')).toBe(true);
    expect(result.summary?.webhooks?.listings.filter((l) => l.error).map((l) => l.publisherId)).toEqual(['advsec']);
    expect(result.stderr).toMatch(/Listing the advsec subscriptions failed, so no advsec subscription was created or deleted/);
  });

  it('does not hold the other publishers forever when one listing is refused every run (403 on advsec)', async () => {
    const projects = wellFormedProjects(sim()).map((p) => p.id);
    for (let i = 0; i < 2; i++) {
      sim().faults.clear();
      sim().faults.add({ kind: 'status', status: 403, route: 'hooks.subscriptions.list', skip: 1, times: 1 });
      const result = await run([], env());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/refused to list the advsec service-hook subscriptions \(HTTP 403/);
      expect(subscriptionKeys(sim())).toEqual(expectedKeys(['tfs', 'pipelines'], projects));
      expect(counts(result.summary)).toEqual(i === 0 ? { create: 32, held: 6 } : { keep: 32, held: 6 });
    }
  });

  it('only warns when the listing that fails is of a publisher no event type is selected of (listed only to report stale ones)', async () => {
    // tfs, advsec, pipelines are listed first; rm (no release event selected) fails.
    sim().faults.add({ kind: 'status', status: 403, route: 'hooks.subscriptions.list', skip: 3, times: 1 });
    const result = await run([], env());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: Webhooks: listing the rm subscriptions failed, so stale ones of that publisher \(no event type of it is selected\) are not reported/);
    expect(counts(result.summary)).toEqual({ create: 38 });
  });

  it('changes nothing when the project listing fails: what is wanted is unknown', async () => {
    const [p1] = wellFormedProjects(sim()).map((p) => p.id);
    if (!p1) throw new Error('no project');
    expect((await run(['--prune'], env())).code).toBe(0);
    const disabled = find('git.push', p1);
    sim().hooks.setStatus(disabled.id, 'disabledByUser');
    const before = JSON.stringify(sim().hooks.all());
    sim().faults.add({ kind: 'status', status: 500, route: 'core.projects.list', times: 2 });
    const result = await run(['--prune'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Listing the projects failed, so the wanted subscriptions are unknown and nothing was changed/);
    expect(result.summary?.webhooks?.changes).toEqual([]);
    expect(JSON.stringify(sim().hooks.all())).toBe(before);
  });

  it('still re-enables, recreates and prunes what the listings that worked saw', async () => {
    const [p1] = wellFormedProjects(sim()).map((p) => p.id);
    if (!p1) throw new Error('no project');
    expect((await run([], env())).code).toBe(0);
    const total = sim().hooks.all().length;
    sim().hooks.delete(find('git.push', p1).id);
    sim().hooks.delete(find('workitem.created', p1).id);
    const disabled = find('workitem.updated', p1);
    sim().hooks.setStatus(disabled.id, 'disabledBySystem');
    const deselected = EVENTS.tfs.filter((e) => e !== 'build.complete');
    const events = ['--webhook-events', [...deselected, ...EVENTS.pipelines, ...EVENTS.advsec].join(','), '--prune'];

    advsecListingFails();
    const result = await run(events, env());
    expect(result.code).toBe(1);
    expect(sim().hooks.get(disabled.id)?.status).toBe('enabled');
    // The tfs listing worked: the two missing ones are created again, the two deselected ones pruned.
    expect(sim().hooks.all()).toHaveLength(total - 2);
    expect(sim().hooks.all().filter((s) => s.eventType === 'build.complete')).toHaveLength(0);
    expect(sim().hooks.all().filter((s) => s.publisherInputs.projectId === p1 && ['git.push', 'workitem.created'].includes(s.eventType))).toHaveLength(2);
    expect(counts(result.summary)).toMatchObject({ replace: 1, create: 2, prune: 2, held: 6 }); // advsec's 6 unverified

    sim().faults.clear();
    const healed = await run(events, env());
    expect(healed.code, healed.stderr).toBe(0);
    expect(counts(healed.summary)).toEqual({ keep: total - 2 });
  });
});
