import type { Datasource, EntityApi } from '../port/entities';
import type { OwnedEntities } from './owned-entities';
import type { ProducedEntities } from './produced';
import type { RunReporter } from './reporter';
import type { DeletionReport } from './stats';

export type ReconcileInput = {
  entities: Pick<EntityApi, 'owned' | 'delete'>;
  /**
   * With createMissingRelatedEntities, Port creates bare targets for relations; they carry our
   * datasource but no listing produces them. Relation targets of kept entities are therefore
   * never deleted (Ocean's rule, port-api-and-ocean-core.md §2.9 step 5). Given a blueprint, its
   * relations and the blueprint each targets. Undefined: no protection.
   */
  relationTargets?: (blueprint: string) => Promise<Record<string, string>>;
  /**
   * Sharded runs (core/shards): of the deletable stale entities (blueprint → identifiers), those an
   * entity outside this run still relates to, which are kept as relation targets of kept entities are.
   */
  referencedElsewhere?: (deletable: ReadonlyMap<string, readonly string[]>) => Promise<ReadonlyMap<string, ReadonlySet<string>>>;
  datasource: Datasource;
  produced: ProducedEntities;
  /** The listing the run took as it started, if it could; it can make the end listing unneeded. */
  ownedAtStart?: Promise<OwnedEntities | undefined>;
  /** Resync start: entities written after it are this run's. */
  before: string;
  threshold: number;
  deleteDependents: boolean;
  /** A reason no deletion may happen at all (run errors, a project filter…), or undefined. */
  blockedBecause: string | undefined;
  mode: 'sync' | 'plan';
  reporter: RunReporter;
};

const SAMPLES = 5;

/**
 * Deletes the entities this integration owns in Port that the run did not produce, but only when
 * that is proven safe: the run had no errors, the blueprint's every listing was complete, and the
 * share of owned entities to delete stays within `entityDeletionThreshold`. Otherwise nothing goes,
 * and the report says why. Plan mode computes the same and deletes nothing.
 */
export async function reconcile(input: ReconcileInput): Promise<DeletionReport> {
  const report: DeletionReport = { skipped: undefined, blueprints: [], owned: 0, guardTripped: false };
  if (input.blockedBecause) {
    report.skipped = input.blockedBecause;
    return report;
  }
  // An unchanged run: everything Port held is produced again. The listing below (a request per
  // 5,000 entities, in sequence) would only confirm it.
  const atStart = await input.ownedAtStart;
  if (atStart?.leavesNothingStale(input.produced)) {
    report.owned = atStart.size;
    return report;
  }
  // Deletable blueprints keep every stale identifier; held ones (a kinds filter leaves out a whole
  // kind, whose every entity is then stale) only their count and samples.
  const stale = new Map<string, string[]>();
  const held = new Map<string, { count: number; samples: string[]; reason: string }>();
  try {
    const referenced = input.relationTargets ? await referencedEntities(input.produced, input.relationTargets) : new Map<string, Set<string>>();
    for await (const page of input.entities.owned(input.datasource, input.before)) {
      for (const { identifier, blueprint } of page) {
        report.owned++;
        if (input.produced.has(blueprint, identifier)) continue;
        if (referenced.get(blueprint)?.has(identifier)) continue;
        const heldReason = input.produced.heldReason(blueprint);
        if (heldReason) {
          const entry = held.get(blueprint) ?? { count: 0, samples: [], reason: heldReason };
          held.set(blueprint, entry);
          entry.count++;
          if (entry.samples.length < SAMPLES) entry.samples.push(identifier);
          continue;
        }
        const identifiers = stale.get(blueprint);
        if (identifiers) identifiers.push(identifier);
        else stale.set(blueprint, [identifier]);
      }
    }
    if (input.relationTargets && held.size > 0) await holdTargetsOfHeld(stale, held, input.relationTargets);
  } catch (error) {
    // Without the whole list of what the integration owns (or of what the run's relations point
    // at), no stale entity can be told apart; the run's results stand, the failure is reported,
    // and the next run reconciles.
    report.error = error instanceof Error ? error.message : String(error);
    report.skipped = `the entities this integration owns in Port could not be listed (${report.error}); nothing is deleted until a run can list them`;
    report.owned = 0;
    input.reporter.warn(`Reconciliation skipped: ${report.skipped}`);
    return report;
  }
  // The share is of everything the integration owned before the run: the entities the listing
  // shows (untouched since the run started) plus the ones this run rewrote.
  report.owned += input.produced.rewrittenCount();
  if (input.referencedElsewhere && stale.size > 0) {
    const kept = await input.referencedElsewhere(stale);
    for (const [blueprint, identifiers] of kept) {
      const rest = (stale.get(blueprint) ?? []).filter((identifier) => !identifiers.has(identifier));
      if (rest.length > 0) stale.set(blueprint, rest);
      else stale.delete(blueprint);
    }
  }
  let deletable = 0;
  for (const [blueprint, identifiers] of stale) {
    deletable += identifiers.length;
    report.blueprints.push({ blueprint, stale: identifiers.length, deleted: 0, held: undefined, samples: identifiers.slice(0, SAMPLES) });
  }
  for (const [blueprint, { count, samples, reason }] of held) {
    report.blueprints.push({ blueprint, stale: count, deleted: 0, held: reason, samples });
  }
  report.blueprints.sort((a, b) => a.blueprint.localeCompare(b.blueprint));
  if (deletable === 0) return report;
  // The share is of what this run reconciles: held entities are out of play, and counting them
  // would let a kind that lists empty under --kinds lose everything beside a large held one.
  let keptByHold = 0;
  for (const { count } of held.values()) keptByHold += count;
  const inPlay = report.owned - keptByHold;
  const ratio = deletable / Math.max(1, inPlay);
  if (ratio > input.threshold) {
    report.guardTripped = true;
    report.skipped = `deletion guard: ${deletable} of ${inPlay} owned entities (${(ratio * 100).toFixed(1)}%) would be deleted, above entityDeletionThreshold ${input.threshold}${keptByHold > 0 ? ` (${keptByHold} more are held and not counted)` : ''}`;
    return report;
  }
  if (input.mode === 'plan') return report;
  for (const entry of report.blueprints) {
    if (entry.held) continue;
    const identifiers = stale.get(entry.blueprint) ?? [];
    try {
      entry.deleted = (await input.entities.delete(entry.blueprint, identifiers, input.deleteDependents)).length;
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
      input.reporter.warn(`Deleting stale ${entry.blueprint} entities failed: ${entry.error}`);
    }
  }
  return report;
}

/**
 * The stale entities of held blueprints are kept without being read, so what they relate to is
 * unknown: a target only they pointed at (a bare project under `--kinds repository`, say) would
 * look stale, and deleting it takes the kept entities with it when Port deletes dependents. So
 * every blueprint a held one relates to is held too, and so on along the relations.
 */
async function holdTargetsOfHeld(
  stale: Map<string, string[]>,
  held: Map<string, { count: number; samples: string[]; reason: string }>,
  relationTargets: (blueprint: string) => Promise<Record<string, string>>,
): Promise<void> {
  const queue = [...held.keys()];
  const visited = new Set(queue);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const target of new Set(Object.values(await relationTargets(next)))) {
      if (visited.has(target)) continue;
      visited.add(target);
      queue.push(target);
      const identifiers = stale.get(target);
      if (!identifiers) continue;
      stale.delete(target);
      held.set(target, {
        count: identifiers.length,
        samples: identifiers.slice(0, SAMPLES),
        reason: `kept entities of ${next}, which is held, may relate to them`,
      });
    }
  }
}

/** Target blueprint → identifiers that kept entities relate to. */
async function referencedEntities(
  produced: ProducedEntities,
  targetsOf: (blueprint: string) => Promise<Record<string, string>>,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const { blueprint, relation, targets } of produced.referencesByRelation()) {
    const target = (await targetsOf(blueprint))[relation];
    if (!target) continue;
    let set = out.get(target);
    if (!set) out.set(target, (set = new Set()));
    for (const identifier of targets) set.add(identifier);
  }
  return out;
}
