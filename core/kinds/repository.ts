import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { readIfPresent } from '../azure-devops/read-if-present';
import { fanOut } from './fan-out';
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
        const files: Record<string, string | null> = {};
        for (const path of selector.includedFiles) files[path] = await readFile(ctx.client, repository, path);
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

const fileItem = z.object({ content: z.string().optional() });

/** A file's text on the default branch, or null when the repository is empty or the file is absent. */
export async function readFile(client: AzureDevOpsClient, repository: Repository, path: string): Promise<string | null> {
  if (repository.isDisabled || !repository.defaultBranch) return null;
  const found = await readIfPresent(client, {
    path: `${repository.project.id}/_apis/git/repositories/${repository.id}/items`,
    query: {
      path,
      includeContent: true,
      'versionDescriptor.version': repository.defaultBranch.replace(/^refs\/heads\//, ''),
      'versionDescriptor.versionType': 'branch',
    },
    apiVersion: '7.1',
  });
  const item = fileItem.safeParse(found?.body);
  return item.success ? (item.data.content ?? null) : null;
}
