import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';
import { mappingFile } from './mapping-file';

const wellFormed = (ado: AzureDevOpsSimulator) => ado.model.projectList().filter((p) => p.state === 'wellFormed');

describe.each([{ cloud: false }, { cloud: true }])('kind test-run (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 51 } });
  });
  afterAll(async () => sims.close());
  beforeEach(() => sims.port.reset());

  it('syncs every test run with its details, related to its build when it has one', async () => {
    sims.ado.resetCounters();
    const run = await syncKinds(sims, ['test-run'], { cloud });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    for (const project of wellFormed(sims.ado)) {
      for (const testRun of sims.ado.model.testRunsOf(project.id)) {
        const build = testRun.buildId === null ? undefined : sims.ado.model.builds.get(testRun.buildId);
        expected.set(`${project.id}/${testRun.id}`, {
          title: testRun.name,
          properties: { state: testRun.state, isAutomated: testRun.isAutomated, totalTests: testRun.totalTests, passedTests: testRun.passedTests, startedDate: new Date(testRun.startedDate).toISOString() },
          relations: { project: project.id, build: build ? `${project.id}/${build.id}` : null },
        });
      }
    }
    const relations = [...expected.values()].map((e) => e.relations?.build);
    expect(relations.some((b) => b === null) && relations.some((b) => b !== null), 'runs with and without a build').toBe(true);
    expectBlueprint(sims, 'azureDevopsTestRun', expected);
    // The built-in mapping leaves results and coverage out: no request per run.
    expect(sims.ado.counters().byRoute['test.results.list'] ?? 0).toBe(0);
    expect(sims.ado.counters().byRoute['test.codeCoverage'] ?? 0).toBe(0);
  });

  it('reads the results of every run when a mapping leaves includeResults out, as Ocean does', async () => {
    sims.ado.resetCounters();
    const mapping = await mappingFile([{ kind: 'test-run', selector: {}, selectorAsIs: true, properties: { totalTests: '.__testResults | length' } }]);
    const run = await syncKinds(sims, ['test-run'], { cloud, args: ['--mapping', mapping] });
    expect(run.code, run.stderr).toBe(0);
    const runs = wellFormed(sims.ado).flatMap((project) => sims.ado.model.testRunsOf(project.id).map((testRun) => ({ project, testRun })));
    expect(runs.length).toBeGreaterThan(0);
    const expected = new Map<string, ExpectedEntity>(runs.map(({ project, testRun }) => [`${project.id}/${testRun.id}`, { properties: { totalTests: (sims.ado.model.testResults(testRun.id) ?? []).length } }]));
    expectBlueprint(sims, 'azureDevopsTestRun', expected);
    expect(sims.ado.counters().byRoute['test.results.list'] ?? 0).toBeGreaterThanOrEqual(runs.length);
  });

  it('adds every result with includeResults, and the coverage of the build (read once per build) with codeCoverage', async () => {
    const before = sims.ado.counters().byRoute['test.codeCoverage'] ?? 0;
    const mapping = await mappingFile([
      {
        kind: 'test-run',
        selector: { includeResults: true, codeCoverage: { flags: 1 } },
        properties: {
          totalTests: '.__testResults | length',
          passedTests: '[.__testResults[] | select(.outcome == "Passed")] | length',
          failedTests: '[.__codeCoverage.value[]?.modules[]?.statistics.linesCovered] | add',
        },
      },
    ]);
    const run = await syncKinds(sims, ['test-run'], { cloud, args: ['--mapping', mapping] });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    const builds = new Set<number>();
    for (const project of wellFormed(sims.ado)) {
      for (const testRun of sims.ado.model.testRunsOf(project.id)) {
        const results = sims.ado.model.testResults(testRun.id) ?? [];
        const build = testRun.buildId === null ? undefined : sims.ado.model.builds.get(testRun.buildId);
        if (build) builds.add(build.id);
        const modules = build ? (sims.ado.model.codeCoverage(build.id)?.modules ?? []) : [];
        expected.set(`${project.id}/${testRun.id}`, {
          properties: {
            totalTests: results.length,
            passedTests: results.filter((r) => r.outcome === 'Passed').length,
            failedTests: modules.length > 0 ? modules.reduce((sum, m) => sum + m.linesCovered, 0) : null,
          },
        });
      }
    }
    expect([...expected.values()].some((e) => (e.properties?.totalTests as number) > 0)).toBe(true);
    expect([...expected.values()].some((e) => e.properties?.failedTests !== null)).toBe(true);
    expectBlueprint(sims, 'azureDevopsTestRun', expected);
    expect((sims.ado.counters().byRoute['test.codeCoverage'] ?? 0) - before).toBe(builds.size);
  });
});

describe('kind test-run: more runs than one page', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 52, scale: 'tiny' } });
  });
  afterAll(async () => sims.close());

  it('pages with $top/$skip until a short page', async () => {
    const project = wellFormed(sims.ado)[0]!;
    for (let i = 0; i < 1005; i++) sims.ado.mutate.createTestRun(project.id, { name: `Nightly ${i}` });
    const run = await syncKinds(sims, ['test-run']);
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    for (const p of wellFormed(sims.ado)) for (const testRun of sims.ado.model.testRunsOf(p.id)) expected.set(`${p.id}/${testRun.id}`, { title: testRun.name });
    expect(expected.size).toBeGreaterThan(1000);
    expectBlueprint(sims, 'azureDevopsTestRun', expected);
  });
});

describe('kind test-run at medium scale', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 54, scale: 'medium' } });
  });
  afterAll(async () => sims.close());

  it('syncs every test run of every project', async () => {
    const run = await syncKinds(sims, ['test-run'], { cloud: true });
    expect(run.code, run.stderr).toBe(0);
    const expected = new Map<string, ExpectedEntity>();
    for (const p of wellFormed(sims.ado)) for (const testRun of sims.ado.model.testRunsOf(p.id)) expected.set(`${p.id}/${testRun.id}`, { title: testRun.name, properties: { state: testRun.state } });
    expect(expected.size).toBeGreaterThan(100);
    expectBlueprint(sims, 'azureDevopsTestRun', expected);
  });
});
