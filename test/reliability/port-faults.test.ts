/**
 * The Port half of the fault matrix: throttling, server errors, dropped connections, a bulk write
 * too large, one entity Port refuses, and the access token expiring in the middle of the run.
 * Same promises as on the Azure DevOps side: nothing that still exists in Azure DevOps leaves
 * Port, a run with errors deletes nothing, and the next clean run converges.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../sim/port';
import type { CliRun, Simulators } from '../support/simulators';
import {
  deleteSomeObjects,
  expectConverged,
  expectNothingDeleted,
  expectNothingExistingDeleted,
  oracleMapping,
  portRouteCount,
  snapshot,
  sync,
  when,
  type PortSnapshot, startConverged } from './harness';

const SEARCH = 'POST /v1/entities/search';
const SINGLE = 'POST /v1/blueprints/:blueprint/entities';
const TOKEN = 'POST /v1/auth/access_token';

let sims: Simulators;
const MAPPING = ['--mapping', oracleMapping()];

beforeAll(async () => {
  // Enough work items that every case still has some to rename after the earlier cases deleted theirs.
  sims = await startConverged({ seed: 31, scale: { base: 'tiny', workItems: 60 } });
});
afterAll(async () => sims?.close());
beforeEach(() => sims.port.clearFaults());

/** Renames every work item, so the run has writes to make for one blueprint at least. */
function renameWorkItems(tag: string): void {
  for (const project of sims.ado.model.projectList()) {
    for (const item of sims.ado.model.workItemsOf(project.id)) sims.ado.mutate.updateWorkItem(item.id, { title: `${item.title.replace(/ \[.*\]$/, '')} [${tag}]` });
  }
}

async function portFaultCase(options: {
  faults?: FaultRule[];
  during?: () => { fired: () => boolean; cancel: () => void };
  /** Runs before the faulty run (after the stale objects were made); returns an undo for the clean run. */
  setup?: () => (() => void) | void;
  outcome: 'recovers' | 'fails';
  check?: (run: CliRun, before: PortSnapshot) => void;
}): Promise<void> {
  deleteSomeObjects(sims);
  renameWorkItems(String(Date.now()));
  const undo = options.setup?.();
  const before = snapshot(sims);
  sims.port.clearCalls();
  for (const rule of options.faults ?? []) sims.port.injectFault(rule);
  const trigger = options.during?.();
  let run: CliRun;
  try {
    run = await sync(sims, MAPPING);
  } finally {
    trigger?.cancel();
  }
  const fired = sims.port.faults().reduce((n, f) => n + f.fired, 0);
  sims.port.clearFaults();
  if (options.faults?.length) expect(fired, 'the fault was exercised').toBeGreaterThan(0);
  if (trigger) expect(trigger.fired(), 'the mid-run event happened').toBe(true);

  expectNothingExistingDeleted(sims, before);
  if (options.outcome === 'recovers') {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expectConverged(sims);
  } else {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    expectNothingDeleted(sims, before);
  }
  options.check?.(run, before);

  undo?.();
  const clean = await sync(sims, MAPPING);
  expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
  expectConverged(sims);
}

describe('Port faults', () => {
  it('429 with Retry-After on bulk writes: waits, retries, the run is exact', async () => {
    await portFaultCase({
      faults: [{ method: 'POST', path: '/v1/blueprints/*/entities/bulk', status: 429, retryAfterSeconds: 1, times: 3 }],
      outcome: 'recovers',
      check: () => expect(sims.port.counters().rateLimited).toBe(3),
    });
  });

  it('429 that never ends on entity searches: the unchanged check is skipped, everything is written, the run is exact', async () => {
    await portFaultCase({
      // Every search throttled on every attempt: the check is only a saving, as in Ocean (§2.8).
      faults: [{ method: 'POST', path: '/v1/entities/search', status: 429, retryAfterSeconds: 0, everyNth: 1 }],
      outcome: 'recovers',
      check: (run) => {
        expect(run.stderr).toMatch(/work-item #\d+: comparing with what Port holds failed \(.*HTTP 429.*\); \d+ entities were written without the check/);
        expect(run.stdout, "Port's throttling in the headline").toMatch(/s throttled by Azure DevOps, [\d.]+ s by Port\./);
      },
    });
  });

  it('5xx that pass (HTML gateway pages and JSON errors): retried, the run is exact', async () => {
    await portFaultCase({
      faults: [
        { method: 'POST', path: '/v1/blueprints/*/entities/bulk', status: 502, times: 2 },
        { method: 'POST', path: '/v1/entities/search', status: 500, times: 2 },
        { method: 'POST', path: '/v1/blueprints/entities/datasource-entities', status: 503, times: 1 },
      ],
      outcome: 'recovers',
    });
  });

  it('5xx that last on one blueprint: that resource fails, nothing is deleted', async () => {
    await portFaultCase({
      faults: [{ method: 'POST', path: '/v1/blueprints/azureDevopsWorkItem/entities/bulk', status: 503 }],
      outcome: 'fails',
      check: (run) => {
        expect(run.stdout).toMatch(/work-item #\d+: writing to Port failed: .*HTTP 503/);
        // Every work item of the failed requests is counted and named, not only the first error.
        const row = /^work-item #\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(run.stdout);
        expect(row, run.stdout).not.toBeNull();
        expect(Number(row![4]), 'failed work items').toBeGreaterThan(0);
        expect(run.stdout).toMatch(/work-item #\d+: [^:\s]+\/\d+: Port POST \/v1\/blueprints\/azureDevopsWorkItem\/entities\/bulk failed with HTTP 503/);
      },
    });
  });

  it('5xx that last on the listing of owned entities: reconciliation is skipped and said so, the summary is still printed', async () => {
    await portFaultCase({
      faults: [{ method: 'POST', path: '/v1/blueprints/entities/datasource-entities', status: 503 }],
      outcome: 'fails',
      check: (run) => {
        expect(run.stdout, 'the per-resource summary').toMatch(/work-item #\d+\s+\d+\s+\d+/);
        expect(run.stdout).toMatch(/Deletions were skipped: the entities this integration owns in Port could not be listed .*HTTP 503/);
        expect(sims.port.integration('my-azure-devops-integration')?.records.resyncStateHistory.at(-1)).toMatchObject({ status: 'failed' });
      },
    });
  });

  it('a delete Port applied but whose answer was lost: retried, and what it deleted is counted', async () => {
    await portFaultCase({
      faults: [{ method: 'POST', path: '/v1/blueprints/*/bulk/entities/delete', status: 504, applied: true, times: 1 }],
      outcome: 'recovers',
      check: (run, before) => {
        const after = snapshot(sims);
        const gone = [...before].map(([blueprint, ids]) => [blueprint, [...ids].filter((id) => !after.get(blueprint)?.has(id)).length] as const).filter(([, n]) => n > 0);
        expect(gone.length, 'stale entities were deleted').toBeGreaterThan(0);
        // Each blueprint's deletion line counts what left Port, the request Port applied first included.
        for (const [blueprint, n] of gone) expect(run.stdout).toContain(`${blueprint}: ${n} deleted`);
      },
    });
  });

  it('dropped connections on writes: retried, the run is exact', async () => {
    await portFaultCase({ faults: [{ method: 'POST', path: '/v1/blueprints/*/entities/bulk', resetConnection: true, times: 2 }], outcome: 'recovers' });
  });

  it('413 on a bulk write: the batch is sent entity by entity, the run is exact', async () => {
    await portFaultCase({
      faults: [{ method: 'POST', path: '/v1/blueprints/azureDevopsWorkItem/entities/bulk', status: 413, times: 1 }],
      outcome: 'recovers',
      check: () => expect(portRouteCount(sims, SINGLE)).toBeGreaterThan(0),
    });
  });

  it('422 for one entity of a batch: the others are written, that one is named, nothing is deleted', async () => {
    let identifier = '';
    await portFaultCase({
      setup: () => {
        // Port refuses a state its blueprint does not list; the other work items in the same batch are fine.
        const original = sims.port.blueprint('azureDevopsWorkItem')!;
        const states = [...new Set(sims.port.entities('azureDevopsWorkItem').map((e) => e.properties.state as string))];
        const properties = original.schema.properties as Record<string, Record<string, unknown>>;
        sims.port.seed.blueprint({ ...original, schema: { ...original.schema, properties: { ...properties, state: { ...properties.state, enum: states } } } });
        const item = sims.ado.model.workItemsOf(sims.ado.model.projectList()[0]!.id).at(-1)!;
        sims.ado.mutate.updateWorkItem(item.id, { state: 'Quarantined' });
        identifier = `${item.projectId}/${item.id}`;
        return () => sims.port.seed.blueprint(original);
      },
      outcome: 'fails',
      check: (run) => {
        expect(run.stdout).toContain(identifier);
        expect(run.stdout).toMatch(/work-item #\d+: .*must be one of/);
        // The rest of the batch went through: every other work item carries this round's title.
        const others = sims.ado.model.projectList().flatMap((p) => sims.ado.model.workItemsOf(p.id).map((w) => ({ identifier: `${p.id}/${w.id}`, title: w.title })));
        const renamed = others.filter((w) => w.identifier !== identifier);
        expect(renamed.length).toBeGreaterThan(0);
        for (const item of renamed) expect(sims.port.entity('azureDevopsWorkItem', item.identifier)?.title).toBe(item.title);
      },
    });
  });

  it('the access token expires mid-run: refreshed once, the run is exact', async () => {
    await portFaultCase({
      during: () =>
        when(
          // A few resources in: the token every later call carries stops working.
          () => portRouteCount(sims, SEARCH) >= 3,
          () => sims.port.expireTokens(),
        ),
      outcome: 'recovers',
      check: () => {
        expect(sims.port.counters().statuses['401']).toBeGreaterThan(0);
        expect(portRouteCount(sims, TOKEN)).toBeGreaterThanOrEqual(2);
      },
    });
  });
});
