import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRecord } from '../../sim/azure-devops/model/records';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

/** The user identifier as the default mapping means it: the principal name, ASCII-lowercased, Port-safe. */
const userId = (principalName: string) => principalName.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[^\p{L}0-9@_.+:/=-]/gu, '_');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function expectedUsers(sims: Simulators, users: UserRecord[]): Map<string, ExpectedEntity> {
  return new Map(
    users.map((u) => [
      userId(u.principalName),
      { title: u.displayName, properties: { email: u.mailAddress, principalName: u.principalName, origin: u.origin, license: u.accessLevel.licenseDisplayName, licenseStatus: u.accessLevel.status, lastAccessed: iso(u.lastAccessedDate), descriptor: u.descriptor } },
    ]),
  );
}

describe('kind user, cloud form', () => {
  let sims: Simulators;
  beforeAll(async () => {
    // More users than one page of entitlements (100) and of the legacy list.
    sims = await startSimulators({ ado: { seed: 31, scale: { base: 'small', users: 230 } } });
  });
  afterAll(async () => sims.close());
  const users = () => [...sims.ado.model.users.all()];

  it('syncs every user from user entitlements (vsaex), following the token in the body', async () => {
    const run = await syncKinds(sims, ['user'], { cloud: true });
    expect(run.code, run.stderr).toBe(0);
    expectBlueprint(sims, 'azureDevopsUser', expectedUsers(sims, users()));
    const counters = sims.ado.counters();
    expect(counters.byHost.entitlements).toBe(3);
    expect(counters.byRoute['entitlements.users.list']).toBe(3);
  });

  it('reads the graph instead with source graph, filtered by subjectTypes', async () => {
    // Most users are not msa: let reconciliation remove them (the default threshold would stop it).
    const file = await mappingFile([{ kind: 'user', selector: { source: 'graph', subjectTypes: ['msa'] } }], { entityDeletionThreshold: 1 });
    sims.ado.resetCounters();
    const run = await syncKinds(sims, ['user'], { cloud: true, args: ['--mapping', file] });
    expect(run.code, run.stderr).toBe(0);
    const msa = users().filter((u) => u.origin === 'msa');
    expect(msa.length).toBeGreaterThan(0);
    // The graph has no access levels; the rest of the entity matches whichever source wrote it.
    const expected = new Map([...expectedUsers(sims, msa)].map(([id, e]) => [id, { ...e, properties: { ...e.properties, license: null, licenseStatus: null, lastAccessed: null } }]));
    expectBlueprint(sims, 'azureDevopsUser', expected);
    expect(sims.ado.counters().byRoute['graph.users.list']).toBe(1);
    expect(sims.ado.counters().byHost.entitlements ?? 0).toBe(0);
  });

  it('adds __groups and __projects from direct group memberships', async () => {
    const file = await mappingFile([
      {
        kind: 'user',
        selector: { includeGroupMemberships: 'true' },
        // Existing string properties carry the enrichment so that Port shows what the kind added.
        properties: { email: '[.__groups[].descriptor] | sort | join(",")', origin: '.__projects | sort | join(",")' },
      },
    ]);
    sims.ado.resetCounters();
    const run = await syncKinds(sims, ['user'], { cloud: true, args: ['--mapping', file] });
    expect(run.code, run.stderr).toBe(0);
    const model = sims.ado.model;
    const groups = [...model.groups.all()];
    const expected = new Map<string, ExpectedEntity>();
    for (const user of users()) {
      const direct = groups.filter((g) => g.memberDescriptors.includes(user.descriptor));
      const projects = [...new Set(direct.filter((g) => g.projectId !== null).map((g) => model.projects.get(g.projectId!)!.name))];
      expected.set(userId(user.principalName), { properties: { email: direct.map((g) => g.descriptor).sort().join(','), origin: projects.sort().join(',') } });
    }
    expect([...expected.values()].some((e) => e.properties?.origin !== '')).toBe(true);
    expectBlueprint(sims, 'azureDevopsUser', expected);
    const counters = sims.ado.counters();
    expect(counters.byRoute['graph.memberships.list']).toBe(users().length);
    // Group descriptors are looked up once per page of users at most (3 pages of 100), not per user.
    const distinct = new Set(users().flatMap((u) => groups.filter((g) => g.memberDescriptors.includes(u.descriptor)).map((g) => g.descriptor)));
    expect(distinct.size).toBeLessThan(500);
    expect(counters.byRoute['graph.subjectLookup']).toBeGreaterThanOrEqual(1);
    expect(counters.byRoute['graph.subjectLookup']).toBeLessThanOrEqual(3);
  });

  it('reads the pre-7.0 list with top/skip when apiVersion is below 7.0, and sends includeFields as select', async () => {
    const file = await mappingFile([
      { kind: 'user', selector: { apiVersion: '6.0-preview.3', includeFields: ['license'] }, properties: { origin: 'if .projectEntitlements == null then "no projects selected" else "projects" end' } },
    ]);
    const run = await syncKinds(sims, ['user'], { cloud: true, args: ['--mapping', file] });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map([...expectedUsers(sims, users())].map(([id, e]) => [id, { ...e, properties: { ...e.properties, origin: 'no projects selected' } }]));
    expectBlueprint(sims, 'azureDevopsUser', expected);
  });

  it('warns about selector keys that do not apply to the chosen source', async () => {
    const file = await mappingFile([{ kind: 'user', selector: { source: 'graph', apiVersion: '7.1' } }]);
    const run = await syncKinds(sims, ['user'], { cloud: true, args: ['--mapping', file] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain("selector key 'apiVersion' does not apply to source 'graph'");
  });
});

describe('kind user, Azure DevOps Server form', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 32 } });
  });
  afterAll(async () => sims.close());

  it('fails this kind with a clear message and syncs the others', async () => {
    const file = await mappingFile([{ kind: 'project' }, { kind: 'user' }]);
    const run = await syncKinds(sims, ['project', 'user'], { args: ['--mapping', file] });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain("The 'user' kind is not available on Azure DevOps Server");
    expect(run.stdout).toMatch(/project #0 .* ok/);
    const projects = new Map(sims.ado.model.projectList().filter((p) => p.state === 'wellFormed').map((p) => [p.id, { title: p.name }]));
    expectBlueprint(sims, 'azureDevopsProject', projects);
    expect(sims.port.entities('azureDevopsUser')).toEqual([]);
    expect(Object.keys(sims.ado.counters().byHost)).toEqual(['server']);
  });

  it('is left out of the built-in default mapping, so a default run stays clean', async () => {
    // A new integration: the one above stored the explicit mapping in Port as its config.
    const run = await syncKinds(sims, ['user', 'project'], { env: { OCEAN__INTEGRATION__IDENTIFIER: 'server-defaults' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('user #');
    expect(sims.port.entities('azureDevopsUser')).toEqual([]);
  });
});
