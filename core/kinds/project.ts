import { z } from 'zod';
import { readObject } from '../azure-devops/read-object';
import { fanOut } from './fan-out';
import { defineKind } from './kind';
import { flag } from './selector-types';

export default defineKind({
  kind: 'project',
  description: 'Projects of the organization (or those named in the projects filter).',
  selector: z.object({
    defaultTeam: flag(false).describe('Reads each project in full, which adds `defaultTeam`: one more request per project.'),
  }),
  endpoints: ['GET {org}/_apis/projects (7.1, x-ms-continuationtoken, $top 500)', 'GET {org}/_apis/projects/{id} (with defaultTeam)', 'GET {org}/_apis/projects/{id}/properties (with excludedTags, 7.1-preview.1)'],
  enrichment: {},
  availability: 'cloud-and-server',
  permission: 'Project and Team (Read)',
  async *list(ctx, selector) {
    const projects = await ctx.parents.projects();
    if (!selector.defaultTeam) {
      yield projects;
      return;
    }
    yield* fanOut(
      projects,
      ctx.concurrency.projects,
      async function* (project) {
        const full = await readObject(ctx.client, { path: `_apis/projects/${project.id}`, query: { includeCapabilities: true }, apiVersion: '7.1' }, `project '${project.name}'`);
        yield [{ ...project, ...full }];
      },
      (project) => `project ${project.name}`,
    );
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsProject',
        title: 'Project',
        icon: 'AzureDevops',
        schema: {
          properties: {
            state: { title: 'State', type: 'string' },
            revision: { title: 'Revision', type: 'number' },
            visibility: { title: 'Visibility', type: 'string', enum: ['private', 'public'] },
            description: { title: 'Description', type: 'string' },
            defaultTeam: { title: 'Default team', type: 'string' },
            lastUpdateTime: { title: 'Last updated', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {},
      },
    ],
    resources: [
      {
        kind: 'project',
        selector: { query: 'true', defaultTeam: true },
        port: {
          entity: {
            mappings: {
              identifier: '.id',
              title: '.name',
              blueprint: '"azureDevopsProject"',
              properties: {
                state: '.state',
                revision: '.revision',
                visibility: '.visibility',
                description: '.description',
                defaultTeam: '.defaultTeam.name',
                lastUpdateTime: '.lastUpdateTime',
                link: '.__organizationUrl + "/" + (.name | @uri)',
              },
            },
          },
        },
      },
    ],
  },
});
