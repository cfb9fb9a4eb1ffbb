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

export function mappingFanOutRequests(minimum: MinimumRequests, fanOut: MappingFanOut): { requests: number; detail: Record<string, number> } {
  const projects = perUnit(minimum, 'iteration', /^1 per project/);
  const activeRepositories = perUnit(minimum, 'file', /per enabled non-empty repository/);
  const detail: Record<string, number> = {};
  if (fanOut.includedFiles > 0) detail['repository includedFiles'] = fanOut.includedFiles * activeRepositories;
  if (fanOut.defaultTeam) detail['project defaultTeam'] = projects;
  if (fanOut.includeRepo) detail['pipeline includeRepo'] = projects;
  return { requests: Object.values(detail).reduce((a, b) => a + b, 0), detail };
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
 * TSTUs the minimal request set costs. Work items are the expensive kind: the minimum's
 * `C(n, 20000) + ceil(n / 200)` splits into WIQL queries and batches (for n > 0 the batches are
 * between 100× the queries minus 99 and 100×, so `queries = ceil(own / 101)`); every other
 * request costs the default.
 */
export function minimumTstu(minimum: MinimumRequests, selectedRequests: number, costs: TstuCosts, workItemsSelected: boolean): number {
  const workItems = workItemsSelected ? (minimum.kinds['work-item']?.own ?? 0) : 0;
  const queries = workItems > 0 ? Math.ceil(workItems / 101) : 0;
  const batches = workItems - queries;
  const wiql = costs.routeCosts['wit.wiql'] ?? costs.defaultCost;
  const batch = costs.routeCosts['wit.workItemsBatch'] ?? costs.defaultCost;
  return queries * wiql + batches * batch + (selectedRequests - workItems) * costs.defaultCost;
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
