import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityWrites, fullSync, snapshot, startStack, type Stack } from './harness';

/**
 * Kinds a mapping opts into, on the cloud form (Advanced Security exists only there): alerts
 * follow their events (an alert that leaves the selector's criteria leaves Port), and files
 * follow pushes to the default branch.
 */
const MAPPING = `
resources:
  - kind: advanced-security-alert
    selector:
      query: 'true'
      criteria:
        states: [active]
    port:
      entity:
        mappings:
          identifier: '.__repositoryId + "/" + (.alertId | tostring)'
          title: .title
          blueprint: '"azureDevopsSecurityAlert"'
          properties:
            state: .state
            severity: .severity
          relations:
            repository: .__repositoryId
  - kind: file
    selector:
      query: 'true'
      files:
        path: docs/*.md
    port:
      entity:
        mappings:
          identifier: '.repo.id + "/" + .file.path'
          title: '.repo.name + ":" + .file.path'
          blueprint: '"azureDevopsFile"'
          properties:
            path: .file.path
            content: .file.content.raw
          relations:
            repository: .repo.id
`;

describe('opt-in kinds on Azure DevOps Services', () => {
  let stack: Stack;
  let env: Record<string, string>;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'receiver-opt-in-')), 'port-app-config.yml');
    writeFileSync(file, MAPPING);
    env = { PORT_ADO_SYNC_MAPPING_FILE: file };
    stack = await startStack({ ado: { seed: 88 }, env, cloud: true });
    await stack.subscribe([
      { publisherId: 'advsec', eventType: 'ms.vss-alerts.alert-created-event' },
      { publisherId: 'advsec', eventType: 'ms.vss-alerts.alert-state-changed-event' },
      { publisherId: 'tfs', eventType: 'git.push' },
    ]);
  });
  afterAll(async () => stack?.close());

  it('follows Advanced Security alerts and files, as a sync with the same mapping would', async () => {
    const { ado, port } = stack.sims;
    const repo = [...ado.model.repositories.all()].find((r) => r.advancedSecurityEnabled && r.defaultBranch && !r.isDisabled && ado.model.projects.get(r.projectId)?.state === 'wellFormed')!;
    expect(repo).toBeDefined();
    const alert = ado.mutate.createAlert(repo.id, { title: 'Live dependency alert' });
    const fixedLater = ado.mutate.createAlert(repo.id, { title: 'Fixed soon', severity: 'low' });
    await stack.settle();
    expect(port.entity('azureDevopsSecurityAlert', `${repo.id}/${fixedLater.alertId}`)?.properties.state).toBe('active');
    ado.mutate.updateAlert(fixedLater.alertId, { state: 'fixed' });
    ado.mutate.push(repo.id, { files: { '/docs/live.md': '# Written live' } });
    await stack.settle();
    expect(ado.hooks.deliveries().map((d) => d.statusCode)).toEqual([202, 202, 202, 202]);
    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);

    expect(port.entity('azureDevopsSecurityAlert', `${repo.id}/${alert.alertId}`)).toMatchObject({ title: 'Live dependency alert', properties: { state: 'active', severity: 'high' } });
    // Fixed: outside the selector's criteria, so gone from Port.
    expect(port.entity('azureDevopsSecurityAlert', `${repo.id}/${fixedLater.alertId}`)).toBeUndefined();
    expect(stack.receiver.metrics.deleted.get({ blueprint: 'azureDevopsSecurityAlert' })).toBe(1);
    expect(port.entity('azureDevopsFile', `${repo.id}/docs/live.md`)?.properties.content).toBe('# Written live');

    const before = snapshot(stack.sims, ['azureDevopsSecurityAlert', 'azureDevopsFile']);
    port.clearCalls();
    const sync = await fullSync(stack.sims, env, { cloud: true });
    expect(sync.code, sync.stderr).toBe(0);
    expect(entityWrites(stack.sims)).toEqual([]);
    expect(snapshot(stack.sims, ['azureDevopsSecurityAlert', 'azureDevopsFile'])).toEqual(before);
  });

  it('keeps a live alert when a payload names a project its repository is not in', async () => {
    const { ado, port } = stack.sims;
    const repo = [...ado.model.repositories.all()].find((r) => r.advancedSecurityEnabled && r.defaultBranch && !r.isDisabled && ado.model.projects.get(r.projectId)?.state === 'wellFormed')!;
    const alert = ado.mutate.createAlert(repo.id, { title: 'Kept alert' });
    await stack.settle();
    const identifier = `${repo.id}/${alert.alertId}`;
    expect(port.entity('azureDevopsSecurityAlert', identifier)?.properties.state).toBe('active');
    const delivered = ado.hooks.deliveries().filter((d) => d.eventType === 'ms.vss-alerts.alert-created-event').at(-1)!;
    // A stale or forged copy: the real alert and repository, under a project that does not exist.
    const bogus = '00000000-0000-0000-0000-00000000dead';
    const copy = structuredClone(delivered.payload) as Record<string, unknown> & { resource: Record<string, unknown> };
    copy.id = 'alert-under-a-bogus-project';
    copy.resourceContainers = { project: { id: bogus } };
    copy.resource.project = { id: bogus };
    const deleted = stack.receiver.metrics.deleted.total();
    expect((await stack.post(copy)).json.status).toBe('accepted');
    await stack.receiver.idle();
    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);
    expect(stack.receiver.metrics.deleted.total()).toBe(deleted);
    expect(port.entity('azureDevopsSecurityAlert', identifier)?.title).toBe('Kept alert');
  });
});
