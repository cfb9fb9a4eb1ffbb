/**
 * WIQL answers at most 20,000 work items per query (VS402337). A project above that must still be
 * listed whole: nothing beyond the 20,000th item may go missing from Port, and since the listing
 * is complete, what is really gone is deleted. The mapping keeps one work item in 97 so Port
 * stays small while the listing still has to walk every id.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type Simulators } from '../support/simulators';
import { snapshot, sync } from './harness';

const MAPPING = `
resources:
  - kind: work-item
    selector:
      query: '.id % 97 == 0'
      expand: None
    port:
      entity:
        mappings:
          identifier: .__projectId + "/" + (.id | tostring)
          title: .fields."System.Title"
          blueprint: '"azureDevopsWorkItem"'
`;
/** Entities an earlier run (Ocean's docker step, say) wrote: same integration, another version. */
const OWNED = 'port-ocean/azure-devops/0.1.99/my-azure-devops-integration/exporter';

let sims: Simulators;
let mapping: string;

beforeAll(async () => {
  // One project holds every work item: over 20,000.
  sims = await startSimulators({ ado: { seed: 41, scale: { base: 'tiny', projects: 1, workItems: 20_600 } } });
  mapping = join(mkdtempSync(join(tmpdir(), 'wiql-cap-')), 'port-app-config.yml');
  writeFileSync(mapping, MAPPING);
});
afterAll(async () => sims?.close());

describe('a project with more than 20,000 work items', () => {
  it('is listed whole past the WIQL cap: every item is in Port, and a gone one is deleted', async () => {
    const project = sims.ado.model.projectList()[0]!;
    const items = sims.ado.model.workItemsOf(project.id).sort((a, b) => a.id - b.id);
    expect(items.length, 'the project is above the WIQL cap').toBeGreaterThan(20_000);
    const kept = items.filter((w) => w.id % 97 === 0);
    const beyond = items.slice(20_000).filter((w) => w.id % 97 === 0);
    expect(beyond.length, 'mapped items beyond the 20,000th').toBeGreaterThan(0);

    // Port already holds the items beyond the cap with stale titles, and one that no longer exists.
    const gone = `${project.id}/${(items.at(-1)!.id + 97 * 1000) - ((items.at(-1)!.id + 97 * 1000) % 97)}`;
    sims.port.seed.blueprint({ identifier: 'azureDevopsWorkItem', title: 'Work item', schema: { properties: {}, required: [] }, relations: {} });
    sims.port.seed.entities(
      'azureDevopsWorkItem',
      [...beyond.map((w) => ({ identifier: `${project.id}/${w.id}`, title: 'stale' })), { identifier: gone, title: 'deleted long ago' }],
      { datasource: OWNED },
    );

    const run = await sync(sims, ['--mapping', mapping, '--kinds', 'work-item']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect([...(snapshot(sims).get('azureDevopsWorkItem') ?? [])].sort()).toEqual(kept.map((w) => `${project.id}/${w.id}`).sort());
    for (const item of beyond) expect(sims.port.entity('azureDevopsWorkItem', `${project.id}/${item.id}`)?.title, `work item ${item.id}`).toBe(item.title);
    expect(sims.port.entity('azureDevopsWorkItem', gone), 'the gone item, deleted because the listing was whole').toBeUndefined();
  });
});
