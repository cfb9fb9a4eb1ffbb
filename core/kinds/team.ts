import { z } from 'zod';
import { listPages, paging } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import { defineKind } from './kind';
import type { Team } from './parents';
import { flag } from './selector-types';

export default defineKind({
  kind: 'team',
  description: 'Teams of every project in scope, all pages.',
  selector: z.object({
    includeMembers: flag(false).describe("Adds `__members` (the team's members) to each team."),
    includeAreaPaths: flag(false).describe("Adds `__areaPaths` (the team's area path settings) to each team."),
  }),
  endpoints: ['GET {org}/_apis/teams (7.1-preview.3, $top/$skip 100, organization-wide, filtered to the projects in scope)', 'GET …/teams/{team}/members (with includeMembers)', 'GET {org}/{project}/{team}/_apis/work/teamsettings/teamfieldvalues (with includeAreaPaths)'],
  enrichment: { __project: 'the project', __members: 'with includeMembers: the team members', __areaPaths: 'with includeAreaPaths: the team field values' },
  availability: 'cloud-and-server',
  permission: 'Project and Team (Read)',
  async *list(ctx, selector) {
    const teams = await ctx.parents.teams();
    if (!selector.includeMembers && !selector.includeAreaPaths) {
      yield teams;
      return;
    }
    yield* fanOut(
      teams,
      ctx.concurrency.teams,
      async function* (team: Team) {
        const enriched: Record<string, unknown> = { ...team };
        if (selector.includeMembers) {
          const members: unknown[] = [];
          for await (const page of listPages(ctx.client, { path: `_apis/projects/${team.__project.id}/teams/${team.id}/members`, apiVersion: '7.1' }, paging.topSkip(100))) {
            members.push(...page);
          }
          enriched.__members = members;
        }
        if (selector.includeAreaPaths) {
          const response = await ctx.client.request({ path: `${team.__project.id}/${team.id}/_apis/work/teamsettings/teamfieldvalues`, apiVersion: '7.1' });
          enriched.__areaPaths = response.body ?? null;
        }
        yield [enriched];
      },
      (team) => `team ${team.name}`,
    );
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsTeam',
        title: 'Team',
        icon: 'Team',
        schema: {
          properties: {
            description: { title: 'Description', type: 'string' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'team',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.id',
              title: '.name',
              blueprint: '"azureDevopsTeam"',
              properties: {
                description: '.description',
                link: '.__organizationUrl + "/" + (.__project.name | @uri) + "/_settings/teams?teamId=" + .id',
              },
              relations: { project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
