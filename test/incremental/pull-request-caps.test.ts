import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { catalogOf, cursorReportOf, OceanCursorClient, sync } from './harness';

const KINDS = ['--kinds', 'project,repository,pull-request'];

describe('pull requests in an incremental run', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 27 } });
  });
  afterAll(async () => sims.close());

  it('caps completed and abandoned ones apart (maxResults each), as the full listing does, though one listing reads both', async () => {
    expect((await sync(sims, KINDS)).code).toBe(0);
    await new OceanCursorClient(sims.port.baseUrl).editMapping((resources) => {
      const pullRequests = resources.find((r) => r.kind === 'pull-request');
      if (pullRequests) pullRequests.selector = { ...pullRequests.selector, maxResults: 2 };
    });
    const model = sims.ado.model;
    const repository = model
      .projectList()
      .filter((p) => p.state === 'wellFormed')
      .flatMap((p) => model.repositoriesOf(p.id))
      .find((r) => !r.isDisabled && model.branchesOf(r.id).length > 0)!;
    const branch = model.branchesOf(repository.id)[0]!;
    const opened = [1, 2, 3, 4].map((n) => sims.ado.mutate.createPullRequest(repository.id, { title: `closed by the test ${n}`, sourceRefName: branch.name }));
    expect((await sync(sims, KINDS)).code).toBe(0);

    const closedAs = ['completed', 'completed', 'abandoned', 'abandoned'] as const;
    opened.forEach((pr, i) => sims.ado.mutate.updatePullRequest(pr.id, { status: closedAs[i] }));
    const incremental = await sync(sims, [...KINDS, '--incremental']);
    expect(incremental.code, incremental.stderr).toBe(0);
    expect(cursorReportOf(incremental, 'pull-request')).toMatchObject({ listing: 'changes', advanced: true });
    const stored = catalogOf(sims.port).get('azureDevopsPullRequest');
    expect(opened.map((pr) => stored?.get(`${repository.id}/${pr.id}`)?.properties['status'])).toEqual([...closedAs]);
  });
});
