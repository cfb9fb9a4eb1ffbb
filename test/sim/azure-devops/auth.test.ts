import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { basic, cloudHost, get, send, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;
let scopedProject: { id: string; name: string };
let otherProject: { id: string; name: string };

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small', pat: 'good-pat', bearerTokens: ['entra-token'] });
  const projects = sim.model.projectList().filter((p) => p.state === 'wellFormed');
  scopedProject = projects[0] ?? { id: '', name: '' };
  otherProject = projects[1] ?? { id: '', name: '' };
  sim.credentials.addBearer({ token: 'job-token', projects: [scopedProject.name], name: 'job' });
});
afterAll(async () => {
  await sim.close();
});

describe('credentials', () => {
  it('accepts the PAT as Basic with an empty or any user name', async () => {
    expect((await get(sim, '/_apis/projects', { pat: 'good-pat' })).status).toBe(200);
    expect((await get(sim, '/_apis/projects', { headers: { Authorization: basic('good-pat', 'PAT') }, pat: null })).status).toBe(200);
    expect((await get(sim, '/_apis/projects', { headers: { Authorization: basic('good-pat', 'anyone@example.com') }, pat: null })).status).toBe(200);
  });

  it('accepts a configured Bearer token', async () => {
    expect((await get(sim, '/_apis/projects', { bearer: 'entra-token' })).status).toBe(200);
  });

  it('answers a bad credential with 401 TF400813 when the client suppresses the sign-in redirect', async () => {
    const res = await get(sim, '/_apis/projects', { pat: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.json<{ message: string; typeKey: string }>()).toMatchObject({ typeKey: 'UnauthorizedRequestException' });
    expect(res.json<{ message: string }>().message).toMatch(/^TF400813: /);
    expect(res.text).not.toContain('wrong');
    expect((await get(sim, '/_apis/projects', { bearer: 'nope' })).status).toBe(401);
    expect((await get(sim, '/_apis/projects', { pat: null })).status).toBe(401);
  });

  it('answers a bad credential on the cloud with a 203 HTML sign-in page when the client does not suppress it', async () => {
    const res = await send(sim, `/${sim.org}/_apis/connectionData`, { host: cloudHost(sim), pat: 'wrong', headers: { 'X-TFS-FedAuthRedirect': '' } });
    expect(res.status).toBe(203);
    expect(res.header('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('Sign In');
  });

  it('can be revoked mid-run and restored', async () => {
    sim.credentials.addPat('rotating');
    expect((await get(sim, '/_apis/projects', { pat: 'rotating' })).status).toBe(200);
    sim.credentials.setMode('rotating', 'revoked');
    expect((await get(sim, '/_apis/projects', { pat: 'rotating' })).status).toBe(401);
    sim.credentials.setMode('rotating', 'active');
    expect((await get(sim, '/_apis/projects', { pat: 'rotating' })).status).toBe(200);
  });

  it('can be switched to the sign-in page mode, which ignores the Suppress header', async () => {
    sim.credentials.addPat('expired');
    sim.credentials.setMode('expired', 'sign-in-page');
    const res = await send(sim, `/${sim.org}/_apis/connectionData`, { host: cloudHost(sim), pat: 'expired' });
    expect(res.status).toBe(203);
  });

  it('counts requests per identity without exposing the secret', () => {
    const keys = Object.keys(sim.counters().byIdentity);
    expect(keys).toContain('pat:pat');
    expect(keys.join(' ')).not.toContain('good-pat');
  });
});

describe('project-scoped tokens', () => {
  it('lists only the projects the token may see', async () => {
    const res = await get(sim, '/_apis/projects', { bearer: 'job-token' });
    expect(res.json<ListBody<{ id: string }>>().value.map((p) => p.id)).toEqual([scopedProject.id]);
  });

  it('answers 404 for other projects, by id or by name', async () => {
    expect((await get(sim, `/${otherProject.id}/_apis/git/repositories`, { bearer: 'job-token' })).status).toBe(404);
    expect((await get(sim, `/_apis/projects/${encodeURIComponent(otherProject.name)}`, { bearer: 'job-token' })).status).toBe(404);
    expect((await get(sim, `/${scopedProject.id}/_apis/git/repositories`, { bearer: 'job-token' })).status).toBe(200);
  });

  it('filters organization-wide lists', async () => {
    const repos = (await get(sim, '/_apis/git/repositories', { bearer: 'job-token' })).json<ListBody<{ project: { id: string } }>>().value;
    expect(repos.length).toBeGreaterThan(0);
    expect(new Set(repos.map((r) => r.project.id))).toEqual(new Set([scopedProject.id]));
    const teams = (await get(sim, '/_apis/teams?api-version=7.1-preview.3', { bearer: 'job-token' })).json<ListBody<{ projectId: string }>>().value;
    expect(new Set(teams.map((t) => t.projectId))).toEqual(new Set([scopedProject.id]));
  });

  it('hides work items of other projects from batches', async () => {
    const foreign = sim.model.workItemsOf(otherProject.id)[0];
    if (!foreign) throw new Error('no work item');
    const res = await get(sim, `/_apis/wit/workitems?ids=${foreign.id}`, { bearer: 'job-token' });
    expect(res.status).toBe(404);
  });
});
