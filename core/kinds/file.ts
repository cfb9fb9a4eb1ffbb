import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { AzureDevOpsContentTooLargeError, AzureDevOpsNotFoundError } from '../azure-devops/errors';
import type { RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import { branchName, compilePattern, listTree, readIncludedFiles, relativePath, repositoryNamed, scopesOf, unmatchedNames, type PathPattern, type TreeItem } from './git-tree';
import { defineKind, type KindContext, type Page } from './kind';
import type { Repository } from './parents';
import { positiveInt, stringList } from './selector-types';
import { chunks } from '../util/chunks';

const ONE_MIB = 1024 * 1024;
/** Files read at once per repository, and items per page handed to the mapping. */
const FILES_PER_PAGE = 20;

const selector = z.object({
  files: z
    .object({
      path: stringList()
        .refine((paths) => paths.length > 0 && paths.every((p) => p.trim().length > 0), { message: 'needs at least one path or glob' })
        .describe('paths or globs'),
      repos: z.array(z.string()).optional().describe('repository names'),
      maxSizeBytes: positiveInt(ONE_MIB).describe('largest file read'),
    })
    .describe(
      "`path`: one path or glob, or a list (`README.md`, `**/package.json`, `services/{billing,search}/*.yaml`; `*` stays in one folder, `**` crosses folders). `repos`: only these repositories (names); all when absent. `maxSizeBytes`: larger files are skipped with a warning (default 1048576, 1 MiB). Files are read from each repository's default branch.",
    ),
  includedFiles: z
    .array(z.string())
    .default([])
    .describe(
      "Paths from the repository root (`README.md`, `docs/owners.yaml`), read on the default branch the files are listed from into `__includedFiles` (path as written → text, null when absent): one request per path and repository that has a matching file, the same map on each of its files.",
    ),
});

type Selector = z.output<typeof selector>;

/** Fields of the item listing kept on `file` (Ocean's shape), beside path, size and content. */
const contentMetadata = z.looseObject({}).optional();

/** JSON and YAML (every document of a multi-document file) as data; anything else null. */
/**
 * The value as JSON has it, which is what jq sees: YAML's `.inf`/`.nan` (and JSON's `1e400`) become
 * null and `!!binary` base64 text, so an entity does not depend on whether jq or the engine's own
 * evaluator read the field.
 */
function plainJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
      const original = this[key];
      return original instanceof Uint8Array ? Buffer.from(original).toString('base64') : converted;
    }) ?? 'null',
  ) as unknown;
}

export function parseContent(path: string, text: string): { parsed: unknown; error?: string } {
  const lower = path.toLowerCase();
  try {
    if (lower.endsWith('.json')) return { parsed: plainJson(JSON.parse(text)) };
    if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
      const documents = parseAllDocuments(text);
      const failed = documents.flatMap((d) => ('errors' in d ? d.errors : []));
      if (failed.length > 0) return { parsed: null, error: failed[0]?.message ?? 'invalid YAML' };
      const values = documents.map((d) => d.toJS() as unknown);
      return { parsed: plainJson(values.length === 0 ? null : values.length === 1 ? values[0] : values) };
    }
  } catch (error) {
    return { parsed: null, error: error instanceof Error ? error.message : String(error) };
  }
  return { parsed: null };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What was left out or left unparsed, told once at the end rather than file by file. */
type Notes = { tooLarge: string[]; unparsable: string[] };

/** The file's bytes from the branch, raw; null when it is larger than the limit or gone since the listing. */
async function readBlob(ctx: KindContext, repository: Repository, branch: string, item: TreeItem, maxBytes: number, notes: Notes): Promise<Buffer | null> {
  try {
    const response = await ctx.client.request({
      path: `${repository.project.id}/_apis/git/repositories/${repository.id}/items`,
      query: { path: item.path, 'versionDescriptor.version': branch, 'versionDescriptor.versionType': 'branch' },
      apiVersion: '7.1',
      response: 'raw',
      maxBytes,
    });
    return Buffer.isBuffer(response.body) ? response.body : Buffer.alloc(0);
  } catch (error) {
    if (error instanceof AzureDevOpsContentTooLargeError) {
      notes.tooLarge.push(`${repository.name}:${item.path}`);
      return null;
    }
    // Deleted between the listing and the read: it is not there any more.
    if (error instanceof AzureDevOpsNotFoundError && error.code === 'TF401174') return null;
    throw error;
  }
}

async function fileItem(ctx: KindContext, repository: Repository, branch: string, item: TreeItem, maxBytes: number, notes: Notes, included: Record<string, string | null> | undefined): Promise<RawItem | null> {
  const bytes = await readBlob(ctx, repository, branch, item, maxBytes, notes);
  if (bytes === null) return null;
  const path = relativePath(item.path);
  let raw: string | null;
  try {
    raw = utf8.decode(bytes);
  } catch {
    // Not UTF-8 text (an image, an archive…): listed, without content.
    raw = null;
  }
  const { parsed, error } = raw === null ? { parsed: null } : parseContent(path, raw);
  if (error) notes.unparsable.push(`${repository.name}:${item.path} (${error})`);
  const metadata = contentMetadata.parse(item.contentMetadata) ?? {};
  return {
    file: { path, objectId: item.objectId, size: bytes.length, isFolder: false, commitId: item.commitId, ...metadata, content: { raw, parsed } },
    repo: repository,
    ...(included ? { __includedFiles: included } : {}),
  };
}

async function* filesOf(ctx: KindContext, repository: Repository, patterns: readonly PathPattern[], s: Selector, notes: Notes): AsyncGenerator<Page> {
  if (!repository.defaultBranch) return;
  const branch = branchName(repository.defaultBranch);
  const tree = await listTree(ctx, repository, branch, scopesOf(patterns), { contentMetadata: true });
  const blobs = tree.filter((item) => item.gitObjectType === 'blob' && patterns.some((p) => p.matches(item.path)));
  if (blobs.length === 0) return;
  // Paths from the root, so one read per repository serves every file listed there.
  const included = s.includedFiles.length > 0 ? await readIncludedFiles(ctx.client, repository, branch, s.includedFiles) : undefined;
  for (const group of chunks(blobs, FILES_PER_PAGE)) {
    const page: RawItem[] = [];
    const reads = fanOut(
      group,
      ctx.concurrency.enrichment,
      async function* (item: TreeItem) {
        const file = await fileItem(ctx, repository, branch, item, s.files.maxSizeBytes, notes, included);
        if (file) yield file;
      },
      (item) => `${repository.name}:${item.path}`,
    );
    for await (const file of reads) page.push(file);
    if (page.length > 0) yield page;
  }
}

export default defineKind({
  kind: 'file',
  description: "Files matching paths or globs on each repository's default branch, with their content (JSON and YAML parsed).",
  selector,
  endpoints: [
    'POST {org}/{project}/_apis/git/repositories/{repo}/itemsbatch (7.1; one call per repository for every pattern, recursion as deep as the globs need; per-path GET …/items?scopePath=&recursionLevel= if the batch is refused)',
    'GET …/git/repositories/{repo}/items?path= (7.1, raw content: Accept application/octet-stream; reading stops at files.maxSizeBytes)',
    'GET …/git/repositories/{repo}/items?path=&includeContent=true (7.1; with includedFiles: one per path, once per repository with a matching file, on its default branch)',
  ],
  enrichment: {
    file: '`{path, objectId, size, isFolder, commitId, …contentMetadata, content: {raw, parsed}}` (Ocean\'s shape): `path` without the leading `/`, `raw` the text (null for a file that is not UTF-8), `parsed` the JSON or YAML data as JSON has it (a list for several YAML documents; `.inf` and `.nan` as null, `!!binary` as base64; null for other files)',
    repo: 'the repository',
    __includedFiles: "with includedFiles: path as written → text of that file from the repository root, on the default branch the file was listed from (null when absent); the same for every file of a repository",
  },
  availability: 'cloud-and-server',
  permission: 'Code (Read)',
  async *list(ctx, s) {
    const patterns = s.files.path.map(compilePattern);
    const healthy = await ctx.parents.healthyRepositories();
    const unknown = unmatchedNames(s.files.repos ?? [], healthy);
    if (unknown.length > 0) ctx.listing.warn(`files.repos names no enabled repository in scope: ${unknown.join(', ')}`);
    const repositories = healthy.filter((r) => r.defaultBranch && (!s.files.repos || repositoryNamed(r, s.files.repos)));
    const notes: Notes = { tooLarge: [], unparsable: [] };
    const sample = (list: string[]) => `${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`;
    yield* fanOut(repositories, ctx.concurrency.repositories, (repository: Repository) => filesOf(ctx, repository, patterns, s, notes), (repository) => `files of repository ${repository.name}`);
    if (notes.tooLarge.length > 0) ctx.listing.warn(`${notes.tooLarge.length} file(s) larger than files.maxSizeBytes (${s.files.maxSizeBytes} bytes) skipped: ${sample(notes.tooLarge)}`);
    if (notes.unparsable.length > 0) ctx.listing.warn(`${notes.unparsable.length} JSON or YAML file(s) could not be parsed; their content.parsed is null: ${sample(notes.unparsable)}`);
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsFile',
        title: 'File',
        icon: 'Git',
        schema: {
          properties: {
            path: { title: 'Path', type: 'string' },
            size: { title: 'Size (bytes)', type: 'number' },
            content: { title: 'Content', type: 'string' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { repository: { title: 'Repository', target: 'azureDevopsRepository', required: false, many: false } },
      },
    ],
    resources: [],
    optIn: {
      reason:
        "Which files matter is specific to each organization, and each match costs a request. The sensible defaults are already covered: the repository's README is read into the repository entity (`includedFiles`).",
      example: [
        {
          kind: 'file',
          selector: { query: 'true', files: { path: ['package.json', 'services/*/catalog-info.yaml'] } },
          port: {
            entity: {
              mappings: {
                identifier: '.repo.id + "/" + (.file.path | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_"))',
                title: '.repo.name + ":" + .file.path',
                blueprint: '"azureDevopsFile"',
                properties: {
                  path: '.file.path',
                  size: '.file.size',
                  content: '.file.content.raw',
                  link: '(.repo.webUrl // .repo.remoteUrl) + "?path=/" + (.file.path | @uri)',
                },
                relations: { repository: '.repo.id' },
              },
            },
          },
        },
      ],
    },
  },
});
