/**
 * The default blueprints' creation on a first run (initializePortResources, port-api-and-ocean-core.md
 * §2.4) under Port faults. A half-made catalog (bare blueprints without their relations) must never
 * stay behind: every entity would then fail ("project is not a relation of blueprint …"), and since
 * later runs leave an existing catalog alone, for good. A failed stage rolls back what the run
 * created and fails the run; the next run creates the catalog; blueprints a run could not roll back
 * (or that an older version or a killed process left) are completed by the next run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultBlueprints } from '../../core/kinds/defaults';
import type { FaultRule } from '../../sim/port';
import { startSimulators, type CliRun, type Simulators } from '../support/simulators';
import { expectConverged, oracleMapping, sync } from './harness';

const INTEGRATION = 'my-azure-devops-integration';
const MAPPING = ['--mapping', oracleMapping()];
const DEFAULTS = defaultBlueprints();
const WITH_RELATIONS = DEFAULTS.filter((b) => Object.keys(b.relations).length > 0).length;

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

async function fresh(): Promise<Simulators> {
  sims = await startSimulators({ ado: { seed: 7, scale: 'tiny' } });
  return sims;
}

function output(run: CliRun): string {
  return `${run.stdout}\n${run.stderr}`;
}

/** Every default blueprint is in Port with all of its relations. */
function expectWholeCatalog(s: Simulators): void {
  for (const blueprint of DEFAULTS) {
    const held = s.port.blueprint(blueprint.identifier);
    expect(held, blueprint.identifier).toBeDefined();
    expect(Object.fromEntries(Object.entries(held!.relations).map(([name, r]) => [name, r.target])), `relations of ${blueprint.identifier}`).toEqual(
      Object.fromEntries(Object.entries(blueprint.relations).map(([name, r]) => [name, r.target])),
    );
  }
}

/** A first run under `faults` fails and leaves no default blueprint and no "initialized" mark; the next run makes the whole catalog. */
async function rolledBackThenRecreated(faults: FaultRule[]): Promise<void> {
  const s = await fresh();
  for (const fault of faults) s.port.injectFault(fault);
  const first = await sync(s, MAPPING);
  expect(s.port.faults().reduce((n, f) => n + f.fired, 0), 'the fault was exercised').toBeGreaterThan(0);
  s.port.clearFaults();
  expect(first.code, output(first)).toBe(1);
  expect(output(first)).toMatch(/Creating the default blueprints failed \(1 of \d+ requests to [a-z ]+; azureDevops\w+: .*HTTP 503.*\)\. The \d+ blueprint\(s\) this run had created were deleted again, and the integration is not marked initialized/);
  expect(s.port.blueprints().map((b) => b.identifier), 'blueprints left after the rollback').toEqual([]);
  expect(s.port.integration(INTEGRATION)?.arePortResourcesInitialized).not.toBe(true);
  // The run stopped before any entity or resync state.
  expect(s.port.entities()).toEqual([]);

  const second = await sync(s, MAPPING);
  expect(second.code, output(second)).toBe(0);
  expect(output(second)).toContain(`Creating ${DEFAULTS.length} default blueprints in Port.`);
  expectWholeCatalog(s);
  expect(s.port.integration(INTEGRATION)?.arePortResourcesInitialized).toBe(true);
  expectConverged(s);
}

describe('creating the default blueprints', () => {
  it('a 503 on one bare-blueprint POST: the others, created, are deleted again; the run fails; the next run creates the catalog', async () => {
    await rolledBackThenRecreated([{ method: 'POST', path: '/v1/blueprints', status: 503, times: 1, everyNth: 5 }]);
  });

  it('a 503 on one relations PATCH: every blueprint is deleted again, relation targets after their sources; the next run creates the catalog', async () => {
    await rolledBackThenRecreated([{ method: 'PATCH', path: '/v1/blueprints/*', status: 503, times: 1, everyNth: WITH_RELATIONS - 1 }]);
  });

  it('429s on the bare-blueprint POSTs: Port ran none of them, they are sent again and the first run succeeds', async () => {
    const s = await fresh();
    s.port.injectFault({ method: 'POST', path: '/v1/blueprints', status: 429, retryAfterSeconds: 0, times: 3, everyNth: 4 });
    const run = await sync(s, MAPPING);
    expect(s.port.faults()[0]?.fired).toBe(3);
    expect(run.code, output(run)).toBe(0);
    expectWholeCatalog(s);
    expectConverged(s);
  });

  it('a rollback that fails too: the run names what is left, and the next run completes those blueprints', async () => {
    const s = await fresh();
    s.port.injectFault({ method: 'PATCH', path: '/v1/blueprints/*', status: 503, times: 1, everyNth: 3 });
    s.port.injectFault({ method: 'DELETE', path: '/v1/blueprints/*', status: 503 });
    const first = await sync(s, MAPPING);
    s.port.clearFaults();
    expect(first.code, output(first)).toBe(1);
    expect(output(first)).toMatch(/0 of the blueprints this run had created were deleted again; azureDevops\w+(, azureDevops\w+)* could not be\. The next run completes them/);
    // Part-way: bare blueprints, some with their relations. Nothing marks the integration initialized.
    expect(s.port.blueprints().length).toBe(DEFAULTS.length);
    expect(s.port.blueprints().some((b) => Object.keys(b.relations).length === 0 && Object.keys(DEFAULTS.find((d) => d.identifier === b.identifier)!.relations).length > 0)).toBe(true);
    expect(s.port.integration(INTEGRATION)?.arePortResourcesInitialized).not.toBe(true);

    s.port.clearCalls();
    const second = await sync(s, MAPPING);
    expect(second.code, output(second)).toBe(0);
    expect(output(second)).toMatch(new RegExp(`Completing the default blueprints in Port: ${DEFAULTS.length} of ${DEFAULTS.length} exist as a run that did not finish creating them left them`));
    expect(s.port.calls({ method: 'POST', path: '/v1/blueprints' }).filter((c) => c.path === '/v1/blueprints'), 'no blueprint created twice').toEqual([]);
    expectWholeCatalog(s);
    expect(s.port.integration(INTEGRATION)?.arePortResourcesInitialized).toBe(true);
    expectConverged(s);
  });

  it('bare default blueprints an earlier version left (no relations, integration not initialized): completed, not left broken', async () => {
    const s = await fresh();
    // What the old Promise.all left after one failed POST: some bare blueprints, the rest missing.
    const left = DEFAULTS.filter((_, i) => i % 4 !== 1);
    s.port.seed.blueprints(left.map(({ relations: _r, mirrorProperties: _m, calculationProperties: _c, aggregationProperties: _a, ...bare }) => ({ ...bare, relations: {} })));
    const run = await sync(s, MAPPING);
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toContain(`Completing the default blueprints in Port: ${left.length} of ${DEFAULTS.length}`);
    expectWholeCatalog(s);
    expectConverged(s);
  });

  it('a default blueprint someone changed (an extra property): the catalog is left as it is, and a mapping that needs the others stops before any write', async () => {
    const s = await fresh();
    const [project] = DEFAULTS;
    s.port.seed.blueprint({ ...project!, schema: { ...project!.schema, properties: { ...project!.schema.properties, costCenter: { type: 'string', title: 'Cost center' } } } });
    for (const args of [['--plan', ...MAPPING], MAPPING]) {
      const run = await sync(s, args);
      expect(run.code, output(run)).toBe(2);
      expect(output(run)).toMatch(/The mapping writes to blueprint\(s\) that do not exist in Port: azureDevopsTeam, .+, and \d+ more\. The default blueprints were not created because some already exist in Port \(azureDevopsProject\), as Ocean leaves such a catalog alone\..* Nothing was written\./);
      expect(output(run)).not.toContain('run once with initializePortResources');
    }
    expect(s.port.blueprints().map((b) => b.identifier)).toEqual(['azureDevopsProject']);
    expect(s.port.blueprint('azureDevopsProject')?.schema.properties).toHaveProperty('costCenter');
    // Not registered, so not marked initialized: nothing keeps the next run from going its own way.
    expect(s.port.integration(INTEGRATION)).toBeUndefined();
  });

  it("an integration whose createPortResourcesOrigin is Empty: no default blueprint is created, and the run says why it stops", async () => {
    const s = await fresh();
    s.port.seed.integration({ installationId: INTEGRATION, installationAppType: 'azure-devops', createPortResourcesOrigin: 'Empty', config: {} });
    const run = await sync(s, MAPPING);
    expect(run.code, output(run)).toBe(2);
    expect(output(run)).toContain("The integration's createPortResourcesOrigin in Port is Empty, so no default blueprints are created");
    expect(s.port.blueprints()).toEqual([]);
    expect(s.port.integration(INTEGRATION)?.arePortResourcesInitialized).not.toBe(true);
  });

  it("a mapping written for other blueprints (Ocean's) and no blueprints in Port: the defaults are not created for it, the run stops before any write", async () => {
    const s = await fresh();
    const oceanStyle = {
      resources: [
        { kind: 'project', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"azureDevopsProject"', properties: { state: '.state' } } } } },
        { kind: 'repository', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"azureDevopsRepository"', properties: { url: '.remoteUrl', codeowners: '.codeowners', slack: '.slack' }, relations: { project: '.project.id' } } } } },
      ],
    };
    s.port.seed.integration({ installationId: INTEGRATION, installationAppType: 'azure-devops', config: oceanStyle });
    const run = await sync(s);
    expect(run.code, output(run)).toBe(2);
    expect(output(run)).toContain('The mapping writes azureDevopsRepository.codeowners, azureDevopsRepository.slack, which the default blueprints this run would create do not have');
    expect(s.port.blueprints()).toEqual([]);
    expect(s.port.integration(INTEGRATION)?.arePortResourcesInitialized).not.toBe(true);
  });

  it("a property the blueprint in Port lacks: a warning at the mapping file's line", async () => {
    const s = await fresh();
    expect((await sync(s, MAPPING)).code).toBe(0);
    const resources = [{ kind: 'project', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"azureDevopsProject"', properties: { costCenter: '.name' } } } } }];
    const file = join(mkdtempSync(join(tmpdir(), 'misfit-')), 'mapping.yml');
    writeFileSync(file, stringify({ resources }));
    const run = await sync(s, ['--mapping', file]);
    const line = output(run).split('\n').find((l) => l.startsWith('warning:') && l.includes('costCenter'));
    expect(line, output(run)).toBe(`warning: ${file}:12: resources[0].port.entity.mappings.properties.costCenter: 'costCenter' is not a property of blueprint azureDevopsProject in Port; Port will refuse these entities.`);
  });

  it("Ocean's catalog and a new identifier without a mapping: stops before any write; the built-in mapping never lands in Port", async () => {
    const s = await fresh();
    // The catalog an Ocean installation under another identifier made (its six blueprints, by name).
    for (const identifier of ['azureDevopsProject', 'azureDevopsRepository', 'azureDevopsPullRequest', 'azureDevopsWorkItem', 'azureDevopsTeam', 'azureDevopsMember']) {
      s.port.seed.blueprint({ identifier, title: identifier, schema: { properties: { url: { type: 'string', format: 'url', title: 'URL' } } }, relations: {} });
    }
    const first = await sync(s);
    expect(first.code, output(first)).toBe(2);
    expect(output(first)).toContain('as Ocean leaves such a catalog alone');
    expect(s.port.integration(INTEGRATION)).toBeUndefined();
    const again = await sync(s);
    expect(again.code, output(again)).toBe(2);
    expect(s.port.integration(INTEGRATION)).toBeUndefined();
  });
});
