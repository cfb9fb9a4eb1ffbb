/**
 * What the reliability tests share: an in-process CLI run with short retry backoffs, snapshots of
 * Port, the two safety assertions every fault case makes ("nothing that still exists in Azure
 * DevOps was deleted", "a failed run deleted nothing") and the convergence check against the
 * independent oracle.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { expect } from 'vitest';
import { defaultPortAppConfig } from '../../core/kinds/defaults';
import type { FrontDoorOptions } from '../../core/run-from-layers';
import { expectedCatalog, type ExpectedCatalog } from '../support/default-catalog-oracle';
import { expectPortMatches } from '../support/port-assertions';
import type { AzureDevOpsSimulatorOptions } from '../../sim/azure-devops';
import { runCli, startSimulators, type CliRun, type Simulators } from '../support/simulators';

/**
 * Retries as the engine does them, with millisecond backoffs: a storm of faults costs little time
 * and the tests stay independent of the machine's speed. `Retry-After` from a server still applies.
 */
export const FAST_RETRIES: FrontDoorOptions = {
  retry: {
    azureDevOps: { baseDelaySeconds: 0.005, maxDelaySeconds: 0.02 },
    port: { baseDelaySeconds: 0.005, maxDelaySeconds: 0.02, maxAttempts: 4 },
  },
};

/** The kinds whose default resources the independent oracle (test/support/default-catalog-oracle.ts) models. */
export const ORACLE_KINDS = ['project', 'team', 'member', 'repository', 'repository-policy', 'branch', 'pull-request', 'pipeline', 'pipeline-run', 'build', 'release', 'board', 'column', 'work-item'];

/**
 * The built-in default mapping (Azure DevOps Server form), restricted to the kinds the oracle
 * models, as a local mapping file: Port must then hold exactly the oracle's catalog, nothing the
 * oracle cannot account for (and the runs stay short).
 */
export function oracleMapping(overrides: Record<string, unknown> = {}): string {
  const config = defaultPortAppConfig('server');
  const path = join(mkdtempSync(join(tmpdir(), 'oracle-mapping-')), 'port-app-config.yml');
  writeFileSync(path, stringify({ ...config, resources: config.resources.filter((r) => ORACLE_KINDS.includes(r.kind)), ...overrides }));
  return path;
}

/** Simulators with a first sync of the oracle's kinds done and checked: where every case file starts. */
export async function startConverged(ado: AzureDevOpsSimulatorOptions): Promise<Simulators> {
  const sims = await startSimulators({ ado });
  const first = await sync(sims, ['--mapping', oracleMapping()]);
  expect(first.code, first.stderr).toBe(0);
  expectConverged(sims);
  return sims;
}

/** `port-ado-sync sync …` in-process, through real sockets, with short backoffs. */
export async function sync(sims: Simulators, args: readonly string[] = [], extraEnv: Record<string, string> = {}, options: FrontDoorOptions = FAST_RETRIES): Promise<CliRun> {
  return syncWithEnvironment(sims.env(extraEnv), args, options);
}

/** The same with exactly this environment (to leave a variable out, say). */
export function syncWithEnvironment(env: Record<string, string>, args: readonly string[] = [], options: FrontDoorOptions = FAST_RETRIES): Promise<CliRun> {
  return runCli(args, env, options);
}

export type PortSnapshot = Map<string, Set<string>>;

/** Every entity identifier Port holds, per blueprint. */
export function snapshot(sims: Simulators): PortSnapshot {
  const out: PortSnapshot = new Map();
  for (const entity of sims.port.entities()) {
    const blueprint = entity.blueprint;
    let set = out.get(blueprint);
    if (!set) out.set(blueprint, (set = new Set()));
    set.add(entity.identifier);
  }
  return out;
}

export function oracle(sims: Simulators): ExpectedCatalog {
  return expectedCatalog(sims.ado, { now: Date.now() });
}

/** Port holds exactly what the default mapping implies for the organization as it is now. */
export function expectConverged(sims: Simulators): void {
  const expected = oracle(sims);
  expectPortMatches(sims, expected);
  // A blueprint the organization no longer has anything for is absent from the catalog: it must be empty too.
  for (const [blueprint, identifiers] of snapshot(sims)) {
    if (!expected.has(blueprint)) expect([...identifiers], `entities of ${blueprint}, which the oracle does not expect`).toEqual([]);
  }
}

/** The guarantee of every case: an entity whose Azure DevOps object still exists was not deleted. */
export function expectNothingExistingDeleted(sims: Simulators, before: PortSnapshot): void {
  const expected = oracle(sims);
  const now = snapshot(sims);
  const lost: string[] = [];
  for (const [blueprint, identifiers] of before) {
    const stillInAdo = expected.get(blueprint);
    for (const identifier of identifiers) {
      if (stillInAdo?.has(identifier) && !now.get(blueprint)?.has(identifier)) lost.push(`${blueprint}/${identifier}`);
    }
  }
  expect(lost, 'entities deleted from Port although they still exist in Azure DevOps').toEqual([]);
}

/** A run that had errors deletes nothing at all (the deletion rules in docs/running.md). */
export function expectNothingDeleted(sims: Simulators, before: PortSnapshot): void {
  const now = snapshot(sims);
  const gone: string[] = [];
  for (const [blueprint, identifiers] of before) {
    for (const identifier of identifiers) if (!now.get(blueprint)?.has(identifier)) gone.push(`${blueprint}/${identifier}`);
  }
  expect(gone, 'entities deleted by a run that could not prove them gone').toEqual([]);
  expect(deleteCalls(sims), 'delete requests sent to Port').toEqual([]);
}

const WRITE = /^(POST|PUT|PATCH|DELETE)$/;
const READ_ONLY_POSTS = new Set(['/v1/auth/access_token', '/v1/entities/search', '/v1/blueprints/entities/datasource-entities']);

/** Calls that change something in Port (everything but reads, searches and the token). */
export function writeCalls(sims: Simulators): string[] {
  return sims.port
    .calls()
    .filter((c) => WRITE.test(c.method) && !READ_ONLY_POSTS.has(c.path))
    .map((c) => `${c.method} ${c.path}`);
}

export function deleteCalls(sims: Simulators): string[] {
  return sims.port
    .calls()
    .filter((c) => c.method === 'DELETE' || /\/bulk\/entities\/delete$/.test(c.path))
    .map((c) => `${c.method} ${c.path}`);
}

/** Removes some objects of several kinds from the organization, so a clean run has stale entities to delete. */
export function deleteSomeObjects(sims: Simulators): void {
  const model = sims.ado.model;
  const projects = model.projectList().filter((p) => p.state === 'wellFormed');
  for (const project of projects.slice(0, 2)) {
    const item = model.workItemsOf(project.id)[0];
    if (item) sims.ado.mutate.deleteWorkItem(item.id);
    const repository = model.repositoriesOf(project.id).find((r) => !r.isDisabled && model.branchesOf(r.id).length > 1);
    const branch = repository && model.branchesOf(repository.id).find((b) => b.name !== repository.defaultBranch);
    if (repository && branch) sims.ado.mutate.deleteBranch(repository.id, branch.name);
  }
}

/**
 * Calls `action` once, as soon as `condition` holds, while the run (in this process) goes on: the
 * way a test makes something happen "mid-run". Resolves with whether it fired.
 */
export function when(condition: () => boolean, action: () => void): { fired: () => boolean; cancel: () => void } {
  let fired = false;
  const timer = setInterval(() => {
    if (fired || !condition()) return;
    fired = true;
    clearInterval(timer);
    action();
  }, 1);
  return { fired: () => fired, cancel: () => clearInterval(timer) };
}

/** Requests the Azure DevOps simulator has served for a route id so far. */
export function adoRouteCount(sims: Simulators, routeId: string): number {
  return sims.ado.counters().byRoute[routeId] ?? 0;
}

/** Requests the Port simulator has served for a route pattern so far (`POST /v1/blueprints/:blueprint/entities/bulk`). */
export function portRouteCount(sims: Simulators, route: string): number {
  return sims.port.counters().requestsByRoute[route] ?? 0;
}
