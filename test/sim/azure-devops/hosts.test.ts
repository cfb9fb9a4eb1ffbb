import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { cloudHost, get, send, type ListBody } from './helpers';

let sim: AzureDevOpsSimulator;
let projectId: string;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small', org: 'fabrikam' });
  projectId = sim.model.projectList()[0]?.id ?? '';
});
afterAll(async () => {
  await sim.close();
});

describe('host selection', () => {
  it('exposes both URL forms', () => {
    expect(sim.serverUrl).toBe(`http://127.0.0.1:${sim.port}/fabrikam`);
    expect(sim.cloudUrl).toBe(`http://dev.azure.com:${sim.port}/fabrikam`);
  });

  it('serves core areas on dev.azure.com and builds URLs in the cloud form', async () => {
    const res = await send(sim, '/fabrikam/_apis/projects', { host: cloudHost(sim) });
    expect(res.status).toBe(200);
    const first = res.json<ListBody<{ url: string }>>().value[0];
    expect(first?.url).toMatch(new RegExp(`^http://dev\\.azure\\.com:${sim.port}/fabrikam/_apis/projects/`));
  });

  it('serves releases on vsrm.dev.azure.com only', async () => {
    const path = `/fabrikam/${projectId}/_apis/release/releases`;
    const onVsrm = await send(sim, path, { host: cloudHost(sim, 'vsrm') });
    expect(onVsrm.status).toBe(200);
    expect(onVsrm.json<ListBody<{ url: string }>>().value[0]?.url).toMatch(/^http:\/\/vsrm\.dev\.azure\.com:/);
    const onDev = await send(sim, path, { host: cloudHost(sim) });
    expect(onDev.status).toBe(404);
  });

  it('does not serve core areas on the service hosts', async () => {
    expect((await send(sim, '/fabrikam/_apis/projects', { host: cloudHost(sim, 'vsrm') })).status).toBe(404);
    expect((await send(sim, '/fabrikam/_apis/projects', { host: cloudHost(sim, 'advsec') })).status).toBe(404);
    expect((await send(sim, '/fabrikam/_apis/projects', { host: `analytics.dev.azure.com:${sim.port}` })).status).toBe(404);
  });

  it('serves the connection data on every host', async () => {
    for (const service of ['', 'vsrm', 'vssps', 'vsaex', 'advsec'] as const) {
      const res = await send(sim, '/fabrikam/_apis/connectionData', { host: cloudHost(sim, service) });
      expect(res.status, service).toBe(200);
      expect(res.json<{ deploymentType: string }>().deploymentType).toBe('hosted');
    }
    expect((await get(sim, '/_apis/connectionData')).json<{ deploymentType: string }>().deploymentType).toBe('onPremises');
  });

  it('accepts the legacy {org}.visualstudio.com form, with or without DefaultCollection', async () => {
    const plain = await send(sim, '/_apis/projects', { host: `fabrikam.visualstudio.com:${sim.port}` });
    expect(plain.status).toBe(200);
    expect(plain.json<ListBody<{ url: string }>>().value[0]?.url).toMatch(new RegExp(`^http://fabrikam\\.visualstudio\\.com:${sim.port}/_apis/projects/`));
    expect((await send(sim, '/DefaultCollection/_apis/projects', { host: `fabrikam.visualstudio.com:${sim.port}` })).status).toBe(200);
    expect((await send(sim, `/${projectId}/_apis/release/releases`, { host: `fabrikam.vsrm.visualstudio.com:${sim.port}` })).status).toBe(200);
    expect((await send(sim, `/${projectId}/_apis/release/releases`, { host: `fabrikam.visualstudio.com:${sim.port}` })).status).toBe(404);
  });

  it('answers 404 for another organization', async () => {
    expect((await send(sim, '/contoso/_apis/projects', { host: cloudHost(sim) })).status).toBe(404);
    expect((await send(sim, '/_apis/projects', { host: `contoso.visualstudio.com:${sim.port}` })).status).toBe(404);
  });
});

describe('Azure DevOps Server', () => {
  it('serves everything on one host, under /{collection} and /tfs/{collection}', async () => {
    expect((await send(sim, '/fabrikam/_apis/projects')).status).toBe(200);
    expect((await send(sim, '/tfs/fabrikam/_apis/projects')).status).toBe(200);
    expect((await send(sim, '/tfs/fabrikam/_apis/projects', { host: `ado.contoso.local:8080` })).json<ListBody<{ url: string }>>().value[0]?.url).toMatch(
      /^http:\/\/ado\.contoso\.local:8080\/tfs\/fabrikam\/_apis\/projects\//,
    );
    expect((await send(sim, `/fabrikam/${projectId}/_apis/release/releases`)).status).toBe(200);
  });

  it('has no graph, user entitlements or Advanced Security', async () => {
    const repo = sim.model.repositoriesOf(projectId)[0];
    expect((await send(sim, '/fabrikam/_apis/graph/users')).status).toBe(404);
    expect((await send(sim, '/fabrikam/_apis/userentitlements')).status).toBe(404);
    expect((await send(sim, `/fabrikam/${projectId}/_apis/alert/repositories/${repo?.id ?? ''}/alerts`)).status).toBe(404);
  });
});
