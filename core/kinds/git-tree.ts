import picomatch from 'picomatch';
import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { AzureDevOpsError, AzureDevOpsNotFoundError } from '../azure-devops/errors';
import { readIfPresent } from '../azure-devops/read-if-present';
import type { RawItem } from '../azure-devops/paging';
import type { KindContext } from './kind';
import type { Repository } from './parents';

/**
 * Path patterns over a repository's tree, and the tree listing they need (shared by the file and
 * folder kinds). Patterns are repository paths without the leading `/`: literal paths
 * (`README.md`) or globs (`services/*`, `**\/package.json`, `{api,web}/*.yaml`), matched with
 * picomatch (`*` stays inside one folder, `**` crosses folders, dot-folders included). Also the
 * reading of `includedFiles` (the repository, file and folder kinds).
 */

export type Recursion = 'none' | 'oneLevel' | 'full';

export type PathPattern = {
  /** As the user wrote it. */
  readonly source: string;
  /** The folder (or, for a literal, the item) the listing starts from: `/` or `/services`. */
  readonly scope: string;
  readonly recursion: Recursion;
  /** Does a repository path (`/services/billing` or `services/billing`) match? */
  readonly matches: (path: string) => boolean;
};

/** `refs/heads/main` → `main`. */
export function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/** `/a/b/` → `a/b`; `/` → ``. */
export function relativePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

export function compilePattern(source: string): PathPattern {
  const pattern = relativePath(source.trim());
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) {
    // Git paths are case-sensitive, but Azure DevOps resolves a literal path case-insensitively.
    const wanted = pattern.toLowerCase();
    return { source, scope: `/${pattern}`, recursion: 'none', matches: (path) => relativePath(path).toLowerCase() === wanted };
  }
  const matcher = picomatch(pattern, { dot: true });
  const base = relativePath(scan.base);
  // One level below the scope is enough for `services/*`; `**`, or a glob over several folders, needs the whole subtree.
  const recursion: Recursion = scan.glob.includes('/') || scan.glob.includes('**') ? 'full' : 'oneLevel';
  return { source, scope: `/${base}`, recursion, matches: (path) => matcher(relativePath(path)) };
}

/** One descriptor per scope, at the deepest recursion any pattern needs there. */
export function scopesOf(patterns: readonly PathPattern[]): { scope: string; recursion: Recursion }[] {
  const rank: Record<Recursion, number> = { none: 0, oneLevel: 1, full: 2 };
  const byScope = new Map<string, Recursion>();
  for (const p of patterns) {
    const key = p.scope.toLowerCase();
    const current = byScope.get(key);
    if (!current || rank[p.recursion] > rank[current]) byScope.set(key, p.recursion);
  }
  const scopes = [...byScope.entries()].map(([key, recursion]) => ({ scope: patterns.find((p) => p.scope.toLowerCase() === key)?.scope ?? key, recursion }));
  // A full listing of the root covers every other scope.
  return scopes.some((s) => s.scope === '/' && s.recursion === 'full') ? [{ scope: '/', recursion: 'full' }] : scopes;
}

const treeItem = z.looseObject({ path: z.string(), gitObjectType: z.string().optional(), objectId: z.string().optional(), commitId: z.string().optional(), isFolder: z.boolean().optional() });
export type TreeItem = z.infer<typeof treeItem>;

const batchAnswer = z.object({ value: z.array(z.array(z.record(z.string(), z.unknown()))) });

/** TF401174: the item does not exist at that version. TF401175: the branch does not exist. */
const isMissingItem = (error: unknown) => error instanceof AzureDevOpsNotFoundError && error.code === 'TF401174';
export const isMissingBranch = (error: unknown) => error instanceof AzureDevOpsNotFoundError && error.code === 'TF401175';

/**
 * The items under these scopes on a branch, each once. One `itemsbatch` call covers every scope;
 * should the service refuse the batch because one path is missing (Ocean saw 400 for that), each
 * scope is listed on its own and a missing one holds nothing. A missing branch throws (see
 * isMissingBranch), and so does any other failure: a tree that cannot be read is not empty.
 */
export async function listTree(
  ctx: KindContext,
  repository: Repository,
  branch: string,
  scopes: readonly { scope: string; recursion: Recursion }[],
  options: { contentMetadata?: boolean } = {},
): Promise<TreeItem[]> {
  const repoPath = `${repository.project.id}/_apis/git/repositories/${repository.id}`;
  let lists: RawItem[][];
  try {
    const response = await ctx.client.request({
      method: 'POST',
      readOnly: true,
      path: `${repoPath}/itemsbatch`,
      body: {
        itemDescriptors: scopes.map((s) => ({ path: s.scope, recursionLevel: s.recursion, version: branch, versionType: 'branch' })),
        ...(options.contentMetadata ? { includeContentMetadata: true } : {}),
      },
      apiVersion: '7.1',
    });
    const parsed = batchAnswer.safeParse(response.body);
    if (!parsed.success) throw new Error(`The items batch of repository '${repository.name}' did not answer with lists of items.`);
    lists = parsed.data.value;
  } catch (error) {
    if (!(isMissingItem(error) || (error instanceof AzureDevOpsError && error.status === 400))) throw error;
    lists = [];
    for (const s of scopes) {
      try {
        const response = await ctx.client.request({
          path: `${repoPath}/items`,
          query: {
            scopePath: s.scope,
            recursionLevel: s.recursion,
            'versionDescriptor.version': branch,
            'versionDescriptor.versionType': 'branch',
            ...(options.contentMetadata ? { includeContentMetadata: true } : {}),
          },
          apiVersion: '7.1',
        });
        lists.push(z.object({ value: z.array(z.record(z.string(), z.unknown())) }).parse(response.body).value);
      } catch (inner) {
        if (!isMissingItem(inner)) throw inner;
      }
    }
  }
  const seen = new Set<string>();
  const items: TreeItem[] = [];
  for (const raw of lists.flat()) {
    const item = treeItem.safeParse(raw);
    if (!item.success || seen.has(item.data.path)) continue;
    seen.add(item.data.path);
    items.push(item.data);
  }
  return items;
}

/** The repository's name or id is in the list (names compared case-insensitively, as Azure DevOps does). */
export function repositoryNamed(repository: Repository, names: readonly string[]): boolean {
  return names.some((n) => n.toLowerCase() === repository.name.toLowerCase() || n.toLowerCase() === repository.id.toLowerCase());
}

/** Names in a selector that match none of the repositories: a typo would otherwise list nothing, silently. */
export function unmatchedNames(names: readonly string[], repositories: readonly Repository[]): string[] {
  return [...new Set(names)].filter((name) => !repositories.some((r) => repositoryNamed(r, [name])));
}

const fileWithContent = z.object({ content: z.string().optional() });

/**
 * A file's text on a branch (`main` or `refs/heads/main`), or null when the path is absent there,
 * is a folder, or the branch is gone. Other failures are thrown: a file that cannot be read is not
 * a missing one.
 */
export async function readFile(client: AzureDevOpsClient, repository: Repository, branch: string, path: string): Promise<string | null> {
  const found = await readIfPresent(
    client,
    {
      path: `${repository.project.id}/_apis/git/repositories/${repository.id}/items`,
      query: { path, includeContent: true, 'versionDescriptor.version': branchName(branch), 'versionDescriptor.versionType': 'branch' },
      apiVersion: '7.1',
    },
    `file ${path} on branch ${branch} of repository '${repository.name}'`,
  );
  const item = fileWithContent.safeParse(found);
  return item.success ? (item.data.content ?? null) : null;
}

/**
 * `__includedFiles`: each path of the selector's `includedFiles` read on the branch, keyed by the
 * path as written, null when absent. `folder` is what the paths are relative to: the repository
 * root when empty; under a folder, a leading `/` or `./` on a path changes nothing. One request
 * per distinct path, one after another: the caller's fan-out bounds how many run at once.
 */
export async function readIncludedFiles(client: AzureDevOpsClient, repository: Repository, branch: string, paths: readonly string[], folder = ''): Promise<Record<string, string | null>> {
  const base = relativePath(folder);
  const files: Record<string, string | null> = {};
  for (const path of paths) {
    if (Object.hasOwn(files, path)) continue;
    // From the root the path goes as written (the service reads `README.md` as `/README.md`).
    files[path] = await readFile(client, repository, branch, base === '' ? path : `/${base}/${relativePath(path)}`);
  }
  return files;
}
