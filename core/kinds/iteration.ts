import { z } from 'zod';
import { paging } from '../azure-devops/paging';
import { defineKind, listUnder } from './kind';

export default defineKind({
  kind: 'iteration',
  description: 'Iterations (sprints) each team selected, one item per (team, iteration), for every team of every project in scope.',
  selector: z.object({}),
  endpoints: [
    'GET {org}/_apis/projects/{project}/teams (7.1, $top/$skip 100: every page, where Ocean reads only the first)',
    'GET {org}/{project}/{team}/_apis/work/teamsettings/iterations (7.1)',
  ],
  enrichment: { __project: 'the project', __team: 'the team' },
  availability: 'cloud-and-server',
  permission: 'Work Items (Read) and Project and Team (Read)',
  list: listUnder({
    parents: (ctx) => ctx.parents.teams(),
    concurrency: 'teams',
    scope: (team) => `iterations of team ${team.name}`,
    request: (team) => ({ path: `${team.__project.id}/${team.id}/_apis/work/teamsettings/iterations`, apiVersion: '7.1' }),
    paging: paging.single(),
    enrich: (iteration, team) => ({ ...iteration, __project: team.__project, __team: team }),
  }),
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsIteration',
        title: 'Iteration',
        icon: 'AzureDevops',
        schema: {
          properties: {
            path: { title: 'Iteration path', type: 'string' },
            startDate: { title: 'Start', type: 'string', format: 'date-time' },
            finishDate: { title: 'Finish', type: 'string', format: 'date-time' },
            timeFrame: { title: 'Time frame', type: 'string', enum: ['past', 'current', 'future'] },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {
          team: { title: 'Team', target: 'azureDevopsTeam', required: false, many: false },
          project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'iteration',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              // An iteration is shared by the teams that select it; its dates and time frame are per
              // team setting, so the entity is the (team, iteration) pair.
              identifier: '.__team.id + "/" + .id',
              title: '.__team.name + " / " + .name',
              blueprint: '"azureDevopsIteration"',
              properties: {
                path: '.path',
                startDate: '.attributes.startDate',
                finishDate: '.attributes.finishDate',
                timeFrame: '.attributes.timeFrame',
                link: '.__organizationUrl + "/" + (.__project.name | @uri) + "/_sprints/taskboard/" + (.__team.name | @uri) + "/" + (.path | split("\\\\") | map(@uri) | join("/"))',
              },
              relations: { team: '.__team.id', project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
