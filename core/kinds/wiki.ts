import { z } from 'zod';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { readObject } from '../azure-devops/read-object';
import { fanOut } from './fan-out';
import { defineKind, type KindContext, type Page } from './kind';
import type { Project } from './parents';
import { flag } from './selector-types';

const selector = z.object({
  wikiType: z.enum(['projectWiki', 'codeWiki']).optional().describe('Only wikis of this type (a project wiki, or a wiki published from a repository); both when absent.'),
  includeContent: flag(false).describe("Adds each page's Markdown (`content`, and the page's `gitItemPath`, `remoteUrl`): one more request per page."),
});

type Selector = z.output<typeof selector>;

const wikiShape = z.looseObject({ id: z.string(), name: z.string(), type: z.string().optional() });
type Wiki = z.infer<typeof wikiShape>;

/** The service's page size for pages batch is at most 100 (docs/simulators/azure-devops.md; Ocean sends 50). */
const PAGES_PER_BATCH = 100;

async function wikisOf(ctx: KindContext, project: Project, s: Selector): Promise<Wiki[]> {
  const wikis: Wiki[] = [];
  for await (const page of listPages(ctx.client, { path: `${project.id}/_apis/wiki/wikis`, apiVersion: '7.1' }, paging.single())) {
    for (const item of page) {
      const parsed = wikiShape.safeParse(item);
      if (!parsed.success) throw new Error(`Azure DevOps returned a wiki of project '${project.name}' without an id or name.`);
      const wiki = parsed.data;
      if (!s.wikiType || wiki.type === s.wikiType) wikis.push(wiki);
    }
  }
  return wikis;
}

async function* pagesOf(ctx: KindContext, project: Project, wiki: Wiki, s: Selector): AsyncGenerator<Page> {
  const base = `${project.id}/_apis/wiki/wikis/${wiki.id}`;
  const batch = { method: 'POST' as const, readOnly: true, path: `${base}/pagesbatch`, body: {}, apiVersion: '7.1' };
  for await (const page of listPages(ctx.client, batch, paging.continuationHeaderInBody(PAGES_PER_BATCH))) {
    const pages = page.map((p) => ({ ...p, __wiki: wiki, __project: project }));
    if (!s.includeContent) {
      yield pages;
      continue;
    }
    const withContent: RawItem[] = [];
    const reads = fanOut(
      pages,
      ctx.concurrency.enrichment,
      async function* (p: RawItem) {
        const full = await readObject(ctx.client, { path: `${base}/pages/${String(p.id)}`, query: { includeContent: true }, apiVersion: '7.1' }, `page ${String(p.path)} of wiki '${wiki.name}'`);
        yield { ...p, ...full, __wiki: wiki, __project: project };
      },
      (p) => `page ${String(p.path)} of wiki ${wiki.name}`,
    );
    for await (const p of reads) withContent.push(p);
    yield withContent;
  }
}

export default defineKind({
  kind: 'wiki',
  description: 'Wiki pages of every project and code wiki of every project in scope, one item per page.',
  selector,
  endpoints: [
    'GET {org}/{project}/_apis/wiki/wikis (7.1)',
    'POST {org}/{project}/_apis/wiki/wikis/{wiki}/pagesbatch (7.1, {top: 100, continuationToken} in the body, the token from the x-ms-continuationtoken header)',
    'GET …/wiki/wikis/{wiki}/pages/{id}?includeContent=true (7.1; with includeContent)',
  ],
  enrichment: { __wiki: 'the wiki', __project: 'the project' },
  availability: 'cloud-and-server',
  permission: 'Wiki (Read)',
  async *list(ctx, s) {
    yield* fanOut(
      await ctx.parents.projects(),
      ctx.concurrency.projects,
      async function* (project: Project) {
        yield* fanOut(await wikisOf(ctx, project, s), ctx.concurrency.enrichment, (wiki: Wiki) => pagesOf(ctx, project, wiki, s), (wiki) => `pages of wiki ${wiki.name}`);
      },
      (project) => `wikis of project ${project.name}`,
    );
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsWikiPage',
        title: 'Wiki page',
        icon: 'Book',
        schema: {
          properties: {
            path: { title: 'Path', type: 'string' },
            wiki: { title: 'Wiki', type: 'string' },
            wikiType: { title: 'Wiki type', type: 'string', enum: ['projectWiki', 'codeWiki'] },
            content: { title: 'Content', type: 'string', format: 'markdown' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'wiki',
        selector: { query: 'true', includeContent: false },
        port: {
          entity: {
            mappings: {
              identifier: '.__wiki.id + "/" + (.id | tostring)',
              title: '.__wiki.name + " " + .path',
              blueprint: '"azureDevopsWikiPage"',
              properties: {
                path: '.path',
                wiki: '.__wiki.name',
                wikiType: '.__wiki.type',
                content: '.content',
                link: '.__wiki.remoteUrl + "/" + (.id | tostring) + "/" + (.path | split("/") | last | @uri)',
              },
              relations: { project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
