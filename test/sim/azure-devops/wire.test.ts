import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { get, send, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small', seed: 7 });
});
afterAll(async () => {
  await sim.close();
});

const ERROR_KEYS = ['$id', 'errorCode', 'eventId', 'innerException', 'message', 'typeKey', 'typeName'];

describe('wire format', () => {
  it('wraps lists as {count, value}', async () => {
    const res = await get(sim, '/_apis/projects?api-version=7.1');
    expect(res.status).toBe(200);
    const body = res.json<ListBody>();
    expect(Object.keys(body).sort()).toEqual(['count', 'value']);
    expect(body.count).toBe(body.value.length);
    expect(body.value.length).toBe(sim.model.projectList().filter((p) => p.state === 'wellFormed').length);
    expect(res.header('content-type')).toMatch(/^application\/json; charset=utf-8; api-version=7\.1/);
  });

  it('answers errors with the standard error body', async () => {
    const res = await get(sim, '/_apis/projects/00000000-0000-0000-0000-000000000001?api-version=7.1');
    expect(res.status).toBe(404);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(ERROR_KEYS);
    expect(body).toMatchObject({ $id: '1', innerException: null, errorCode: 0, eventId: 3000, typeKey: 'ProjectDoesNotExistException' });
    expect(body.message).toMatch(/^VS800075: /);
  });

  it('names a missing project by name with TF200016', async () => {
    const res = await get(sim, '/No%20Such%20Project/_apis/git/repositories');
    expect(res.status).toBe(404);
    expect(res.json<{ message: string }>().message).toMatch(/^TF200016: The following project does not exist: No Such Project\./);
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    expect((await get(sim, '/_apis/nothing/here')).status).toBe(404);
    expect((await get(sim, '/_apis/projects', { method: 'DELETE', headers: { Accept: 'application/json;api-version=7.1' } })).status).toBe(405);
  });
});

describe('api-version', () => {
  it('is optional on GET (the latest version answers)', async () => {
    expect((await get(sim, '/_apis/projects')).status).toBe(200);
  });

  it('is required on other methods, with the exact message', async () => {
    const res = await get(sim, '/_apis/wit/wiql', { method: 'POST', body: { query: 'SELECT [System.Id] FROM WorkItems' } });
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toBe(
      `No api-version was supplied for the "POST" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`,
    );
  });

  it('is accepted in the Accept header', async () => {
    const res = await get(sim, '/_apis/wit/wiql', { method: 'POST', body: { query: 'SELECT [System.Id] FROM WorkItems' }, headers: { Accept: 'application/json;api-version=7.1' } });
    expect(res.status).toBe(200);
  });

  it('rejects a preview-only route without -preview', async () => {
    const bad = await get(sim, '/_apis/teams?api-version=7.1');
    expect(bad.status).toBe(400);
    expect(bad.json<{ message: string; typeKey: string }>()).toMatchObject({ typeKey: 'VssInvalidPreviewVersionException' });
    expect(bad.json<{ message: string }>().message).toContain('-preview');
    expect((await get(sim, '/_apis/teams?api-version=7.1-preview.3')).status).toBe(200);
  });

  it('treats 7.2 as preview-only and rejects versions beyond the server', async () => {
    expect((await get(sim, '/_apis/projects?api-version=7.2')).status).toBe(400);
    expect((await get(sim, '/_apis/projects?api-version=7.2-preview.4')).status).toBe(400); // Server: 7.1 at most
    const cloud = await send(sim, `/${sim.org}/_apis/projects?api-version=7.2-preview.4`, { host: `dev.azure.com:${sim.port}` });
    expect(cloud.status).toBe(200);
    const out = await get(sim, '/_apis/projects?api-version=9.0');
    expect(out.json<{ typeKey: string }>().typeKey).toBe('VssVersionOutOfRangeException');
  });

  it('rejects a malformed version', async () => {
    expect((await get(sim, '/_apis/projects?api-version=latest')).status).toBe(400);
  });
});

describe('optional path segments', () => {
  it('serves a route with or without the project, by id or by name', async () => {
    const project = sim.model.projectList()[0];
    if (!project) throw new Error('no project');
    const all = (await get(sim, '/_apis/git/repositories')).json<ListBody<{ id: string }>>();
    const byName = (await get(sim, `/${encodeURIComponent(project.name)}/_apis/git/repositories`)).json<ListBody<{ id: string }>>();
    const byId = (await get(sim, `/${project.id}/_apis/git/repositories`)).json<ListBody<{ id: string }>>();
    const expected = sim.model.repositoriesOf(project.id).map((r) => r.id).sort();
    expect(byName.value.map((r) => r.id).sort()).toEqual(expected);
    expect(byId.value.map((r) => r.id).sort()).toEqual(expected);
    expect(all.value.length).toBeGreaterThan(expected.length);
  });

  it('accepts a team segment on work routes and defaults to the default team', async () => {
    const project = sim.model.projectList()[0];
    if (!project) throw new Error('no project');
    const team = sim.model.teams.get(project.defaultTeamId);
    if (!team || team.iterationIds.length === 0) return;
    const withTeam = await get(sim, `/${project.id}/${encodeURIComponent(team.name)}/_apis/work/teamsettings/iterations`);
    const without = await get(sim, `/${project.id}/_apis/work/teamsettings/iterations`);
    expect(withTeam.status).toBe(200);
    expect(withTeam.json<ListBody>().value).toEqual(without.json<ListBody>().value);
  });

  it('matches literal segments case-insensitively', async () => {
    const repo = [...sim.model.repositories.all()].find((r) => r.defaultBranch !== null && !r.isDisabled);
    if (!repo) throw new Error('no repository');
    const a = await get(sim, `/_apis/git/repositories/${repo.id}/pullRequests?searchCriteria.status=all`);
    const b = await get(sim, `/_apis/git/repositories/${repo.id}/pullrequests?searchCriteria.status=all`);
    expect(a.status).toBe(200);
    expect(a.json<ListBody>().value).toEqual(b.json<ListBody>().value);
  });
});
