import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository } from '../../sim/azure-devops';
import { startStack, type Stack } from './harness';

/**
 * An event is a hint, never the truth: what the receiver writes and deletes comes from its own
 * reads of Azure DevOps. A payload naming the wrong project (stale, or forged by anyone who can
 * reach the endpoint) must not delete what is live; a project renamed a moment ago must not make
 * a live work item look gone; a push must write the repository as it is now, not as a cached
 * listing last saw it.
 */
const BOGUS_PROJECT = '00000000-0000-0000-0000-00000000dead';
const ZERO = '0'.repeat(40);

type Payload = Record<string, unknown> & { resource: Record<string, unknown> };
let copies = 0;

/** A copy of a delivered payload under a new event id, changed as a stale or forged one would be. */
function copyOf(payload: unknown, change: (body: Payload) => void): Payload {
  const body = structuredClone(payload) as Payload;
  body.id = `copy-${++copies}`;
  change(body);
  return body;
}

function lastDelivery(stack: Stack, eventType: string): Payload {
  const delivery = stack.sims.ado.hooks.deliveries().filter((d) => d.eventType === eventType).at(-1);
  expect(delivery, `a ${eventType} delivery`).toBeDefined();
  return delivery!.payload as Payload;
}

async function send(stack: Stack, body: Payload): Promise<void> {
  const answer = await stack.post(body);
  expect(answer.json.status, answer.text).toBe('accepted');
  await stack.receiver.idle();
}

describe('git events re-read what they are about', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ syncKinds: ['project', 'repository', 'branch', 'pull-request'] });
    await stack.subscribe([
      { publisherId: 'tfs', eventType: 'git.push' },
      { publisherId: 'tfs', eventType: 'git.pullrequest.created' },
      { publisherId: 'tfs', eventType: 'git.pullrequest.updated' },
    ]);
  });
  afterAll(async () => stack?.close());

  const healthyRepositories = (stack: Stack) => {
    const { ado } = stack.sims;
    return ado.model
      .projectList()
      .filter((p) => p.state === 'wellFormed')
      .flatMap((p) => ado.model.repositoriesOf(p.id))
      .filter(isActiveRepository);
  };

  it('keeps a live repository, its branches and pull requests when a payload names a project they are not in', async () => {
    const { ado, port } = stack.sims;
    const repo = healthyRepositories(stack)[0]!;
    const otherProject = ado.model.projectList().find((p) => p.state === 'wellFormed' && p.id !== repo.projectId)!;
    expect(otherProject, 'a second project in scope').toBeDefined();
    ado.mutate.push(repo.id, { branch: 'feature/kept', files: { '/kept.txt': 'kept' } });
    const pr = ado.mutate.createPullRequest(repo.id, { title: 'Kept PR', sourceRefName: 'refs/heads/feature/kept' });
    ado.mutate.updatePullRequest(pr.id, { title: 'Kept PR, updated' });
    await stack.settle();
    const branchId = `${repo.id}/feature/kept`;
    const prId = `${repo.id}/${pr.id}`;
    expect(port.entity('azureDevopsRepository', repo.id)).toBeDefined();
    expect(port.entity('azureDevopsBranch', branchId)).toBeDefined();
    expect(port.entity('azureDevopsPullRequest', prId)?.title).toBe('Kept PR, updated');
    const push = lastDelivery(stack, 'git.push');
    const prUpdated = lastDelivery(stack, 'git.pullrequest.updated');
    const processed = stack.receiver.metrics.processed.total();

    const inProject = (projectId: string) => (body: Payload) => {
      body.resourceContainers = { project: { id: projectId } };
      const repository = (body.resource.repository as Record<string, unknown>) ?? {};
      repository.project = { id: projectId };
    };
    const forged: Payload[] = [
      // A repository "created" in a project that does not exist, and in another, real, project.
      ...[BOGUS_PROJECT, otherProject.id].map((projectId) => ({ id: `copy-${++copies}`, eventType: 'git.repo.created', publisherId: 'tfs', resource: { repository: { id: repo.id } }, resourceContainers: { project: { id: projectId } } })),
      // A push that claims to delete the branch, and to move the default branch, under a bogus project.
      copyOf(push, (body) => {
        inProject(BOGUS_PROJECT)(body);
        body.resource.refUpdates = [
          { name: 'refs/heads/feature/kept', oldObjectId: 'a'.repeat(40), newObjectId: ZERO },
          { name: repo.defaultBranch, oldObjectId: 'b'.repeat(40), newObjectId: 'c'.repeat(40) },
        ];
      }),
      copyOf(push, inProject(otherProject.id)),
      // The pull request under a bogus project, under another project, and with a source branch it does not have.
      copyOf(prUpdated, inProject(BOGUS_PROJECT)),
      copyOf(prUpdated, inProject(otherProject.id)),
      copyOf(prUpdated, (body) => {
        body.resource.sourceRefName = 'refs/heads/not-its-branch';
      }),
    ];
    for (const body of forged) await send(stack, body);

    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);
    expect(stack.receiver.metrics.processed.total()).toBe(processed + forged.length);
    expect(stack.receiver.metrics.deleted.total(), stack.logs.join('')).toBe(0);
    expect(port.entity('azureDevopsRepository', repo.id)).toBeDefined();
    expect(port.entity('azureDevopsBranch', branchId)?.properties.commit).toBe(ado.model.branchesOf(repo.id).find((b) => b.name === 'refs/heads/feature/kept')?.objectId);
    expect(port.entity('azureDevopsPullRequest', prId)?.title).toBe('Kept PR, updated');
  });

  it('deletes a repository Azure DevOps answers 404 for, whatever project the payload names', async () => {
    const { ado, port } = stack.sims;
    const repo = healthyRepositories(stack).find((r) => port.entities('azureDevopsBranch').some((b) => b.identifier.startsWith(`${r.id}/`)) && port.entity('azureDevopsRepository', r.id))!;
    ado.mutate.push(repo.id, { files: { '/last.txt': 'last' } });
    await stack.settle();
    const push = lastDelivery(stack, 'git.push');
    ado.mutate.deleteRepository(repo.id);
    // A late push to it, naming a project that does not exist: the repository's own read says it is gone.
    await send(
      stack,
      copyOf(push, (body) => {
        body.resourceContainers = { project: { id: BOGUS_PROJECT } };
      }),
    );
    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);
    expect(port.entity('azureDevopsRepository', repo.id)).toBeUndefined();
    expect(port.entities('azureDevopsBranch').filter((b) => b.identifier.startsWith(`${repo.id}/`))).toEqual([]);
  });

  it('writes the repository as it is now on a push, not as the cached listing saw it', async () => {
    const { ado, port } = stack.sims;
    const repo = healthyRepositories(stack).find((r) => port.entity('azureDevopsRepository', r.id))!;
    // The first push loads the parent listings into the receiver's cache.
    ado.mutate.push(repo.id, { files: { '/one.txt': 'one' } });
    await stack.settle();
    expect(port.entity('azureDevopsRepository', repo.id)?.properties.sizeBytes).toBe(ado.model.repositories.get(repo.id)!.size);
    // A size change raises no event; the next push must not write the cached, older size.
    ado.mutate.updateRepository(repo.id, { size: 987_654 });
    ado.mutate.push(repo.id, { files: { '/two.txt': 'two' } });
    await stack.settle();
    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);
    expect(port.entity('azureDevopsRepository', repo.id)?.properties.sizeBytes).toBe(987_654);
  });
});

describe('work item events after a project rename', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ syncKinds: ['project', 'work-item'] });
    await stack.subscribe([
      { publisherId: 'tfs', eventType: 'workitem.updated' },
      { publisherId: 'tfs', eventType: 'workitem.deleted' },
    ]);
  });
  afterAll(async () => stack?.close());

  it('updates a live work item of a project renamed within the parent cache, and still applies a deletion', async () => {
    const { ado, port } = stack.sims;
    const project = ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const [warm, renamed, deleted] = ado.model.workItemsOf(project.id);
    const id = (item: { id: number }) => `${project.id}/${item.id}`;
    // The first event loads the projects listing (old name) into the receiver's cache.
    ado.mutate.updateWorkItem(warm!.id, { title: 'Warms the cache' });
    await stack.settle();
    expect(port.entity('azureDevopsWorkItem', id(warm!))?.title).toBe('Warms the cache');

    ado.mutate.updateProject(project.id, { name: `${project.name} renamed` });
    ado.mutate.updateWorkItem(renamed!.id, { title: 'After the rename' });
    await stack.settle();
    expect(stack.receiver.metrics.failed.total(), stack.logs.join('')).toBe(0);
    expect(stack.receiver.metrics.deleted.total(), stack.logs.join('')).toBe(0);
    expect(port.entity('azureDevopsWorkItem', id(renamed!))?.title).toBe('After the rename');

    ado.mutate.deleteWorkItem(deleted!.id);
    await stack.settle();
    expect(port.entity('azureDevopsWorkItem', id(deleted!))).toBeUndefined();
    expect(port.entity('azureDevopsWorkItem', id(renamed!))).toBeDefined();
  });
});
