import type { Datasource, EntityApi } from '../port/entities';
import { ProducedEntities } from '../sync/produced';
import { reconcile } from '../sync/reconcile';
import type { RunReporter } from '../sync/reporter';
import type { DeletionReport } from '../sync/stats';
import type { RoundLedger } from './round-ledger';
import type { Shard } from './shard';

/** What the sweep of entities left by earlier layouts did, or why it did not run. */
export type LayoutSweep =
  | { ran: false; reason: string }
  | { ran: true; upTo: string; deletions: DeletionReport };

/**
 * Every entity of the current layout is owned by one of its shards' datasources
 * (`…/shard-<i>-of-<n>+…`), so this run's owned listing never sees what an earlier layout (another
 * `n`, an unsharded run, Ocean) wrote. Those entities are handled here, once a full round of the
 * current layout has run cleanly since some instant T (every shard's latest clean run started at
 * or after T; `RoundLedger.roundStart`):
 *
 * - every item a shard listed in its clean run was written by that shard (an entity not carrying
 *   the shard's own datasource never counts as unchanged), so it now carries a current datasource;
 * - hence an entity of the integration that carries no current datasource and was last written
 *   before T was produced by no shard of the round: it is what a single run would find stale.
 *
 * Those are deleted by the same rules as any reconciliation (relation targets kept, structural
 * holds kept, `entityDeletionThreshold` over everything the integration owned before T), and T is
 * recorded so the next shard does not repeat the work for the same round.
 */
export async function sweepEarlierLayouts(input: {
  shard: Shard;
  ledger: RoundLedger;
  entities: EntityApi;
  /** The whole integration's ownership, and each current shard's. */
  integration: Datasource;
  shardDatasource: (index: number) => Datasource;
  /** This run's holds (search-query identifiers and the like), which hold for the sweep too. */
  heldReason: (blueprint: string) => string | undefined;
  referencedElsewhere: ((deletable: ReadonlyMap<string, readonly string[]>) => Promise<ReadonlyMap<string, ReadonlySet<string>>>) | undefined;
  threshold: number;
  deleteDependents: boolean;
  mode: 'sync' | 'plan';
  now: () => Date;
  reporter: RunReporter;
}): Promise<LayoutSweep> {
  const { count } = input.shard;
  const round = await input.ledger.roundStart(count);
  if (round.start === undefined) {
    return { ran: false, reason: `waiting for a first clean run of shard${round.missing.length === 1 ? '' : 's'} ${round.missing.map((i) => `${i}/${count}`).join(', ')}` };
  }
  const upTo = round.start;
  const last = await input.ledger.lastSweep(count);
  if (last !== undefined && Date.parse(last) >= Date.parse(upTo)) {
    return { ran: false, reason: `already swept up to ${last}; the next sweep follows the next full round` };
  }

  // The current layout's entities first: one taken over between the two listings then carries a
  // write time after T, so the second listing leaves it out either way.
  const current = new CurrentLayout(input.heldReason);
  const listedAt = input.now().toISOString();
  for (let index = 0; index < count; index++) {
    for await (const page of input.entities.owned(input.shardDatasource(index), listedAt)) {
      for (const { blueprint, identifier } of page) current.add(blueprint, identifier);
    }
  }
  const deletions = await reconcile({
    entities: withCurrentLayout(input.entities, current),
    datasource: input.integration,
    produced: current,
    before: upTo,
    threshold: input.threshold,
    deleteDependents: input.deleteDependents,
    blockedBecause: undefined,
    mode: input.mode,
    reporter: input.reporter,
    ...(input.referencedElsewhere ? { referencedElsewhere: input.referencedElsewhere } : {}),
  });
  const failed = deletions.blueprints.some((b) => b.error !== undefined);
  if (input.mode === 'sync' && !deletions.guardTripped && !failed) await input.ledger.recordSweep(count, upTo);
  return { ran: true, upTo, deletions };
}

/**
 * The integration's owned listing before T, followed by the current layout's entities it did not
 * include: the deletion guard then weighs the candidates against everything the integration owns,
 * not only against what was last written before T (right after a change of layout that is little
 * more than the candidates themselves).
 */
function withCurrentLayout(entities: EntityApi, current: CurrentLayout): Pick<EntityApi, 'owned' | 'delete'> {
  return {
    async *owned(datasource, before) {
      const seen = new Set<string>();
      for await (const page of entities.owned(datasource, before)) {
        for (const { blueprint, identifier } of page) seen.add(`${blueprint}\u0000${identifier}`);
        yield page;
      }
      yield current.entries().filter(({ blueprint, identifier }) => !seen.has(`${blueprint}\u0000${identifier}`));
    },
    delete: (blueprint, identifiers, deleteDependents) => entities.delete(blueprint, identifiers, deleteDependents),
  };
}

/** The current layout's entities stand in for "what the run produced"; the run's holds apply. */
class CurrentLayout extends ProducedEntities {
  private readonly listed: { blueprint: string; identifier: string }[] = [];

  constructor(private readonly runHeld: (blueprint: string) => string | undefined) {
    super();
  }

  override add(blueprint: string, identifier: string): void {
    if (!this.has(blueprint, identifier)) this.listed.push({ blueprint, identifier });
    super.add(blueprint, identifier);
  }

  entries(): { blueprint: string; identifier: string }[] {
    return this.listed;
  }

  override heldReason(blueprint: string): string | undefined {
    return this.runHeld(blueprint) ?? super.heldReason(blueprint);
  }
}
