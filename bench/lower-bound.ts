import type { MinimumRequests } from './sim-control';

/**
 * The physical limit of a sync, from what the simulators served (issue 10): on each side, the
 * fewest requests any client needs, times the latency of one request, divided by the requests the
 * service lets one identity have in flight; and, with the TSTU model on, the time the Azure DevOps
 * budget needs to pay for those requests. The largest of these is the lower bound; no client can
 * be faster, so `efficiency = lower bound / wall` is at most 1.
 */

/** Port takes at most 20 entities per bulk upsert (port-api-and-ocean-core.md §2.8). */
export const PORT_BULK_MAX = 20;

export type LatencyBound = { requests: number; latencyMs: number; concurrency: number; seconds: number };

export function latencyBound(requests: number, latencyMs: number, concurrency: number): LatencyBound {
  return { requests, latencyMs, concurrency, seconds: (requests * latencyMs) / 1000 / concurrency };
}

/** The fewest bulk upserts that write these entities: each blueprint in requests of ≤20. */
export function fewestBulkWrites(entitiesPerBlueprint: ReadonlyMap<string, number>): number {
  let writes = 0;
  for (const count of entitiesPerBlueprint.values()) writes += Math.ceil(count / PORT_BULK_MAX);
  return writes;
}

/**
 * Requests the default mapping's selectors add on top of the kinds' listings, which the
 * simulator's per-kind minimum does not model (it counts listings): each `includedFiles` path is
 * one read per enabled non-empty repository, `defaultTeam` one project read per project, and
 * `includeRepo` one build-definition listing per project. Counted from the simulator's own
 * per-kind figures whose formulas say "1 per project" and "1 per enabled non-empty repository".
 */
export type MappingFanOut = { includedFiles: number; defaultTeam: boolean; includeRepo: boolean };

export function mappingFanOutRequests(minimum: MinimumRequests, fanOut: MappingFanOut): { requests: number; detail: Record<string, number>; byRoute: Record<string, number> } {
  const projects = perUnit(minimum, 'iteration', /^1 per project/);
  const activeRepositories = perUnit(minimum, 'file', /per enabled non-empty repository/);
  const detail: Record<string, number> = {};
  const byRoute: Record<string, number> = {};
  const add = (what: string, route: string, requests: number) => {
    detail[what] = requests;
    byRoute[route] = (byRoute[route] ?? 0) + requests;
  };
  if (fanOut.includedFiles > 0) add('repository includedFiles', 'git.items', fanOut.includedFiles * activeRepositories);
  if (fanOut.defaultTeam) add('project defaultTeam', 'core.projects.get', projects);
  if (fanOut.includeRepo) add('pipeline includeRepo', 'build.definitions.list', projects);
  return { requests: Object.values(detail).reduce((a, b) => a + b, 0), detail, byRoute };
}

/** Two request counts by route, added. */
export function addRoutes(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [route, n] of Object.entries(b)) sum[route] = (sum[route] ?? 0) + n;
  return sum;
}

function perUnit(minimum: MinimumRequests, kind: string, formula: RegExp): number {
  const entry = minimum.kinds[kind];
  if (!entry || !formula.test(entry.formula)) {
    throw new Error(`The simulator's minimum for '${kind}' is no longer "${formula.source}" (${entry?.formula ?? 'missing'}); update bench/lower-bound.ts.`);
  }
  return entry.own;
}

/** What each request costs in TSTUs: the route costs of the simulator's throttle model. */
export type TstuCosts = { defaultCost: number; routeCosts: Readonly<Record<string, number>> };

/**
 * TSTUs the minimal request set costs: each route's requests at that route's cost (WIQL, work-item
 * batches, wiki page batches and subject lookups cost more than a plain listing).
 */
export function minimumTstu(requestsByRoute: Readonly<Record<string, number>>, costs: TstuCosts): number {
  let cost = 0;
  for (const [route, requests] of Object.entries(requestsByRoute)) cost += requests * (costs.routeCosts[route] ?? costs.defaultCost);
  return cost;
}

/** The throttle model's costs and delay, with the budget they are measured against. */
export type TstuModel = TstuCosts & { budget: number; delayPerTstuMs: number };

/**
 * The model with every cost multiplied by one factor so that the minimal request set costs
 * `budgets` budgets, and the delay per TSTU over the budget divided by it: a request that goes over
 * is held as long as in the unscaled model, as it would be with a shrunk budget instead.
 */
export function scaledTstuModel(model: TstuModel, minimumByRoute: Readonly<Record<string, number>>, budgets: number): Pick<TstuModel, 'defaultCost' | 'routeCosts' | 'delayPerTstuMs'> {
  const factor = (budgets * model.budget) / minimumTstu(minimumByRoute, model);
  return {
    defaultCost: model.defaultCost * factor,
    routeCosts: Object.fromEntries(Object.entries(model.routeCosts).map(([route, cost]) => [route, cost * factor])),
    delayPerTstuMs: model.delayPerTstuMs / factor,
  };
}

/**
 * Seconds to spend `cost` TSTUs without ever being delayed, with `budget` per sliding window:
 * the first budget is free, every further one needs a window to pass.
 */
export function budgetBoundSeconds(cost: number, budget: number, windowMs: number): number {
  return (Math.max(0, cost - budget) / budget) * (windowMs / 1000);
}

export type LowerBound = {
  seconds: number;
  /** Which limit it is. */
  limitedBy: 'azure-devops' | 'port' | 'tstu-budget';
  azureDevOps: LatencyBound;
  port: LatencyBound;
  tstu?: { cost: number; budget: number; windowMs: number; seconds: number };
};

export function lowerBound(azureDevOps: LatencyBound, port: LatencyBound, tstu?: LowerBound['tstu']): LowerBound {
  const candidates: [LowerBound['limitedBy'], number][] = [
    ['azure-devops', azureDevOps.seconds],
    ['port', port.seconds],
    ...(tstu ? [['tstu-budget', tstu.seconds] as [LowerBound['limitedBy'], number]] : []),
  ];
  const [limitedBy, seconds] = candidates.reduce((best, c) => (c[1] > best[1] ? c : best));
  return { seconds, limitedBy, azureDevOps, port, ...(tstu ? { tstu } : {}) };
}
