import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository, startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { cloudHost, followHeaderPages, get, send, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', users: 620, alerts: 60, testRuns: 40, deploymentRecords: 200, codeWikis: 2 }, seed: 13 });
});
afterAll(async () => {
  await sim.close();
});

const projects = () => sim.model.projectList().filter((p) => p.state === 'wellFormed');
const vssps = () => cloudHost(sim, 'vssps');

describe('graph (vssps)', () => {
  it('pages users with X-MS-ContinuationToken and returns every user once', async () => {
    const first = await get(sim, '/_apis/graph/users?api-version=7.1-preview.1', { host: vssps() });
    expect(first.json<ListBody>().count).toBe(500);
    expect(first.header('x-ms-continuationtoken')).toBeDefined();
    const { items, pages } = await followHeaderPages<{ descriptor: string; subjectKind: string }>(sim, '/_apis/graph/users?api-version=7.1-preview.1', { host: vssps() });
    expect(pages).toBe(2);
    expect(items.map((u) => u.descriptor).sort()).toEqual([...sim.model.users.all()].map((u) => u.descriptor).sort());
    expect(items.every((u) => u.subjectKind === 'user')).toBe(true);
  });

  it('filters users by subject type', async () => {
    const { items } = await followHeaderPages<{ origin: string }>(sim, '/_apis/graph/users?subjectTypes=msa&api-version=7.1-preview.1', { host: vssps() });
    expect(items.length).toBe([...sim.model.users.all()].filter((u) => u.origin === 'msa').length);
    expect(items.every((u) => u.origin === 'msa')).toBe(true);
  });

  it('lists groups, memberships up and down, and resolves subjects', async () => {
    const groups = (await followHeaderPages<{ descriptor: string; principalName: string }>(sim, '/_apis/graph/groups?api-version=7.1-preview.1', { host: vssps() })).items;
    expect(groups.map((g) => g.descriptor).sort()).toEqual([...sim.model.groups.all()].map((g) => g.descriptor).sort());
    const group = [...sim.model.groups.all()].find((g) => g.memberDescriptors.length >= 2);
    if (!group) throw new Error('no group with members');
    const down = (await get(sim, `/_apis/graph/memberships/${group.descriptor}?direction=down&api-version=7.1-preview.1`, { host: vssps() })).json<ListBody<{ memberDescriptor: string; containerDescriptor: string }>>();
    expect(down.value.map((m) => m.memberDescriptor)).toEqual(group.memberDescriptors);
    const member = group.memberDescriptors[0] ?? '';
    const up = (await get(sim, `/_apis/graph/memberships/${member}?api-version=7.1-preview.1`, { host: vssps() })).json<ListBody<{ containerDescriptor: string }>>();
    expect(up.value.map((m) => m.containerDescriptor)).toContain(group.descriptor);
    const lookup = await get(sim, '/_apis/graph/subjectlookup?api-version=7.1-preview.1', { host: vssps(), method: 'POST', body: { lookupKeys: group.memberDescriptors.map((descriptor) => ({ descriptor })) } });
    const value = lookup.json<{ count: number; value: Record<string, { descriptor: string }> }>().value;
    expect(Object.keys(value).sort()).toEqual([...group.memberDescriptors].sort());
  });

  it('is not on dev.azure.com', async () => {
    expect((await get(sim, '/_apis/graph/users?api-version=7.1-preview.1', { host: cloudHost(sim) })).status).toBe(404);
  });
});

describe('user entitlements (vsaex, token in the body)', () => {
  it('pages with {items, continuationToken, totalCount}', async () => {
    const host = cloudHost(sim, 'vsaex');
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const res = await get(sim, `/_apis/userentitlements${token ? `?continuationToken=${encodeURIComponent(token)}` : ''}`, { host });
      expect(res.header('x-ms-continuationtoken')).toBeUndefined();
      const body = res.json<{ items: { id: string }[]; continuationToken: string | null; totalCount: number }>();
      expect(body.totalCount).toBe(sim.model.users.count());
      seen.push(...body.items.map((i) => i.id));
      token = body.continuationToken;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(sim.model.users.count() / 100));
    expect(seen.sort()).toEqual([...sim.model.users.all()].map((u) => u.id).sort());
  });

  it('filters with $filter and rejects unknown properties', async () => {
    const host = cloudHost(sim, 'vsaex');
    const res = await get(sim, `/_apis/userentitlements?$filter=${encodeURIComponent("licenseId eq 'Account-Stakeholder'")}`, { host });
    const items = res.json<{ items: { accessLevel: { accountLicenseType: string } }[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.accessLevel.accountLicenseType === 'stakeholder')).toBe(true);
    expect((await get(sim, `/_apis/userentitlements?$filter=${encodeURIComponent("color eq 'red'")}`, { host })).status).toBe(400);
  });
});

describe('identities', () => {
  it('finds a user by mail and a group by account name, on vssps and on Server', async () => {
    const user = sim.model.owner();
    if (!user) throw new Error('no owner');
    const byMail = (await get(sim, `/_apis/identities?searchFilter=MailAddress&filterValue=${encodeURIComponent(user.mailAddress)}`, { host: vssps() })).json<ListBody<{ id: string; descriptor: string }>>();
    expect(byMail.value.map((i) => i.id)).toEqual([user.id]);
    expect(byMail.value[0]?.descriptor).toMatch(/^Microsoft\.IdentityModel\.Claims\.ClaimsIdentity;/);
    const onServer = await get(sim, `/_apis/identities?identityIds=${user.id}`);
    expect(onServer.json<ListBody<{ id: string }>>().value[0]?.id).toBe(user.id);
  });
});

describe('environments and deployment records', () => {
  it('serves the same environments on the 7.1 and 7.2-preview routes', async () => {
    const project = projects().find((p) => sim.model.environmentsOf(p.id).length > 0);
    if (!project) throw new Error('no environments');
    const v71 = (await get(sim, `/${project.id}/_apis/distributedtask/environments`)).json<ListBody<{ id: number }>>();
    const v72 = (await get(sim, `/${project.id}/_apis/pipelines/environments?api-version=7.2-preview.1`, { host: cloudHost(sim) })).json<ListBody<{ id: number }>>();
    expect(v71.value.map((e) => e.id)).toEqual(v72.value.map((e) => e.id));
    expect(v71.value.map((e) => e.id).sort((a, b) => a - b)).toEqual(sim.model.environmentsOf(project.id).map((e) => e.id).sort((a, b) => a - b));
    expect((await get(sim, `/${project.id}/_apis/pipelines/environments?api-version=7.1`, { host: cloudHost(sim) })).status).toBe(400);
  });

  it('pages deployment records 25 at a time by default, newest first', async () => {
    const env = projects().flatMap((p) => sim.model.environmentsOf(p.id)).sort((a, b) => sim.model.deploymentRecordsOf(b.id).length - sim.model.deploymentRecordsOf(a.id).length)[0];
    if (!env) throw new Error('no environment');
    const expected = sim.model.deploymentRecordsOf(env.id).map((r) => r.id).sort((a, b) => b - a);
    expect(expected.length).toBeGreaterThan(25);
    const first = await get(sim, `/${env.projectId}/_apis/distributedtask/environments/${env.id}/environmentdeploymentrecords`);
    expect(first.json<ListBody>().count).toBe(25);
    const { items } = await followHeaderPages<{ id: number }>(sim, `/${env.projectId}/_apis/distributedtask/environments/${env.id}/environmentdeploymentrecords`);
    expect(items.map((r) => r.id)).toEqual(expected);
  });
});

describe('test runs, results and coverage', () => {
  const project = () => projects().sort((a, b) => sim.model.testRunsOf(b.id).length - sim.model.testRunsOf(a.id).length)[0];

  it('pages runs with $top/$skip and filters by build', async () => {
    const p = project();
    if (!p) throw new Error('no project');
    const all = sim.model.testRunsOf(p.id).map((r) => r.id).sort((a, b) => a - b);
    const first = (await get(sim, `/${p.id}/_apis/test/runs?$top=3`)).json<ListBody<{ id: number }>>().value;
    const rest = (await get(sim, `/${p.id}/_apis/test/runs?$top=1000&$skip=3`)).json<ListBody<{ id: number }>>().value;
    expect([...first, ...rest].map((r) => r.id)).toEqual(all);
    const run = sim.model.testRunsOf(p.id).find((r) => r.buildId !== null);
    if (!run) throw new Error('no automated run');
    const byBuild = (await get(sim, `/${p.id}/_apis/test/runs?buildUri=${encodeURIComponent(`vstfs:///Build/Build/${run.buildId ?? 0}`)}`)).json<ListBody<{ id: number }>>().value;
    expect(byBuild.map((r) => r.id)).toContain(run.id);
  });

  it('queries by last-updated window of at most 7 days', async () => {
    const p = project();
    if (!p) throw new Error('no project');
    const max = sim.model.now;
    const min = max - 7 * 86_400_000;
    const res = await get(sim, `/${p.id}/_apis/test/runs?minLastUpdatedDate=${new Date(min).toISOString()}&maxLastUpdatedDate=${new Date(max).toISOString()}`);
    expect(res.status).toBe(200);
    const expected = sim.model.testRunsOf(p.id).filter((r) => r.lastUpdatedDate >= min && r.lastUpdatedDate <= max).map((r) => r.id).sort((a, b) => a - b);
    expect(res.json<ListBody<{ id: number }>>().value.map((r) => r.id)).toEqual(expected);
    expect((await get(sim, `/${p.id}/_apis/test/runs?minLastUpdatedDate=${new Date(max - 8 * 86_400_000).toISOString()}&maxLastUpdatedDate=${new Date(max).toISOString()}`)).status).toBe(400);
  });

  it('returns results consistent with the run’s counts, and coverage for its build', async () => {
    const run = projects().flatMap((p) => sim.model.testRunsOf(p.id)).find((r) => r.buildId !== null && r.unanalyzedTests > 0);
    if (!run) throw new Error('no run with failures');
    const results = (await get(sim, `/${run.projectId}/_apis/test/runs/${run.id}/results`)).json<ListBody<{ outcome: string }>>().value;
    expect(results.length).toBe(run.totalTests);
    expect(results.filter((r) => r.outcome === 'Failed').length).toBe(run.unanalyzedTests);
    const failed = (await get(sim, `/${run.projectId}/_apis/test/runs/${run.id}/results?outcomes=Failed`)).json<ListBody>().count;
    expect(failed).toBe(run.unanalyzedTests);
    const coverage = (await get(sim, `/${run.projectId}/_apis/test/codecoverage?buildId=${run.buildId ?? 0}&flags=7`)).json<ListBody<{ modules: { statistics: { linesCovered: number } }[] }>>();
    expect(coverage.value[0]?.modules.length).toBe(sim.model.codeCoverage(run.buildId ?? 0)?.modules.length);
    expect((await get(sim, `/${run.projectId}/_apis/test/codecoverage?buildId=${run.buildId ?? 0}`)).status).toBe(400);
  });
});

describe('git items, commits and changes', () => {
  const repo = () => {
    const r = [...sim.model.repositories.all()].find((x) => isActiveRepository(x) && (sim.model.files(x.id)?.length ?? 0) > 6);
    if (!r) throw new Error('no repository with files');
    return r;
  };

  it('lists items one level or fully under a scope path', async () => {
    const r = repo();
    const files = sim.model.files(r.id) ?? [];
    const full = (await get(sim, `/_apis/git/repositories/${r.id}/items?scopePath=/&recursionLevel=Full`)).json<ListBody<{ path: string; isFolder?: boolean; gitObjectType: string }>>().value;
    expect(full.map((i) => i.path).sort()).toEqual(files.map((f) => f.path).sort());
    const one = (await get(sim, `/_apis/git/repositories/${r.id}/items?scopePath=/&recursionLevel=OneLevel`)).json<ListBody<{ path: string }>>().value;
    expect(one.every((i) => i.path === '/' || !i.path.slice(1).includes('/'))).toBe(true);
    expect(full.find((i) => i.path === '/docs')?.gitObjectType).toBe('tree');
  });

  it('returns one file raw by default and as JSON with content when asked', async () => {
    const r = repo();
    const readme = sim.model.files(r.id)?.find((f) => f.path === '/README.md');
    const raw = await get(sim, `/_apis/git/repositories/${r.id}/items?path=README.md&versionType=Branch&version=${encodeURIComponent((r.defaultBranch ?? '').replace('refs/heads/', ''))}`);
    expect(raw.header('content-type')).toMatch(/^text\/plain/);
    expect(raw.text).toBe(readme?.content);
    const json = (await get(sim, `/_apis/git/repositories/${r.id}/items?path=/README.md&includeContent=true`, { headers: { Accept: 'application/json' } })).json<{ content: string; objectId: string }>();
    expect(json.content).toBe(readme?.content);
    expect(json.objectId).toMatch(/^[0-9a-f]{40}$/);
    expect((await get(sim, `/_apis/git/repositories/${r.id}/items?path=/nope.txt`)).status).toBe(404);
    expect((await get(sim, `/_apis/git/repositories/${r.id}/items?path=/README.md&versionDescriptor.version=no-such-branch&versionDescriptor.versionType=branch`)).status).toBe(404);
  });

  it('reads another branch’s content after a push', async () => {
    const r = repo();
    sim.mutate.push(r.id, { branch: 'feature/docs', files: { '/README.md': '# changed\n' } });
    const raw = await get(sim, `/_apis/git/repositories/${r.id}/items?path=/README.md&versionDescriptor.version=feature/docs&versionDescriptor.versionType=branch`);
    expect(raw.text).toBe('# changed\n');
    const main = await get(sim, `/_apis/git/repositories/${r.id}/items?path=/README.md`);
    expect(main.text).not.toBe('# changed\n');
  });

  it('answers itemsbatch with one list per descriptor', async () => {
    const r = repo();
    const res = await get(sim, `/_apis/git/repositories/${r.id}/itemsbatch?api-version=7.1`, { method: 'POST', body: { itemDescriptors: [{ path: '/', recursionLevel: 'OneLevel' }, { path: '/README.md', recursionLevel: 'None' }] } });
    const body = res.json<{ count: number; value: { path: string }[][] }>();
    expect(body.count).toBe(2);
    expect(body.value[1]?.map((i) => i.path)).toEqual(['/README.md']);
  });

  it('lists commits and a commit’s changes', async () => {
    const r = repo();
    const commits = (await get(sim, `/_apis/git/repositories/${r.id}/commits?$top=1000`)).json<ListBody<{ commitId: string; comment: string; commentTruncated?: boolean }>>().value;
    expect(commits.map((c) => c.commitId)).toEqual(sim.model.commits(r.id).map((c) => c.commitId));
    expect(commits.filter((c) => c.commentTruncated).every((c) => !c.comment.includes('\n'))).toBe(true);
    const first = sim.model.commits(r.id).at(-1);
    const changes = (await get(sim, `/_apis/git/repositories/${r.id}/commits/${first?.commitId ?? ''}/changes`)).json<{ changes: { item: { path: string; gitObjectType: string } }[] }>();
    const files = changes.changes.filter((c) => c.item.gitObjectType === 'blob').map((c) => c.item.path).sort();
    expect(files).toEqual(first?.changes.map((c) => c.path).sort());
  });
});

describe('wikis', () => {
  it('lists project and code wikis, and a page tree', async () => {
    const all = (await get(sim, '/_apis/wiki/wikis')).json<ListBody<{ id: string; type: string }>>().value;
    expect(all.map((w) => w.id).sort()).toEqual(projects().flatMap((p) => sim.model.wikisOf(p.id)).map((w) => w.id).sort());
    expect(new Set(all.map((w) => w.type))).toEqual(new Set(['projectWiki', 'codeWiki']));
    const wiki = [...sim.model.wikis.all()].find((w) => sim.model.wikiPagesOf(w.id).length > 3);
    if (!wiki) throw new Error('no wiki');
    const root = (await get(sim, `/${wiki.projectId}/_apis/wiki/wikis/${wiki.id}/pages?path=/&recursionLevel=full`)).json<{ subPages: { path: string; subPages: unknown[] }[] }>();
    const count = (node: { subPages: unknown[] }): number => node.subPages.reduce<number>((n, child) => n + 1 + count(child as { subPages: unknown[] }), 0);
    expect(count(root)).toBe(sim.model.wikiPagesOf(wiki.id).length);
  });

  it('pages the pages batch with a body token and a header token', async () => {
    const wiki = [...sim.model.wikis.all()].find((w) => sim.model.wikiPagesOf(w.id).length > 3);
    if (!wiki) throw new Error('no wiki');
    const seen: number[] = [];
    let token: string | undefined;
    do {
      const res = await get(sim, `/${wiki.projectId}/_apis/wiki/wikis/${wiki.id}/pagesbatch?api-version=7.1`, { method: 'POST', body: { top: 2, continuationToken: token } });
      seen.push(...res.json<ListBody<{ id: number }>>().value.map((p) => p.id));
      token = res.header('x-ms-continuationtoken');
    } while (token);
    expect(seen).toEqual(sim.model.wikiPagesOf(wiki.id).map((p) => p.id).sort((a, b) => a - b));
  });

  it("answers the pages batch's token as the 7.1 examples do: the last id returned, on the short last batch too", async () => {
    const wiki = [...sim.model.wikis.all()].find((w) => sim.model.wikiPagesOf(w.id).length > 2);
    if (!wiki) throw new Error('no wiki with three pages');
    const ids = sim.model.wikiPagesOf(wiki.id).map((p) => p.id).sort((a, b) => a - b);
    const top = ids.length - 1;
    const batch = async (token?: string) => {
      const res = await get(sim, `/${wiki.projectId}/_apis/wiki/wikis/${wiki.id}/pagesbatch?api-version=7.1`, { method: 'POST', body: { top, ...(token ? { continuationToken: token } : {}) } });
      return { ids: res.json<ListBody<{ id: number }>>().value.map((p) => p.id), token: res.header('x-ms-continuationtoken') };
    };
    const first = await batch();
    expect(first).toEqual({ ids: ids.slice(0, top), token: String(ids[top - 1]) });
    const last = await batch(first.token);
    expect(last).toEqual({ ids: ids.slice(top), token: String(ids.at(-1)) });
    expect(await batch(last.token)).toEqual({ ids: [], token: undefined });
  });

  it('returns page content by id', async () => {
    const page = [...sim.model.wikiPages.all()][0];
    const wiki = page ? sim.model.wikis.get(page.wikiId) : undefined;
    if (!page || !wiki) throw new Error('no page');
    const res = (await get(sim, `/${wiki.projectId}/_apis/wiki/wikis/${wiki.id}/pages/${page.id}?includeContent=true`)).json<{ content: string; path: string }>();
    expect(res).toMatchObject({ content: page.content, path: page.path });
  });
});

describe('Advanced Security alerts (advsec, 7.2-preview.1)', () => {
  const advsec = () => cloudHost(sim, 'advsec');
  const repo = () => {
    const r = [...sim.model.repositories.all()].filter((x) => x.advancedSecurityEnabled && isActiveRepository(x)).sort((a, b) => sim.model.alertsOf(b.id).length - sim.model.alertsOf(a.id).length)[0];
    if (!r) throw new Error('no repository with alerts');
    return r;
  };

  it('filters by criteria and modifiedSince, pages with top and a header token', async () => {
    const r = repo();
    const path = `/${r.projectId}/_apis/alert/repositories/${r.id}/alerts?api-version=7.2-preview.1`;
    const all = await followHeaderPages<{ alertId: number }>(sim, `${path}&top=3`, { host: advsec() });
    expect(all.items.map((a) => a.alertId)).toEqual(sim.model.alertsOf(r.id).map((a) => a.alertId).sort((a, b) => a - b));
    expect(all.pages).toBe(Math.max(1, Math.ceil(sim.model.alertsOf(r.id).length / 3)));
    const active = (await get(sim, `${path}&criteria.states=active&criteria.alertType=dependency`, { host: advsec() })).json<ListBody<{ state: string; alertType: string }>>().value;
    expect(active.every((a) => a.state === 'active' && a.alertType === 'dependency')).toBe(true);
    expect(active.length).toBe(sim.model.alertsOf(r.id).filter((a) => a.state === 'active' && a.alertType === 'dependency').length);
    const since = sim.model.now - 30 * 86_400_000;
    const recent = (await get(sim, `${path}&criteria.modifiedSince=${new Date(since).toISOString()}`, { host: advsec() })).json<ListBody<{ alertId: number }>>().value;
    expect(recent.map((a) => a.alertId).sort((a, b) => a - b)).toEqual(sim.model.alertsOf(r.id).filter((a) => a.modifiedDate >= since).map((a) => a.alertId).sort((a, b) => a - b));
  });

  it('answers 400 for a repository without Advanced Security', async () => {
    const candidate = [...sim.model.repositories.all()].find((x) => isActiveRepository(x) && x.id !== repo().id);
    if (!candidate) throw new Error('no repository');
    const off = sim.mutate.updateRepository(candidate.id, { advancedSecurityEnabled: false });
    const res = await get(sim, `/${off.projectId}/_apis/alert/repositories/${off.id}/alerts?api-version=7.2-preview.1`, { host: advsec() });
    expect(res.status).toBe(400);
  });

  it('requires the preview version and the advsec host', async () => {
    const r = repo();
    expect((await get(sim, `/${r.projectId}/_apis/alert/repositories/${r.id}/alerts?api-version=7.1`, { host: advsec() })).status).toBe(400);
    expect((await get(sim, `/${r.projectId}/_apis/alert/repositories/${r.id}/alerts?api-version=7.2-preview.1`, { host: cloudHost(sim) })).status).toBe(404);
  });

  it('reflects alert mutations (modifiedSince picks them up)', async () => {
    const r = repo();
    const before = Date.now() - 1;
    const alert = sim.model.alertsOf(r.id)[0];
    if (!alert) throw new Error('no alert');
    sim.mutate.updateAlert(alert.alertId, { state: 'dismissed', dismissalType: 'falsePositive' });
    const res = await send(sim, `/${sim.org}/${r.projectId}/_apis/alert/repositories/${r.id}/alerts?api-version=7.2-preview.1&criteria.modifiedSince=${new Date(before).toISOString()}`, { host: advsec() });
    expect(res.json<ListBody<{ alertId: number; state: string }>>().value).toEqual([expect.objectContaining({ alertId: alert.alertId, state: 'dismissed' })]);
  });
});
