import { z } from 'zod';
import { paging } from '../azure-devops/paging';
import { defineKind, listUnder } from './kind';

export default defineKind({
  kind: 'branch',
  description: 'Branches (refs/heads/*) of every enabled repository.',
  selector: z.object({}),
  endpoints: ['GET {org}/{project}/_apis/git/repositories/{repo}/refs?filter=heads/ (7.1, x-ms-continuationtoken, $top 1000)'],
  enrichment: { name: 'branch name without refs/heads/', refName: 'the full ref name', __repository: 'the repository' },
  availability: 'cloud-and-server',
  permission: 'Code (Read)',
  volume: 'large',
  list: listUnder({
    parents: (ctx) => ctx.parents.healthyRepositories(),
    concurrency: 'repositories',
    scope: (repository) => `repository ${repository.name}`,
    request: (repository) => ({ path: `${repository.project.id}/_apis/git/repositories/${repository.id}/refs`, query: { filter: 'heads/' }, apiVersion: '7.1' }),
    // refs accepts $top up to 1000 (azure-devops-api.md §1.5).
    paging: paging.continuationHeader(1000),
    // Ocean's shape: name without refs/heads/, the full refName, and the repository.
    enrich: (ref, repository) => {
      const refName = typeof ref.name === 'string' ? ref.name : '';
      return { ...ref, name: refName.replace(/^refs\/heads\//, ''), refName, objectId: ref.objectId, __repository: repository };
    },
  }),
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsBranch',
        title: 'Branch',
        icon: 'Git',
        schema: {
          properties: {
            refName: { title: 'Ref', type: 'string' },
            commit: { title: 'Head commit', type: 'string' },
            isDefault: { title: 'Default branch', type: 'boolean' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { repository: { title: 'Repository', target: 'azureDevopsRepository', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'branch',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              // Branch names may hold characters Port identifiers do not allow.
              identifier: '.__repository.id + "/" + (.name | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_"))',
              title: '.__repository.name + ":" + .name',
              blueprint: '"azureDevopsBranch"',
              properties: {
                refName: '.refName',
                commit: '.objectId',
                isDefault: '.refName == .__repository.defaultBranch',
                link: '(.__repository.webUrl // .__repository.remoteUrl) + "?version=GB" + (.name | @uri)',
              },
              relations: { repository: '.__repository.id' },
            },
          },
        },
      },
    ],
  },
});
