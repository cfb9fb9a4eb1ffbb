import { z } from 'zod';
import type { RawItem } from '../azure-devops/paging';
import { chunks } from '../util/chunks';
import { fanOut } from './fan-out';
import { branchName, compilePattern, isMissingBranch, listTree, readIncludedFiles, relativePath, repositoryNamed, scopesOf, unmatchedNames, type PathPattern, type TreeItem } from './git-tree';
import { defineKind, type KindContext, type Page } from './kind';
import type { Repository } from './parents';

/** Folders whose includedFiles are read at once per (repository, branch), and items per page handed to the mapping. */
const FOLDERS_PER_PAGE = 20;

const repoEntry = z.union([z.string().transform((name) => ({ name, branch: undefined as string | undefined })), z.object({ name: z.string(), branch: z.string().optional() })]);

const selector = z.object({
  folders: z
    .array(z.object({ path: z.string().min(1), repos: z.array(repoEntry).default([]) }))
    .min(1)
    .describe(
      "Folder patterns: `[{path, repos: [{name, branch}]}]`. `path` is a folder path or glob (`services/*`, `src/*/tests`, `**/charts`): only folders at the pattern's depth match (`*` stays inside one folder, `**` crosses folders). `repos` limits the pattern to these repositories, each read on its `branch` (the repository's default branch when absent); without `repos` the pattern applies to every repository's default branch.",
    ),
  project_name: z.string().optional().describe("Only repositories of this project (Ocean's key)."),
  includedFiles: z
    .array(z.string())
    .default([])
    .describe(
      'Paths relative to each matched folder (`README.md` on folder `services/api` reads `services/api/README.md`), read on the folder\'s branch (`__branch`) into `__includedFiles` (path as written → text, null when absent): one request per path and folder.',
    ),
});

type Target = { repository: Repository; branch: string; patterns: PathPattern[] };
type Folder = TreeItem & { __repository: Repository; __branch: string; __pattern: string };

/** For each (repository, branch) the patterns to look for there. */
function targetsOf(repositories: readonly Repository[], s: z.output<typeof selector>): Target[] {
  const compiled = s.folders.map((f) => ({ pattern: compilePattern(f.path), repos: f.repos }));
  const targets = new Map<string, Target>();
  for (const repository of repositories) {
    if (!repository.defaultBranch) continue;
    for (const { pattern, repos } of compiled) {
      const branches =
        repos.length === 0
          ? [branchName(repository.defaultBranch)]
          : repos.filter((r) => repositoryNamed(repository, [r.name])).map((r) => branchName(r.branch ?? repository.defaultBranch ?? ''));
      for (const branch of branches) {
        const key = `${repository.id}|${branch}`;
        const target = targets.get(key) ?? { repository, branch, patterns: [] };
        target.patterns.push(pattern);
        targets.set(key, target);
      }
    }
  }
  return [...targets.values()];
}

async function* foldersOf(ctx: KindContext, { repository, branch, patterns }: Target, includedFiles: readonly string[]): AsyncGenerator<Page> {
  let tree;
  try {
    tree = await listTree(ctx, repository, branch, scopesOf(patterns));
  } catch (error) {
    if (!isMissingBranch(error)) throw error;
    ctx.listing.warn(`branch '${branch}' does not exist in repository '${repository.name}'; no folders listed there`);
    return;
  }
  const folders: Folder[] = [];
  for (const item of tree) {
    if (item.gitObjectType !== 'tree' || relativePath(item.path) === '') continue;
    const pattern = patterns.find((p) => p.matches(item.path));
    if (pattern) folders.push({ ...item, __repository: repository, __branch: branch, __pattern: pattern.source });
  }
  if (folders.length === 0) return;
  if (includedFiles.length === 0) {
    yield folders;
    return;
  }
  for (const group of chunks(folders, FOLDERS_PER_PAGE)) {
    const page: RawItem[] = [];
    const reads = fanOut(
      group,
      ctx.concurrency.enrichment,
      async function* (folder: Folder) {
        yield { ...folder, __includedFiles: await readIncludedFiles(ctx.client, repository, branch, includedFiles, folder.path) };
      },
      (folder) => `${repository.name}:${folder.path} on ${branch}`,
    );
    for await (const folder of reads) page.push(folder);
    yield page;
  }
}

export default defineKind({
  kind: 'folder',
  description: 'Folders matching path patterns, per repository and per branch.',
  selector,
  endpoints: [
    'POST {org}/{project}/_apis/git/repositories/{repo}/itemsbatch (7.1; one call per (repository, branch) for every pattern, on that branch, recursion as deep as the patterns need; per-path GET …/items?scopePath=&recursionLevel= if the batch is refused)',
    'GET …/git/repositories/{repo}/items?path=&includeContent=true (7.1; with includedFiles: one per path and folder, the path taken under the folder, on the folder\'s branch)',
  ],
  enrichment: {
    __repository: 'the repository',
    __branch: 'the branch the folder was read from (the configured one, which is sent with the request; Ocean records it but reads the default branch)',
    __pattern: 'the pattern that matched',
    __includedFiles: 'with includedFiles: path as written → text of that file under the folder, on `__branch` (null when absent)',
  },
  availability: 'cloud-and-server',
  permission: 'Code (Read)',
  async *list(ctx, s) {
    const project = s.project_name?.toLowerCase();
    const repositories = (await ctx.parents.healthyRepositories()).filter((r) => !project || r.project.name.toLowerCase() === project || r.project.id.toLowerCase() === project);
    const unknown = unmatchedNames(s.folders.flatMap((f) => f.repos.map((r) => r.name)), repositories);
    if (unknown.length > 0) ctx.listing.warn(`folders[].repos names no enabled repository in scope: ${unknown.join(', ')}`);
    yield* fanOut(targetsOf(repositories, s), ctx.concurrency.repositories, (target: Target) => foldersOf(ctx, target, s.includedFiles), (t) => `folders of repository ${t.repository.name} on ${t.branch}`);
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsFolder',
        title: 'Folder',
        icon: 'Git',
        schema: {
          properties: {
            path: { title: 'Path', type: 'string' },
            branch: { title: 'Branch', type: 'string' },
            pattern: { title: 'Matched pattern', type: 'string' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { repository: { title: 'Repository', target: 'azureDevopsRepository', required: false, many: false } },
      },
    ],
    resources: [],
    optIn: {
      reason: 'Folder patterns (a monorepo layout, say) are specific to each organization; there is no pattern that would be right by default.',
      example: [
        {
          kind: 'folder',
          selector: { query: 'true', folders: [{ path: 'services/*', repos: [{ name: 'platform', branch: 'main' }] }] },
          port: {
            entity: {
              mappings: {
                identifier: '.__repository.id + "/" + (.path | ltrimstr("/") | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_")) + "@" + (.__branch | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_"))',
                title: '.__repository.name + ":" + (.path | ltrimstr("/")) + " (" + .__branch + ")"',
                blueprint: '"azureDevopsFolder"',
                properties: {
                  path: '.path | ltrimstr("/")',
                  branch: '.__branch',
                  pattern: '.__pattern',
                  link: '(.__repository.webUrl // .__repository.remoteUrl) + "?path=" + (.path | @uri) + "&version=GB" + (.__branch | @uri)',
                },
                relations: { repository: '.__repository.id' },
              },
            },
          },
        },
      ],
    },
  },
});
