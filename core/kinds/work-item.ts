import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { AzureDevOpsError } from '../azure-devops/errors';
import { isJsonObject } from '../util/json-object';
import { fanOut } from './fan-out';
import { defineKind, type KindContext, type Page, type RawItem } from './kind';
import type { Project } from './parents';

/** WIQL answers at most 20,000 ids (VS402337), and has no continuation (azure-devops-api.md §3.3). */
const WIQL_PAGE = 20_000;
/** workitemsbatch takes at most 200 ids (VS403474). */
const BATCH = 200;

const wiqlResult = z.object({ workItems: z.array(z.object({ id: z.number() })) });

export default defineKind({
  kind: 'work-item',
  description: 'Work items of every project in scope, optionally filtered by a WIQL condition.',
  selector: z.object({
    wiql: z
      .string()
      .describe(
        "A WIQL condition ANDed to the project filter, e.g. `[System.State] <> 'Closed'`. With `@project` it is asked project by project, as Ocean does. An `ORDER BY` is ignored, with a warning: the sync orders by id to page past the 20,000-item WIQL limit.",
      )
      .optional(),
    expand: z
      .enum(['None', 'Fields', 'Relations', 'Links', 'All'])
      .default('All')
      .describe('Which parts of each work item to read, when the mapping reads more than `id`, `rev`, `url` and named fields (otherwise only the fields it reads are read).'),
  }),
  endpoints: [
    'POST {org}/_apis/wit/wiql (7.1, $top 20000, id-ordered pages over the organization; {org}/{project}/_apis/wit/wiql per project under a projects filter or a shard; id windows past VS402337)',
    "POST {org}/_apis/wit/workitemsbatch (7.1, 200 ids per batch; with `fields`, only those the mapping reads, when it reads nothing but `id`, `rev`, `url` and named fields, else with the selector's `$expand`)",
  ],
  enrichment: { __projectId: 'the project id', __project: 'the project' },
  // workitemsbatch answers `fields: [refNames]` with id, rev, url and those fields only.
  namedFields: { keys: ['id', 'rev', 'url'], fieldsKey: 'fields' },
  availability: 'cloud-and-server',
  permission: 'Work Items (Read)',
  volume: 'largest',
  list: (ctx, selector) => listWorkItems(ctx, selector),
  changedSince: {
    filter: "WIQL `[System.ChangedDate] >= '<cursor>'` with `timePrecision=true`, ANDed to the selector's condition",
    misses: 'a work item moved to the recycle bin (a deletion)',
    list: (ctx, selector, window) => listWorkItems(ctx, selector, window.since.toISOString()),
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsWorkItem',
        title: 'Work item',
        icon: 'AzureDevops',
        schema: {
          properties: {
            type: { title: 'Type', type: 'string' },
            state: { title: 'State', type: 'string' },
            reason: { title: 'Reason', type: 'string' },
            priority: { title: 'Priority', type: 'number' },
            effort: { title: 'Effort', type: 'number' },
            description: { title: 'Description', type: 'string', format: 'markdown' },
            assignedTo: { title: 'Assigned to', type: 'string' },
            createdBy: { title: 'Created by', type: 'string' },
            changedBy: { title: 'Changed by', type: 'string' },
            createdDate: { title: 'Created', type: 'string', format: 'date-time' },
            changedDate: { title: 'Changed', type: 'string', format: 'date-time' },
            areaPath: { title: 'Area path', type: 'string' },
            iterationPath: { title: 'Iteration path', type: 'string' },
            tags: { title: 'Tags', type: 'array', items: { type: 'string' } },
            boardColumn: { title: 'Board column', type: 'string' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {
          project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'work-item',
        selector: { query: 'true', expand: 'All' },
        port: {
          entity: {
            mappings: {
              identifier: '.__projectId + "/" + (.id | tostring)',
              title: '.fields."System.Title"',
              blueprint: '"azureDevopsWorkItem"',
              properties: {
                type: '.fields."System.WorkItemType"',
                state: '.fields."System.State"',
                reason: '.fields."System.Reason"',
                priority: '.fields."Microsoft.VSTS.Common.Priority"',
                effort: '.fields."Microsoft.VSTS.Scheduling.Effort" // .fields."Microsoft.VSTS.Scheduling.StoryPoints"',
                description: '.fields."System.Description"',
                assignedTo: '.fields."System.AssignedTo".uniqueName',
                createdBy: '.fields."System.CreatedBy".uniqueName',
                changedBy: '.fields."System.ChangedBy".uniqueName',
                createdDate: '.fields."System.CreatedDate"',
                changedDate: '.fields."System.ChangedDate"',
                areaPath: '.fields."System.AreaPath"',
                iterationPath: '.fields."System.IterationPath"',
                tags: '(.fields."System.Tags" // "") | split("; ") | map(select(. != ""))',
                // The column on the board of the team that owns the area path: which board that is
                // cannot be told from the work item, so this is a property, not a relation.
                boardColumn: '.fields."System.BoardColumn"',
                // From `url` rather than `_links.html.href`, which only `$expand` returns: reading
                // named fields only lets the sync ask for just those (docs/performance.md).
                link: '.url | sub("/_apis/wit/workItems/"; "/_workitems/edit/"; "i")',
              },
              relations: { project: '.__projectId' },
            },
          },
        },
      },
    ],
  },
});

/** Every work item in scope, or with `changedSince` those changed since then. */
async function* listWorkItems(ctx: KindContext, selector: { wiql?: string | undefined; expand: string }, changedSince?: string): AsyncGenerator<Page> {
  // Organization-wide id pages rather than one WIQL per project: a WIQL costs a whole TSTU
  // (azure-devops-api.md §3.1) and batches fill to 200 across projects.
  const projects = await ctx.parents.projects();
  const locate = projectLocator(projects);
  const { condition, orderBy } = splitOrderBy(selector.wiql);
  if (orderBy !== undefined) ctx.listing.warn(`the wiql's ${orderBy} is ignored: work items are read in id order, to page past the 20,000-item WIQL limit.`);
  // `@project` means the project a query is asked under: Ocean asks per project, so it works there.
  const perProject = condition !== undefined && /@project\b/i.test(condition);
  let unknown = 0;
  const wholeOrganization = ctx.parents.coversOrganization;
  const reads = new BatchReads(ctx, selector.expand);
  const pageOf = async (ids: number[], whole = false): Promise<Page> => {
    const items = await reads.fetch(ids, whole);
    const page: Page = [];
    for (const item of items) {
      const project = locate(item);
      if (project) page.push({ ...item, __projectId: project.id, __project: project });
      // Over the whole organization, an item of a project the project list leaves out (one
      // being created or deleted) is skipped, as a per-project listing never read it. Under
      // a projects filter the query names the projects, so such an item means the answer is off.
      else if (!wholeOrganization && unknown++ === 0) ctx.listing.incomplete(`work item ${String(item.id)} names no project in scope (System.TeamProject or its URL)`);
    }
    return page;
  };
  // Under a projects filter, a shard's share or excluded tags: one project at a time, under the
  // project's own path, so the query names exactly the projects in scope.
  const groups = wholeOrganization && !perProject ? [undefined] : projects.map((project) => [project]);
  const batches = idBatches(ctx, groups, condition, changedSince);
  if (reads.narrowed && ctx.rawExamples) {
    // The raw examples Port shows are the first items listed: that batch is read whole.
    const first = await batches.next();
    if (first.done) return;
    yield await pageOf(first.value, true);
  }
  yield* fanOut(
    batches,
    ctx.concurrency.workItemBatches,
    async function* (ids: number[]) {
      yield await pageOf(ids);
    },
    (ids) => `work items ${ids[0]}…${ids.at(-1)}`,
  );
}

/**
 * How batches are read: only the fields the mapping reads (plus `System.TeamProject`, which
 * locates the project) when it reads nothing else, else with the selector's `$expand`; the service
 * refuses both at once (azure-devops-api.md §3). Should it refuse the field list (a 400: a name the
 * organization has no field for, which `$expand` would simply leave unset), the rest is read whole.
 */
class BatchReads {
  private fields: string[] | undefined;

  constructor(
    private readonly ctx: KindContext,
    private readonly expand: string,
  ) {
    this.fields = ctx.fieldsRead ? [...new Set([...ctx.fieldsRead, 'System.TeamProject'])] : undefined;
  }

  get narrowed(): boolean {
    return this.fields !== undefined;
  }

  async fetch(ids: number[], whole: boolean): Promise<RawItem[]> {
    const fields = whole ? undefined : this.fields;
    if (!fields) return fetchBatch(this.ctx.client, ids, { $expand: this.expand });
    try {
      return await fetchBatch(this.ctx.client, ids, { fields });
    } catch (error) {
      if (!(error instanceof AzureDevOpsError && error.status === 400)) throw error;
      if (this.fields) this.ctx.listing.warn(`${error.message} Work items are read whole instead of only the fields the mapping reads.`);
      this.fields = undefined;
      return fetchBatch(this.ctx.client, ids, { $expand: this.expand });
    }
  }
}

/** The condition without a trailing `ORDER BY …` (outside quotes), and that clause if there was one. */
export function splitOrderBy(wiql: string | undefined): { condition: string | undefined; orderBy?: string } {
  if (wiql === undefined) return { condition: undefined };
  // Quoted strings are blanked so an "order by" inside a value is not taken for the clause.
  const blanked = wiql.replace(/'(?:[^']|'')*'/g, (quoted) => ' '.repeat(quoted.length));
  const at = blanked.search(/\border\s+by\b/i);
  if (at === -1) return { condition: wiql };
  return { condition: wiql.slice(0, at).trim(), orderBy: wiql.slice(at).trim() };
}

function wiqlQuery(projects: readonly Project[] | undefined, filter: string | undefined, range: { after: number; upTo?: number }, changedSince?: string): string {
  const conditions = [`[System.Id] > ${range.after}`];
  if (projects) conditions.push(`[System.TeamProject] IN (${projects.map((p) => `'${p.name.replaceAll("'", "''")}'`).join(', ')})`);
  if (changedSince) conditions.push(`[System.ChangedDate] >= '${changedSince}'`);
  if (range.upTo !== undefined) conditions.push(`[System.Id] <= ${range.upTo}`);
  if (filter?.trim()) conditions.push(`(${filter})`);
  return `SELECT [System.Id] FROM WorkItems WHERE ${conditions.join(' AND ')} ORDER BY [System.Id] ASC`;
}

/** A work item's project: `System.TeamProject` (a name), else the project id in its URL. */
function projectLocator(projects: readonly Project[]): (item: RawItem) => Project | undefined {
  const byName = new Map(projects.map((p) => [p.name.toLowerCase(), p]));
  const byId = new Map(projects.map((p) => [p.id.toLowerCase(), p]));
  return (item) => {
    const fields = item.fields as Record<string, unknown> | undefined;
    const name = fields?.['System.TeamProject'];
    if (typeof name === 'string') return byName.get(name.toLowerCase());
    const id = typeof item.url === 'string' ? /\/([0-9a-f-]{36})\/_apis\/wit\/workitems\//i.exec(item.url)?.[1] : undefined;
    return id ? byId.get(id.toLowerCase()) : undefined;
  };
}

function isOverCap(error: unknown): boolean {
  return error instanceof AzureDevOpsError && error.code === 'VS402337';
}

/** Ids in ascending batches of ≤200, group after group (one group, undefined, is the whole organization). */
async function* idBatches(ctx: KindContext, groups: readonly (Project[] | undefined)[], filter: string | undefined, changedSince?: string): AsyncGenerator<number[]> {
  for (const group of groups) {
    let pending: number[] = [];
    for await (const ids of workItemIds(ctx, group, filter, changedSince)) {
      pending.push(...ids);
      while (pending.length >= BATCH) yield pending.splice(0, BATCH);
    }
    if (pending.length > 0) yield pending;
    pending = [];
  }
}

/**
 * Ids of the work items in scope, one WIQL page at a time. WIQL caps a result at 20,000, so the
 * ids are read in id-ordered pages (`[System.Id] > last`, `$top`); should the service refuse a
 * query over the cap even with `$top`, the range is narrowed by id windows until each fits.
 */
async function* workItemIds(ctx: KindContext, projects: Project[] | undefined, filter: string | undefined, changedSince?: string): AsyncGenerator<number[]> {
  const run = async (range: { after: number; upTo?: number }) => {
    const response = await ctx.client.request({
      method: 'POST',
      readOnly: true,
      path: projects?.length === 1 ? `${(projects[0] as Project).id}/_apis/wit/wiql` : '_apis/wit/wiql',
      // Without timePrecision WIQL compares dates by day (ocean-azure-devops.md §1.3).
      query: { $top: WIQL_PAGE, ...(changedSince ? { timePrecision: true } : {}) },
      body: { query: wiqlQuery(projects, filter, range, changedSince) },
      apiVersion: '7.1',
    });
    const parsed = wiqlResult.safeParse(response.body);
    if (!parsed.success) throw new Error('WIQL did not answer with workItems.');
    return parsed.data.workItems.map((w) => w.id);
  };
  let after = 0;
  let window = 20_000;
  for (;;) {
    let ids: number[];
    let windowed = false;
    try {
      ids = await run({ after });
    } catch (error) {
      if (!isOverCap(error)) throw error;
      windowed = true;
      for (;;) {
        try {
          ids = await run({ after, upTo: after + window });
          break;
        } catch (inner) {
          if (!isOverCap(inner) || window <= 1) throw inner;
          window = Math.max(1, Math.floor(window / 2));
        }
      }
    }
    yield ids;
    if (windowed) {
      after += window;
      if (ids.length < 5_000) window *= 2;
      continue;
    }
    if (ids.length < WIQL_PAGE) return;
    after = ids[ids.length - 1] ?? after;
  }
}

async function fetchBatch(client: AzureDevOpsClient, ids: number[], read: { $expand: string } | { fields: string[] }): Promise<RawItem[]> {
  const response = await client.request({
    method: 'POST',
    readOnly: true,
    path: '_apis/wit/workitemsbatch',
    // errorPolicy omit: an item deleted since the WIQL comes back null instead of failing the batch.
    body: { ids, ...read, errorPolicy: 'omit' },
    apiVersion: '7.1',
  });
  const value = response.body !== null && typeof response.body === 'object' ? (response.body as { value?: unknown }).value : undefined;
  // errorPolicy omit answers null for an id it could not read.
  if (!Array.isArray(value) || !(value as unknown[]).every((item) => item === null || isJsonObject(item))) {
    throw new Error(`workitemsbatch for ids ${ids[0]}…${ids.at(-1)} did not answer with a list.`);
  }
  return (value as (RawItem | null)[]).filter((item): item is RawItem => item !== null);
}
