import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupRecord } from '../../sim/azure-devops/model/records';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

const userId = (principalName: string) => principalName.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[^\p{L}0-9@_.+:/=-]/gu, '_');

/** One entity per (group, direct member); users relate to the user entity, groups to the group. */
function expectedMembers(sims: Simulators, groups: GroupRecord[]): Map<string, ExpectedEntity> {
  const model = sims.ado.model;
  const expected = new Map<string, ExpectedEntity>();
  for (const group of groups) {
    for (const descriptor of group.memberDescriptors) {
      const user = model.userByDescriptor(descriptor);
      const member = user ?? model.group(descriptor);
      if (!member) continue;
      expected.set(`${group.descriptor}/${descriptor}`, {
        title: `${member.displayName} in ${group.principalName}`,
        properties: { memberKind: user ? 'user' : 'group', displayName: member.displayName, principalName: member.principalName },
        relations: { group: group.descriptor, user: user ? userId(user.principalName) : null, memberGroup: user ? null : descriptor },
      });
    }
  }
  return expected;
}

describe('kind group-member, small organization', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 34 } });
  });
  afterAll(async () => sims.close());

  it('cloud form: syncs the direct members of every group, users and nested groups', async () => {
    const run = await syncKinds(sims, ['group', 'group-member'], { cloud: true });
    expect(run.code, run.stderr).toBe(0);
    const groups = [...sims.ado.model.groups.all()];
    const expected = expectedMembers(sims, groups);
    expect([...expected.values()].some((e) => e.properties?.memberKind === 'group')).toBe(true);
    expectBlueprint(sims, 'azureDevopsGroupMember', expected);
    const counters = sims.ado.counters();
    // The groups are listed once for both kinds; one memberships call per group; one lookup for all.
    expect(counters.byRoute['graph.groups.list']).toBe(1);
    expect(counters.byRoute['graph.memberships.list']).toBe(groups.length);
    expect(counters.byRoute['graph.subjectLookup']).toBe(1);
  });

  it('keeps the members of healthy groups when one group cannot be read, and fails the listing', async () => {
    const groups = [...sims.ado.model.groups.all()];
    const broken = groups.find((g) => g.memberDescriptors.length > 0)!;
    const fault = sims.ado.faults.add({ route: 'graph.memberships.list', path: broken.descriptor, kind: 'status', status: 400 });
    const before = sims.port.entities('azureDevopsGroupMember').length;
    const file = await mappingFile([{ kind: 'group-member', properties: { displayName: '"after the fault: " + .displayName' } }]);
    const run = await syncKinds(sims, ['group-member'], { cloud: true, args: ['--mapping', file], env: { OCEAN__INTEGRATION__IDENTIFIER: 'with-fault' } });
    sims.ado.faults.clear(fault);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain(`members of group ${broken.principalName}`);
    const stored = sims.port.entities('azureDevopsGroupMember');
    // Nothing deleted; every other group's members rewritten; the broken group's left as they were.
    expect(stored.length).toBe(before);
    for (const entity of stored) {
      const rewritten = String(entity.properties.displayName).startsWith('after the fault: ');
      expect(rewritten, entity.identifier).toBe(!entity.identifier.startsWith(`${broken.descriptor}/`));
    }
  });

  it('Azure DevOps Server form: fails this kind with a clear message and syncs the others', async () => {
    const file = await mappingFile([{ kind: 'project' }, { kind: 'group-member' }]);
    const run = await syncKinds(sims, ['project', 'group-member'], { args: ['--mapping', file], env: { OCEAN__INTEGRATION__IDENTIFIER: 'on-server' } });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain("The 'group-member' kind is not available on Azure DevOps Server");
    expect(run.stdout).toMatch(/project #0 .* ok/);
  });
});

describe('kind group-member, medium organization', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 35, scale: { base: 'medium', teams: 40, groups: 60 } } });
  });
  afterAll(async () => sims.close());

  it('looks members up for 100 groups at a time, each member once', async () => {
    const run = await syncKinds(sims, ['group-member'], { cloud: true });
    expect(run.code, run.stderr).toBe(0);
    const groups = [...sims.ado.model.groups.all()];
    expect(groups.length).toBeGreaterThan(100);
    expectBlueprint(sims, 'azureDevopsGroupMember', expectedMembers(sims, groups));
    let lookups = 0;
    const seen = new Set<string>();
    for (let start = 0; start < groups.length; start += 100) {
      const fresh = new Set(groups.slice(start, start + 100).flatMap((g) => g.memberDescriptors).filter((d) => !seen.has(d)));
      for (const d of fresh) seen.add(d);
      lookups += Math.ceil(fresh.size / 500);
    }
    expect(sims.ado.counters().byRoute['graph.subjectLookup']).toBe(lookups);
  });
});
