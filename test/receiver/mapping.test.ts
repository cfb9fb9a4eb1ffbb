import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository } from '../../sim/azure-devops';
import { entityWrites, fullSync, snapshot, startStack, type Stack } from './harness';

/**
 * A GitOps mapping (a local port-app-config file) with selectors: the receiver applies the same
 * selectors as the sync, so an item that stops matching leaves Port, one that starts matching
 * arrives, and what the integration does not own is never deleted.
 */
const MAPPING = `
deleteDependentEntities: true
createMissingRelatedEntities: true
enableMergeEntity: true
resources:
  - kind: work-item
    selector:
      query: '.fields."System.State" != "Closed"'
      wiql: "[System.WorkItemType] <> 'Epic'"
    port:
      entity:
        mappings:
          identifier: '.__projectId + "/" + (.id | tostring)'
          title: '.fields."System.Title"'
          blueprint: '"azureDevopsWorkItem"'
          properties:
            state: '.fields."System.State"'
  - kind: branch
    selector:
      query: '.name | startswith("feature/")'
    port:
      entity:
        mappings:
          identifier: '.__repository.id + "/" + .name'
          title: .name
          blueprint: '"azureDevopsBranch"'
          properties:
            commit: .objectId
`;

describe('a mapping file with selectors', () => {
  let stack: Stack;
  let env: Record<string, string>;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'receiver-gitops-')), 'port-app-config.yml');
    writeFileSync(file, MAPPING);
    env = { PORT_ADO_SYNC_MAPPING_FILE: file };
    stack = await startStack({ ado: { seed: 77 }, env });
    await stack.subscribe([
      { publisherId: 'tfs', eventType: 'workitem.updated' },
      { publisherId: 'tfs', eventType: 'git.push' },
    ]);
  });
  afterAll(async () => stack?.close());

  it('deletes what the selector stops selecting, adds what it starts selecting, and leaves what it does not own', async () => {
    const { ado, port } = stack.sims;
    const all = ado.model.projectList().flatMap((p) => ado.model.workItemsOf(p.id));
    const id = (item: { projectId: string; id: number }) => `${item.projectId}/${item.id}`;
    const open = all.filter((w) => w.state !== 'Closed' && w.type !== 'Epic');
    const [closing, stillOpen] = open;
    const closed = all.filter((w) => w.state === 'Closed' && w.type !== 'Epic');
    expect(closing && stillOpen && closed.length >= 2, 'the generated organization has open and closed items').toBe(true);
    const [reopening, foreign] = closed;
    expect(port.entity('azureDevopsWorkItem', id(closing!))).toBeDefined();
    expect(port.entity('azureDevopsWorkItem', id(reopening!))).toBeUndefined();
    // An entity someone created by hand in Port for a closed item: not the integration's to delete.
    port.seed.entities('azureDevopsWorkItem', [{ identifier: id(foreign!), title: 'kept by hand', properties: { state: 'Closed' } }]);
    const repo = ado.model.repositoriesOf(all[0]!.projectId).find(isActiveRepository) ?? [...ado.model.repositories.all()].find(isActiveRepository)!;

    ado.mutate.updateWorkItem(closing!.id, { state: 'Closed' });
    ado.mutate.updateWorkItem(stillOpen!.id, { title: 'Still selected' });
    ado.mutate.updateWorkItem(reopening!.id, { state: 'Active' });
    ado.mutate.updateWorkItem(foreign!.id, { title: 'Closed and foreign' });
    ado.mutate.push(repo.id, { branch: 'feature/mapped', files: { '/a.txt': 'a' } });
    ado.mutate.push(repo.id, { branch: 'unmapped', files: { '/b.txt': 'b' } });
    await stack.settle();
    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);

    expect(port.entity('azureDevopsWorkItem', id(closing!))).toBeUndefined();
    expect(port.entity('azureDevopsWorkItem', id(stillOpen!))?.title).toBe('Still selected');
    expect(port.entity('azureDevopsWorkItem', id(reopening!))?.properties.state).toBe('Active');
    expect(port.entity('azureDevopsWorkItem', id(foreign!))?.title).toBe('kept by hand');
    expect(port.entity('azureDevopsBranch', `${repo.id}/feature/mapped`)).toBeDefined();
    expect(port.entity('azureDevopsBranch', `${repo.id}/unmapped`)).toBeUndefined();

    // The sync with the same file agrees with every write the receiver made.
    const before = snapshot(stack.sims, ['azureDevopsWorkItem', 'azureDevopsBranch']);
    port.clearCalls();
    const sync = await fullSync(stack.sims, env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(entityWrites(stack.sims)).toEqual([]);
    expect(snapshot(stack.sims, ['azureDevopsWorkItem', 'azureDevopsBranch'])).toEqual(before);
  });

  it('leaves epics, which the WIQL condition keeps out, alone', async () => {
    const { ado, port } = stack.sims;
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const epic = ado.mutate.createWorkItem(project.id, { type: 'Epic', title: 'An epic' });
    const processed = stack.receiver.metrics.processed.total();
    port.clearCalls();
    ado.mutate.updateWorkItem(epic.id, { title: 'An epic, renamed' });
    await stack.settle();
    expect(stack.receiver.metrics.processed.total()).toBe(processed + 1);
    expect(port.entity('azureDevopsWorkItem', `${epic.projectId}/${epic.id}`)).toBeUndefined();
    expect(entityWrites(stack.sims)).toEqual([]);
  });
});
