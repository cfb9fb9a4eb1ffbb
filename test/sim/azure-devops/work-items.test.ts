import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator, type WorkItemRecord } from '../../../sim/azure-devops/index';
import { get, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', workItems: 400 }, seed: 11 });
});
afterAll(async () => {
  await sim.close();
});

const wiql = (query: string, path = '', params = '') => get(sim, `${path}/_apis/wit/wiql?api-version=7.1${params}`, { method: 'POST', body: { query } });
const ids = (items: { id: number }[]) => items.map((i) => i.id);
const project = () => {
  const p = sim.model.projectList().find((x) => x.state === 'wellFormed' && sim.model.workItemsOf(x.id).length > 10);
  if (!p) throw new Error('no project with work items');
  return p;
};

describe('WIQL', () => {
  it('filters by project and id, ordered by id', async () => {
    const p = project();
    const expected = sim.model.workItemsOf(p.id).map((w) => w.id).sort((a, b) => a - b);
    const res = await wiql(`SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = '${p.name}' ORDER BY [System.Id] ASC`);
    expect(res.status).toBe(200);
    const body = res.json<{ queryType: string; workItems: { id: number; url: string }[]; columns: { referenceName: string }[] }>();
    expect(body.queryType).toBe('flat');
    expect(ids(body.workItems)).toEqual(expected);
    expect(body.columns[0]?.referenceName).toBe('System.Id');
    const after = expected[4] ?? 0;
    const tail = await wiql(`SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Id] > ${after} ORDER BY [System.Id] Asc`, `/${p.id}`);
    expect(ids(tail.json<{ workItems: { id: number }[] }>().workItems)).toEqual(expected.filter((id) => id > after));
  });

  it('gives every project non-contiguous ids', () => {
    const p = project();
    const list = sim.model.workItemsOf(p.id).map((w) => w.id).sort((a, b) => a - b);
    const contiguous = list.every((id, i) => i === 0 || id === (list[i - 1] ?? 0) + 1);
    expect(contiguous).toBe(false);
  });

  it('evaluates state, type, IN, NOT IN, CONTAINS, UNDER and date macros like the model', async () => {
    const p = project();
    const items = sim.model.workItemsOf(p.id);
    const closedStates = ['Closed', 'Done', 'Removed'];
    const weekAgo = Date.now() - 7 * 86_400_000;
    const dayOf = (ms: number) => Math.floor(ms / 86_400_000);
    const expected = items.filter((w) => !closedStates.includes(w.state) || dayOf(w.changedDate) >= dayOf(weekAgo)).map((w) => w.id).sort((a, b) => a - b);
    const res = await wiql(`SELECT [Id] FROM WorkItems WHERE [System.TeamProject] = '${p.name}' AND ([System.State] NOT IN ('Closed','Done','Removed') OR [System.ChangedDate] >= @today - 7) ORDER BY [System.Id]`);
    expect(ids(res.json<{ workItems: { id: number }[] }>().workItems)).toEqual(expected);

    const type = items[0]?.type ?? 'Task';
    const byType = await wiql(`SELECT [Id] FROM WorkItems WHERE [Team Project] = '${p.name}' AND [Work Item Type] = '${type}'`);
    expect(ids(byType.json<{ workItems: { id: number }[] }>().workItems)).toEqual(items.filter((w) => w.type === type).map((w) => w.id).sort((a, b) => a - b));

    const under = await wiql(`SELECT [Id] FROM WorkItems WHERE [System.AreaPath] UNDER '${p.name}'`);
    expect(ids(under.json<{ workItems: { id: number }[] }>().workItems).sort((a, b) => a - b)).toEqual(items.map((w) => w.id).sort((a, b) => a - b));

    const word = (items.find((w) => w.title.includes(' '))?.title.split(' ')[1] ?? 'cache').toLowerCase();
    const contains = await wiql(`SELECT [Id] FROM WorkItems WHERE [System.TeamProject] = '${p.name}' AND [System.Title] CONTAINS '${word}'`);
    expect(ids(contains.json<{ workItems: { id: number }[] }>().workItems)).toEqual(items.filter((w) => w.title.toLowerCase().includes(word)).map((w) => w.id).sort((a, b) => a - b));
  });

  it('compares dates at day precision unless timePrecision=true', async () => {
    const p = project();
    const item = sim.model.workItemsOf(p.id)[3] as WorkItemRecord;
    const stamp = new Date(item.changedDate).toISOString();
    const q = `SELECT [Id] FROM WorkItems WHERE [System.TeamProject] = '${p.name}' AND [System.ChangedDate] >= '${stamp}'`;
    const precise = ids((await wiql(q, '', '&timePrecision=true')).json<{ workItems: { id: number }[] }>().workItems);
    const byDay = ids((await wiql(q)).json<{ workItems: { id: number }[] }>().workItems);
    const items = sim.model.workItemsOf(p.id);
    expect(precise.sort((a, b) => a - b)).toEqual(items.filter((w) => w.changedDate >= item.changedDate).map((w) => w.id).sort((a, b) => a - b));
    const day = Math.floor(item.changedDate / 86_400_000);
    expect(byDay.sort((a, b) => a - b)).toEqual(items.filter((w) => Math.floor(w.changedDate / 86_400_000) >= day).map((w) => w.id).sort((a, b) => a - b));
  });

  it('honours $top and ORDER BY DESC', async () => {
    const p = project();
    const res = await wiql(`SELECT [Id] FROM WorkItems WHERE [System.TeamProject] = '${p.name}' ORDER BY [System.Id] DESC`, '', '&$top=3');
    const expected = sim.model.workItemsOf(p.id).map((w) => w.id).sort((a, b) => b - a).slice(0, 3);
    expect(ids(res.json<{ workItems: { id: number }[] }>().workItems)).toEqual(expected);
  });

  it('rejects syntax errors with 400', async () => {
    expect((await wiql('SELECT FROM')).status).toBe(400);
    expect((await wiql("SELECT [Id] FROM WorkItems WHERE [System.State] = 'open")).status).toBe(400);
  });

  it('fails above 20,000 results with VS402337, and cuts with $top', async () => {
    const big = await startAzureDevOpsSimulator({ scale: { base: 'tiny', projects: 1, workItems: 20_050 } });
    try {
      const res = await get(big, '/_apis/wit/wiql?api-version=7.1', { method: 'POST', body: { query: 'SELECT [System.Id] FROM WorkItems ORDER BY [System.Id]' } });
      expect(res.status).toBe(400);
      expect(res.json<{ message: string }>().message).toBe('VS402337: The number of work items returned exceeds the size limit of 20000. Change the query to return fewer items.');
      const capped = await get(big, '/_apis/wit/wiql?api-version=7.1&$top=19999', { method: 'POST', body: { query: 'SELECT [System.Id] FROM WorkItems ORDER BY [System.Id]' } });
      expect(capped.json<{ workItems: unknown[] }>().workItems.length).toBe(19_999);
    } finally {
      await big.close();
    }
  });
});

describe('work items', () => {
  it('returns items by ids, with all fields by default and only the requested ones with fields=', async () => {
    const items = sim.model.workItemsOf(project().id).slice(0, 5);
    const res = await get(sim, `/_apis/wit/workitems?ids=${items.map((w) => w.id).join(',')}`);
    const body = res.json<ListBody<{ id: number; fields: Record<string, unknown> }>>();
    expect(ids(body.value)).toEqual(items.map((w) => w.id));
    expect(body.value[0]?.fields['System.Title']).toBe(items[0]?.title);
    expect(body.value[0]?.fields['System.CreatedDate']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const some = (await get(sim, `/_apis/wit/workitems?ids=${items[0]?.id ?? 0}&fields=System.Title,System.State`)).json<ListBody<{ fields: Record<string, unknown> }>>();
    expect(Object.keys(some.value[0]?.fields ?? {}).sort()).toEqual(['System.State', 'System.Title']);
  });

  it('expands relations and links', async () => {
    const item = sim.model.workItemsOf(project().id).find((w) => w.parentId !== null);
    if (!item) throw new Error('no child work item');
    const res = await get(sim, `/_apis/wit/workitems/${item.id}?$expand=all`);
    const body = res.json<{ relations: { rel: string; url: string }[]; _links: Record<string, unknown> }>();
    expect(body.relations[0]?.rel).toBe('System.LinkTypes.Hierarchy-Reverse');
    expect(body.relations[0]?.url).toMatch(new RegExp(`/workItems/${item.parentId ?? 0}$`));
    expect(body._links.html).toBeDefined();
    expect((await get(sim, `/_apis/wit/workitems/${item.id}?$expand=all&fields=System.Title`)).status).toBe(400);
  });

  it('answers workitemsbatch with fields: id, rev, url and the fields asked for that are set, nothing else', async () => {
    const items = sim.model.workItemsOf(project().id);
    const withoutDescription = items.find((w) => w.description === '');
    const withDescription = items.find((w) => w.description !== '');
    if (!withoutDescription || !withDescription) throw new Error('expected items with and without a description');
    const batch = (body: unknown) => get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body });
    const ids = [withDescription.id, withoutDescription.id];
    // Names match case-insensitively and come back as the service spells them.
    const narrow = await batch({ ids, fields: ['System.Title', 'system.description', 'System.TeamProject'], errorPolicy: 'omit' });
    expect(narrow.status).toBe(200);
    const value = narrow.json<ListBody<Record<string, unknown>>>().value;
    const whole = (await batch({ ids, $expand: 'All' })).json<ListBody<Record<string, unknown> & { fields: Record<string, unknown> }>>().value;
    expect(value.map((item) => Object.keys(item).sort())).toEqual([
      ['fields', 'id', 'rev', 'url'],
      ['fields', 'id', 'rev', 'url'],
    ]);
    expect(value[0]?.fields).toEqual({ 'System.TeamProject': project().name, 'System.Title': withDescription.title, 'System.Description': withDescription.description });
    // An unset field is left out, not null.
    expect(value[1]?.fields).toEqual({ 'System.TeamProject': project().name, 'System.Title': withoutDescription.title });
    // The same values as the $expand answer holds.
    value.forEach((item, i) => {
      expect(item.id).toBe(whole[i]?.id);
      expect(item.rev).toBe(whole[i]?.rev);
      expect(item.url).toBe(whole[i]?.url);
      for (const [name, field] of Object.entries(item.fields as Record<string, unknown>)) expect(field).toEqual(whole[i]?.fields[name]);
    });
    expect(whole[0]?._links).toBeDefined();
    // $expand None is the default and goes with fields; any other $expand does not.
    expect((await batch({ ids, fields: ['System.Title'], $expand: 'None' })).status).toBe(200);
    for (const expand of ['All', 'Relations', 'Fields', 'Links']) {
      const refused = await batch({ ids, fields: ['System.Title'], $expand: expand });
      expect(refused.status).toBe(400);
      expect(refused.json<{ message: string }>().message).toBe('VS403439: The expand parameter can not be used with the fields parameter.');
    }
  });

  it('refuses a field the organization does not have, on GET and POST', async () => {
    const id = sim.model.workItemsOf(project().id)[0]?.id ?? 1;
    const post = await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: [id], fields: ['System.Title', 'Custom.NoSuchField'] } });
    expect(post.status).toBe(400);
    expect(post.json<{ message: string }>().message).toBe('TF51535: Cannot find field Custom.NoSuchField.');
    expect((await get(sim, `/_apis/wit/workitems?ids=${id}&fields=Custom.NoSuchField`)).status).toBe(400);
    expect((await get(sim, `/_apis/wit/workitems/${id}?fields=Custom.NoSuchField`)).status).toBe(400);
    // Every process's effort field and every area level exist, set or not.
    const known = await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: [id], fields: ['Microsoft.VSTS.Scheduling.Effort', 'Microsoft.VSTS.Scheduling.StoryPoints', 'Microsoft.VSTS.Scheduling.Size', 'System.AreaLevel7'] } });
    expect(known.status).toBe(200);
  });

  it('every field an item has is a field the organization defines', async () => {
    const items = sim.model.projectList().flatMap((p) => sim.model.workItemsOf(p.id)).slice(0, 200);
    const whole = (await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: items.map((w) => w.id), $expand: 'All' } })).json<ListBody<{ fields: Record<string, unknown> }>>().value;
    const names = [...new Set(whole.flatMap((item) => Object.keys(item.fields)))];
    const res = await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: items.map((w) => w.id), fields: names } });
    expect(res.status, res.text).toBe(200);
    expect(res.json<ListBody<{ fields: Record<string, unknown> }>>().value.map((item) => item.fields)).toEqual(whole.map((item) => item.fields));
  });

  it('takes at most 200 ids on GET and POST (VS403474)', async () => {
    const many = Array.from({ length: 201 }, (_, i) => i + 1);
    const getRes = await get(sim, `/_apis/wit/workitems?ids=${many.join(',')}`);
    expect(getRes.status).toBe(400);
    expect(getRes.json<{ message: string }>().message).toBe('VS403474: You requested 201 work items which exceeds the limit of 200');
    const post = await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: many } });
    expect(post.status).toBe(400);
    expect(post.json<{ message: string }>().message).toMatch(/^VS403474: /);
    const ok = await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: sim.model.workItemsOf(project().id).slice(0, 200).map((w) => w.id), fields: ['System.Id', 'System.State'] } });
    expect(ok.json<ListBody>().count).toBe(Math.min(200, sim.model.workItemsOf(project().id).length));
  });

  it('fails on a missing id unless errorPolicy=omit', async () => {
    const existing = sim.model.workItemsOf(project().id)[0]?.id ?? 1;
    expect((await get(sim, `/_apis/wit/workitems?ids=${existing},10`)).status).toBe(404);
    const omitted = (await get(sim, `/_apis/wit/workitems?ids=${existing},10&errorPolicy=omit`)).json<ListBody<{ id: number } | null>>();
    expect(omitted.value[1]).toBeNull();
    const batch = await get(sim, '/_apis/wit/workitemsbatch?api-version=7.1', { method: 'POST', body: { ids: [existing, 10], errorPolicy: 'omit' } });
    expect(batch.json<ListBody<unknown>>().value).toHaveLength(2);
  });
});

describe('boards and columns', () => {
  it('lists a team’s boards and returns columns with state mappings', async () => {
    const team = sim.model.projectList().flatMap((p) => sim.model.teamsOf(p.id)).find((t) => t.iterationIds.length > 0);
    if (!team) throw new Error('no team with iterations');
    const boards = (await get(sim, `/${team.projectId}/${team.id}/_apis/work/boards`)).json<ListBody<{ id: string; name: string }>>().value;
    expect(boards.map((b) => b.id).sort()).toEqual(sim.model.boardsOf(team.id).map((b) => b.id).sort());
    const board = sim.model.boardsOf(team.id)[0];
    const full = (await get(sim, `/${team.projectId}/${team.id}/_apis/work/boards/${encodeURIComponent(board?.name ?? '')}`)).json<{ columns: { name: string; columnType: string }[] }>();
    expect(full.columns.map((c) => c.name)).toEqual(board?.columns.map((c) => c.name));
    expect(full.columns[0]?.columnType).toBe('incoming');
    expect(full.columns.at(-1)?.columnType).toBe('outgoing');
    const columns = (await get(sim, `/${team.projectId}/${team.id}/_apis/work/boards/${board?.id ?? ''}/columns`)).json<ListBody<{ stateMappings: Record<string, string> }>>();
    expect(columns.value[0]?.stateMappings).toEqual(board?.columns[0]?.stateMappings);
  });

  it('fails with 500 for a team without iterations (as Azure DevOps did for Ocean)', async () => {
    const team = sim.mutate.createTeam(project().id, { name: 'No Sprints (yet)' });
    expect(team.iterationIds).toEqual([]);
    expect((await get(sim, `/${team.projectId}/${team.id}/_apis/work/boards`)).status).toBe(500);
  });
});
