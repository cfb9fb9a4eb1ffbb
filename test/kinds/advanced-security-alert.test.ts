import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { AlertRecord } from '../../sim/azure-devops/model/records';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { findKind } from '../../core/kinds/registry';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

const ALERT_MAPPING = {
  identifier: '.__repositoryId + "/" + (.alertId | tostring)',
  title: '.title',
  blueprint: '"azureDevopsSecurityAlert"',
  properties: { alertType: '.alertType', severity: '.severity', state: '.state', tool: '.tools[0].name' },
  relations: { repository: '.__repositoryId' },
};

const REPOSITORY_RESOURCE = { kind: 'repository', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"azureDevopsRepository"' } } } };

function mappingFile(resources: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'advsec-'));
  const file = join(dir, 'port-app-config.yml');
  writeFileSync(file, stringify({ resources }));
  return file;
}

const alertResource = (criteria?: Record<string, unknown>) => ({ kind: 'advanced-security-alert', selector: { query: 'true', ...(criteria ? { criteria } : {}) }, port: { entity: { mappings: ALERT_MAPPING } } });

/** The repositories the alerts listing visits: enabled, not empty, in a well-formed project. */
function listedRepositories(ado: AzureDevOpsSimulator) {
  return ado.model
    .projectList()
    .filter((p) => p.state === 'wellFormed')
    .flatMap((p) => ado.model.repositoriesOf(p.id))
    .filter((r) => !r.isDisabled && r.defaultBranch !== null);
}

function expectedAlerts(ado: AzureDevOpsSimulator, keep: (a: AlertRecord) => boolean): Map<string, ExpectedEntity> {
  const expected = new Map<string, ExpectedEntity>();
  for (const repository of listedRepositories(ado).filter((r) => r.advancedSecurityEnabled)) {
    for (const alert of ado.model.alertsOf(repository.id).filter(keep)) {
      expected.set(`${repository.id}/${alert.alertId}`, {
        title: alert.title,
        properties: { alertType: alert.alertType, severity: alert.severity, state: alert.state, tool: alert.toolName },
        relations: { repository: repository.id },
      });
    }
  }
  return expected;
}

describe('kind advanced-security-alert (cloud)', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 71 } });
  });
  afterAll(async () => sims.close());
  beforeEach(() => {
    sims.port.reset();
    sims.ado.resetCounters();
  });

  it('syncs the alerts of every repository with Advanced Security, from the advsec host; the others are skipped, not failed', async () => {
    const repositories = listedRepositories(sims.ado);
    const disabled = repositories.filter((r) => !r.advancedSecurityEnabled);
    expect(disabled.length, 'some repositories without Advanced Security').toBeGreaterThan(0);
    const run = await syncKinds(sims, ['advanced-security-alert'], { cloud: true, args: ['--mapping', mappingFile([alertResource()])] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Advanced Security not enabled on ${disabled.length} of ${repositories.length} repositories`);
    const expected = expectedAlerts(sims.ado, () => true);
    expect(new Set([...expected.values()].map((e) => e.properties?.state)).size, 'alerts in several states').toBeGreaterThan(1);
    expect(new Set([...expected.values()].map((e) => e.properties?.alertType)).size, 'alerts of several types').toBeGreaterThan(1);
    expectBlueprint(sims, 'azureDevopsSecurityAlert', expected);
    expect(sims.ado.counters().byHost.advsec).toBe(repositories.length);
  });

  it('a repository without Advanced Security does not make the listing incomplete: a fixed alert is deleted', async () => {
    const mapping = mappingFile([REPOSITORY_RESOURCE, alertResource({ states: ['active'] })]);
    expect((await syncKinds(sims, ['repository', 'advanced-security-alert'], { cloud: true, args: ['--mapping', mapping] })).code).toBe(0);
    const active = expectedAlerts(sims.ado, (a) => a.state === 'active');
    expectBlueprint(sims, 'azureDevopsSecurityAlert', active);

    const fixed = [...active.keys()][0]!;
    sims.ado.mutate.updateAlert(Number(fixed.split('/')[1]), { state: 'fixed' });
    const run = await syncKinds(sims, ['repository', 'advanced-security-alert'], { cloud: true, args: ['--mapping', mapping] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/azureDevopsSecurityAlert: 1 deleted/);
    expectBlueprint(sims, 'azureDevopsSecurityAlert', expectedAlerts(sims.ado, (a) => a.state === 'active'));
  });

  it('the example mapping of docs/kinds.md works as written (active alerts)', async () => {
    const example = findKind('advanced-security-alert')!.defaults.optIn!.example;
    const run = await syncKinds(sims, ['repository', 'advanced-security-alert'], { cloud: true, args: ['--mapping', mappingFile([REPOSITORY_RESOURCE, ...example])] });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedAlerts(sims.ado, (a) => a.state === 'active');
    for (const entity of expected.values()) delete entity.properties?.tool;
    expectBlueprint(sims, 'azureDevopsSecurityAlert', expected);
    const stored = sims.port.entities('azureDevopsSecurityAlert');
    expect(stored.every((e) => typeof e.properties.link === 'string' && /\/_git\/[^/]+\/alerts\/\d+$/.test(e.properties.link))).toBe(true);
  });

  it('filters by criteria: states, severities (and Ocean\'s severity), alertType, and other criteria passed through', async () => {
    const criteria = { states: ['active', 'dismissed'], severity: 'high', severities: ['critical'], alertType: 'dependency', toolName: 'AdvancedSecurity-Dependency-Scanning' };
    const run = await syncKinds(sims, ['advanced-security-alert'], { cloud: true, args: ['--mapping', mappingFile([alertResource(criteria)])] });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedAlerts(sims.ado, (a) => ['active', 'dismissed'].includes(a.state) && ['high', 'critical'].includes(a.severity) && a.alertType === 'dependency' && a.toolName === 'AdvancedSecurity-Dependency-Scanning');
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(expectedAlerts(sims.ado, () => true).size);
    expectBlueprint(sims, 'azureDevopsSecurityAlert', expected);
  });

  it('rejects a criterion value the API does not know before anything is written', async () => {
    const run = await syncKinds(sims, ['advanced-security-alert'], { cloud: true, args: ['--mapping', mappingFile([alertResource({ states: ['open'] })])] });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/selector\.criteria\.states\.0: 'open' is not one of active, dismissed, fixed, autoDismissed/);
    expect(sims.ado.counters().byHost.advsec ?? 0).toBe(0);
  });
});

describe('kind advanced-security-alert on Azure DevOps Server', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 72 } });
  });
  afterAll(async () => sims.close());

  it('fails this kind with a clear message, and the rest of the run still syncs', async () => {
    const run = await syncKinds(sims, ['repository', 'advanced-security-alert'], { cloud: false, args: ['--mapping', mappingFile([REPOSITORY_RESOURCE, alertResource()])] });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/The 'advanced-security-alert' kind is not available on Azure DevOps Server: it reads the Advanced Security \(advsec\) service/);
    expect(sims.ado.counters().byHost.advsec ?? 0).toBe(0);
    const repositories = sims.ado.model.projectList().filter((p) => p.state === 'wellFormed').flatMap((p) => sims.ado.model.repositoriesOf(p.id));
    expectBlueprint(sims, 'azureDevopsRepository', new Map(repositories.map((r) => [r.id, { title: r.name }])));
    expect(sims.port.entities('azureDevopsSecurityAlert')).toEqual([]);
  });
});

describe('kind advanced-security-alert at medium scale', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 73, scale: 'medium' } });
  });
  afterAll(async () => sims.close());

  it('syncs the alerts of every repository with Advanced Security', async () => {
    const run = await syncKinds(sims, ['repository', 'advanced-security-alert'], { cloud: true, args: ['--mapping', mappingFile([REPOSITORY_RESOURCE, alertResource()])] });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedAlerts(sims.ado, () => true);
    expect(expected.size).toBeGreaterThan(100);
    expectBlueprint(sims, 'azureDevopsSecurityAlert', expected);
  });
});
