import { describe, expect, it } from 'vitest';
import { parseOrganizationUrl } from '../../core/azure-devops/organization';
import { selectEventTypes } from '../../core/webhooks/catalog';
import { consumerInputDrift, desiredConsumerInputs, parseHttpHeaders } from '../../core/webhooks/consumer-inputs';
import { desiredSubscriptions, ORGANIZATION_SCOPE, type WebhookScope } from '../../core/webhooks/desired-state';
import { credentialsFingerprint, FINGERPRINT_HEADER } from '../../core/webhooks/fingerprint';
import { planChanges, type Listing } from '../../core/webhooks/plan-changes';
import { isSameReceiver, receiverUrl, receiverWarnings } from '../../core/webhooks/receiver';
import type { ExistingSubscription } from '../../core/webhooks/subscriptions-api';

const URL_ = 'https://hooks.example.com/integration/webhook';
const P1: WebhookScope = { projectId: 'aaaaaaaa-0000-0000-0000-000000000001', projectName: 'One' };
const P2: WebhookScope = { projectId: 'aaaaaaaa-0000-0000-0000-000000000002', projectName: 'Two' };
const FINGERPRINT = 'v1.current';
const INTEGRATION = 'my-ado-integration';
const inputs = desiredConsumerInputs({ url: URL_, username: 'port', secret: 's3cret', headers: { 'X-Team': 'platform' }, fingerprint: FINGERPRINT, integration: INTEGRATION });

let counter = 0;
/** A subscription as the service lists it: password masked, server-added publisher inputs. */
function existing(over: Partial<ExistingSubscription> & { projectId?: string | undefined } = {}): ExistingSubscription {
  const { projectId: given, ...rest } = over;
  const projectId = 'projectId' in over ? given : P1.projectId;
  return {
    id: `sub-${++counter}`,
    publisherId: 'tfs',
    eventType: 'git.push',
    consumerId: 'webHooks',
    consumerActionId: 'httpRequest',
    status: 'enabled',
    publisherInputs: { ...(projectId ? { projectId } : {}), hostId: 'host', tfsSubscriptionId: 'tfs-sub' },
    consumerInputs: { ...inputs, basicAuthPassword: '********' },
    ...rest,
  };
}

const push = (scopes: WebhookScope[]) => desiredSubscriptions([{ publisherId: 'tfs', eventType: 'git.push' }], scopes);
function plan(subscriptions: ExistingSubscription[], options: { scopes?: WebhookScope[]; prune?: boolean; listings?: Listing[] } = {}) {
  return planChanges({
    desired: push(options.scopes ?? [P1]),
    desiredKnown: true,
    listings: options.listings ?? [{ publisherId: 'tfs', subscriptions }],
    receiverUrl: URL_,
    integration: INTEGRATION,
    consumerInputs: inputs,
    prune: options.prune ?? true,
    projectNames: new Map([[P1.projectId ?? '', 'One'], [P2.projectId ?? '', 'Two']]),
  }).map(({ action, outcome, reasons, subscriptionId, scope }) => ({ action, outcome, reasons, subscriptionId, scope }));
}

describe('planChanges', () => {
  it('keeps a matching subscription whose password comes back masked, ignoring server-added inputs', () => {
    const s = existing();
    expect(plan([s])).toEqual([{ action: 'keep', outcome: 'done', reasons: [], subscriptionId: s.id, scope: 'project One' }]);
  });

  it('creates what is missing', () => {
    expect(plan([], { scopes: [P1, ORGANIZATION_SCOPE] })).toEqual([
      { action: 'create', outcome: 'planned', reasons: [], subscriptionId: undefined, scope: 'project One' },
      { action: 'create', outcome: 'planned', reasons: [], subscriptionId: undefined, scope: 'organization' },
    ]);
  });

  it.each(['disabledBySystem', 'disabledByInactiveIdentity'])('re-enables a %s subscription in place (Azure DevOps turned it off)', (status) => {
    const s = existing({ status });
    expect(plan([s])).toEqual([{ action: 'replace', outcome: 'planned', reasons: [status], subscriptionId: s.id, scope: 'project One' }]);
  });

  it('leaves a subscription a user disabled as it is, saying so, even when its settings drifted', () => {
    const current = existing({ status: 'disabledByUser' });
    expect(plan([current])).toEqual([{ action: 'keep', outcome: 'done', reasons: ['disabledByUser: disabled in Azure DevOps by a user, so it stays disabled'], subscriptionId: current.id, scope: 'project One' }]);
    const drifted = existing({ status: 'disabledByUser', consumerInputs: { ...inputs, resourceDetailsToSend: 'none' } });
    const [change] = plan([drifted]);
    expect(change).toMatchObject({ action: 'keep', outcome: 'done', subscriptionId: drifted.id });
    expect(change?.reasons[1]).toBe('not updated while disabled (sends none resource details)');
  });

  it('leaves an on-probation subscription alone (it still delivers), and updates it only when its settings drifted', () => {
    const current = existing({ status: 'onProbation' });
    expect(plan([current])).toEqual([{ action: 'keep', outcome: 'done', reasons: [], subscriptionId: current.id, scope: 'project One' }]);
    const drifted = existing({ status: 'onProbation', consumerInputs: { ...inputs, resourceDetailsToSend: 'minimal' } });
    expect(plan([drifted])).toEqual([{ action: 'update', outcome: 'planned', reasons: ['sends minimal resource details'], subscriptionId: drifted.id, scope: 'project One' }]);
  });

  it('prefers an enabled duplicate to one a user disabled', () => {
    const disabled = existing({ status: 'disabledByUser' });
    const enabled = existing({ consumerInputs: { ...inputs, resourceDetailsToSend: 'minimal' } });
    expect(plan([disabled, enabled]).map((c) => [c.action, c.subscriptionId])).toEqual([
      ['update', enabled.id],
      ['prune', disabled.id],
    ]);
  });

  it.each([
    ['a rotated secret', { consumerInputs: { ...inputs, httpHeaders: `X-Team:platform\n${FINGERPRINT_HEADER}:v1.old` } }, 'credentials or headers changed'],
    ['no fingerprint (Ocean made it)', { consumerInputs: { url: URL_, basicAuthUsername: 'port', basicAuthPassword: '********' } }, 'no credentials fingerprint'],
    ['another user name', { consumerInputs: { ...inputs, basicAuthUsername: 'ocean' } }, 'Basic-auth user name differs'],
    ['a changed header', { consumerInputs: { ...inputs, httpHeaders: `X-Team:other\n${FINGERPRINT_HEADER}:${FINGERPRINT}` } }, 'headers differ: x-team'],
    ['minimal resource details', { consumerInputs: { ...inputs, resourceDetailsToSend: 'minimal' } }, 'sends minimal resource details'],
    ['an extra event filter', { publisherInputs: { projectId: P1.projectId ?? '', repository: 'repo-id', tfsSubscriptionId: 'x' } }, 'filters events on repository'],
  ])('updates a subscription with %s', (_name, over, reason) => {
    const [change] = plan([existing(over)]);
    expect(change?.action).toBe('update');
    expect(change?.reasons.join('; ')).toContain(reason);
  });

  it('matches the receiver URL like a server routes it, and leaves other receivers alone', () => {
    const trailing = existing({ consumerInputs: { ...inputs, url: 'HTTPS://Hooks.Example.com:443/integration/webhook/' } });
    const foreign = existing({ consumerInputs: { url: 'https://hooks.example.com/other', httpHeaders: 'X-Team:platform' } });
    expect(plan([trailing, foreign]).map((c) => [c.action, c.subscriptionId])).toEqual([['keep', trailing.id]]);
  });

  it('prunes ours at a receiver URL this integration used before, never another integration\'s', () => {
    const moved = existing({ consumerInputs: { ...inputs, url: 'https://old-hooks.example.com/integration/webhook' } });
    const otherIntegration = existing({ consumerInputs: { url: 'https://old-hooks.example.com/integration/webhook', httpHeaders: 'X-Port-Ado-Sync-Integration:someone-else' } });
    expect(plan([existing(), moved, otherIntegration]).filter((c) => c.action !== 'keep')).toEqual([{ action: 'prune', outcome: 'planned', reasons: ['receiver URL changed'], subscriptionId: moved.id, scope: 'project One' }]);
  });

  it('keeps the best of duplicates (enabled and current) and removes the rest that this integration registered, on request', () => {
    // Not an exact copy (other resource details): it goes only with --prune (exact copies go anyway, below).
    const disabled = existing({ status: 'disabledBySystem', consumerInputs: { ...inputs, basicAuthPassword: '********', resourceDetailsToSend: 'minimal' } });
    // At our receiver URL but without our identifier: perhaps someone's own hook (a filtered git.push).
    const unmarked = existing({ consumerInputs: { url: URL_ } });
    const good = existing();
    expect(plan([disabled, unmarked, good]).map((c) => [c.action, c.subscriptionId, c.reasons.join('; ')])).toEqual([
      ['keep', good.id, ''],
      ['stale', unmarked.id, `duplicate of ${good.id}; not registered by this integration`],
      ['prune', disabled.id, `duplicate of ${good.id}`],
    ]);
    expect(plan([disabled, good], { prune: false }).map((c) => [c.action, c.subscriptionId, c.reasons.join('; ')])).toEqual([
      ['keep', good.id, ''],
      ['stale', disabled.id, `duplicate of ${good.id}; pruning is off`],
    ]);
  });

  it('removes exact copies of ours even without prune (overlapping runs), whatever their credentials or status', () => {
    const good = existing();
    const copy = existing({ status: 'disabledByUser', consumerInputs: { ...inputs, basicAuthUsername: 'someone', httpHeaders: `X-Team:platform\r\nX-Port-Ado-Sync-Integration:${INTEGRATION}\r\n${FINGERPRINT_HEADER}:v1.old` } });
    const orgWideCopy = existing({ projectId: undefined, publisherInputs: { projectId: '', hostId: 'h', tfsSubscriptionId: 'other' } });
    expect(plan([good, copy], { prune: false }).map((c) => [c.action, c.outcome, c.subscriptionId, c.reasons.join('; ')])).toEqual([
      ['keep', 'done', good.id, ''],
      ['prune', 'planned', copy.id, `exact duplicate of ${good.id}, registered twice (by overlapping runs, say)`],
    ]);
    // Organization-wide: the empty projectId and the server-added inputs are no filter.
    const orgWide = existing({ projectId: undefined });
    expect(plan([orgWide, orgWideCopy], { scopes: [ORGANIZATION_SCOPE], prune: false }).map((c) => [c.action, c.subscriptionId])).toEqual([
      ['keep', orgWide.id],
      ['prune', orgWideCopy.id],
    ]);
  });

  it.each([
    ['a filter', { publisherInputs: { projectId: P1.projectId ?? '', branch: 'main' } }],
    ['a header of its own', { consumerInputs: { ...inputs, httpHeaders: `X-Team:platform\nX-Extra:1\nX-Port-Ado-Sync-Integration:${INTEGRATION}` } }],
    ['another header value', { consumerInputs: { ...inputs, httpHeaders: `X-Team:other\nX-Port-Ado-Sync-Integration:${INTEGRATION}` } }],
    ['other resource details', { consumerInputs: { ...inputs, resourceDetailsToSend: 'none' } }],
    ['messages to send', { consumerInputs: { ...inputs, messagesToSend: 'text' } }],
    ['another resource version', { resourceVersion: '1.0-preview.1' }],
  ])('never removes a copy of ours with %s without prune (it may be someone\'s choice)', (_name, over) => {
    const good = existing();
    const other = existing(over);
    expect(plan([good, other], { prune: false }).map((c) => [c.action, c.subscriptionId, c.reasons.join('; ')])).toEqual([
      ['keep', good.id, ''],
      ['stale', other.id, `duplicate of ${good.id}; pruning is off`],
    ]);
  });

  it('with prune removes exact, unfiltered copies without our identifier (Ocean\'s), never one that differs in more than its credentials', () => {
    const ocean = { url: URL_, basicAuthUsername: 'port', basicAuthPassword: '********' };
    const [first, second] = [existing({ consumerInputs: ocean }), existing({ consumerInputs: { ...ocean, basicAuthUsername: 'ocean', resourceDetailsToSend: 'all' } })];
    const ownHeader = existing({ consumerInputs: { ...ocean, httpHeaders: 'X-Mine:1' } });
    expect(plan([first, second, ownHeader]).map((c) => [c.action, c.subscriptionId, c.reasons.join('; ')])).toEqual([
      ['update', first.id, 'no credentials fingerprint (created outside port-ado-sync), so the password cannot be verified; headers differ: x-team, x-port-ado-sync-integration'],
      ['prune', second.id, `exact duplicate of ${first.id}, without this integration's identifier (Ocean's, say)`],
      ['stale', ownHeader.id, `duplicate of ${first.id}; not registered by this integration`],
    ]);
    expect(plan([first, second], { prune: false }).map((c) => [c.action, c.reasons.join('; ')])).toEqual([
      ['update', expect.any(String)],
      ['stale', `exact duplicate of ${first.id}, without this integration's identifier (Ocean's, say); pruning is off`],
    ]);
  });

  it('prefers one of ours to an unmarked one when both drifted, and keeps the listing order otherwise', () => {
    const unmarked = existing({ consumerInputs: { url: URL_, basicAuthUsername: 'port', basicAuthPassword: '********' } });
    const rotated = existing({ consumerInputs: { ...inputs, basicAuthPassword: '********', httpHeaders: `X-Team:platform\nX-Port-Ado-Sync-Integration:${INTEGRATION}\n${FINGERPRINT_HEADER}:v1.old` } });
    expect(plan([unmarked, rotated], { prune: false }).map((c) => [c.action, c.subscriptionId])).toEqual([
      ['update', rotated.id],
      ['stale', unmarked.id],
    ]);
  });

  it('never changes one at our receiver URL that another integration registered, or a filtered one without our identifier: kept, not ours', () => {
    const theirs = existing({ consumerInputs: { ...inputs, httpHeaders: 'X-Port-Ado-Sync-Integration:someone-else' } });
    const handMade = existing({ publisherInputs: { projectId: P1.projectId ?? '', branch: 'release', hostId: 'h' }, consumerInputs: { url: URL_, basicAuthUsername: 'release-bot', basicAuthPassword: '********', httpHeaders: 'X-Channel:stable' } });
    const theirsUnwanted = existing({ eventType: 'workitem.created', consumerInputs: { url: URL_, httpHeaders: 'x-port-ado-sync-integration: someone-else' } });
    const handMadeUnwanted = existing({ projectId: P2.projectId, publisherInputs: { projectId: P2.projectId ?? '', repository: 'r' }, consumerInputs: { url: URL_ } });
    const changes = plan([theirs, handMade, theirsUnwanted, handMadeUnwanted]);
    expect(changes.map((c) => [c.action, c.outcome, c.subscriptionId, c.scope, c.reasons.join('; ')])).toEqual([
      ['create', 'planned', undefined, 'project One', ''],
      ['keep', 'done', theirs.id, 'project One', 'not ours: registered by another integration (X-Port-Ado-Sync-Integration: someone-else); left as it is'],
      ['keep', 'done', handMade.id, 'project One', 'not ours: filters events on branch and carries no X-Port-Ado-Sync-Integration header (made by hand?); left as it is'],
      ['keep', 'done', theirsUnwanted.id, 'project One', 'not ours: registered by another integration (X-Port-Ado-Sync-Integration: someone-else); left as it is'],
      ['keep', 'done', handMadeUnwanted.id, 'project Two', 'not ours: filters events on repository and carries no X-Port-Ado-Sync-Integration header (made by hand?); left as it is'],
    ]);
  });

  it('prunes ours that are no longer wanted, or reports them as stale without prune', () => {
    const otherProject = existing({ projectId: P2.projectId });
    const orgWide = existing({ projectId: undefined });
    const otherEvent = existing({ eventType: 'workitem.created' });
    const changes = plan([existing(), otherProject, orgWide, otherEvent]);
    expect(changes.filter((c) => c.action === 'prune').map((c) => [c.subscriptionId, c.scope, c.reasons[0]])).toEqual([
      [otherProject.id, 'project Two', 'project not in scope (projects filter, excluded tags, or no longer there)'],
      [orgWide.id, 'organization', 'organization-wide, but subscriptions are per project (isProjectsLimited)'],
      [otherEvent.id, 'project One', 'event type not selected'],
    ]);
    expect(plan([existing(), otherEvent], { prune: false }).map((c) => [c.action, c.outcome])).toEqual([
      ['keep', 'done'],
      ['stale', 'done'],
    ]);
  });

  it("after a publisher's listing failed creates nothing of that publisher, and goes ahead with the others", () => {
    const disabled = existing({ status: 'disabledBySystem' });
    const unwanted = existing({ eventType: 'workitem.created' });
    const desired = desiredSubscriptions(
      [
        { publisherId: 'tfs', eventType: 'git.push' },
        { publisherId: 'rm', eventType: 'ms.vss-release.release-created-event' },
      ],
      [P1, P2],
    );
    const changes = planChanges({
      desired,
      desiredKnown: true,
      listings: [{ publisherId: 'tfs', subscriptions: [disabled, unwanted] }, { publisherId: 'rm', error: 'HTTP 500' }],
      receiverUrl: URL_,
    integration: INTEGRATION,
      consumerInputs: inputs,
      prune: true,
      projectNames: new Map(),
    });
    expect(changes.map((c) => [c.action, c.eventType, c.scope, c.outcome, c.reasons.join('; ')])).toEqual([
      ['replace', 'git.push', 'project One', 'planned', 'disabledBySystem'],
      // The key holds the publisher: a tfs create cannot duplicate a release subscription that was not seen.
      ['create', 'git.push', 'project Two', 'planned', ''],
      ['create', 'ms.vss-release.release-created-event', 'project One', 'held', 'not verified: the rm listing failed'],
      ['create', 'ms.vss-release.release-created-event', 'project Two', 'held', 'not verified: the rm listing failed'],
      ['prune', 'workitem.created', 'project aaaaaaaa-0000-0000-0000-000000000001', 'planned', 'event type not selected'],
    ]);
  });

  it('plans nothing when the wanted set is unknown (the project listing failed)', () => {
    expect(planChanges({ desired: [], desiredKnown: false, listings: [{ publisherId: 'tfs', subscriptions: [existing()] }], receiverUrl: URL_, integration: INTEGRATION, consumerInputs: inputs, prune: true, projectNames: new Map() })).toEqual([]);
  });
});

describe('consumer inputs', () => {
  it('sends Basic auth only with a secret, and always the fingerprint header', () => {
    const without = desiredConsumerInputs({ url: URL_, username: 'port', secret: undefined, headers: { 'X-Port-Ado-Sync-Fingerprint': 'forged' }, fingerprint: 'v1.x', integration: 'i' });
    expect(without).toEqual({ url: URL_, httpHeaders: `X-Port-Ado-Sync-Integration:i\n${FINGERPRINT_HEADER}:v1.x`, resourceDetailsToSend: '' });
    expect(consumerInputDrift({ ...without, basicAuthUsername: 'port', basicAuthPassword: '********' }, without)).toEqual(['Basic-auth user name differs', 'has a Basic-auth password but no secret is configured']);
  });

  it('reads httpHeaders with CR, LF or CRLF separators and case-insensitive names', () => {
    expect([...parseHttpHeaders('A: 1\r\nb:2\rC :3\nnot a header')]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
  });
});

describe('credentials fingerprint', () => {
  const base = { username: 'port', password: 'correct horse', headers: { 'X-Key': 'k1' } };
  it('is stable for the same credentials and changes with any of them, or with the receiver', async () => {
    const a = await credentialsFingerprint(base, URL_);
    expect(await credentialsFingerprint({ ...base, headers: { 'x-key': ' k1 ' } }, URL_)).toBe(a);
    const others = await Promise.all([
      credentialsFingerprint({ ...base, password: 'correct horse!' }, URL_),
      credentialsFingerprint({ ...base, username: 'ocean' }, URL_),
      credentialsFingerprint({ ...base, headers: { 'X-Key': 'k2' } }, URL_),
      credentialsFingerprint(base, 'https://other.example.com/integration/webhook'),
    ]);
    for (const other of others) expect(other).not.toBe(a);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{24}$/);
    expect(a).not.toContain('correct');
  });
});

describe('receiver', () => {
  it('appends the Ocean receiver path', () => {
    expect(receiverUrl('https://hooks.example.com/')).toBe(URL_);
    expect(isSameReceiver('https://hooks.example.com/integration/webhook?x=1', URL_)).toBe(false);
    expect(isSameReceiver('not a url', URL_)).toBe(false);
  });

  it.each([
    ['http://localhost:8080/integration/webhook', true, ['loopback', 'HTTPS']],
    ['https://10.1.2.3/integration/webhook', true, ['loopback']],
    ['https://[::1]/integration/webhook', true, ['loopback']],
    ['https://192.168.1.10/integration/webhook', false, []],
    ['http://hooks.example.com/integration/webhook', true, ['HTTPS']],
    ['https://hooks.example.com/integration/webhook', true, []],
  ])('warns for %s (cloud: %s)', (url, cloud, expected) => {
    const warnings = receiverWarnings(url, { basicAuth: true, cloud }).join(' | ');
    for (const word of ['loopback', 'HTTPS']) expect(warnings.includes(word), word).toBe(expected.includes(word));
  });
});

describe('event selection', () => {
  const cloud = parseOrganizationUrl('https://dev.azure.com/acme');
  const server = parseOrganizationUrl('https://tfs.example.com/tfs/DefaultCollection');
  it('takes every event type but the release ones by default; includeReleaseEvents adds them', () => {
    expect(selectEventTypes({ includeReleaseEvents: false }, cloud).events).toHaveLength(19);
    expect(selectEventTypes({ includeReleaseEvents: true }, cloud).events).toHaveLength(23);
  });
  it('takes the named event types, release ones included', () => {
    expect(selectEventTypes({ events: ['git.push', 'ms.vss-release.release-created-event'], includeReleaseEvents: false }, cloud).events).toEqual([
      { publisherId: 'tfs', eventType: 'git.push' },
      { publisherId: 'rm', eventType: 'ms.vss-release.release-created-event' },
    ]);
  });
  it('leaves Advanced Security out on Azure DevOps Server, saying so when it was asked for', () => {
    const selection = selectEventTypes({ events: ['git.push', 'ms.vss-alerts.alert-created-event'], includeReleaseEvents: false }, server);
    expect(selection.events.map((e) => e.eventType)).toEqual(['git.push']);
    expect(selection.unavailable).toEqual([{ eventType: 'ms.vss-alerts.alert-created-event', explicit: true, reason: 'Azure DevOps Server has no Advanced Security service' }]);
  });
});
