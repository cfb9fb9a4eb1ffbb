import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { OrganizationModel } from '../../../sim/azure-devops/model/organization';
import { AnswerMemo } from '../../../sim/azure-devops/server/answer-memo';
import { get, send, type ListBody } from './helpers';

// Two simulators of the same organization: one replays answers, one makes every answer afresh.
let memo: AzureDevOpsSimulator;
let fresh: AzureDevOpsSimulator;

beforeAll(async () => {
  const options = { scale: 'small' as const, seed: 11, referenceTime: '2026-05-01T00:00:00Z', bearerTokens: [{ token: 'scoped', projects: [] as string[], name: 'scoped' }] };
  [memo, fresh] = await Promise.all([startAzureDevOpsSimulator({ ...options, memo: true }), startAzureDevOpsSimulator(options)]);
});
afterAll(async () => {
  await Promise.all([memo.close(), fresh.close()]);
});

/** The two simulators listen on different ports, and answers carry their URLs. */
const portless = (sim: AzureDevOpsSimulator, text: string) => text.replaceAll(`127.0.0.1:${sim.port}`, '127.0.0.1:PORT');
const replayed = () => memo.counters().replayed;
const firstProject = () => memo.model.projectList()[0]!;
const batch = (sim: AzureDevOpsSimulator, ids: number[]) =>
  get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids, fields: ['System.Title', 'System.State', 'System.AssignedTo'] } });

describe('answer memo (--memo)', () => {
  it('replays the same bytes a fresh simulator answers, with fresh per-request headers', async () => {
    const paths = ['/_apis/projects?api-version=7.1', `/${firstProject().id}/_apis/git/repositories?api-version=7.1`, `/${firstProject().id}/_apis/build/builds?api-version=7.1&$top=50`];
    for (const path of paths) {
      const before = replayed();
      const first = await get(memo, path);
      const again = await get(memo, path);
      const reference = await get(fresh, path);
      expect(first.status).toBe(200);
      expect(again.text).toBe(first.text);
      expect(portless(memo, again.text)).toBe(portless(fresh, reference.text));
      expect(again.header('content-type')).toBe(reference.header('content-type'));
      expect(again.header('x-ms-continuationtoken')).toBe(reference.header('x-ms-continuationtoken'));
      expect(again.header('activityid')).not.toBe(first.header('activityid'));
      expect(replayed()).toBe(before + 1);
    }
  });

  it('replays read-only POSTs by their body, and only for the same body', async () => {
    const ids = memo.model.workItemsOf(firstProject().id).slice(0, 5).map((w) => w.id);
    const before = replayed();
    const first = await batch(memo, ids);
    expect((await batch(memo, ids)).text).toBe(first.text);
    expect(portless(fresh, (await batch(fresh, ids)).text)).toBe(portless(memo, first.text));
    const other = await batch(memo, ids.slice(1));
    expect(other.json<ListBody>().count).toBe(4);
    expect(replayed()).toBe(before + 1);
  });

  it('answers afresh after any change to the organization, in a collection or in an overlay', async () => {
    const [id] = memo.model.workItemsOf(firstProject().id).slice(0, 1).map((w) => w.id);
    const title = (res: { json<T>(): T }) => res.json<ListBody<{ fields: Record<string, unknown> }>>().value[0]?.fields['System.Title'];
    await batch(memo, [id!]);
    memo.mutate.updateWorkItem(id!, { title: 'Renamed while memoized' });
    const before = replayed();
    expect(title(await batch(memo, [id!]))).toBe('Renamed while memoized');
    expect(replayed()).toBe(before);

    // A stage's state lives in the timeline overlay, outside the collections.
    const project = memo.model.projectList().find((p) => memo.model.pipelinesOf(p.id).length > 0)!;
    const run = memo.mutate.queueRun(memo.model.pipelinesOf(project.id)[0]!.id);
    const timeline = `/${project.id}/_apis/build/builds/${run.id}/timeline?api-version=7.1`;
    const stage = (memo.model.timeline(run.id) ?? []).find((r) => r.type === 'Stage')!;
    const stateOf = async () => (await get(memo, timeline)).json<{ records: { name: string; type: string; state: string }[] }>().records.find((r) => r.type === 'Stage' && r.name === stage.name)?.state;
    expect(await stateOf()).toBe(await stateOf());
    memo.mutate.setStageState(run.id, stage.name, 'inProgress');
    expect(await stateOf()).toBe('inProgress');
  });

  it('keeps answers per identity: a project-scoped token does not see a full token’s answer', async () => {
    const path = '/_apis/projects?api-version=7.1';
    const full = (await get(memo, path)).json<ListBody>();
    const scoped = (await get(memo, path, { bearer: 'scoped', pat: null })).json<ListBody>();
    expect(full.count).toBeGreaterThan(0);
    expect(scoped.count).toBe(0);
  });

  it('does not replay what reads the clock or the service hooks, nor answers under a fault', async () => {
    const project = firstProject();
    const before = replayed();
    for (const path of [`/${project.id}/_apis/work/teamsettings?api-version=7.1`, `/${project.id}/_apis/work/teamsettings/iterations?api-version=7.1`, '/_apis/hooks/subscriptions?api-version=7.1']) {
      expect((await get(memo, path)).status).toBe(200);
      expect((await get(memo, path)).status).toBe(200);
    }
    expect(replayed()).toBe(before);

    // A buggy service repeating the token the client sent: the fault's answer, not the memo's.
    const busiest = memo.model.projectList().reduce((a, b) => (memo.model.buildsOfProject(b.id).length > memo.model.buildsOfProject(a.id).length ? b : a));
    expect(memo.model.buildsOfProject(busiest.id).length).toBeGreaterThan(4);
    const path = `/${busiest.id}/_apis/build/builds?api-version=7.1&$top=2`;
    const token = (await get(memo, path)).header('x-ms-continuationtoken')!;
    const second = `${path}&continuationToken=${encodeURIComponent(token)}`;
    const honest = (await get(memo, second)).header('x-ms-continuationtoken');
    expect(honest).not.toBe(token);
    memo.faults.add({ kind: 'repeat-token', route: 'build.builds.list', times: 1 });
    expect((await get(memo, second)).header('x-ms-continuationtoken')).toBe(token);
    expect((await get(memo, second)).header('x-ms-continuationtoken')).toBe(honest);
  });

  it('counts replayed answers as requests, bytes and replays, and reports what it keeps in /_sim/state', async () => {
    const path = '/_apis/projects?api-version=7.1';
    await get(memo, path);
    memo.resetCounters();
    const answer = await get(memo, path);
    const counters = memo.counters();
    expect(counters.requests).toBe(1);
    expect(counters.replayed).toBe(1);
    expect(counters.byRoute['core.projects.list']).toBe(1);
    expect(counters.bytesByRoute['core.projects.list']).toBe(Buffer.byteLength(answer.text));
    const state = (await send(memo, '/_sim/state', { pat: null })).json<{ memo: { answers: number; bytes: number } }>();
    expect(state.memo.answers).toBeGreaterThan(0);
    expect(state.memo.bytes).toBeGreaterThan(Buffer.byteLength(answer.text) - 1);
    expect((await send(fresh, '/_sim/state', { pat: null })).json<{ memo: unknown }>().memo).toBeNull();
  });

  it('starts over when the simulator is reset', async () => {
    await get(memo, '/_apis/projects?api-version=7.1');
    memo.reset();
    await get(memo, '/_apis/projects?api-version=7.1');
    expect(memo.memoStats()?.answers).toBe(1);
  });
});

describe('AnswerMemo', () => {
  const org = new OrganizationModel({ org: 'memo-org', seed: 1, scale: 'tiny' });
  const answer = (bytes: number) => ({ status: 200, payload: Buffer.alloc(bytes, 'a'), contentType: 'application/json', headers: {} });

  it('keeps answers up to its byte limit and drops none it kept', () => {
    const memo = new AnswerMemo(100);
    memo.keep(org, org.version, 'a', answer(60));
    memo.keep(org, org.version, 'b', answer(60));
    memo.keep(org, org.version, 'c', answer(40));
    expect(memo.get(org, 'a')?.payload.length).toBe(60);
    expect(memo.get(org, 'b')).toBeUndefined();
    expect(memo.get(org, 'c')?.payload.length).toBe(40);
    expect(memo.stats()).toEqual({ answers: 2, bytes: 100 });
  });

  it('keeps nothing, and fails nothing, when its arena cannot be had', () => {
    const memo = new AnswerMemo(Number.MAX_SAFE_INTEGER);
    memo.keep(org, org.version, 'a', answer(10));
    expect(memo.get(org, 'a')).toBeUndefined();
    expect(memo.stats()).toEqual({ answers: 0, bytes: 0 });
  });

  it('does not keep an answer made before a change it did not see', () => {
    const memo = new AnswerMemo();
    const version = org.version;
    memo.get(org, 'x');
    org.putReleaseDeployment({ ...org.releaseDeploymentsOfProject(org.projectList()[0]!.id)[0]! });
    memo.keep(org, version, 'x', answer(10));
    expect(memo.get(org, 'x')).toBeUndefined();
    expect(org.version).toBeGreaterThan(version);
  });
});
