import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappingFile } from '../kinds/mapping-file';
import { runCli, startSimulators, type Simulators } from '../support/simulators';

/**
 * With createMissingRelatedEntities, Port creates bare relation targets that carry our datasource
 * but that no listing produces. Deleting them as stale would cascade (deleteDependentEntities)
 * through everything that relates to them.
 */
describe('bare relation targets are never reconciled away', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 37 } });
  });
  afterAll(async () => sims.close());

  it('keeps the projects Port created for release definitions, and the definitions with them, run after run', async () => {
    const mapping = await mappingFile([{ kind: 'release-definition' }]);
    const first = await runCli(['--mapping', mapping], sims.env());
    expect(first.code, first.stderr).toBe(0);
    const definitions = sims.port.entities('azureDevopsReleaseDefinition').length;
    const projects = sims.port.entities('azureDevopsProject').length;
    expect(definitions).toBeGreaterThan(0);
    expect(projects, 'bare projects created for the relation').toBeGreaterThan(0);

    for (let round = 0; round < 2; round++) {
      const again = await runCli(['--mapping', mapping], sims.env());
      expect(again.code, again.stderr).toBe(0);
      expect(sims.port.entities('azureDevopsProject')).toHaveLength(projects);
      expect(sims.port.entities('azureDevopsReleaseDefinition')).toHaveLength(definitions);
    }
  });
});
