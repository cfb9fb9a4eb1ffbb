import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AzureDevOpsResponseError } from '../../core/azure-devops/errors';
import { readIfPresent } from '../../core/azure-devops/read-if-present';
import { readObject } from '../../core/azure-devops/read-object';
import board from '../../core/kinds/board';
import build from '../../core/kinds/build';
import { ListingFailedError } from '../../core/kinds/fan-out';
import { DEFAULT_CONCURRENCY, type KindContext, type RawItem } from '../../core/kinds/kind';
import { ParentListings } from '../../core/kinds/parents';
import project from '../../core/kinds/project';
import releaseDeployment from '../../core/kinds/release-deployment';
import wiki from '../../core/kinds/wiki';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { startRewritingProxy, type RewritingProxy } from '../support/rewriting-proxy';

/**
 * Reads of one object (a project in full, a board, a wiki page with its content, a build's
 * commit, a release) answered 200 with something other than a JSON object: an empty body, a list,
 * null, text. Such an answer is reported as a response error naming what was read, and the item is
 * not mapped; before, it was spread into the item (an empty body or a list adding nothing, or
 * index keys) and written.
 *
 * The simulator answers everything; a forwarding proxy in front of it, over real sockets, replaces
 * the answers to the requests a test names (test/support/rewriting-proxy.ts).
 */
const PAT = 'single-object-reads-pat-01';

let sim: AzureDevOpsSimulator;
let proxy: RewritingProxy;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small', seed: 37, pat: PAT });
  proxy = await startRewritingProxy(sim);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});
afterEach(() => {
  proxy.rewrites.length = 0;
});

const client = () => proxy.client(PAT);

type Listing = { items: RawItem[]; error: unknown; incomplete: string[] };

/** Runs a kind's full listing on the proxied client: what it yielded, and what it threw. */
async function list<S>(kind: { list(ctx: KindContext, selector: S): AsyncIterable<RawItem[]>; selector: { parse(input: unknown): S } }, selector: Record<string, unknown>): Promise<Listing> {
  const c = client();
  const incomplete: string[] = [];
  const ctx: KindContext = {
    client: c,
    organization: c.organization,
    parents: new ParentListings(c, { include: [], excludedTags: [] }, { projects: 8 }),
    concurrency: DEFAULT_CONCURRENCY,
    now: new Date(),
    listing: { incomplete: (reason) => incomplete.push(reason), warn: () => undefined },
  };
  const items: RawItem[] = [];
  try {
    for await (const page of kind.list(ctx, kind.selector.parse(selector))) items.push(...page);
  } catch (error) {
    return { items, error, incomplete };
  }
  return { items, error: undefined, incomplete };
}

/** The failures under a listing's error, through the fan-outs' ListingFailedErrors. */
function leaves(error: unknown): unknown[] {
  return error instanceof ListingFailedError ? error.failures.flatMap((failure) => leaves(failure.error)) : [error];
}

function expectReported(listing: Listing, what: RegExp): void {
  expect(listing.error, 'the listing fails').toBeInstanceOf(ListingFailedError);
  const responseErrors = leaves(listing.error).filter((e): e is AzureDevOpsResponseError => e instanceof AzureDevOpsResponseError);
  expect(responseErrors.length).toBeGreaterThan(0);
  for (const error of responseErrors) expect(error.message).toMatch(what);
}

const wellFormed = () => sim.model.projectList().filter((p) => p.state === 'wellFormed');

describe('readObject and readIfPresent', () => {
  const projectPath = () => `_apis/projects/${wellFormed()[0]!.id}`;

  it.each([
    ['an empty body', ''],
    ['a list', '[{"id":1}]'],
    ['null', 'null'],
    ['text', '"not a project"'],
  ])('throw a response error naming what was read for %s', async (shape, text) => {
    proxy.rewrites.push({ path: /\/_apis\/projects\/[0-9a-f-]{36}$/, text });
    const c = client();
    const error = await readObject(c, { path: projectPath(), apiVersion: '7.1' }, "project 'Alpha'").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureDevOpsResponseError);
    expect((error as Error).message).toContain(`the read of project 'Alpha' with ${shape}, not a JSON object (GET http://127.0.0.1:`);
    await expect(readIfPresent(c, { path: projectPath(), apiVersion: '7.1' }, "project 'Alpha'")).rejects.toThrow(`the read of project 'Alpha' with ${shape}`);
  });

  it('answer the object itself when it is one', async () => {
    const c = client();
    const expected = wellFormed()[0]!;
    expect((await readObject(c, { path: projectPath(), apiVersion: '7.1' }, 'a project')).id).toBe(expected.id);
    expect((await readIfPresent(c, { path: projectPath(), apiVersion: '7.1' }, 'a project'))?.id).toBe(expected.id);
  });

  it('readIfPresent with emptyIsAbsent reads an empty answer as none, and still refuses a list', async () => {
    const path = projectPath();
    proxy.rewrites.push({ path: /\/_apis\/projects\/[0-9a-f-]{36}$/, text: '' });
    expect(await readIfPresent(client(), { path, apiVersion: '7.1' }, 'a timeline', { emptyIsAbsent: true })).toBeUndefined();
    proxy.rewrites[0] = { path: /\/_apis\/projects\/[0-9a-f-]{36}$/, text: '[]' };
    await expect(readIfPresent(client(), { path, apiVersion: '7.1' }, 'a timeline', { emptyIsAbsent: true })).rejects.toBeInstanceOf(AzureDevOpsResponseError);
  });
});

describe('kinds that read one object per item report a non-object answer and do not map it', () => {
  it('project (defaultTeam): the project read as a list fails the listing; the other projects are mapped', async () => {
    const [broken, ...healthy] = wellFormed();
    expect(healthy.length).toBeGreaterThan(0);
    proxy.rewrites.push({ path: new RegExp(`/_apis/projects/${broken!.id}$`), text: '[{"id":"x","defaultTeam":{"name":"garbage"}}]' });
    const listing = await list(project, { defaultTeam: true });
    expectReported(listing, new RegExp(`the read of project '${broken!.name}' with a list`));
    expect(listing.items.map((item) => item.id)).not.toContain(broken!.id);
    expect(listing.items.some((item) => '0' in item)).toBe(false);
    for (const p of healthy) expect(listing.items.find((item) => item.id === p.id)?.defaultTeam, p.name).toBeDefined();
  });

  it('board: a board read answered with an empty body fails the listing; no board is mapped without its details', async () => {
    proxy.rewrites.push({ path: /\/_apis\/work\/boards\/[^/]+$/, text: '' });
    const listing = await list(board, {});
    expectReported(listing, /the read of board '.+' of team '.+' with an empty body/);
    expect(listing.items).toEqual([]);
  });

  it('wiki (includeContent): a page read answered with null fails the listing; no page is mapped', async () => {
    proxy.rewrites.push({ path: /\/_apis\/wiki\/wikis\/[^/]+\/pages\/[^/]+$/, text: 'null' });
    const listing = await list(wiki, { includeContent: true });
    expectReported(listing, /the read of page .+ of wiki '.+' with null/);
    expect(listing.items).toEqual([]);
  });

  it('build (enrichWithFirstCommit): a commit read answered with an empty body fails the listing; no build gets an empty __firstCommit', async () => {
    // Builds without changes read the commit they built.
    proxy.rewrites.push({ path: /\/_apis\/build\/builds\/\d+\/changes$/, text: '{"count":0,"value":[]}' });
    proxy.rewrites.push({ path: /\/_apis\/git\/repositories\/[^/]+\/commits\/[^/]+$/, text: '' });
    const listing = await list(build, { enrichWithFirstCommit: true });
    expectReported(listing, /the read of commit [0-9a-f]+ of build \d+ with an empty body/);
    expect(listing.items.filter((item) => item.__firstCommit !== null)).toEqual([]);
  });

  it('release-deployment (includeRelease): a release read answered with a list fails the listing; no deployment is mapped with it', async () => {
    proxy.rewrites.push({ path: /\/_apis\/release\/releases\/\d+$/, text: '[]' });
    const listing = await list(releaseDeployment, { includeRelease: true });
    expectReported(listing, /the read of release \d+ of project '.+' with a list/);
    expect(listing.items).toEqual([]);
  });
});
