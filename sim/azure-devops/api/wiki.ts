import { createHash } from 'node:crypto';
import type { WikiPageRecord, WikiRecord } from '../model/records';
import { errors } from '../wire/errors';
import { isJsonObject, type JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { invalidToken } from '../wire/paging';
import { list, ok, type SimResponse } from '../wire/response';
import type { RequestContext, Route } from './context';
import { route } from './route';
import { canSee, optionalProject, requireProject, visibleProjects } from './scope';

/** Wikis (wiki/7.1): project and code wikis, pages by path or id, and the pages batch. */

function findWiki(ctx: RequestContext): WikiRecord {
  const project = requireProject(ctx);
  const idOrName = (ctx.params.wikiIdentifier ?? '').toLowerCase();
  const wiki = ctx.org.wikisOf(project.id).find((w) => w.id === idOrName || w.name.toLowerCase() === idOrName);
  if (!wiki) throw errors.notFoundGeneric(`VS402528: The wiki ${ctx.params.wikiIdentifier ?? ''} could not be found.`);
  return wiki;
}

function wikiJson(ctx: RequestContext, wiki: WikiRecord): JsonObject {
  const project = ctx.org.projects.get(wiki.projectId);
  const url = `${ctx.urls.core}/${wiki.projectId}/_apis/wiki/wikis/${wiki.id}`;
  return {
    id: wiki.id,
    versions: [{ version: wiki.version }],
    url,
    remoteUrl: `${ctx.urls.core}/${encodeURIComponent(project?.name ?? '')}/_wiki/wikis/${encodeURIComponent(wiki.name)}`,
    type: wiki.type,
    name: wiki.name,
    projectId: wiki.projectId,
    repositoryId: wiki.repositoryId,
    mappedPath: wiki.mappedPath,
    properties: {},
  };
}

function listWikis(ctx: RequestContext) {
  const project = optionalProject(ctx);
  const projects = project ? [project] : visibleProjects(ctx);
  return list(projects.flatMap((p) => ctx.org.wikisOf(p.id)).map((w) => wikiJson(ctx, w)));
}

function getWiki(ctx: RequestContext) {
  return ok(wikiJson(ctx, findWiki(ctx)));
}

/** Pages as a tree: the root `/` holds the top-level pages. */
function pageJson(ctx: RequestContext, wiki: WikiRecord, path: string, pages: readonly WikiPageRecord[], depth: number, content: boolean): JsonObject {
  const page = pages.find((p) => p.path === path);
  const prefix = path === '/' ? '/' : `${path}/`;
  const children = pages.filter((p) => p.path.startsWith(prefix) && p.path !== path && !p.path.slice(prefix.length).includes('/'));
  const project = ctx.org.projects.get(wiki.projectId);
  return {
    path,
    order: page?.order,
    gitItemPath: path === '/' ? '/' : `${path.replace(/ /g, '-')}.md`,
    subPages: depth > 0 ? children.map((c) => pageJson(ctx, wiki, c.path, pages, depth - 1, content)) : [],
    url: `${ctx.urls.core}/${wiki.projectId}/_apis/wiki/wikis/${wiki.id}/pages/${page?.id ?? 0}`,
    remoteUrl: `${ctx.urls.core}/${encodeURIComponent(project?.name ?? '')}/_wiki/wikis/${encodeURIComponent(wiki.name)}/${page?.id ?? 0}${path === '/' ? '' : `/${encodeURIComponent(path.split('/').pop() ?? '')}`}`,
    id: page?.id,
    isParentPage: children.length > 0,
    content: content && page ? page.content : undefined,
  };
}

function depthOf(text: string | undefined): number {
  const level = (text ?? 'none').toLowerCase();
  return level === 'full' ? 1000 : level.startsWith('onelevel') ? 1 : 0;
}

function pageResponse(ctx: RequestContext, wiki: WikiRecord, path: string): SimResponse {
  const pages = ctx.org.wikiPagesOf(wiki.id);
  if (path !== '/' && !pages.some((p) => p.path === path)) throw errors.notFoundGeneric(`VS402619: The wiki page '${path}' could not be found.`);
  const page = pages.find((p) => p.path === path);
  const etag = `"${createHash('sha1').update(page?.content ?? path).digest('hex')}"`;
  if ((ctx.headers.accept ?? '').toLowerCase().startsWith('text/plain') && page) {
    return { status: 200, body: page.content, contentType: 'text/plain; charset=utf-8', headers: { ETag: etag } };
  }
  return ok(pageJson(ctx, wiki, path, pages, depthOf(ctx.query.get('recursionLevel')), ctx.query.bool('includeContent') ?? false), { ETag: etag });
}

function getPage(ctx: RequestContext) {
  const wiki = findWiki(ctx);
  const raw = ctx.query.get('path') ?? '/';
  const path = raw === '' || raw === '/' ? '/' : `/${raw.replace(/^\/+/, '').replace(/\/+$/, '')}`;
  return pageResponse(ctx, wiki, path);
}

function getPageById(ctx: RequestContext) {
  const wiki = findWiki(ctx);
  const page = ctx.org.wikiPagesOf(wiki.id).find((p) => p.id === Number(ctx.params.id));
  if (!page) throw errors.notFoundGeneric(`VS402619: The wiki page with id ${ctx.params.id ?? ''} could not be found.`);
  return pageResponse(ctx, wiki, page.path);
}

/**
 * `POST pagesbatch` with `{top, continuationToken}`: the token comes back in the
 * `x-ms-continuationtoken` header and goes back in the next request's body. As in the wiki 7.1
 * examples (pagesBatch WithoutContinuationToken / WithContinuationToken), the token is the id of the
 * last page returned, the next batch starts after it, and every non-empty batch carries one, the
 * last and short one too.
 */
function pagesBatch(ctx: RequestContext) {
  const wiki = findWiki(ctx);
  if (!canSee(ctx, wiki.projectId)) throw errors.projectNotFound(wiki.projectId);
  const body = ctx.body;
  if (!isJsonObject(body)) throw errors.badRequest('The request body must be {"top": n, "continuationToken": "…"}.', 'ArgumentNullException');
  const requested = typeof body.top === 'number' ? body.top : PAGE_LIMITS.wikiPagesBatch.defaultTop;
  if (requested < 1 || requested > PAGE_LIMITS.wikiPagesBatch.maxTop) throw errors.badRequest(`top must be between 1 and ${PAGE_LIMITS.wikiPagesBatch.maxTop}.`, 'ArgumentOutOfRangeException');
  const pages = [...ctx.org.wikiPagesOf(wiki.id)].sort((a, b) => a.id - b.id);
  const token = typeof body.continuationToken === 'string' && body.continuationToken !== '' ? body.continuationToken : undefined;
  if (token !== undefined && !/^\d+$/.test(token)) throw invalidToken(token);
  const after = token === undefined ? -Infinity : Number(token);
  const page = pages.filter((p) => p.id > after).slice(0, requested);
  const last = page.at(-1);
  return list(
    page.map((p) => ({ id: p.id, path: p.path, viewStats: [] })),
    last === undefined ? undefined : String(last.id),
  );
}

export const wikiRoutes: Route[] = [
  route('wiki.wikis.list', 'GET', 'wiki/wikis', 'org-or-project', '7.1', listWikis),
  route('wiki.wikis.get', 'GET', 'wiki/wikis/{wikiIdentifier}', 'project', '7.1', getWiki),
  route('wiki.pages.get', 'GET', 'wiki/wikis/{wikiIdentifier}/pages', 'project', '7.1', getPage),
  route('wiki.pages.byId', 'GET', 'wiki/wikis/{wikiIdentifier}/pages/{id}', 'project', '7.1', getPageById),
  route('wiki.pagesBatch', 'POST', 'wiki/wikis/{wikiIdentifier}/pagesbatch', 'project', '7.1', pagesBatch, { replayable: true }),
];
