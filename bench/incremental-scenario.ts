import type { BenchOptions } from './options';
import { listingTally, requestShare } from './scenario-figures';
import { measuredRun, recordedOptions, startSimulators, type RecordedOptions, type Bundles, type RunFigures } from './scenarios';
import type { ChurnResult } from './sim-control';

/** Share of the organization changed before each incremental run (issue 13: 1 %). */
export const CHURN_FRACTION = 0.01;

export type IncrementalVariant = {
  /**
   * `list`: kinds without a change filter are listed in full; `skip`: not listed at all;
   * `when-stale` (the default): listed only when their cursor is older than the maximum age (240
   * min), which a run minutes after the full run's is not, so they are skipped as in most runs of a
   * 15-minute schedule.
   */
  unfilteredKinds: 'list' | 'skip' | 'when-stale';
  churn: ChurnResult;
  run: RunFigures;
  /** Azure DevOps requests of this run over the full run's (target < 5 %). */
  adoRequestShare: number;
  met: boolean;
  listings: ReturnType<typeof listingTally>;
};

export type IncrementalScenarioResult = {
  scale: string;
  options: RecordedOptions;
  full: RunFigures;
  variants: IncrementalVariant[];
  /**
   * A full run after the incremental ones: what it still writes is what the incremental runs did
   * not bring over (changes their filters cannot see, or that `skip` left for the full run).
   */
  catchUp: RunFigures;
};

/**
 * Issue 13's scenario: a full run (which also sets every resource's cursor), then for each
 * variant 1 % of the work items and active pull requests edited and 1 % of the builds' worth of
 * new runs queued (`POST /_sim/churn`, a different seed each time), then an incremental run. The
 * overlap window is 0 so each incremental run's window covers exactly the changes made since the
 * run before (with the default 5 minutes, a run a few seconds after another lists its changes
 * again: a few more work-item batches).
 */
export async function benchIncremental(bundles: Bundles, options: BenchOptions, log: (line: string) => void): Promise<IncrementalScenarioResult> {
  log(`Starting the simulators (scale ${options.scale}) …`);
  const sims = await startSimulators(bundles, options);
  try {
    log('Full run into an empty Port (sets the cursors) …');
    const full = await measuredRun(bundles, sims, options, 'full run', false);
    log(`  ${full.wallSeconds.toFixed(1)} s, ${full.azureDevOps.requests} ADO requests, ${full.upserted} upserted`);
    const variants: IncrementalVariant[] = [];
    for (const [i, unfilteredKinds] of (['list', 'skip', 'when-stale'] as const).entries()) {
      const churn = await sims.adoControl.churn(CHURN_FRACTION, i + 1);
      log(`Changed ${churn.changed.workItems} work items, ${churn.changed.pullRequests} pull requests, ${churn.changed.newBuilds} new runs; incremental run, unfiltered kinds: ${unfilteredKinds} …`);
      const run = await measuredRun(bundles, sims, options, `incremental run (${unfilteredKinds})`, false, 30 * 60_000, {
        PORT_ADO_SYNC_MODE: 'incremental',
        PORT_ADO_SYNC_INCREMENTAL_OVERLAP_MINUTES: '0',
        PORT_ADO_SYNC_INCREMENTAL_UNFILTERED_KINDS: unfilteredKinds,
      });
      const share = requestShare(run.azureDevOps.requests, full.azureDevOps.requests);
      variants.push({ unfilteredKinds, churn, run, adoRequestShare: share.share, met: share.met, listings: listingTally(run.cursors ?? []) });
      log(`  ${run.wallSeconds.toFixed(1)} s, ${run.azureDevOps.requests} ADO requests (${(share.share * 100).toFixed(1)} % of the full run), ${run.upserted} upserted`);
    }
    log('Full run after the incremental runs (what they left behind) …');
    const catchUp = await measuredRun(bundles, sims, options, 'catch-up full run', false);
    log(`  ${catchUp.wallSeconds.toFixed(1)} s, ${catchUp.upserted} upserted, ${catchUp.deleted} deleted`);
    return {
      scale: options.scale,
      options: recordedOptions(options),
      full,
      variants,
      catchUp,
    };
  } finally {
    await Promise.all([sims.ado.stop(), sims.port.stop()]);
  }
}
