import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAT, runCli, startSimulators, type Simulators } from '../support/simulators';

const portWrites = (sims: Simulators) => sims.port.calls().filter((c) => c.method !== 'GET' && c.path !== '/v1/auth/access_token');

describe('credentials that do not work are errors, never an empty organization', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 3 } });
  });
  afterAll(async () => sims.close());

  it('a rejected PAT (401) exits 2 before anything is written, naming what to check', async () => {
    sims.ado.credentials.setMode(PAT, 'revoked');
    try {
      const run = await runCli([], sims.env());
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/rejected the credential \(HTTP 401/);
      expect(run.stderr).toMatch(/personal access token/);
      expect(run.stderr + run.stdout).not.toContain(PAT);
      expect(portWrites(sims)).toEqual([]);
    } finally {
      sims.ado.credentials.setMode(PAT, 'active');
    }
  });

  it('a sign-in page (203 HTML) exits 2 instead of reading as zero items', async () => {
    sims.ado.credentials.setMode(PAT, 'sign-in-page');
    try {
      const run = await runCli([], sims.env());
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/sign-in page \(HTTP 203\)/);
      expect(portWrites(sims)).toEqual([]);
    } finally {
      sims.ado.credentials.setMode(PAT, 'active');
    }
  });

  it('wrong Port credentials exit 2 and say where to fix them', async () => {
    const run = await runCli([], sims.env({ OCEAN__PORT__CLIENT_SECRET: 'not-the-right-secret' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Port rejected the client credentials/);
    // Said once: the completion line does not repeat the error.
    expect(run.stderr.match(/Port rejected the client credentials/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('not-the-right-secret');
  });
});
