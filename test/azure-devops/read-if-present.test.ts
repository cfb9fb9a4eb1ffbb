import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureDevOpsAuthError } from '../../core/azure-devops/errors';
import { readIfPresent } from '../../core/azure-devops/read-if-present';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { simulatorClient } from '../support/ado-client';

const PAT = 'read-if-present-pat-0001';
let sim: AzureDevOpsSimulator;
const clientWith = (token: string) => simulatorClient(sim, token);

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small' }, seed: 3, pat: PAT });
});
afterAll(async () => sim.close());

describe('readIfPresent', () => {
  it('answers the body of a resource that exists, and undefined for one that is gone (404)', async () => {
    const project = sim.model.projectList().find((p) => p.state === 'wellFormed' && sim.model.buildsOfProject(p.id).length > 0)!;
    const build = sim.model.buildsOfProject(project.id)[0]!;
    const client = clientWith(PAT);
    const found = await readIfPresent(client, { path: `${project.id}/_apis/build/builds/${build.id}`, apiVersion: '7.1' }, `build ${build.id}`);
    expect(found?.id).toBe(build.id);
    expect(await readIfPresent(client, { path: `${project.id}/_apis/build/builds/987654321/timeline`, apiVersion: '7.1' }, 'the timeline of build 987654321')).toBeUndefined();
  });

  it('throws every other error', async () => {
    const project = sim.model.projectList()[0]!;
    await expect(readIfPresent(clientWith('not-the-pat-0000000'), { path: `${project.id}/_apis/build/builds/1`, apiVersion: '7.1' }, 'build 1')).rejects.toBeInstanceOf(AzureDevOpsAuthError);
  });
});
