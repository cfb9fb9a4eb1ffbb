import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitOrderBy } from '../../core/kinds/work-item';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

describe('the work-item wiql selector, as Ocean takes it', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 61 } });
  });
  afterAll(async () => sims.close());

  /** The Bugs of every well-formed project, titled as the built-in mapping titles them. */
  function bugs(): Map<string, ExpectedEntity> {
    const expected = new Map<string, ExpectedEntity>();
    for (const project of sims.ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
      for (const item of sims.ado.model.workItemsOf(project.id).filter((w) => w.type === 'Bug')) expected.set(`${project.id}/${item.id}`, { title: item.title });
    }
    expect(expected.size).toBeGreaterThan(0);
    return expected;
  }

  async function syncWith(wiql: string) {
    sims.port.reset();
    sims.ado.resetCounters();
    const mapping = await mappingFile([{ kind: 'work-item', selector: { wiql } }]);
    return syncKinds(sims, ['work-item'], { args: ['--mapping', mapping] });
  }

  it('asks a condition with @project project by project, where the macro means that project', async () => {
    const run = await syncWith("[System.TeamProject] = @project AND [System.WorkItemType] = 'Bug'");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectBlueprint(sims, 'azureDevopsWorkItem', bugs());
  });

  it('ignores an ORDER BY with a warning instead of refusing the mapping', async () => {
    const run = await syncWith("[System.WorkItemType] = 'Bug' ORDER BY [System.ChangedDate] DESC");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/the wiql's ORDER BY \[System\.ChangedDate\] DESC is ignored/);
    expectBlueprint(sims, 'azureDevopsWorkItem', bugs());
  });
});

describe('splitOrderBy', () => {
  it('takes the clause off the end, never from inside a quoted value', () => {
    expect(splitOrderBy(undefined)).toEqual({ condition: undefined });
    expect(splitOrderBy("[System.State] = 'Active' order by [System.Id]")).toEqual({ condition: "[System.State] = 'Active'", orderBy: 'order by [System.Id]' });
    expect(splitOrderBy("[System.Title] = 'sort order by hand'")).toEqual({ condition: "[System.Title] = 'sort order by hand'" });
    expect(splitOrderBy("[System.Title] = 'it''s order by' ORDER BY [System.Id] DESC")).toEqual({ condition: "[System.Title] = 'it''s order by'", orderBy: 'ORDER BY [System.Id] DESC' });
  });
});
