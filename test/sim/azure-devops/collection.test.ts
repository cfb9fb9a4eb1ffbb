import { describe, expect, it } from 'vitest';
import { Collection, type CollectionSource } from '../../../sim/azure-devops/model/collection';
import { OrganizationModel, toWorkItemPath } from '../../../sim/azure-devops/index';

interface Item {
  id: number;
  parent: string;
  label: string;
}

/** Ten generated items: ids 1..10, even ones under "a", odd ones under "b". `derived` counts calls of generate by index. */
function collection(derived: number[] = []): Collection<number, string, Item> {
  const generate = (i: number): Item => {
    derived[i] = (derived[i] ?? 0) + 1;
    return { id: i + 1, parent: (i + 1) % 2 === 0 ? 'a' : 'b', label: `item ${i + 1}` };
  };
  const source: CollectionSource<number, Item> = { size: 10, keyAt: (i) => i + 1, indexOf: (k) => (k >= 1 && k <= 10 ? k - 1 : undefined), generate };
  const byParent = { a: [1, 3, 5, 7, 9], b: [0, 2, 4, 6, 8] } as Record<string, number[]>;
  return new Collection({ source, keyOf: (r) => r.id, parentOf: (r) => r.parent, baseChildren: (p) => byParent[p] ?? [] });
}

describe('lazy collection with overlay', () => {
  it('applies updates, moves, deletes, restores and additions consistently', () => {
    const c = collection();
    c.put({ id: 2, parent: 'a', label: 'renamed' });
    c.put({ id: 4, parent: 'b', label: 'moved to b' });
    c.delete(6);
    c.put({ id: 11, parent: 'a', label: 'created' });
    const a = c.children('a');
    const b = c.children('b');
    expect(a.map((i) => i.id)).toEqual([2, 8, 10, 11]);
    expect(b.map((i) => i.id)).toEqual([1, 3, 5, 7, 9, 4]);
    expect(c.countChildren('a')).toBe(a.length);
    expect(c.countChildren('b')).toBe(b.length);
    expect(c.get(2)?.label).toBe('renamed');
    expect(c.get(6)).toBeUndefined();
    expect(c.count()).toBe(10);
    c.restore(6);
    expect(c.countChildren('a')).toBe(5);
    expect(c.overlaySize).toBeGreaterThan(0);
  });

  it('derives each base record once, frozen, and counts mutations in its version', () => {
    const derived: number[] = [];
    const c = collection(derived);
    for (let round = 0; round < 3; round++) {
      c.children('a');
      c.children('b');
      c.get(3);
      expect(c.count()).toBe(10);
    }
    expect(derived).toEqual(Array.from({ length: 10 }, () => 1));
    const three = c.get(3);
    expect(Object.isFrozen(three)).toBe(true);
    expect(() => {
      (three as Item).label = 'edited in place';
    }).toThrow(TypeError);
    const before = c.version;
    c.put({ id: 3, parent: 'b', label: 'renamed' });
    c.delete(4);
    c.restore(4);
    expect(c.version).toBe(before + 3);
    expect(c.get(3)?.label).toBe('renamed');
  });

  it('counts children of the generated organization without generating them', () => {
    const m = new OrganizationModel({ org: 'o', seed: 3, scale: 'medium' });
    for (const p of m.projectList()) {
      expect(m.workItems.countChildren(p.id)).toBe(m.workItemsOf(p.id).length);
      for (const r of m.repositoriesOf(p.id)) expect(m.pullRequests.countChildren(r.id)).toBe(m.pullRequestsOf(r.id).length);
    }
  });

  it('warms every record up front, and serves what a lazy organization of the same seed serves', () => {
    const warmed = new OrganizationModel({ org: 'o', seed: 5, scale: 'tiny' });
    const lazy = new OrganizationModel({ org: 'o', seed: 5, scale: 'tiny' });
    const records = warmed.warm();
    const collections = [warmed.users, warmed.projects, warmed.teams, warmed.groups, warmed.classificationNodes, warmed.boards, warmed.repositories, warmed.branches, warmed.policies, warmed.pullRequests, warmed.pipelines, warmed.builds, warmed.environments, warmed.deploymentRecords, warmed.releaseDefinitions, warmed.releases, warmed.workItems, warmed.testRuns, warmed.alerts, warmed.wikis, warmed.wikiPages];
    expect(records).toBe(collections.reduce((n, c) => n + c.count(), 0));
    expect(records).toBeGreaterThan(100);
    for (const p of lazy.projectList()) {
      expect(warmed.workItemsOf(p.id)).toEqual(lazy.workItemsOf(p.id));
      for (const r of lazy.repositoriesOf(p.id)) {
        expect(warmed.branchesOf(r.id)).toEqual(lazy.branchesOf(r.id));
        expect(warmed.pullRequestsOf(r.id)).toEqual(lazy.pullRequestsOf(r.id));
      }
      expect(warmed.buildsOfProject(p.id)).toEqual(lazy.buildsOfProject(p.id));
    }
  });

  it('looks nodes up by work-item path again after the nodes change', () => {
    const m = new OrganizationModel({ org: 'o', seed: 3, scale: 'tiny' });
    const project = m.projectList().find((p) => m.nodesOf(p.id, 'area').length > 1);
    const node = project ? m.nodesOf(project.id, 'area').find((n) => n.parentId !== null) : undefined;
    if (!project || !node) throw new Error('no project with a child area');
    const path = toWorkItemPath(node.path);
    expect(m.nodeAtWorkItemPath(project.id, 'area', path.toUpperCase())?.id).toBe(node.id);
    m.classificationNodes.put({ ...node, name: 'Renamed', path: `${node.path.slice(0, node.path.lastIndexOf('\\'))}\\Renamed` });
    expect(m.nodeAtWorkItemPath(project.id, 'area', path)).toBeUndefined();
    expect(m.nodeAtWorkItemPath(project.id, 'area', `${path.slice(0, path.lastIndexOf('\\'))}\\Renamed`)?.id).toBe(node.id);
  });
});
