/**
 * The committed bundle, run as the GitHub runner runs it (see runner.ts), against the simulators.
 * The bundle is rebuilt once first, so the test exercises the current sources; `.ci/run` then
 * proves the rebuilt bundle is the committed one. All runs live in this one file so that no two
 * test files rebuild the bundle at the same time.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortSimulator, type PortSimulator } from '../../sim/port/index';
import { REPO_ROOT, runAction, visibleOutput } from './runner';

const CLIENT_ID = 'action-client-id';
const CLIENT_SECRET = 'port-client-secret-Zq81v4';
const PAT = 'pat-7hQvW2mXk9LrT4cYb6NdE1sUa3';

let port: PortSimulator;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'action'], { cwd: REPO_ROOT, stdio: 'pipe' });
  port = await startPortSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
});

afterAll(async () => {
  await port?.close();
});

describe('configuration errors', () => {
  it('reports every bad or missing input by its name, sets result config-error and writes nothing', async () => {
    port.clearCalls();
    const run = await runAction({
      with: { 'port-client-id': CLIENT_ID, 'port-client-secret': CLIENT_SECRET, 'port-base-url': port.baseUrl, kinds: 'projct, repository' },
    });

    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.stdout).toContain("::error::input 'kinds': 'projct' is not a known resource kind. Did you mean 'project'?");
    expect(run.stdout).toMatch(/::error::Azure DevOps organization URL is missing: set OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL, or input 'organization-url'/);
    expect(run.stdout).toMatch(/::error::Azure DevOps credential .* is missing: .*input 'personal-access-token' or input 'azure-devops-token'/);
    // setFailed's own line: the step's one-line reason.
    expect(run.stdout).toMatch(/^::error::Invalid configuration \(3 problems\)\.$/m);
    expect(port.calls()).toHaveLength(0);
    expect(run.masks).toContain(CLIENT_SECRET);
    expect(visibleOutput(run)).not.toContain(CLIENT_SECRET);
  });

  it('names a rejected secret input without repeating its value', async () => {
    const run = await runAction({
      with: {
        'port-client-id': CLIENT_ID,
        'port-client-secret': CLIENT_SECRET,
        'port-region': 'mars',
        'organization-url': 'https://dev.azure.com/contoso',
        'personal-access-token': PAT,
        'azure-devops-token': 'bearer-token-value-that-is-long',
      },
    });
    expect(run.outputs.result).toBe('config-error');
    expect(run.stdout).toContain("::error::input 'port-region': must be eu or us");
    expect(run.stdout).toMatch(/::error::.*input 'personal-access-token'.*input 'azure-devops-token'|::error::.*input 'azure-devops-token'.*input 'personal-access-token'/);
    for (const secret of [CLIENT_SECRET, PAT, 'bearer-token-value-that-is-long']) {
      expect(run.masks).toContain(secret);
      expect(visibleOutput(run)).not.toContain(secret);
    }
  });

  it('rejects an unreadable tolerate-partial-failure before any network call', async () => {
    port.clearCalls();
    const run = await runAction({
      with: { 'port-client-id': CLIENT_ID, 'port-client-secret': CLIENT_SECRET, 'port-base-url': port.baseUrl, 'tolerate-partial-failure': 'sometimes' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    expect(run.stdout).toContain("::error::input 'tolerate-partial-failure': must be true or false");
    expect(port.calls()).toHaveLength(0);
  });

  it('treats wrong Port credentials as a configuration error, before Azure DevOps is contacted', async () => {
    port.clearCalls();
    const wrongSecret = 'not-the-port-secret-4711';
    const run = await runAction({
      with: {
        'port-client-id': CLIENT_ID,
        'port-client-secret': wrongSecret,
        'port-base-url': port.baseUrl,
        // Nothing listens there: reaching it would fail differently.
        'organization-url': 'http://127.0.0.1:9/DefaultCollection',
        'personal-access-token': PAT,
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('config-error');
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.stdout).toMatch(/^::error::.*Port.*$/m);
    expect(port.calls().map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST /v1/auth/access_token 401']);
    for (const secret of [wrongSecret, PAT, Buffer.from(`:${PAT}`).toString('base64')]) {
      expect(run.masks).toContain(secret);
      expect(visibleOutput(run)).not.toContain(secret);
    }
  });
});
