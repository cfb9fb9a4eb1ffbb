import type { ParentListings, Project, ProjectScope } from '../kinds/parents';
import type { PortClient } from '../port/client';
import type { Datasource, EntityApi } from '../port/entities';
import type { PortIntegration } from '../port/integration';
import type { ProducedEntities } from '../sync/produced';
import type { RunReporter } from '../sync/reporter';
import type { DeletionReport, ResourceStats } from '../sync/stats';
import { datasourceOf, datasourceUserAgent } from '../version';
import { referencedFromOutside, type RelationEdge } from './cross-shard-references';
import { kindScope, shardSyncsKind } from './kind-scope';
import { sweepEarlierLayouts } from './layout-sweep';
import { projectPartition } from './partition';
import { RoundLedger } from './round-ledger';
import { awaitShardZeroSetup, DEFAULT_SETUP_WAIT, type SetupWait } from './setup-wait';
import { isSharded, UNSHARDED, type Shard } from './shard';
import type { ShardReport } from './shard-report';

/**
 * Everything a run does differently as one shard of several (docs/scale-out.md), behind one
 * object the run consults at each step. For an unsharded run every answer is the ordinary one
 * (the integration's User-Agent, all projects, every kind, no ledger), so the run's code path
 * stays the same.
 */
export class ShardRun {
  readonly shard: Shard;
  readonly sharded: boolean;
  /** Projects seen in the listing, and those that fell to this shard. */
  private readonly tally = { inScope: 0, synced: 0, listed: false };
  private readonly leftToShardZero: string[] = [];

  constructor(
    shard: Shard | undefined,
    private readonly identifier: string,
  ) {
    this.shard = shard ?? UNSHARDED;
    this.sharded = isSharded(shard);
  }

  /** `shard 1/3`, for log lines. */
  get label(): string {
    return `shard ${this.shard.index}/${this.shard.count}`;
  }

  /** The User-Agent of every Port request: Port records it as the datasource of what this shard writes. */
  get userAgent(): string {
    return datasourceUserAgent(this.identifier, this.sharded ? this.shard : undefined);
  }

  /** Ownership this run reconciles: the whole integration, or this shard's share. */
  get datasource(): Datasource {
    return datasourceOf(this.identifier, this.sharded ? this.shard : undefined);
  }

  get integrationDatasource(): Datasource {
    return datasourceOf(this.identifier);
  }

  /** Service hooks are registered once per round, by shard 0, for the whole organization. */
  get registersWebhooks(): boolean {
    return this.shard.index === 0;
  }

  /** The project scope of project-level kinds: this shard's share of the projects. */
  projectScope(scope: ProjectScope): ProjectScope {
    if (!this.sharded) return scope;
    const keep = projectPartition(this.shard);
    return {
      ...scope,
      partition: (project: Project) => {
        this.tally.listed = true;
        this.tally.inScope++;
        const mine = keep(project);
        if (mine) this.tally.synced++;
        return mine;
      },
    };
  }

  /** Whether this shard syncs a resource of this kind; records the ones it leaves to shard 0. */
  syncsResource(kind: string, label: string): boolean {
    if (!this.sharded || shardSyncsKind(this.shard, kind)) return true;
    this.leftToShardZero.push(label);
    return false;
  }

  /**
   * Organization-level kinds (on shard 0) see every project, as in a single run: a group's
   * `__project` must resolve whichever shard its project falls to.
   */
  parentsFor(kind: string, shardParents: ParentListings, wholeParents: ParentListings): ParentListings {
    return this.sharded && kindScope(kind) === 'organization' ? wholeParents : shardParents;
  }

  /** Shards other than 0 wait for shard 0 to set the integration up on the very first round. */
  awaitSetup(input: {
    existing: PortIntegration | undefined;
    initializePortResources: boolean;
    mode: 'sync' | 'plan';
    read: () => Promise<PortIntegration | undefined>;
    reporter: RunReporter;
    wait?: SetupWait;
  }): Promise<PortIntegration | undefined> {
    if (!this.sharded || input.mode === 'plan') return Promise.resolve(input.existing);
    return awaitShardZeroSetup({ ...input, shard: this.shard, identifier: this.identifier, wait: input.wait ?? DEFAULT_SETUP_WAIT });
  }

  /**
   * Keeps stale entities that an entity of another shard relates to (see referencedFromOutside),
   * with createMissingRelatedEntities as Ocean's own protection. Undefined for an unsharded run,
   * whose produced entities are the whole picture.
   */
  referencedElsewhere(input: {
    port: PortClient;
    createMissingRelatedEntities: boolean;
    blueprints: readonly string[];
    relationTargets: (blueprint: string) => Promise<Record<string, string>>;
    reporter: RunReporter;
  }): ((deletable: ReadonlyMap<string, readonly string[]>) => Promise<ReadonlyMap<string, ReadonlySet<string>>>) | undefined {
    if (!this.sharded || !input.createMissingRelatedEntities) return undefined;
    return async (candidates) => {
      const edges: RelationEdge[] = [];
      for (const blueprint of new Set(input.blueprints)) {
        for (const [relation, target] of Object.entries(await input.relationTargets(blueprint))) edges.push({ blueprint, relation, target });
      }
      return referencedFromOutside({ port: input.port, owner: this.integrationDatasource, edges, candidates, reporter: input.reporter });
    };
  }

  /**
   * After reconciliation: record a clean run in the round ledger, then sweep what earlier layouts
   * left once a full round of this one has run. Undefined for an unsharded run, whose own
   * reconciliation already covers everything the integration owns.
   */
  async finish(input: {
    port: PortClient;
    entities: EntityApi;
    /** The run's start on Port's clock: the sweep compares it with the `updatedAt` Port stamps. */
    startedAt: Date;
    mode: 'sync' | 'plan';
    results: readonly ResourceStats[];
    deletions: DeletionReport;
    /** The filter that makes this run list less than the shard's share (deletion-policy.ts): such a run is not clean. */
    narrowedByFilter: string | undefined;
    produced: ProducedEntities;
    referencedElsewhere: ((deletable: ReadonlyMap<string, readonly string[]>) => Promise<ReadonlyMap<string, ReadonlySet<string>>>) | undefined;
    threshold: number;
    deleteDependents: boolean;
    now: () => Date;
    reporter: RunReporter;
  }): Promise<ShardReport | undefined> {
    if (!this.sharded) return undefined;
    const notCleanBecause = uncleanReason(input);
    const report: ShardReport = {
      index: this.shard.index,
      count: this.shard.count,
      projects: this.tally.listed ? { synced: this.tally.synced, inScope: this.tally.inScope } : undefined,
      leftToShardZero: [...this.leftToShardZero],
      clean: notCleanBecause === undefined,
      notCleanBecause,
      ledgerProblem: undefined,
      sweep: { ran: false, reason: notCleanBecause ? `this run is not clean (${notCleanBecause})` : 'not run' },
    };
    if (notCleanBecause !== undefined) return report;

    const ledger = new RoundLedger(input.port, this.identifier);
    if (input.mode === 'sync') {
      try {
        await ledger.recordCleanRun(this.shard.index, this.shard.count, input.startedAt.toISOString());
      } catch (error) {
        report.ledgerProblem = describe(error);
        report.sweep = { ran: false, reason: 'the round ledger is unavailable' };
        input.reporter.warn(
          `Could not record this clean run of ${this.label} in Port (${report.ledgerProblem}); entities left by an earlier shard layout are not cleaned up until it can be recorded.`,
        );
        return report;
      }
    }
    try {
      report.sweep = await sweepEarlierLayouts({
        shard: this.shard,
        ledger,
        entities: input.entities,
        integration: this.integrationDatasource,
        shardDatasource: (index) => datasourceOf(this.identifier, { index, count: this.shard.count }),
        heldReason: (blueprint) => input.produced.heldReason(blueprint),
        referencedElsewhere: input.referencedElsewhere,
        threshold: input.threshold,
        deleteDependents: input.deleteDependents,
        mode: input.mode,
        now: input.now,
        reporter: input.reporter,
      });
    } catch (error) {
      report.sweep = { ran: false, reason: `the sweep failed: ${describe(error)}` };
      input.reporter.warn(`Cleaning up after earlier shard layouts failed: ${describe(error)}. Nothing of theirs was deleted; the next clean run tries again.`);
    }
    return report;
  }
}

function uncleanReason(input: { mode: 'sync' | 'plan'; results: readonly ResourceStats[]; deletions: DeletionReport; narrowedByFilter: string | undefined }): string | undefined {
  const failed = input.results.filter((r) => !r.ok || r.incomplete.length > 0);
  if (failed.length > 0) return `${failed.map((r) => r.label).join(', ')} did not sync completely`;
  if (input.narrowedByFilter) return input.narrowedByFilter;
  if (input.deletions.skipped) return `deletions were skipped: ${input.deletions.skipped}`;
  if (input.deletions.blueprints.some((b) => b.error !== undefined)) return 'some stale entities could not be deleted';
  return undefined;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
