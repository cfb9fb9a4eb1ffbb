import { z } from 'zod';
import { paging } from '../azure-devops/paging';
import { defineKind, listUnder } from './kind';

export default defineKind({
  kind: 'member',
  description: 'Members of every team in scope, one item per (team, member).',
  selector: z.object({}),
  endpoints: ['GET {org}/_apis/projects/{project}/teams/{team}/members (7.1, $top/$skip 100)'],
  enrichment: { __teamId: 'the team id (as Ocean)', __team: 'the team', __project: 'the project' },
  availability: 'cloud-and-server',
  permission: 'Project and Team (Read)',
  list: listUnder({
    parents: (ctx) => ctx.parents.teams(),
    concurrency: 'teams',
    scope: (team) => `team ${team.name}`,
    request: (team) => ({ path: `_apis/projects/${team.__project.id}/teams/${team.id}/members`, apiVersion: '7.1' }),
    paging: paging.topSkip(100),
    enrich: (member, team) => ({ ...member, __teamId: team.id, __team: team, __project: team.__project }),
  }),
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsMember',
        title: 'Team member',
        icon: 'User',
        schema: {
          properties: {
            email: { title: 'Email or principal name', type: 'string' },
            displayName: { title: 'Display name', type: 'string' },
            isTeamAdmin: { title: 'Team admin', type: 'boolean' },
          },
          required: [],
        },
        relations: { team: { title: 'Team', target: 'azureDevopsTeam', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'member',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__teamId + "/" + .identity.id',
              title: '.identity.displayName',
              blueprint: '"azureDevopsMember"',
              properties: {
                email: '.identity.uniqueName',
                displayName: '.identity.displayName',
                isTeamAdmin: '.isTeamAdmin // false',
              },
              relations: { team: '.__teamId' },
            },
          },
        },
      },
    ],
  },
});
