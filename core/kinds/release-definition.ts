import { z } from 'zod';
import { paging } from '../azure-devops/paging';
import { defineKind, listUnder } from './kind';
import { stringList } from './selector-types';

const selector = z.object({
  expand: z
    .string()
    .default('environments')
    .describe('`$expand`: environments, artifacts, triggers, variables, tags, lastRelease (comma-separated).'),
  tagFilter: stringList().optional().describe('Only definitions carrying all of these tags.'),
});

export default defineKind({
  kind: 'release-definition',
  description: 'Classic release pipelines (release definitions) of every project in scope (release management host).',
  selector,
  endpoints: ['GET https://vsrm.dev.azure.com/{org}/{project}/_apis/release/definitions (7.1, x-ms-continuationtoken, $top 100)'],
  enrichment: { __project: 'the project' },
  availability: 'cloud-and-server',
  permission: 'Release (Read)',
  list: listUnder({
    parents: (ctx) => ctx.parents.projects(),
    concurrency: 'projects',
    scope: (project) => `release definitions of project ${project.name}`,
    request: (project, s: z.output<typeof selector>) => ({
      service: 'release',
      path: `${project.id}/_apis/release/definitions`,
      query: { $expand: s.expand || undefined, tagFilter: s.tagFilter?.join(',') },
      apiVersion: '7.1',
    }),
    // Release management pages at most 100 at a time (azure-devops-api.md §3.3).
    paging: paging.continuationHeader(100),
    enrich: (definition, project) => ({ ...definition, __project: project }),
  }),
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsReleaseDefinition',
        title: 'Release definition',
        icon: 'AzureDevops',
        schema: {
          properties: {
            path: { title: 'Folder', type: 'string' },
            description: { title: 'Description', type: 'string' },
            environments: { title: 'Stages', type: 'array', items: { type: 'string' } },
            revision: { title: 'Revision', type: 'number' },
            createdBy: { title: 'Created by', type: 'string' },
            modifiedBy: { title: 'Modified by', type: 'string' },
            createdDate: { title: 'Created', type: 'string', format: 'date-time' },
            modifiedDate: { title: 'Modified', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'release-definition',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__project.id + "/" + (.id | tostring)',
              title: '.name',
              blueprint: '"azureDevopsReleaseDefinition"',
              properties: {
                path: '.path',
                description: '.description',
                environments: '[.environments[]?.name]',
                revision: '.revision',
                createdBy: '.createdBy.uniqueName',
                modifiedBy: '.modifiedBy.uniqueName',
                createdDate: '.createdOn',
                modifiedDate: '.modifiedOn',
                link: '._links.web.href',
              },
              relations: { project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
