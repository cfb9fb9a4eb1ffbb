import { z } from 'zod';
import { defineKind } from './kind';

export default defineKind({
  kind: 'environment',
  description: 'Pipeline environments (deployment targets of YAML pipelines) of every project in scope.',
  selector: z.object({}),
  endpoints: ['GET {org}/{project}/_apis/distributedtask/environments (7.1, x-ms-continuationtoken, $top 100)'],
  enrichment: { __project: 'the project' },
  availability: 'cloud-and-server',
  permission: 'Environment (Read)',
  async *list(ctx) {
    yield await ctx.parents.environments();
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsEnvironment',
        title: 'Environment',
        icon: 'Environment',
        schema: {
          properties: {
            description: { title: 'Description', type: 'string' },
            createdBy: { title: 'Created by', type: 'string' },
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
        kind: 'environment',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              // Environment ids are numbers; prefixed with the project like the other numeric ids.
              identifier: '.__project.id + "/" + (.id | tostring)',
              title: '.name',
              blueprint: '"azureDevopsEnvironment"',
              properties: {
                description: '.description',
                createdBy: '.createdBy.uniqueName',
                createdDate: '.createdOn',
                modifiedDate: '.lastModifiedOn',
                link: '.__organizationUrl + "/" + (.__project.name | @uri) + "/_environments/" + (.id | tostring)',
              },
              relations: { project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
