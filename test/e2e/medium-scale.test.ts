import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedCatalog } from '../support/default-catalog-oracle';
import { expectPortMatches } from '../support/port-assertions';
import { CLOUD_RESOLVE, runCli, startSimulators, type Simulators } from '../support/simulators';

describe('a medium organization, every default kind, cloud form', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 2, scale: 'medium' } });
  });
  afterAll(async () => sims.close());

  it('syncs every kind of the default mapping and matches the independent expectation', async () => {
    const run = await runCli(CLOUD_RESOLVE, sims.env({}, { cloud: true }));
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedCatalog(sims.ado, { now: Date.now() });
    expect(expected.get('azureDevopsWorkItem')?.size).toBeGreaterThan(1000);
    expectPortMatches(sims, expected);
    // Every kind of the default mapping reported a clean listing.
    const rows = run.stdout.split('\n').filter((l) => / #\d+ /.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(27);
    for (const row of rows) expect(row, row).toMatch(/ ok$/);
  });
});
