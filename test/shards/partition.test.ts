import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../core/kinds/registry';
import { kindScope, shardSyncsKind } from '../../core/shards/kind-scope';
import { projectHash, projectPartition, shardOfProject } from '../../core/shards/partition';
import { parseShardText, shardFromJobPosition } from '../../core/shards/shard';
import { datasourceOf, datasourceUserAgent } from '../../core/version';

describe('the shard setting', () => {
  it.each([
    ['0/3', { index: 0, count: 3 }],
    [' 2 / 3 ', { index: 2, count: 3 }],
    ['0/1', { index: 0, count: 1 }],
    ['none', { index: 0, count: 1 }],
    ['OFF', { index: 0, count: 1 }],
  ])('%j is %j', (text, shard) => {
    expect(parseShardText(text)).toEqual({ ok: true, value: shard });
  });

  it.each([
    ['3/3', /0-based and must be below the count \(0 to 2 for 3 shards\)/],
    ['1/0', /at least 1/],
    ['0/65', /at most 64/],
    ['1', /<index>\/<count>/],
    ['-1/3', /<index>\/<count>/],
    ['a/b', /<index>\/<count>/],
  ])('%j is refused with a message saying what to write', (text, message) => {
    const parsed = parseShardText(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('takes the Azure Pipelines parallel-job position (1-based) as a 0-based shard', () => {
    expect(shardFromJobPosition('1', '4')).toEqual({ index: 0, count: 4 });
    expect(shardFromJobPosition('4', '4')).toEqual({ index: 3, count: 4 });
    // A single job is position 1 of 1: no sharding. Anything unreadable is ignored, not guessed at.
    expect(shardFromJobPosition('1', '1')).toBeUndefined();
    expect(shardFromJobPosition(undefined, '3')).toBeUndefined();
    expect(shardFromJobPosition('5', '4')).toBeUndefined();
    expect(shardFromJobPosition('$(System.JobPositionInPhase)', '3')).toBeUndefined();
  });
});

describe('the project partition', () => {
  it('is FNV-1a of the lower-cased id: fixed values that must never change (changing them moves every project)', () => {
    expect(projectHash('')).toBe(0x811c9dc5);
    expect(projectHash('a')).toBe(0xe40c292c);
    expect(projectHash('foobar')).toBe(0xbf9cf968);
    const id = 'A1B2C3D4-0000-4000-8000-00000000000F';
    expect(projectHash(id)).toBe(projectHash(id.toLowerCase()));
  });

  it('puts every project on exactly one shard, spread evenly enough over many projects', () => {
    const ids = Array.from({ length: 3000 }, () => randomUUID());
    for (const count of [2, 3, 4, 7]) {
      const sizes = new Array<number>(count).fill(0);
      for (const id of ids) {
        const owners = Array.from({ length: count }, (_, index) => projectPartition({ index, count })({ id })).filter(Boolean);
        expect(owners).toHaveLength(1);
        sizes[shardOfProject(id, count)]!++;
      }
      // Each shard within ±25 % of an even share: a sanity bound, not a statistical test.
      for (const size of sizes) expect(Math.abs(size - ids.length / count)).toBeLessThan((0.25 * ids.length) / count);
    }
    expect(shardOfProject(ids[0]!, 1)).toBe(0);
  });
});

describe('kinds and shards', () => {
  it("takes each registered kind's scope from its module, project-level unless it says otherwise", () => {
    for (const kind of KINDS) expect(kindScope(kind.kind), kind.kind).toBe(kind.scope ?? 'project');
    const organizationKinds = KINDS.filter((k) => kindScope(k.kind) === 'organization').map((k) => k.kind);
    expect(organizationKinds.sort()).toEqual(['group', 'group-member', 'user']);
  });

  it('leaves organization-level kinds, and kinds it does not know, to shard 0', () => {
    expect(shardSyncsKind({ index: 0, count: 3 }, 'user')).toBe(true);
    expect(shardSyncsKind({ index: 1, count: 3 }, 'user')).toBe(false);
    expect(shardSyncsKind({ index: 2, count: 3 }, 'work-item')).toBe(true);
    expect(kindScope('some-future-kind')).toBe('organization');
    expect(shardSyncsKind({ index: 1, count: 3 }, 'some-future-kind')).toBe(false);
  });
});

describe('datasource attribution of a shard', () => {
  const owns = (ds: { prefix: string; suffix: string }, userAgent: string) => userAgent.startsWith(ds.prefix) && userAgent.endsWith(ds.suffix);

  it("keeps the integration's prefix and suffix, so an unsharded run (or Ocean) still owns what shards wrote", () => {
    const ua = datasourceUserAgent('ado', { index: 1, count: 3 });
    expect(ua).toMatch(/^port-ocean\/azure-devops\/shard-1-of-3\+\d+\.\d+\.\d+[^/]*\/ado\/exporter$/);
    expect(ua.split('/')).toHaveLength(5);
    expect(owns(datasourceOf('ado'), ua)).toBe(true);
    expect(owns(datasourceOf('other'), ua)).toBe(false);
  });

  it("gives each shard a prefix that matches only its own writes, whatever the version", () => {
    const mine = datasourceOf('ado', { index: 1, count: 3 });
    expect(owns(mine, datasourceUserAgent('ado', { index: 1, count: 3 }))).toBe(true);
    expect(owns(mine, 'port-ocean/azure-devops/shard-1-of-3+9.9.9/ado/exporter')).toBe(true);
    expect(owns(mine, datasourceUserAgent('ado', { index: 1, count: 30 }))).toBe(false);
    expect(owns(mine, datasourceUserAgent('ado', { index: 11, count: 3 }))).toBe(false);
    expect(owns(mine, datasourceUserAgent('ado', { index: 2, count: 3 }))).toBe(false);
    expect(owns(mine, datasourceUserAgent('ado'))).toBe(false);
  });

  it('is the unsharded User-Agent for one job of one', () => {
    expect(datasourceUserAgent('ado', { index: 0, count: 1 })).toBe(datasourceUserAgent('ado'));
  });
});
