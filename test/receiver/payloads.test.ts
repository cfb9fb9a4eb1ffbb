import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_WEBHOOK_EVENT_TYPES } from '../../core/config';
import { parseEnvelope } from '../../core/live-events/envelope';
import { orderingKey, routeOf, type Subject } from '../../core/live-events/event-routes';

/** The published sample payloads (aspnet/AspNetWebHooks fixtures, azure-devops-api.md §4.5). */
// shared/ sits beside the repository (the worktree here, the clone in CI).
const SAMPLES = [fileURLToPath(new URL('../../../shared/reference/azure-devops-webhook-samples', import.meta.url)), '/work/shared/reference/azure-devops-webhook-samples'].find((dir) => existsSync(dir)) ?? 'shared/reference/azure-devops-webhook-samples (not found)';
const sample = (name: string): unknown => JSON.parse(readFileSync(`${SAMPLES}/${name}.json`, 'utf8').replace(/^\uFEFF/, ''));

function subjectOf(body: unknown): Subject {
  const envelope = parseEnvelope(body);
  if (!envelope.ok) throw new Error(envelope.reason);
  const route = routeOf(envelope.event.eventType);
  if (!route) throw new Error(`no route for ${envelope.event.eventType}`);
  const subject = route.subject(envelope.event);
  if (!subject.ok) throw new Error(subject.reason);
  return subject.subject;
}

describe('real service-hook payloads', () => {
  it('reads every published sample into the ids the re-fetch needs', () => {
    const names = readdirSync(SAMPLES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const name of names) expect(() => subjectOf(sample(name)), name).not.toThrow();
  });

  it('takes the work item id of workitem.updated from the update, not the revision number', () => {
    // The sample's workItemId is 0 (a documentation bug); the revision and the URL name item 5.
    const subject = subjectOf(sample('workitem.updated'));
    expect(subject).toMatchObject({ type: 'work-item', workItemId: 5, projectId: 'be9b3917-87e6-42a4-a549-2bc06a7a878f' });
    expect(orderingKey(subject)).toBe('work-item:5');
  });

  it('reads pushes, pull requests and builds, with the project from the resource when the envelope has none', () => {
    expect(subjectOf(sample('git.push'))).toMatchObject({
      type: 'push',
      repositoryId: '7aa31685-abcf-40be-8c18-aaa45067d7bb',
      projectId: '65e40c52-3c5d-487c-8a45-6b852de287a8',
      refUpdates: [{ name: 'refs/heads/main', newObjectId: 'c8e823a60a85381732726d6a9b6a276e71e6ce12' }],
    });
    expect(subjectOf(sample('git.pullrequest.created'))).toMatchObject({ type: 'pull-request', repositoryId: '4bc14d40-c903-45e2-872e-0462c7748079', projectId: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c', pullRequestId: 1 });
    expect(subjectOf(sample('build.complete'))).toMatchObject({ type: 'build', buildId: 2, pipelineId: 2 });
  });

  it('routes every event type the webhook registration subscribes to', () => {
    for (const type of ALL_WEBHOOK_EVENT_TYPES) expect(routeOf(type), type).toBeDefined();
  });

  it('explains what is missing from an event it cannot use', () => {
    const body = sample('git.push') as { resource: Record<string, unknown> };
    delete body.resource.refUpdates;
    const envelope = parseEnvelope(body);
    if (!envelope.ok) throw new Error(envelope.reason);
    expect(routeOf('git.push')?.subject(envelope.event)).toEqual({ ok: false, reason: 'a git.push event needs resource.refUpdates, which is missing or malformed' });
    expect(parseEnvelope({ eventType: 'git.push', publisherId: 'tfs', id: 'x' })).toEqual({
      ok: false,
      reason: 'not a service-hook event: resource is missing or not an object: set "Resource details to send" to All or Minimal on the subscription',
    });
    expect(parseEnvelope([1, 2])).toMatchObject({ ok: false, reason: 'the body must be a JSON object (a service-hook event)' });
    expect(parseEnvelope({ eventType: 'git.push', publisherId: 'tfs', resource: {} })).toMatchObject({ ok: false, reason: expect.stringContaining('neither an event id') as string });
  });
});
