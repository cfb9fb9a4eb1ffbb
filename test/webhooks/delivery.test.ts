import { describe, expect, it } from 'vitest';
import { isActiveRepository } from '../../sim/azure-devops';
import { basic, ROTATED_SECRET, SECRET, webhookStack, wellFormedProjects, writeConfigFile } from './harness';

/**
 * After registration, the simulator delivers real events for real mutations to a receiver on
 * 127.0.0.1, with the configured Basic auth and headers; a rotated secret reaches the next delivery.
 */
// The second test rotates the secret of the subscriptions the first one registered.
const stack = webhookStack(4, { betweenTests: 'keep' });
const { sim, receiver, env } = stack;
const RECEIVER_KEY = 'receiver-key-value-0003';
const config = writeConfigFile(['webhooks:', '  includeReleaseEvents: true', '  headers:', '    X-Receiver-Key: ${RECEIVER_KEY}', '    X-Team: platform', ''].join('\n'));

const run = (secret: string) => stack.run(['--config', config], env({ RECEIVER_KEY, OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: secret }));

function mutateEverything() {
  const projectIds = new Set(wellFormedProjects(sim()).map((p) => p.id));
  const repository = [...sim().model.repositories.all()].find((r) => isActiveRepository(r) && projectIds.has(r.projectId));
  const workItem = [...sim().model.workItems.all()].find((w) => projectIds.has(w.projectId));
  const pipeline = [...sim().model.pipelines.all()].find((p) => projectIds.has(p.projectId));
  const definition = [...sim().model.releaseDefinitions.all()].find((d) => projectIds.has(d.projectId));
  if (!repository || !workItem || !pipeline || !definition) throw new Error('the organization lacks a repository, work item, pipeline or release definition');
  sim().mutate.push(repository.id, { files: { '/hooked.txt': `pushed ${Date.now()}` } });
  sim().mutate.updateWorkItem(workItem.id, { title: `Hooked ${Date.now()}` });
  const build = sim().mutate.queueRun(pipeline.id);
  sim().mutate.setRunState(build.id, { status: 'completed', result: 'succeeded' });
  sim().mutate.createRelease(definition.projectId, definition.id);
  return { repository, workItem, build };
}

describe('delivery', () => {
  it('delivers pushes, work item updates, run state changes and releases with the configured auth and headers', async () => {
    const registered = await run(SECRET);
    expect(registered.code, registered.stderr).toBe(0);
    const { repository, workItem, build } = mutateEverything();
    await sim().hooks.flush();

    const byType = (type: string) => receiver.received.filter((d) => d.body.eventType === type);
    expect(byType('git.push')).toHaveLength(1);
    expect(byType('git.push')[0]?.body.resource).toMatchObject({ repository: { id: repository.id } });
    expect(byType('workitem.updated')[0]?.body.resource).toMatchObject({ workItemId: workItem.id });
    // Queued, then completed: two state changes, each delivered once.
    expect(byType('ms.vss-pipelines.run-state-changed-event').map((d) => (d.body.resource as { run: { id: number; state: string } }).run)).toEqual([
      expect.objectContaining({ id: build.id, state: 'inProgress' }),
      expect.objectContaining({ id: build.id, state: 'completed' }),
    ]);
    expect(byType('build.complete')).toHaveLength(1);
    expect(byType('ms.vss-release.release-created-event')).toHaveLength(1);

    for (const delivery of receiver.received) {
      expect(delivery.path).toBe('/integration/webhook');
      expect(delivery.headers.authorization).toBe(basic('port', SECRET));
      expect(delivery.headers['x-receiver-key']).toBe(RECEIVER_KEY);
      expect(delivery.headers['x-team']).toBe('platform');
      expect(delivery.headers['x-port-ado-sync-fingerprint']).toMatch(/^v1\.[A-Za-z0-9_-]{24}$/);
    }
  });

  it('uses the rotated secret for the next delivery', async () => {
    const rotated = await run(ROTATED_SECRET);
    expect(rotated.code, rotated.stderr).toBe(0);
    receiver.received.length = 0;
    mutateEverything();
    await sim().hooks.flush();
    expect(receiver.received.length).toBeGreaterThanOrEqual(5);
    for (const delivery of receiver.received) expect(delivery.headers.authorization).toBe(basic('port', ROTATED_SECRET));
  });
});
