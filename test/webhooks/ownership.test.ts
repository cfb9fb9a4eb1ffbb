import { describe, expect, it } from 'vitest';
import { isActiveRepository, type SubscriptionRecord } from '../../sim/azure-devops';
import { counts, SECRET, webhookStack, wellFormedProjects } from './harness';

/**
 * Which subscriptions at our receiver URL a run may change: never another integration's (its
 * identifier header), never one someone made by hand (filters events, no identifier header); and
 * exact duplicates are cleaned up, so that each event reaches the receiver once.
 */
const { sim, receiver, env, run } = webhookStack(11, { betweenTests: 'reset' });
const PUSH = ['--webhook-events', 'git.push'];

function projects(): [string, string] {
  const [p1, p2] = wellFormedProjects(sim()).map((p) => p.id);
  if (!p1 || !p2) throw new Error('need two projects');
  return [p1, p2];
}

/** The URL form of the subscriptions registered so far (a test registers once before adding its own). */
function urlsOfOurs(): SubscriptionRecord['urls'] {
  const [first] = sim().hooks.all();
  if (!first) throw new Error('register once first');
  return first.urls;
}

/** A subscription made outside port-ado-sync (by hand in the UI, by Ocean, by another installation), straight into the simulator's store. */
function addByHand(projectId: string, fields: { consumerInputs: Record<string, string>; publisherInputs?: Record<string, string>; eventType?: string }): SubscriptionRecord {
  return sim().hooks.create({
    host: 'core',
    publisherId: 'tfs',
    eventType: fields.eventType ?? 'git.push',
    resourceVersion: null,
    consumerId: 'webHooks',
    consumerActionId: 'httpRequest',
    publisherInputs: { projectId, ...fields.publisherInputs },
    consumerInputs: fields.consumerInputs,
    createdById: 'someone',
    modifiedById: 'someone',
    urls: urlsOfOurs(),
    hostId: 'host',
  });
}

const snapshot = (s: SubscriptionRecord | undefined) => (s ? JSON.stringify({ status: s.status, publisherInputs: s.publisherInputs, consumerInputs: s.consumerInputs }) : undefined);

/** Pushes to a repository of the project and counts the git.push deliveries the receiver got. */
async function pushDeliveries(projectId: string): Promise<number> {
  const repository = [...sim().model.repositories.all()].find((r) => isActiveRepository(r) && r.projectId === projectId);
  if (!repository) throw new Error('no repository');
  receiver.received.length = 0;
  sim().mutate.push(repository.id, { files: { '/hooked.txt': `pushed ${Date.now()}` } });
  await sim().hooks.flush();
  return receiver.received.filter((d) => d.body.eventType === 'git.push').length;
}

describe('subscriptions at our receiver URL that are not ours', () => {
  it('leaves a hand-made, filtered one alone (filter, user name, header), reports it as kept and not ours, and registers its own next to it', async () => {
    const [p1, p2] = projects();
    expect((await run(['--webhook-events', 'workitem.updated'])).code).toBe(0);
    // The only git.push hook of the project at our receiver URL, for release pushes only: not taken for ours.
    const handMade = addByHand(p1, {
      publisherInputs: { branch: 'release' },
      consumerInputs: { url: receiver.url, basicAuthUsername: 'release-bot', basicAuthPassword: 'their-own-password', httpHeaders: 'X-Release-Channel:stable' },
    });
    // Unwanted too (an event type not selected): not pruned either.
    const handMadeOther = addByHand(p1, { eventType: 'workitem.created', publisherInputs: { areaPath: 'Team A' }, consumerInputs: { url: receiver.url } });
    const before = [snapshot(handMade), snapshot(handMadeOther)];
    const events = ['--webhook-events', 'git.push,workitem.updated'];

    for (const [args, expected] of [
      [events, { create: 2, keep: 4 }],
      [[...events, '--prune'], { keep: 6 }],
    ] as const) {
      const result = await run([...args]);
      expect(result.code, result.stderr).toBe(0);
      expect(counts(result.summary)).toEqual(expected);
      const notOurs = result.summary?.webhooks?.changes.filter((c) => c.subscriptionId === handMade.id || c.subscriptionId === handMadeOther.id);
      expect(notOurs?.map((c) => [c.action, c.outcome, c.reasons.join('; ')])).toEqual([
        ['keep', 'done', 'not ours: filters events on branch and carries no X-Port-Ado-Sync-Integration header (made by hand?); left as it is'],
        ['keep', 'done', 'not ours: filters events on areaPath and carries no X-Port-Ado-Sync-Integration header (made by hand?); left as it is'],
      ]);
      expect(result.stdout).toMatch(/- kept git\.push for the project .* \(not ours: filters events on branch/);
      expect([snapshot(sim().hooks.get(handMade.id)), snapshot(sim().hooks.get(handMadeOther.id))]).toEqual(before);
    }
    // Ours: git.push created for both projects, next to the hand-made one.
    const ours = sim().hooks.all().filter((s) => s.id !== handMade.id && s.id !== handMadeOther.id && s.eventType === 'git.push');
    expect(ours.map((s) => s.publisherInputs.projectId).sort()).toEqual([p1, p2].sort());
    for (const s of ours) expect(s.consumerInputs).toMatchObject({ url: receiver.url, basicAuthUsername: 'port', basicAuthPassword: SECRET });
  });

  it('never rewrites or prunes the subscriptions of another integration sharing the receiver URL, so two installations do not flip them', async () => {
    const [p1, p2] = projects();
    const first = env({ OCEAN__INTEGRATION__IDENTIFIER: 'first-installation' });
    const second = env({ OCEAN__INTEGRATION__IDENTIFIER: 'second-installation' });
    expect((await run(PUSH, first)).code).toBe(0);
    const firsts = sim().hooks.all().map((s) => [s.id, snapshot(s)]);
    expect(firsts).toHaveLength(2);

    const other = await run([...PUSH, '--prune'], second);
    expect(other.code, other.stderr).toBe(0);
    // Its own next to them (the receiver drops the second copy of an event); the first installation's untouched.
    expect(counts(other.summary)).toEqual({ create: 2, keep: 2 });
    expect(other.summary?.webhooks?.changes.filter((c) => c.action === 'keep').map((c) => c.reasons.join('; '))).toEqual([
      'not ours: registered by another integration (X-Port-Ado-Sync-Integration: first-installation); left as it is',
      'not ours: registered by another integration (X-Port-Ado-Sync-Integration: first-installation); left as it is',
    ]);
    expect(firsts.map(([id]) => snapshot(sim().hooks.get(id ?? '')))).toEqual(firsts.map(([, s]) => s));

    // The next runs of both change nothing: nobody's headers flip back and forth.
    for (const environment of [first, second, first]) {
      sim().resetCounters();
      const again = await run([...PUSH, '--prune'], environment);
      expect(again.code, again.stderr).toBe(0);
      expect(counts(again.summary)).toEqual({ keep: 4 });
      expect(sim().counters().byRoute['hooks.subscriptions.replace'] ?? 0).toBe(0);
      expect(sim().counters().byRoute['hooks.subscriptions.delete'] ?? 0).toBe(0);
    }
    const owners = sim().hooks.all().map((s) => `${s.publisherInputs.projectId === p1 ? 'p1' : s.publisherInputs.projectId === p2 ? 'p2' : '?'} ${/X-Port-Ado-Sync-Integration:([^\n]*)/.exec(s.consumerInputs.httpHeaders ?? '')?.[1] ?? ''}`);
    expect(owners.sort()).toEqual(['p1 first-installation', 'p1 second-installation', 'p2 first-installation', 'p2 second-installation']);
  });
});

describe('exact duplicates', () => {
  it('removes the copies of Ocean-style subscriptions with --prune, after adopting one, so each event is delivered once', async () => {
    const [p1] = projects();
    expect((await run(['--webhook-events', 'workitem.created'])).code).toBe(0);
    const ocean = { url: receiver.url, basicAuthUsername: 'port', basicAuthPassword: SECRET };
    const copies = [addByHand(p1, { consumerInputs: ocean }), addByHand(p1, { consumerInputs: ocean }), addByHand(p1, { consumerInputs: ocean })];
    // Someone's own unfiltered hook with a header of its own: not a copy, so never deleted.
    const different = addByHand(p1, { consumerInputs: { ...ocean, httpHeaders: 'X-Someone:else' } });
    expect(await pushDeliveries(p1)).toBe(4);

    const adopted = await run(PUSH);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(counts(adopted.summary)).toEqual({ update: 1, create: 1, stale: 3 + 2 }); // the copies, and workitem.created (pruning is off)
    expect(adopted.summary?.webhooks?.changes.find((c) => c.action === 'update')?.subscriptionId).toBe(copies[0]?.id);

    const pruned = await run([...PUSH, '--prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.summary?.webhooks?.changes.filter((c) => c.projectId === p1 && c.eventType === 'git.push').map((c) => [c.action, c.subscriptionId, c.reasons.join('; ')])).toEqual([
      ['keep', copies[0]?.id, ''],
      ['prune', copies[1]?.id, `exact duplicate of ${copies[0]?.id ?? ''}, without this integration's identifier (Ocean's, say)`],
      ['prune', copies[2]?.id, `exact duplicate of ${copies[0]?.id ?? ''}, without this integration's identifier (Ocean's, say)`],
      ['stale', different.id, `duplicate of ${copies[0]?.id ?? ''}; not registered by this integration`],
    ]);
    expect(sim().hooks.get(copies[1]?.id ?? '')).toBeUndefined();
    expect(sim().hooks.get(copies[2]?.id ?? '')).toBeUndefined();
    expect(snapshot(sim().hooks.get(different.id))).toBe(snapshot(different));
    expect(await pushDeliveries(p1)).toBe(2);
  });

  it('removes copies of ours (overlapping runs) without --prune, and keeps a copy that differs in more than its credentials', async () => {
    const [p1, p2] = projects();
    expect((await run(PUSH)).code).toBe(0);
    const ours = sim().hooks.all();
    // Two overlapping runs both created every subscription: exact copies, carrying our identifier.
    const copies = ours.map((s) => addByHand(s.publisherInputs.projectId ?? '', { consumerInputs: { ...s.consumerInputs } }));
    // A copy of ours with other delivery settings (someone changed what it sends): without --prune it stays.
    const [mine] = ours;
    const changed = addByHand(p2, { consumerInputs: { ...mine?.consumerInputs, resourceDetailsToSend: 'minimal' } });
    expect(await pushDeliveries(p1)).toBe(2);

    const result = await run(PUSH);
    expect(result.code, result.stderr).toBe(0);
    expect(counts(result.summary)).toEqual({ keep: 2, prune: 2, stale: 1 });
    const removed = result.summary?.webhooks?.changes.filter((c) => c.action === 'prune');
    expect(removed?.map((c) => [c.subscriptionId, c.outcome, c.reasons.join('; ')]).sort()).toEqual(
      copies.map((copy) => [copy.id, 'done', `exact duplicate of ${ours.find((s) => s.publisherInputs.projectId === copy.publisherInputs.projectId)?.id ?? ''}, registered twice (by overlapping runs, say)`]).sort(),
    );
    expect(result.summary?.webhooks?.changes.find((c) => c.subscriptionId === changed.id)?.reasons).toEqual([expect.stringMatching(/^duplicate of /), 'pruning is off']);
    expect(sim().hooks.all().map((s) => s.id).sort()).toEqual([...ours.map((s) => s.id), changed.id].sort());
    expect(await pushDeliveries(p1)).toBe(1);
    expect(counts((await run(PUSH)).summary)).toEqual({ keep: 2, stale: 1 });
  });

  it('plans the removal of copies without deleting anything', async () => {
    expect((await run(PUSH)).code).toBe(0);
    for (const s of sim().hooks.all()) addByHand(s.publisherInputs.projectId ?? '', { consumerInputs: { ...s.consumerInputs } });
    const before = JSON.stringify(sim().hooks.all());
    const plan = await run([...PUSH, '--plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(counts(plan.summary)).toEqual({ keep: 2, prune: 2 });
    expect(plan.stdout).toMatch(/would prune git\.push for the project .* \(exact duplicate of /);
    expect(JSON.stringify(sim().hooks.all())).toBe(before);
  });
});
