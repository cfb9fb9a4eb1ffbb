/**
 * How the sync's writes to Port count what Port does not take: a failed unchanged-check search, a
 * bulk request that fails as a whole, a throttled bulk request, bulk errors named 'unknown', and
 * entities refused for a relation target not written yet (createMissingRelatedEntities off). Real
 * requests against the Port simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../core/http/transport';
import type { MappedEntity } from '../../core/mapping/entity-mapper';
import { PortClient, type PortRetryPolicy } from '../../core/port/client';
import { EntityApi } from '../../core/port/entities';
import { OwnedEntities } from '../../core/sync/owned-entities';
import { ProducedEntities } from '../../core/sync/produced';
import { MemoryReporter } from '../../core/sync/reporter';
import { ResourceStats, type RunResult } from '../../core/sync/stats';
import { renderText } from '../../core/sync/summary';
import { resendUnmetDependencies } from '../../core/sync/unmet-dependencies';
import { WritePipeline, type PlanCounts } from '../../core/sync/write-pipeline';
import { startPortSimulator, type PortSimulator } from '../../sim/port';

const DATASOURCE = { prefix: 'port-ocean/azure-devops/', suffix: '/test/exporter' };
const SINGLE = /^\/v1\/blueprints\/bp\/entities$/;
const FAST: PortRetryPolicy = { maxAttempts: 3, baseDelaySeconds: 0.005, maxDelaySeconds: 0.01 };

let sim: PortSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(options: { createMissingRelatedEntities?: boolean; retry?: PortRetryPolicy } = {}) {
  sim = await startPortSimulator({ clientId: 'id', clientSecret: 'secret' });
  sim.seed.blueprints([
    { identifier: 'proj', title: 'Project', schema: { properties: {} } },
    {
      identifier: 'bp',
      title: 'Thing',
      schema: { properties: { a: { type: 'number' } } },
      relations: { project: { target: 'proj', many: false, required: false }, parent: { target: 'bp', many: false, required: false } },
    },
  ]);
  const client = new PortClient({
    baseUrl: sim.baseUrl,
    credentials: { clientId: 'id', clientSecret: 'secret' },
    transport: createHttpTransport({ timeoutSeconds: 10 }, {}),
    userAgent: 'port-ocean/azure-devops/0.0.0/test/exporter',
    retry: options.retry ?? FAST,
  });
  const api = new EntityApi(client, { merge: true, createMissingRelatedEntities: options.createMissingRelatedEntities ?? true });
  return { sim, client, api };
}

function pipeline(api: EntityApi, mode: 'sync' | 'plan' = 'sync') {
  const stats = new ResourceStats(0, 'thing');
  const plan = new Map<string, PlanCounts>();
  const writes = new WritePipeline({ entities: api, owned: Promise.resolve(undefined), datasource: DATASOURCE, mode, merge: true, plan, produced: new ProducedEntities(), stats, maxInFlight: 8 });
  return { writes, stats, plan };
}

const things = (count: number, extra: Partial<MappedEntity> = {}): MappedEntity[] =>
  Array.from({ length: count }, (_, i) => ({ identifier: `t${i}`, blueprint: 'bp', title: `T${i}`, properties: { a: i }, ...extra }));

describe('WritePipeline: the unchanged check', () => {
  it('writes every entity of a chunk whose search failed, as Ocean does, and says why', async () => {
    const { sim, api } = await setup();
    sim.injectFault({ method: 'POST', path: '/v1/entities/search', status: 503 });
    const { writes, stats } = pipeline(api);
    writes.add(things(50));
    await writes.flush();
    expect(sim.entities('bp')).toHaveLength(50);
    expect(stats).toMatchObject({ upserted: 50, failed: 0, unchanged: 0, error: undefined, uncheckedWrites: 50 });
    expect(stats.checkError).toMatch(/HTTP 503/);
    expect(stats.ok).toBe(true);
  });

  it('counts the entities the owned listing has as rewritten, for the deletion threshold', async () => {
    const { sim, api } = await setup();
    sim.injectFault({ method: 'POST', path: '/v1/entities/search', status: 503 });
    const owned = new OwnedEntities();
    for (let i = 0; i < 30; i++) owned.add('bp', `t${i}`);
    const produced = new ProducedEntities();
    const stats = new ResourceStats(0, 'thing');
    const writes = new WritePipeline({ entities: api, owned: Promise.resolve(owned), datasource: DATASOURCE, mode: 'sync', merge: true, plan: new Map(), produced, stats, maxInFlight: 8 });
    await Promise.resolve();
    writes.add(things(50));
    await writes.flush();
    expect(stats.upserted).toBe(50);
    // 30 searched and rewritten; the 20 Port cannot hold were written without a search.
    expect(stats.uncheckedWrites).toBe(30);
    expect(produced.rewrittenCount()).toBe(30);
  });

  it('fails a plan whose search failed (it cannot say what would change)', async () => {
    const { sim, api } = await setup();
    sim.injectFault({ method: 'POST', path: '/v1/entities/search', status: 503 });
    const { writes, stats, plan } = pipeline(api, 'plan');
    writes.add(things(50));
    await writes.flush();
    expect(stats.error).toMatch(/HTTP 503/);
    expect(plan.get('bp')?.create ?? 0).toBe(0);
    expect(sim.calls({ method: 'POST', path: '/v1/blueprints/bp/entities/bulk' })).toHaveLength(0);
  });
});

describe('WritePipeline: a bulk request that fails as a whole', () => {
  it('counts every entity of it as failed, names them, and keeps the error', async () => {
    const { sim, api } = await setup();
    sim.injectFault({ method: 'POST', path: '/v1/blueprints/bp/entities/bulk', status: 502 });
    const { writes, stats } = pipeline(api);
    writes.add(things(60));
    await writes.flush();
    expect(stats.upserted).toBe(0);
    expect(stats.failed).toBe(60);
    expect(stats.failures).toHaveLength(20);
    expect(new Set(stats.failures.map((f) => f.identifier)).size).toBe(20);
    for (const failure of stats.failures) {
      expect(failure.identifier).toMatch(/^t\d+$/);
      expect(failure.message).toMatch(/HTTP 502/);
    }
    expect(stats.error).toMatch(/^writing to Port failed: .*HTTP 502/);
  });
});

describe('EntityApi.upsertBatch', () => {
  it('retries a throttled bulk request as a bulk request, never entity by entity', async () => {
    const { sim, api } = await setup({ retry: { ...FAST, maxAttempts: 2 } });
    sim.injectFault({ method: 'POST', path: '/v1/blueprints/bp/entities/bulk', status: 429, retryAfterSeconds: 0 });
    await expect(api.upsertBatch('bp', things(20))).rejects.toThrow(/HTTP 429/);
    expect(sim.calls({ method: 'POST', path: SINGLE })).toHaveLength(0);
    expect(sim.calls({ method: 'POST', path: '/v1/blueprints/bp/entities/bulk' })).toHaveLength(2);
  });

  it('does not fall back to the single endpoint for a throttled batch of one either', async () => {
    const { sim, api } = await setup({ retry: { ...FAST, maxAttempts: 2 } });
    sim.injectFault({ method: 'POST', path: '/v1/blueprints/bp/entities/bulk', status: 429, retryAfterSeconds: 0 });
    await expect(api.upsertBatch('bp', things(1))).rejects.toThrow(/HTTP 429/);
    expect(sim.calls({ method: 'POST', path: SINGLE })).toHaveLength(0);
  });

  it('reports an entity whose own identifier is "unknown" when Port refuses it', async () => {
    const { api } = await setup();
    const outcome = await api.upsertBatch('bp', [
      { identifier: 'unknown', blueprint: 'bp', properties: { a: 'not a number' } },
      { identifier: 'fine', blueprint: 'bp', properties: { a: 1 } },
    ]);
    expect(outcome.upserted).toBe(1);
    expect(outcome.failed).toEqual([expect.objectContaining({ identifier: 'unknown', message: expect.stringMatching(/must be of type number/) as string })]);
  });

  it('ignores the "unknown" error of a search identifier that matched nothing', async () => {
    const { api } = await setup();
    const outcome = await api.upsertBatch('bp', [
      { identifier: { combinator: 'and', rules: [{ property: '$title', operator: '=', value: 'nobody' }] }, blueprint: 'bp', properties: { a: 1 } },
      { identifier: 'fine', blueprint: 'bp', properties: { a: 1 } },
    ]);
    expect(outcome.upserted).toBe(1);
    expect(outcome.failed).toEqual([]);
  });
});

describe('PortClient: throttling', () => {
  it('waits at least a second after a 429 whose rate-limit reset has already passed on the agent clock', async () => {
    const { sim, client } = await setup({ retry: { maxAttempts: 8, baseDelaySeconds: 0.005, maxDelaySeconds: 0.01 } });
    await client.authenticate();
    sim.injectFault({ method: 'POST', path: '/v1/entities/search', status: 429, rateLimitResetSeconds: 0, times: 2 });
    const started = Date.now();
    await client.request({ method: 'POST', path: '/v1/entities/search', body: { combinator: 'and', rules: [] }, retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(sim.calls({ path: '/v1/entities/search' })).toHaveLength(3);
    expect(client.metrics.throttled.milliseconds).toBeGreaterThanOrEqual(1_900);
  });

  it('does not count backoff after a 5xx as Port throttling', async () => {
    const { sim, client } = await setup();
    await client.authenticate();
    sim.injectFault({ method: 'POST', path: '/v1/entities/search', status: 503, times: 1 });
    await client.request({ method: 'POST', path: '/v1/entities/search', body: { combinator: 'and', rules: [] }, retryable: true });
    expect(client.metrics.throttled.milliseconds).toBe(0);
  });
});

describe('entities refused for a relation target not written yet (createMissingRelatedEntities off)', () => {
  it('are not failed at first, and are written when sent again after their targets', async () => {
    const { sim, api } = await setup({ createMissingRelatedEntities: false });
    const first = pipeline(api);
    first.writes.add(things(3, { relations: { project: 'p1' } }));
    await first.writes.flush();
    expect(sim.entities('bp')).toHaveLength(0);
    expect(first.stats).toMatchObject({ upserted: 0, failed: 0 });
    expect(first.stats.unmetDependencies).toHaveLength(3);
    expect(first.stats.ok, 'not ok until they are sent again (an incremental cursor must not move past them)').toBe(false);

    // A later resource writes the target.
    const projects = new ResourceStats(1, 'project');
    const second = new WritePipeline({ entities: api, owned: Promise.resolve(undefined), datasource: DATASOURCE, mode: 'sync', merge: true, plan: new Map(), produced: new ProducedEntities(), stats: projects, maxInFlight: 8 });
    second.add([{ identifier: 'p1', blueprint: 'proj', title: 'P1' }]);
    await second.flush();

    const reporter = new MemoryReporter();
    await resendUnmetDependencies([first.stats, projects], { entities: api, reporter });
    expect(sim.entities('bp')).toHaveLength(3);
    expect(first.stats).toMatchObject({ upserted: 3, failed: 0 });
    expect(first.stats.unmetDependencies).toHaveLength(0);
    expect(first.stats.ok).toBe(true);
    expect(reporter.lines.map((l) => l.message).join('\n')).toContain('3 written, 0 still failed');
    // One by one, through the single-entity endpoint, as Ocean does.
    expect(sim.calls({ method: 'POST', path: SINGLE }).filter((c) => c.status < 300)).toHaveLength(3);
  });

  it('counts as failed, with the reason, only what still fails after every pass', async () => {
    const { sim, api } = await setup({ createMissingRelatedEntities: false });
    const { writes, stats } = pipeline(api);
    writes.add([
      { identifier: 'orphan', blueprint: 'bp', relations: { project: 'nowhere' } },
      // A chain within one blueprint: c needs b, b needs a, a needs the project written below.
      { identifier: 'c', blueprint: 'bp', relations: { parent: 'b' } },
      { identifier: 'b', blueprint: 'bp', relations: { parent: 'a' } },
      { identifier: 'a', blueprint: 'bp', relations: { project: 'p1' } },
    ]);
    await writes.flush();
    expect(stats.unmetDependencies).toHaveLength(4);
    sim.seed.entities('proj', [{ identifier: 'p1' }]);

    const reporter = new MemoryReporter();
    await resendUnmetDependencies([stats], { entities: api, reporter });
    expect(sim.entities('bp').map((e) => e.identifier).sort()).toEqual(['a', 'b', 'c']);
    expect(stats).toMatchObject({ upserted: 3, failed: 1 });
    expect(stats.failures).toEqual([{ identifier: 'orphan', message: expect.stringMatching(/HTTP 404 not_found/) as string }]);
    expect(stats.ok).toBe(false);
    expect(reporter.lines.some((l) => l.level === 'warn' && l.message.includes('3 written, 1 still failed'))).toBe(true);
  });

  it('sends the targets blueprint first when both sides were refused', async () => {
    const { sim, api } = await setup({ createMissingRelatedEntities: false });
    // Only the targets' own target is missing at first.
    sim.seed.blueprint({ identifier: 'org', title: 'Org', schema: { properties: {} } });
    sim.seed.blueprint({ identifier: 'proj', title: 'Project', schema: { properties: {} }, relations: { org: { target: 'org', many: false, required: false } } });
    const children = pipeline(api);
    children.writes.add(things(4, { relations: { project: 'p1' } }));
    await children.writes.flush();
    const projects = new ResourceStats(1, 'project');
    const second = new WritePipeline({ entities: api, owned: Promise.resolve(undefined), datasource: DATASOURCE, mode: 'sync', merge: true, plan: new Map(), produced: new ProducedEntities(), stats: projects, maxInFlight: 8 });
    second.add([{ identifier: 'p1', blueprint: 'proj', relations: { org: 'o1' } }]);
    await second.flush();
    expect(projects.unmetDependencies).toHaveLength(1);
    sim.seed.entities('org', [{ identifier: 'o1' }]);
    const before = sim.calls({ method: 'POST' }).length;

    await resendUnmetDependencies([children.stats, projects], { entities: api, relationTargets: async (bp): Promise<Record<string, string>> => (bp === 'bp' ? { project: 'proj', parent: 'bp' } : { org: 'org' }), reporter: new MemoryReporter() });
    expect(sim.entities('bp')).toHaveLength(4);
    expect(projects.upserted).toBe(1);
    // One pass: the project first, then its four children, no request refused.
    expect(sim.calls({ method: 'POST' }).slice(before).map((c) => [c.path, c.status])).toEqual([
      ['/v1/blueprints/proj/entities', 201],
      ...Array.from({ length: 4 }, () => ['/v1/blueprints/bp/entities', 201]),
    ]);
  });
});

describe('run summary', () => {
  const result = (portThrottledSeconds?: number): RunResult => ({
    status: 'success',
    mode: 'sync',
    resources: [],
    deletions: { skipped: undefined, blueprints: [], owned: 0, guardTripped: false },
    seconds: 3,
    adoRequests: 10,
    portRequests: 5,
    throttledSeconds: 1.2,
    ...(portThrottledSeconds === undefined ? {} : { portThrottledSeconds }),
    problems: [],
    integrationUrl: undefined,
    plan: [],
  });

  it("shows Port's throttling apart from Azure DevOps' when Port throttled", () => {
    expect(renderText(result(2.5))).toContain('1.2 s throttled by Azure DevOps, 2.5 s by Port.');
    expect(renderText(result(0))).toContain('5 Port requests, 1.2 s throttled.');
  });
});
