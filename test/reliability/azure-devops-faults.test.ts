/**
 * The Azure DevOps half of the fault matrix. Every case starts from a Port that matches the
 * organization, removes some objects (so a run has stale entities it could delete), runs a sync
 * while the simulator misbehaves, and checks the two promises: nothing that still exists in Azure
 * DevOps left Port, and a run that could not prove its listings complete deleted nothing at all.
 * A clean run afterwards must converge to exactly what the default mapping implies.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../sim/azure-devops/server/faults';
import { PAT, type CliRun, type Simulators } from '../support/simulators';
import {
  adoRouteCount,
  deleteSomeObjects,
  expectConverged,
  expectNothingDeleted,
  expectNothingExistingDeleted,
  FAST_RETRIES,
  oracleMapping,
  snapshot,
  sync,
  when,
  type PortSnapshot, startConverged } from './harness';
import type { FrontDoorOptions } from '../../core/run-from-layers';

let sims: Simulators;
const MAPPING = ['--mapping', oracleMapping()];

beforeAll(async () => {
  // Enough releases for several pages per project (the releases list pages by 100).
  sims = await startConverged({ seed: 23, scale: { base: 'tiny', releases: 260 } });
});
afterAll(async () => sims?.close());
beforeEach(() => {
  // A case that failed half-way must not leave its fault behind for the next one.
  sims.ado.faults.clear();
  sims.ado.throttle.configure(false);
  sims.ado.credentials.setMode(PAT, 'active');
});

type Outcome = 'recovers' | 'fails';

/**
 * One case: stale objects, the fault, the run under it, the checks, the clean run. `outcome` says
 * whether the engine's retries must absorb the fault (the run is exact) or the run must fail safe.
 */
async function faultCase(options: {
  faults?: FaultSpec[];
  /** Something that happens while the run is under way; returns an undo for the clean run. */
  during?: () => { fired: () => boolean; cancel: () => void; undo?: () => void };
  outcome: Outcome;
  args?: string[];
  env?: Record<string, string>;
  frontDoor?: FrontDoorOptions;
  check?: (run: CliRun, before: PortSnapshot) => void;
}): Promise<void> {
  deleteSomeObjects(sims);
  const before = snapshot(sims);
  sims.port.clearCalls();
  sims.ado.resetCounters();
  const ids = (options.faults ?? []).map((f) => sims.ado.faults.add(f));
  const trigger = options.during?.();
  let run: CliRun;
  try {
    run = await sync(sims, [...MAPPING, ...(options.args ?? [])], options.env ?? {}, options.frontDoor ?? FAST_RETRIES);
  } finally {
    for (const id of ids) sims.ado.faults.clear(id);
    trigger?.cancel();
  }
  if (trigger) expect(trigger.fired(), 'the mid-run event happened').toBe(true);
  if (ids.length > 0) expect(sims.ado.counters().faultsInjected, 'the fault was exercised').toBeGreaterThan(0);

  expectNothingExistingDeleted(sims, before);
  if (options.outcome === 'recovers') {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expectConverged(sims);
  } else {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(run.stdout).toContain('Deletions were skipped: the run had errors');
    expectNothingDeleted(sims, before);
  }
  options.check?.(run, before);

  trigger?.undo?.();
  const clean = await sync(sims, MAPPING);
  expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
  expectConverged(sims);
}

const throttledSeconds = (run: CliRun) => Number(/([\d.]+) s throttled/.exec(run.stdout)?.[1] ?? NaN);

describe('Azure DevOps faults', () => {
  it('a 429 storm with Retry-After: waits as told, retries, and the run is exact', async () => {
    await faultCase({
      faults: [{ kind: 'status', status: 429, route: 'git.*', times: 6 }],
      outcome: 'recovers',
      check: (run) => {
        expect(sims.ado.counters().byStatus['429']).toBe(6);
        // Retry-After: 1 paused the identity; the summary accounts for it.
        expect(throttledSeconds(run)).toBeGreaterThanOrEqual(0.9);
      },
    });
  });

  it('a 429 that never ends on one listing: that kind fails, nothing is deleted', async () => {
    await faultCase({
      faults: [{ kind: 'status', status: 429, route: 'release.releases.list', skip: 2 }],
      outcome: 'fails',
      frontDoor: { retry: { ...FAST_RETRIES.retry, azureDevOps: { ...FAST_RETRIES.retry?.azureDevOps, throttledAttempts: 2 } } },
      check: (run) => expect(run.stdout).toMatch(/release #\d+: .*HTTP 429/),
    });
  });

  it('delayed 200s with X-RateLimit-Delay: the client slows down and the run is exact', async () => {
    await faultCase({
      during: () => {
        // A tiny TSTU budget and no early warning: requests beyond it are delayed (stage 2) with
        // Retry-After, never blocked.
        sims.ado.throttle.configure({ windowMs: 1_000, budget: 15, defaultCost: 1, routeCosts: {}, headerThreshold: 1, blockThreshold: 1_000, delayPerTstuMs: 5, maxDelayMs: 50 });
        return when(
          () => sims.ado.counters().delayed >= 2,
          () => sims.ado.throttle.configure(false),
        );
      },
      outcome: 'recovers',
      check: (run) => {
        expect(sims.ado.counters().delayed).toBeGreaterThanOrEqual(2);
        expect(throttledSeconds(run)).toBeGreaterThanOrEqual(0.9);
      },
    });
  });

  it('5xx that pass: retried, the run is exact', async () => {
    await faultCase({
      faults: [
        { kind: 'status', status: 503, route: 'git.repositories.list', times: 2 },
        { kind: 'status', status: 502, route: 'git.refs.list', times: 3 },
        { kind: 'status', status: 504, route: 'wit.workItemsBatch', times: 2 },
      ],
      outcome: 'recovers',
    });
  });

  it('5xx that last on one listing: the branches of every repository stay, nothing is deleted', async () => {
    // 502 carries no Retry-After: the engine's own backoff applies.
    await faultCase({
      faults: [{ kind: 'status', status: 502, route: 'git.refs.list', skip: 1 }],
      outcome: 'fails',
      check: (run) => {
        expect(run.stdout).toMatch(/branch #\d+: .*HTTP 502/);
        // The resource's own line says it failed, with what it managed; never a clean-looking count line.
        const output = run.stdout + run.stderr;
        expect(output).toMatch(/branch #\d+ failed \(\d+ listed, \d+ upserted, \d+ unchanged, \d+ failed in [\d.]+ s\): .*HTTP 502/);
        expect(output).not.toMatch(/branch #\d+: \d+ listed/);
      },
    });
  });

  it('connection resets: retried, the run is exact', async () => {
    await faultCase({ faults: [{ kind: 'reset', route: 'wit.workItemsBatch', times: 3 }, { kind: 'reset', route: 'core.teams.all', times: 1 }], outcome: 'recovers' });
  });

  it('connection resets that last: the kind fails, nothing is deleted', async () => {
    await faultCase({ faults: [{ kind: 'reset', route: 'pipelines.runs.list', skip: 1 }], outcome: 'fails', check: (run) => expect(run.stdout).toContain('connection was reset') });
  });

  it('a timeout in the middle of a paged listing: retried, the run is exact', async () => {
    await faultCase({ faults: [{ kind: 'timeout', route: 'release.releases.list', skip: 1, times: 1 }], env: { OCEAN__CLIENT_TIMEOUT: '1' }, outcome: 'recovers' });
  });

  it('a page that always times out: the listing is incomplete, nothing is deleted', async () => {
    await faultCase({
      faults: [{ kind: 'timeout', route: 'release.releases.list', skip: 1 }],
      env: { OCEAN__CLIENT_TIMEOUT: '1' },
      frontDoor: { retry: { ...FAST_RETRIES.retry, azureDevOps: { ...FAST_RETRIES.retry?.azureDevOps, transientAttempts: 2 } } },
      outcome: 'fails',
      check: (run) => expect(run.stdout).toContain('timed out'),
    });
  });

  it('truncated JSON: retried, the run is exact', async () => {
    await faultCase({ faults: [{ kind: 'truncate', route: 'git.pullRequests.project', times: 2 }, { kind: 'truncate', route: 'release.releases.list', skip: 1, times: 1 }], outcome: 'recovers' });
  });

  it('truncated JSON that lasts: the kind fails, nothing is deleted', async () => {
    await faultCase({ faults: [{ kind: 'truncate', route: 'core.teams.members' }], outcome: 'fails' });
  });

  it('a continuation token that repeats: detected, the run ends, nothing is deleted', async () => {
    await faultCase({
      faults: [{ kind: 'repeat-token', route: 'release.releases.list' }],
      outcome: 'fails',
      check: (run) => {
        expect(run.stdout).toContain('continuation token it had already returned');
        // One request per page the service really has, plus one per project to see the token repeat: no loop.
        expect(adoRouteCount(sims, 'release.releases.list')).toBeLessThan(40);
      },
    });
  });

  it('the credential turns into a 203 sign-in page mid-run: an authentication failure, never "0 items"', async () => {
    await faultCase({
      during: () => {
        const trigger = when(
          () => adoRouteCount(sims, 'git.refs.list') > 0,
          () => sims.ado.credentials.setMode(PAT, 'sign-in-page'),
        );
        return { ...trigger, undo: () => sims.ado.credentials.setMode(PAT, 'active') };
      },
      outcome: 'fails',
      check: (run) => {
        expect(sims.ado.counters().byStatus['203']).toBeGreaterThan(0);
        expect(run.stdout + run.stderr).toContain('sign-in page (HTTP 203)');
      },
    });
  });

  it('a project deleted mid-run: its listings fail, nothing is deleted; the next run removes it', async () => {
    // The smaller project: deleting the one that holds most of the catalog would (rightly) trip the deletion guard.
    const model = sims.ado.model;
    const size = (id: string) => model.releasesOfProject(id).length + model.workItemsOf(id).length + model.repositoriesOf(id).length;
    const victim = model.projectList().filter((p) => p.state === 'wellFormed').sort((a, b) => size(a.id) - size(b.id))[0]!;
    await faultCase({
      during: () =>
        when(
          () => adoRouteCount(sims, 'core.teams.all') > 0,
          () => sims.ado.mutate.deleteProject(victim.id),
        ),
      outcome: 'fails',
    });
    expect(sims.port.entity('azureDevopsProject', victim.id)).toBeUndefined();
  });
});
