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

/**
 * Without createMissingRelatedEntities, Port refuses (404 not_found) an entity whose relation
 * target does not exist yet. A mapping that lists repositories before projects writes each
 * repository before its project on a first run: those are sent again once every resource has run,
 * as Ocean does (§2.8), and the run is clean.
 */
describe('entities written before their relation targets (createMissingRelatedEntities off)', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { scale: 'tiny' } });
  });
  afterAll(async () => sims.close());

  it('are sent again after the resources that write their targets, and the run succeeds', async () => {
    const mapping = await mappingFile([{ kind: 'repository' }, { kind: 'project' }], { createMissingRelatedEntities: false });
    const run = await runCli(['--mapping', mapping], sims.env());
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const repositories = [...sims.ado.model.repositories.all()].length;
    expect(repositories).toBeGreaterThan(0);
    expect(sims.port.entities('azureDevopsRepository')).toHaveLength(repositories);
    expect(sims.port.entities('azureDevopsProject')).toHaveLength(sims.ado.model.projectList().length);
    expect(`${run.stdout}${run.stderr}`).toContain(`Sent again ${repositories} entities refused for a missing relation target: ${repositories} written, 0 still failed.`);
    expect(run.stdout).toMatch(new RegExp(`repository #0\\s+${repositories}\\s+${repositories}\\s+0\\s+0\\s.*ok`));

    // Every repository now finds its project: nothing is refused, nothing is sent again.
    const again = await runCli(['--mapping', mapping], sims.env());
    expect(again.code, again.stdout).toBe(0);
    expect(`${again.stdout}${again.stderr}`).not.toContain('Sent again');
  });
});
