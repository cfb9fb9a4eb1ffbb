import { z } from 'zod';
import { AzureDevOpsError } from '../azure-devops/errors';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { readObject } from '../azure-devops/read-object';
import { fanOut } from './fan-out';
import { defineKind, type KindContext, type Page } from './kind';
import type { Team } from './parents';

type BoardListing = { pages: Page[]; incomplete: string[]; error: Error | undefined };

/**
 * Every board of every team, each read in full (columns, rows, fields) and tagged with its team.
 * The board and column kinds both read it: it is listed once per run and shared (a few kilobytes
 * per board), which saves a team's board list and a request per board for the second kind.
 */
export async function* listBoards(ctx: KindContext): AsyncGenerator<Page> {
  const listing = await ctx.parents.shared('boards', () => loadBoards(ctx));
  for (const reason of listing.incomplete) ctx.listing.incomplete(reason);
  yield* listing.pages;
  if (listing.error !== undefined) throw listing.error;
}

/** The boards, plus what made the listing incomplete or failed; healthy teams' boards are kept either way. */
async function loadBoards(ctx: KindContext): Promise<BoardListing> {
  const listing: BoardListing = { pages: [], incomplete: [], error: undefined };
  try {
    for await (const page of readBoards(ctx, (reason) => listing.incomplete.push(reason))) listing.pages.push(page);
  } catch (error) {
    listing.error = error instanceof Error ? error : new Error(String(error));
  }
  return listing;
}

async function* readBoards(ctx: KindContext, incomplete: (reason: string) => void): AsyncGenerator<Page> {
  yield* fanOut(
    await ctx.parents.teams(),
    ctx.concurrency.teams,
    async function* (team: Team) {
      const base = `${team.__project.id}/${team.id}/_apis/work/boards`;
      const read = async (retry: boolean) => {
        const out: RawItem[] = [];
        for await (const page of listPages(ctx.client, { path: base, apiVersion: '7.1', noRetryOnServerError: !retry }, paging.single())) out.push(...page);
        return out;
      };
      let references: RawItem[] = [];
      try {
        references = await read(false);
      } catch (error) {
        // A team without iterations answers 500 here (ocean PR #2595). Ocean skips the team; we
        // check: no iterations means no boards; otherwise the 500 was a real failure, worth the
        // usual retry, and if it persists the boards are unknown.
        if (!(error instanceof AzureDevOpsError) || error.status !== 500) throw error;
        if (!(await hasNoIterations(ctx, team))) {
          try {
            references = await read(true);
          } catch (retried) {
            if (!(retried instanceof AzureDevOpsError) || retried.status !== 500) throw retried;
            incomplete(`the boards of team '${team.name}' could not be read (HTTP 500)`);
          }
        }
      }
      for (const reference of references) {
        const board = await readObject(ctx.client, { path: `${base}/${String(reference.id)}`, apiVersion: '7.1' }, `board '${String(reference.name ?? reference.id)}' of team '${team.name}'`);
        yield [{ ...reference, ...board, __project: team.__project, __team: team }];
      }
    },
    (team) => `boards of team ${team.name}`,
  );
}

async function hasNoIterations(ctx: KindContext, team: Team): Promise<boolean> {
  const response = await ctx.client.request({ path: `${team.__project.id}/${team.id}/_apis/work/teamsettings/iterations`, apiVersion: '7.1' });
  const parsed = z.object({ value: z.array(z.unknown()) }).safeParse(response.body);
  return parsed.success && parsed.data.value.length === 0;
}

export default defineKind({
  kind: 'board',
  description: 'Boards of every team in every project in scope.',
  selector: z.object({}),
  endpoints: ['GET {org}/{project}/{team}/_apis/work/boards (7.1)', 'GET …/work/boards/{id} (7.1)', 'GET …/work/teamsettings/iterations (when boards answer 500: no iterations means no boards)'],
  enrichment: { __project: 'the project', __team: 'the team' },
  availability: 'cloud-and-server',
  permission: 'Work Items (Read)',
  list: (ctx) => listBoards(ctx),
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsBoard',
        title: 'Board',
        icon: 'AzureDevops',
        schema: { properties: { link: { title: 'Link', type: 'string', format: 'url' } }, required: [] },
        relations: {
          project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false },
          team: { title: 'Team', target: 'azureDevopsTeam', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'board',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.id',
              title: '.__team.name + " / " + .name',
              blueprint: '"azureDevopsBoard"',
              properties: {
                link: '.__organizationUrl + "/" + (.__project.name | @uri) + "/_boards/board/t/" + (.__team.name | @uri) + "/" + (.name | @uri)',
              },
              relations: { project: '.__project.id', team: '.__team.id' },
            },
          },
        },
      },
    ],
  },
});
