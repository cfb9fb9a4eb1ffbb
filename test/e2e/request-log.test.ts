import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAT, PORT_CLIENT_SECRET, startSimulators, syncKinds, type Simulators } from '../support/simulators';

describe('log level debug', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { scale: 'tiny', seed: 81 } });
  });
  afterAll(async () => sims.close());

  it('logs every answer from Azure DevOps and Port with its status and time, and no secret; info logs none', async () => {
    const debug = await syncKinds(sims, ['project'], { args: ['--log-level', 'debug'] });
    expect(debug.code, debug.stderr).toBe(0);
    const output = debug.stdout + debug.stderr;
    expect(output).toMatch(/GET \S+\/_apis\/connectionData\S* → 200 in \d+ ms/);
    expect(output).toMatch(/GET \S+\/_apis\/projects\S* → 200 in \d+ ms/);
    expect(output).toMatch(/POST \/v1\/blueprints\/azureDevopsProject\/entities\/bulk → 20\d in \d+ ms/);
    for (const secret of [PAT, PORT_CLIENT_SECRET]) expect(output).not.toContain(secret);

    // Ocean's variable (or a config file's logLevel) switches it on as the flag does.
    const byVariable = await syncKinds(sims, ['project'], { env: { APPLICATION__LOG_LEVEL: 'DEBUG' } });
    expect(byVariable.code, byVariable.stderr).toBe(0);
    expect(byVariable.stderr).toMatch(/^debug: GET \S+\/_apis\/projects\S* → 200 in \d+ ms$/m);
    for (const secret of [PAT, PORT_CLIENT_SECRET]) expect(byVariable.stdout + byVariable.stderr).not.toContain(secret);

    const info = await syncKinds(sims, ['project']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout + info.stderr).not.toMatch(/ → \d{3} in \d+ ms/);
  });
});
