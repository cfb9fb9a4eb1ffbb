import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

function expectedPages(ado: AzureDevOpsSimulator, options: { type?: 'projectWiki' | 'codeWiki'; content?: boolean } = {}): Map<string, ExpectedEntity> {
  const expected = new Map<string, ExpectedEntity>();
  for (const project of ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
    for (const wiki of ado.model.wikisOf(project.id)) {
      if (options.type && wiki.type !== options.type) continue;
      for (const page of ado.model.wikiPagesOf(wiki.id)) {
        expected.set(`${wiki.id}/${page.id}`, {
          title: `${wiki.name} ${page.path}`,
          properties: { path: page.path, wiki: wiki.name, wikiType: wiki.type, ...(options.content ? { content: page.content } : {}) },
          relations: { project: project.id },
        });
      }
    }
  }
  return expected;
}

describe.each([{ cloud: false }, { cloud: true }])('kind wiki (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 61 } });
  });
  afterAll(async () => sims.close());
  beforeEach(() => {
    sims.port.reset();
    sims.ado.resetCounters();
  });

  it('syncs every page of every project and code wiki, without content by default', async () => {
    const run = await syncKinds(sims, ['wiki'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedPages(sims.ado);
    expect(new Set([...expected.values()].map((e) => e.properties?.wikiType))).toEqual(new Set(['projectWiki', 'codeWiki']));
    expectBlueprint(sims, 'azureDevopsWikiPage', expected);
    expect(sims.ado.counters().byRoute['wiki.pages.byId'] ?? 0).toBe(0);
  });

  it('keeps one type of wiki with wikiType, and reads each page with includeContent', async () => {
    const run = await syncKinds(sims, ['wiki'], { cloud, args: ['--mapping', await mappingFile([{ kind: 'wiki', selector: { wikiType: 'codeWiki', includeContent: true } }])] });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedPages(sims.ado, { type: 'codeWiki', content: true });
    expect(expected.size).toBeGreaterThan(0);
    expectBlueprint(sims, 'azureDevopsWikiPage', expected);
    expect(sims.ado.counters().byRoute['wiki.pages.byId']).toBe(expected.size);
  });
});

describe('kind wiki: a wiki with more pages than one batch', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 62, scale: 'tiny' } });
  });
  afterAll(async () => sims.close());

  it('follows the continuation token from the header, sent back in the body', async () => {
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const wiki = sims.ado.model.wikisOf(project.id)[0]!;
    for (let i = 0; i < 230; i++) sims.ado.mutate.putWikiPage(wiki.id, `/Runbooks/Runbook ${i}`, `# Runbook ${i}\n`);
    sims.ado.resetCounters();
    const run = await syncKinds(sims, ['wiki']);
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedPages(sims.ado);
    expect(sims.ado.model.wikiPagesOf(wiki.id).length).toBeGreaterThan(200);
    expectBlueprint(sims, 'azureDevopsWikiPage', expected);
    // 100 pages per batch: this wiki needs three batches, every other wiki one.
    const wikis = sims.ado.model.projectList().filter((p) => p.state === 'wellFormed').flatMap((p) => sims.ado.model.wikisOf(p.id));
    expect(sims.ado.counters().byRoute['wiki.pagesBatch']).toBe(wikis.length + 2);
  });
});
