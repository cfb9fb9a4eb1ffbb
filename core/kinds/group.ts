import { z } from 'zod';
import { requireCloudService } from './cloud-only';
import { projectIdOfGroup } from './graph-subjects';
import { defineKind } from './kind';

export default defineKind({
  kind: 'group',
  scope: 'organization',
  description:
    'Security groups of the organization from the graph: organization-level and project groups, team groups, and Microsoft Entra groups added to the organization. Organization-wide: the projects filter does not narrow it. Cloud only; the built-in default mapping leaves it out on Azure DevOps Server.',
  selector: z.object({}),
  endpoints: ['GET https://vssps.dev.azure.com/{org}/_apis/graph/groups (7.1-preview.1, x-ms-continuationtoken)'],
  enrichment: { __project: 'for a project group in scope: the project (from the domain `vstfs:///Classification/TeamProject/{id}`); null otherwise' },
  availability: 'cloud-only',
  permission: 'Graph (Read)',
  async *list(ctx) {
    requireCloudService(ctx, 'group', 'graph');
    const [groups, projects] = await Promise.all([ctx.parents.groups(), ctx.parents.projects()]);
    const byId = new Map(projects.map((p) => [p.id.toLowerCase(), p]));
    yield groups.map((group) => {
      const projectId = projectIdOfGroup(group);
      return { ...group, __project: (projectId && byId.get(projectId)) || null };
    });
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsGroup',
        title: 'Group',
        icon: 'Team',
        schema: {
          properties: {
            displayName: { title: 'Name', type: 'string' },
            description: { title: 'Description', type: 'string' },
            origin: { title: 'Origin', type: 'string' },
            descriptor: { title: 'Descriptor', type: 'string' },
          },
          required: [],
        },
        relations: { project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'group',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              // The descriptor is the graph's key for a subject; names repeat across projects.
              identifier: '.descriptor',
              title: '.principalName',
              blueprint: '"azureDevopsGroup"',
              properties: {
                displayName: '.displayName',
                description: '.description',
                origin: '.origin',
                descriptor: '.descriptor',
              },
              relations: { project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
