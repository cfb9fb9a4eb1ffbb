import { describe, expect, it } from 'vitest';
import type { Datasource, EntityApi } from '../../core/port/entities';
import { OwnedEntities } from '../../core/sync/owned-entities';
import { ProducedEntities } from '../../core/sync/produced';

type Owned = { identifier: string; blueprint: string };

/** The one route OwnedEntities reads, as pages; the rest of the Port API is not used here. */
function listing(pages: Owned[][], onPage: (index: number) => void = () => {}): EntityApi {
  return {
    async *owned() {
      for (const [index, page] of pages.entries()) {
        onPage(index);
        yield page;
      }
    },
  } as unknown as EntityApi;
}

const DATASOURCE: Datasource = { prefix: 'port-ocean/azure-devops/', suffix: '/my-integration/exporter' };
const pages: Owned[][] = [
  [
    { identifier: 'p1', blueprint: 'azureDevopsProject' },
    { identifier: 'p1/r1', blueprint: 'azureDevopsRepository' },
  ],
  [{ identifier: 'p1/r2', blueprint: 'azureDevopsRepository' }],
];

function producing(items: Owned[]): ProducedEntities {
  const produced = new ProducedEntities();
  for (const { blueprint, identifier } of items) produced.add(blueprint, identifier);
  return produced;
}

describe('OwnedEntities', () => {
  it('leaves nothing stale when the run produced every entity the listing showed (and more)', async () => {
    const produced = producing([...pages.flat(), { identifier: 'p1/r3', blueprint: 'azureDevopsRepository' }]);
    const owned = await OwnedEntities.load(listing(pages), DATASOURCE, '2026-11-27T00:00:00Z', () => produced.rewrittenCount());
    expect(owned.size).toBe(3);
    expect(owned.leavesNothingStale(produced)).toBe(true);
  });

  it('may leave something stale when one listed entity was not produced, even under another blueprint with the same identifier', async () => {
    const produced = producing([
      { identifier: 'p1', blueprint: 'azureDevopsProject' },
      { identifier: 'p1/r1', blueprint: 'azureDevopsRepository' },
      { identifier: 'p1/r2', blueprint: 'azureDevopsBranch' },
    ]);
    const owned = await OwnedEntities.load(listing(pages), DATASOURCE, '2026-11-27T00:00:00Z', () => produced.rewrittenCount());
    expect(owned.mayHold('azureDevopsRepository', 'p1/r2')).toBe(true);
    expect(owned.leavesNothingStale(produced)).toBe(false);
  });

  it('does not vouch for a listing read while the run was rewriting entities of ours', async () => {
    const produced = producing(pages.flat());
    // The run rewrites an entity it owned while the second page is on its way.
    const owned = await OwnedEntities.load(
      listing(pages, (index) => index === 1 && produced.rewrote('azureDevopsProject', 'p1')),
      DATASOURCE,
      '2026-11-27T00:00:00Z',
      () => produced.rewrittenCount(),
    );
    expect(owned.leavesNothingStale(produced)).toBe(false);
  });

  it('vouches for an empty listing: a first run has nothing to reconcile', async () => {
    const owned = await OwnedEntities.load(listing([]), DATASOURCE, '2026-11-27T00:00:00Z', () => 0);
    expect(owned.leavesNothingStale(new ProducedEntities())).toBe(true);
  });
});
