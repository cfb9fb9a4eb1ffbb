import type { z } from 'zod';
import type { AdoRequest, AzureDevOpsClient } from '../azure-devops/client';
import type { Organization } from '../azure-devops/organization';
import type { NamedFieldsShape } from '../mapping/field-reads';
import { listPages, type Paging, type RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import type { ParentListings } from './parents';

export type { RawItem } from '../azure-devops/paging';
export type Page = RawItem[];

/** How many branches of each fan-out run at once. One policy object, tuned in one place. */
export type ConcurrencyPolicy = {
  /**
   * In-flight requests per Azure DevOps identity (the limiter's cap). A few more than a service
   * serves at once, as for Port: an answer that arrives while the engine's one thread is busy
   * would otherwise hold its slot empty at the service (docs/performance.md).
   */
  requests: number;
  /**
   * In-flight requests to Port. Port writes are the larger half of a sync (docs/performance.md); a
   * few more than a service serves at once keep its slots busy while the engine is busy elsewhere
   * (Ocean allows 50).
   */
  portRequests: number;
  /** Port requests one resource may have waiting or in flight before its listing pauses: what bounds the pages held. */
  portBacklog: number;
  /** Resources of the mapping synced at once, where that cannot change the outcome (sync/resource-lanes.ts). */
  resources: number;
  projects: number;
  /**
   * Projects listed at once where each answer is a page of up to 1,000 large items (builds, pull
   * requests): every branch of a fan-out holds one page while the Port side catches up, and a page
   * of 1,000 builds is several MB once parsed (docs/performance.md, "Memory"). Two: since work
   * items start first, these pages arrive while work-item batches are in flight too.
   */
  largePages: number;
  repositories: number;
  teams: number;
  pipelines: number;
  builds: number;
  /**
   * Work-item batches of 200 fetched at once per project. Four keep the work-item lane fed (its
   * mapping and writes, not its reads, set its pace) with half the pages in memory of eight.
   */
  workItemBatches: number;
  /** Per-item enrichment calls (files, details). */
  enrichment: number;
};

export const DEFAULT_CONCURRENCY: ConcurrencyPolicy = {
  requests: 24,
  portRequests: 24,
  portBacklog: 48,
  resources: 4,
  projects: 8,
  largePages: 2,
  repositories: 16,
  teams: 8,
  pipelines: 16,
  builds: 16,
  workItemBatches: 4,
  enrichment: 16,
};

/** What a kind tells the run about its listing beyond the items themselves. */
export interface ListingReport {
  /**
   * The listing is knowingly partial (a service cap hit, a part skipped): nothing it feeds may be
   * deleted, and its incremental cursor stays, unless `olderOnly`: only items older than every one
   * listed are missing (a cap on history), so whatever changed since the cursor was listed.
   */
  incomplete(reason: string, options?: { olderOnly?: boolean }): void;
  warn(message: string): void;
}

export type KindContext = {
  readonly client: AzureDevOpsClient;
  readonly organization: Organization;
  readonly parents: ParentListings;
  readonly concurrency: ConcurrencyPolicy;
  readonly listing: ListingReport;
  /** The run's start, for time windows (closed pull requests, look-backs). */
  readonly now: Date;
  /**
   * For a kind that declares `namedFields`: the only fields of each item the mapping reads
   * (mapping/field-reads.ts). Undefined: the mapping may read anything, so items are read whole.
   */
  readonly fieldsRead?: readonly string[] | undefined;
  /** The run sends the first items listed to Port as raw examples, which should show whole items. */
  readonly rawExamples?: boolean;
};

/** A Port blueprint as sent to `POST /v1/blueprints`. */
export type BlueprintDefinition = {
  identifier: string;
  title: string;
  icon?: string;
  description?: string;
  schema: { properties: Record<string, Record<string, unknown>>; required: string[] };
  relations: Record<string, { title?: string; target: string; required: boolean; many: boolean }>;
  mirrorProperties?: Record<string, { title?: string; path: string }>;
  calculationProperties?: Record<string, Record<string, unknown>>;
  aggregationProperties?: Record<string, Record<string, unknown>>;
};

/** A resource of the default port-app-config, in its YAML object form. */
export type DefaultResource = {
  kind: string;
  selector: { query: string } & Record<string, unknown>;
  port: { entity: { mappings: Record<string, unknown> } } & Record<string, unknown>;
};

export type KindDefaults = {
  blueprints: BlueprintDefinition[];
  resources: DefaultResource[];
  /**
   * For a kind left out of the default mapping (cloud only, or it needs user-specific patterns):
   * why, and a mapping to start from (docs/kinds.md shows it). Its blueprints are still created.
   */
  optIn?: { reason: string; example: DefaultResource[] };
};

/**
 * The window of an incremental run for one resource (docs/incremental.md): list what changed at or
 * after `since`. `shared` memoizes a probe for the whole run, so kinds that read the same changes
 * (changed builds feed build, pipeline-run and pipeline-stage) ask Azure DevOps once.
 */
export type ChangeWindow = {
  readonly since: Date;
  shared<T>(key: string, load: () => Promise<T>): Promise<T>;
};

/**
 * Where a change listing starts when the selector has a lower bound of its own (`modifiedSince`,
 * `minCreatedTime`, the closed-pull-request window): the later of the two, so the listing keeps
 * the selector's meaning. A bound that is not a time leaves the window's start.
 */
export function changesFrom(window: ChangeWindow, selectorBound: string | Date | undefined): string {
  const bound = selectorBound instanceof Date ? selectorBound.getTime() : selectorBound === undefined ? Number.NaN : Date.parse(selectorBound);
  if (!(bound > window.since.getTime())) return window.since.toISOString();
  return typeof selectorBound === 'string' ? selectorBound : new Date(bound).toISOString();
}

/**
 * A kind's server-side "changed since" listing, for incremental runs. It must list, among the
 * items the full listing would give with the same selector, every one that changed at or after
 * `window.since` (more is harmless: unchanged entities are skipped), in the same raw shape.
 */
export type ChangeFilter<S> = {
  /** The Azure DevOps filter it relies on, for docs/incremental.md. */
  readonly filter: string;
  /** Changes the filter cannot see, which wait for the next full sync (docs/incremental.md). */
  readonly misses?: string;
  readonly list: (ctx: KindContext, selector: S, window: ChangeWindow) => AsyncIterable<Page>;
};

/** A kind's selector schema: always a `z.object`, so its keys can be read (`.shape`) for checks and docs. */
export type SelectorSchema = z.ZodObject;

/**
 * Where a kind's items live, for `--shard` (core/shards/kind-scope.ts): `project` kinds are listed
 * under projects (directly, or through repositories, teams, pipelines and environments) and split
 * by project; `organization` kinds belong to no project and are listed whole, by shard 0.
 */
export type KindScope = 'organization' | 'project';

/**
 * `S` is the kind's own selector schema (`defineKind` requires a `SelectorSchema`). Left at its
 * default, as the registry sees every kind, the parsed selector is `unknown`: the run hands back,
 * unopened, what the kind's own schema parsed.
 */
export type KindDefinition<S extends z.ZodType = z.ZodType> = {
  readonly kind: string;
  readonly description: string;
  /** Kind-specific selector keys (everything but `query`), with their defaults and `.describe()`d for the docs. */
  readonly selector: S & SelectorSchema;
  /** Whether the items belong to a project or to the organization as a whole. Unset: `project`. */
  readonly scope?: KindScope;
  /** The Azure DevOps calls the listing makes, for docs/kinds.md. */
  readonly endpoints: readonly string[];
  /** Fields added to each raw item beyond the API's own (Ocean-compatible names), with what they hold. */
  readonly enrichment: Readonly<Record<string, string>>;
  /**
   * The API can answer only named fields (work items' `fields: [refNames]`): the item's shape, so
   * the run can tell which fields the mapping reads and pass them as `ctx.fieldsRead`.
   */
  readonly namedFields?: NamedFieldsShape;
  /** Graph, entitlements and Advanced Security exist only in the cloud. */
  readonly availability: 'cloud-and-server' | 'cloud-only';
  /** The Azure DevOps permission the identity needs, for docs and error messages. */
  readonly permission: string;
  readonly list: (ctx: KindContext, selector: z.output<S>) => AsyncIterable<Page>;
  /** Incremental runs list only what changed through this; a kind without one is listed in full. */
  readonly changedSince?: ChangeFilter<z.output<S>>;
  readonly defaults: KindDefaults;
  /**
   * How long this kind's listing usually runs next to the others': work items outnumber everything
   * else in most organizations, and repositories, branches and runs come next. Resources that can
   * run at once start the longest first, so the run does not end with the longest one alone
   * (sync/resource-lanes.ts). Unset: as long as most.
   */
  readonly volume?: Volume;
};

export type Volume = 'largest' | 'large';

export function defineKind<S extends SelectorSchema>(definition: KindDefinition<S>): KindDefinition<S> {
  return definition;
}

/**
 * The declarative listing most kinds are: for each parent (a project, a repository, a team…) send
 * one paged request and add the enrichment fields Ocean adds (`__project`, `__repository`…).
 */
export function listUnder<P, S = unknown>(spec: {
  parents: (ctx: KindContext, selector: S) => Promise<readonly P[]> | AsyncIterable<P>;
  concurrency: keyof ConcurrencyPolicy;
  scope: (parent: P) => string;
  request: (parent: P, selector: S, ctx: KindContext) => AdoRequest;
  paging: Paging;
  enrich?: (item: RawItem, parent: P, selector: S) => RawItem;
}): (ctx: KindContext, selector: S) => AsyncIterable<Page> {
  return async function* (ctx, selector) {
    const parents = spec.parents(ctx, selector);
    const list = Symbol.asyncIterator in parents ? parents : await parents;
    yield* fanOut(
      list,
      ctx.concurrency[spec.concurrency],
      async function* (parent: P) {
        for await (const page of listPages(ctx.client, spec.request(parent, selector, ctx), spec.paging)) {
          yield spec.enrich ? page.map((item) => spec.enrich!(item, parent, selector)) : page;
        }
      },
      spec.scope,
    );
  };
}
