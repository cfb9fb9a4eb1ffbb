import { z } from 'zod';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import { defineKind } from './kind';
import type { Repository } from './parents';
import { groupBy } from '../util/group-by';

// Only the fields read here: other keys are dropped rather than copied with the entry.
const scopeEntry = z.object({
  repositoryId: z.string().nullish(),
  refName: z.string().nullish(),
  matchKind: z.string().nullish(),
});

/**
 * Does a policy scope entry cover this repository's default branch? Mirrors what the service does
 * for `policy/configurations?repositoryId=&refName=` (Ocean's per-repository call), so one
 * paged listing per project replaces one request per repository.
 */
export function scopeCovers(entry: z.infer<typeof scopeEntry>, repository: Repository): boolean {
  if (entry.repositoryId && entry.repositoryId.toLowerCase() !== repository.id.toLowerCase()) return false;
  const branch = repository.defaultBranch;
  const kind = (entry.matchKind ?? 'exact').toLowerCase();
  if (kind === 'defaultbranch') return true;
  if (!entry.refName) return true;
  if (!branch) return false;
  return kind === 'prefix' ? branch.startsWith(entry.refName) : branch === entry.refName;
}

/** Built once: creating a zod schema per policy and repository was a tenth of a large sync's CPU. */
const policySettings = z.object({ scope: z.array(scopeEntry).optional() });

/**
 * The repositories of a project whose default branch a policy applies to. Its scope is parsed once
 * per policy, not once per repository: a project's listing meets each of its repositories.
 */
export function repositoriesCovered(policy: RawItem, repositories: readonly Repository[]): readonly Repository[] {
  const settings = policySettings.safeParse(policy.settings);
  const scope = settings.success ? settings.data.scope : undefined;
  if (!scope || scope.length === 0) return repositories;
  return repositories.filter((repository) => scope.some((entry) => scopeCovers(entry, repository)));
}

export default defineKind({
  kind: 'repository-policy',
  description:
    "Branch policies that apply to each enabled repository's default branch, one item per (policy, repository). The default mapping takes the minimum number of reviewers from the policy scoped to the repository itself: a project-wide policy applies too, and two values for one repository would leave whichever write landed last, a different one each run.",
  selector: z.object({}),
  endpoints: ['GET {org}/{project}/_apis/policy/configurations (7.1, x-ms-continuationtoken): one listing per project, matched to repositories by policy scope'],
  enrichment: { __repository: 'the repository whose default branch the policy applies to' },
  availability: 'cloud-and-server',
  permission: 'Code (Read) and Project and Team (Read)',
  async *list(ctx) {
    const repositories = await ctx.parents.healthyRepositories();
    const byProject = groupBy(repositories, (repository) => repository.project.id);
    yield* fanOut(
      byProject.entries(),
      ctx.concurrency.projects,
      async function* ([projectId, projectRepositories]: [string, Repository[]]) {
        for await (const page of listPages(ctx.client, { path: `${projectId}/_apis/policy/configurations`, apiVersion: '7.1' }, paging.continuationHeader(1000))) {
          const items: RawItem[] = [];
          for (const policy of page) {
            for (const repository of repositoriesCovered(policy, projectRepositories)) items.push({ ...policy, __repository: repository });
          }
          if (items.length > 0) yield items;
        }
      },
      ([projectId]) => `policies of project ${projectId}`,
    );
  },
  defaults: {
    // Policies add properties to the repository entity (merged), as Ocean's defaults do.
    blueprints: [],
    resources: [
      {
        kind: 'repository-policy',
        // Only a policy scoped to this very repository: a project-wide one also covers it, and two
        // values for one entity in one run would leave whichever write landed last (a different
        // one each run, so an unchanged organization would be rewritten every time).
        selector: { query: '.type.displayName == "Minimum number of reviewers" and .isEnabled and .settings.scope[0].repositoryId == .__repository.id' },
        port: {
          entity: {
            mappings: {
              identifier: '.__repository.id',
              blueprint: '"azureDevopsRepository"',
              properties: { minimumApproverCount: '.settings.minimumApproverCount' },
            },
          },
        },
      },
      {
        kind: 'repository-policy',
        selector: { query: '.type.displayName == "Work item linking"' },
        port: {
          entity: {
            mappings: {
              identifier: '.__repository.id',
              blueprint: '"azureDevopsRepository"',
              properties: { workItemLinking: '.isEnabled and .isBlocking' },
            },
          },
        },
      },
    ],
  },
});
