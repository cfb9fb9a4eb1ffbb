import { z } from 'zod';
import { fanOut } from './fan-out';
import { readIncludedFiles } from './git-tree';
import { defineKind } from './kind';
import type { Repository } from './parents';

export default defineKind({
  kind: 'repository',
  description: 'Git repositories of every project in scope, disabled ones included.',
  selector: z.object({
    includedFiles: z.array(z.string()).default([]).describe("Paths read from each repository's default branch into `__includedFiles` (path → text, null when absent): one request per file and repository."),
  }),
  endpoints: ['GET {org}/_apis/git/repositories (7.1, organization-wide, filtered to the projects in scope)', 'GET …/git/repositories/{id}/items?path= (with includedFiles)'],
  enrichment: { __includedFiles: 'with includedFiles: path → file text on the default branch, null when absent' },
  availability: 'cloud-and-server',
  permission: 'Code (Read)',
  volume: 'large',
  async *list(ctx, selector) {
    const repositories = await ctx.parents.repositories();
    if (selector.includedFiles.length === 0) {
      yield repositories;
      return;
    }
    yield* fanOut(
      repositories,
      ctx.concurrency.enrichment,
      async function* (repository: Repository) {
        // An empty repository has no branch to read from; a disabled one cannot be read.
        const files =
          repository.isDisabled || !repository.defaultBranch
            ? Object.fromEntries(selector.includedFiles.map((path) => [path, null]))
            : await readIncludedFiles(ctx.client, repository, repository.defaultBranch, selector.includedFiles);
        yield [{ ...repository, __includedFiles: files }];
      },
      (repository) => `repository ${repository.name}`,
    );
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsRepository',
        title: 'Repository',
        icon: 'Git',
        schema: {
          properties: {
            url: { title: 'URL', type: 'string', format: 'url' },
            defaultBranch: { title: 'Default branch', type: 'string' },
            isDisabled: { title: 'Disabled', type: 'boolean' },
            sizeBytes: { title: 'Size (bytes)', type: 'number' },
            readme: { title: 'README', type: 'string', format: 'markdown' },
            minimumApproverCount: { title: 'Minimum approvers', type: 'number' },
            workItemLinking: { title: 'Work item linking required', type: 'boolean' },
          },
          required: [],
        },
        relations: { project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'repository',
        selector: { query: 'true', includedFiles: ['README.md'] },
        port: {
          entity: {
            mappings: {
              identifier: '.id',
              title: '.name',
              blueprint: '"azureDevopsRepository"',
              properties: {
                url: '.webUrl // .remoteUrl',
                defaultBranch: '.defaultBranch // null | if . == null then null else sub("^refs/heads/"; "") end',
                isDisabled: '.isDisabled // false',
                sizeBytes: '.size',
                readme: '.__includedFiles["README.md"]',
              },
              relations: { project: '.project.id' },
            },
          },
        },
      },
    ],
  },
});
