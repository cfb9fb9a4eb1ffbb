import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

describe('the JSON summary file', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { scale: 'tiny', seed: 82 } });
  });
  afterAll(async () => sims.close());

  // /dev/full passes the start-up check (it exists and is writable) and refuses every write (ENOSPC): a disk that filled up during the run.
  it.runIf(existsSync('/dev/full'))('that cannot be written after the run is a warning; the run still ends as it did', async () => {
    const run = await syncKinds(sims, ['project'], { args: ['--summary', '/dev/full'] });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/The summary file '\/dev\/full' could not be written: ENOSPC/);
    expect(sims.port.entities('azureDevopsProject').length).toBeGreaterThan(0);
  });
});
