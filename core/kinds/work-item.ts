import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { AzureDevOpsError } from '../azure-devops/errors';
import { fanOut } from './fan-out';
import { defineKind, type KindContext, type Page } from './kind';
import type { Project } from './parents';

/** WIQL answers at most 20,000 ids (VS402337), and has no continuation (azure-devops-api.md §3.3). */
const WIQL_PAGE = 19_999;
/** workitemsbatch takes at most 200 ids (VS403474). */
const BATCH = 200;

const wiqlResult = z.object({ workItems: z.array(z.object({ id: z.number() })) });

export default defineKind({
  kind: 'work-item',
  description: 'Work items of every project in scope, optionally filtered by a WIQL condition.',
  selector: z.object({
    wiql: z
      .string()
      .describe("A WIQL condition ANDed to the project filter, e.g. `[System.State] <> 'Closed'`.")
      .refine((w) => !/\border\s+by\b/i.test(w), {
        message: 'must be a WIQL condition without ORDER BY: the sync orders by id to page past the 20,000-item WIQL limit',
      })
      .optional(),
    expand: z.enum(['None', 'Fields', 'Relations', 'Links', 'All']).default('All').describe('Which parts of each work item to read.'),
  }),
  endpoints: ['POST {org}/{project}/_apis/wit/wiql (7.1, $top 19999, id-ordered pages, id windows past VS402337)', 'POST {org}/{project}/_apis/wit/workitemsbatch (7.1, 200 ids per batch)'],
  enrichment: { __projectId: 'the project id', __project: 'the project' },
  availability: 'cloud-and-server',
  permission: 'Work Items (Read)',
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
                link: '._links.html.href // (.__organizationUrl + "/" + (.__project.name | @uri) + "/_workitems/edit/" + (.id | tostring))',
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
  yield* fanOut(
    await ctx.parents.projects(),
    ctx.concurrency.projects,
    (project: Project) =>
      fanOut(
        workItemIdBatches(ctx, project, selector.wiql, changedSince),
        ctx.concurrency.workItemBatches,
        (ids: number[]) => fetchBatch(ctx.client, project, ids, selector.expand),
        (ids) => `work items ${ids[0]}…${ids.at(-1)} of project ${project.name}`,
      ),
    (project) => `work items of project ${project.name}`,
  );
}

function wiqlQuery(project: Project, filter: string | undefined, range: { after: number; upTo?: number }, changedSince?: string): string {
  const conditions = [`[System.TeamProject] = '${project.name.replaceAll("'", "''")}'`, `[System.Id] > ${range.after}`];
  if (changedSince) conditions.push(`[System.ChangedDate] >= '${changedSince}'`);
  if (range.upTo !== undefined) conditions.push(`[System.Id] <= ${range.upTo}`);
  if (filter?.trim()) conditions.push(`(${filter})`);
  return `SELECT [System.Id] FROM WorkItems WHERE ${conditions.join(' AND ')} ORDER BY [System.Id] ASC`;
}

function isOverCap(error: unknown): boolean {
  return error instanceof AzureDevOpsError && error.code === 'VS402337';
}

/**
 * Ids of the project's work items in ascending batches of ≤200. WIQL caps a result at 20,000, so
 * the ids are read in id-ordered pages (`[System.Id] > last`, `$top`); should the service refuse a
 * query over the cap even with `$top`, the range is narrowed by id windows until each fits.
 */
async function* workItemIdBatches(ctx: KindContext, project: Project, filter: string | undefined, changedSince?: string): AsyncGenerator<number[]> {
  const run = async (range: { after: number; upTo?: number }) => {
    const response = await ctx.client.request({
      method: 'POST',
      readOnly: true,
      path: `${project.id}/_apis/wit/wiql`,
      // Without timePrecision WIQL compares dates by day (ocean-azure-devops.md §1.3).
      query: { $top: WIQL_PAGE, ...(changedSince ? { timePrecision: true } : {}) },
      body: { query: wiqlQuery(project, filter, range, changedSince) },
      apiVersion: '7.1',
    });
    const parsed = wiqlResult.safeParse(response.body);
    if (!parsed.success) throw new Error(`WIQL for project ${project.name} did not answer with workItems.`);
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
    for (let i = 0; i < ids.length; i += BATCH) yield ids.slice(i, i + BATCH);
    if (windowed) {
      after += window;
      if (ids.length < 5_000) window *= 2;
      continue;
    }
    if (ids.length < WIQL_PAGE) return;
    after = ids[ids.length - 1] ?? after;
  }
}

async function* fetchBatch(client: AzureDevOpsClient, project: Project, ids: number[], expand: string): AsyncGenerator<Page> {
  const response = await client.request({
    method: 'POST',
    readOnly: true,
    path: `${project.id}/_apis/wit/workitemsbatch`,
    // errorPolicy omit: an item deleted since the WIQL comes back null instead of failing the batch.
    body: { ids, $expand: expand, errorPolicy: 'omit' },
    apiVersion: '7.1',
  });
  const parsed = z.object({ value: z.array(z.record(z.string(), z.unknown()).nullable()) }).safeParse(response.body);
  if (!parsed.success) throw new Error(`workitemsbatch for project ${project.name} did not answer with a list.`);
  yield parsed.data.value.filter((item): item is Record<string, unknown> => item !== null).map((item) => ({ ...item, __projectId: project.id, __project: project }));
}
