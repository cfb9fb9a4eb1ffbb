import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliPlatform } from '../../cli/cli-platform';
import { absentConfigFileLayer, layerFromEnvironment, layerFromFlags } from '../../core/config';
import type { Outcome } from '../../core/platform';
import { runFromLayers } from '../../core/run-from-layers';
import { runCli, startSimulators, type Simulators } from '../support/simulators';

const writes = (sims: Simulators) =>
  sims.port.calls().filter((c) => c.method !== 'GET' && !c.path.startsWith('/v1/auth') && !c.path.endsWith('/entities/search') && !c.path.endsWith('/datasource-entities'));

describe('plan mode', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 5 } });
  });
  afterAll(async () => sims.close());

  it('on a fresh Port: reports every entity as a create and writes nothing at all', async () => {
    const run = await runCli(['--plan'], sims.env());
    expect(run.code, run.stderr).toBe(0);
    expect(writes(sims)).toEqual([]);
    expect(sims.port.integrations()).toEqual([]);
    expect(run.stdout).toContain('Planned changes per blueprint');
    expect(run.stdout).toMatch(/azureDevopsRepository\s+\d+\s+0\s+0\s+0/);
  });

  it('after a sync and some changes: shows the creates, updates and deletes, and writes nothing', async () => {
    expect((await runCli([], sims.env())).code).toBe(0);
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const [renamed, deleted] = sims.ado.model.workItemsOf(project.id);
    sims.ado.mutate.updateWorkItem(renamed!.id, { title: 'Planned rename' });
    sims.ado.mutate.deleteWorkItem(deleted!.id);
    sims.ado.mutate.createWorkItem(project.id, { type: sims.ado.model.workItemsOf(project.id)[0]!.type, title: 'Planned create' });
    sims.port.clearCalls();

    const run = await runCli(['--plan'], sims.env());
    expect(run.code, run.stderr).toBe(0);
    expect(writes(sims)).toEqual([]);
    const line = run.stdout.split('\n').find((l) => l.startsWith('azureDevopsWorkItem'))!;
    expect(line.trim().split(/\s+/).slice(1, 5).map(Number)).toEqual([1, 1, expect.any(Number), 1]);
    expect(run.stdout).toContain(`${project.id}/${deleted!.id}`);
    expect(sims.port.entity('azureDevopsWorkItem', `${project.id}/${renamed!.id}`)?.title).not.toBe('Planned rename');
  });

  it('says in its completion line what a sync would do, not what it did', async () => {
    const quiet = new PassThrough().resume() as unknown as NodeJS.WriteStream;
    const completions: string[] = [];
    const platform = new (class extends CliPlatform {
      override complete(outcome: Outcome, message: string): void {
        completions.push(message);
        super.complete(outcome, message);
      }
    })({ out: quiet, err: quiet }, { debug: false, interactive: false });
    const outcome = await runFromLayers(platform, [layerFromFlags({ plan: true }), absentConfigFileLayer(), layerFromEnvironment(sims.env())]);
    expect(outcome).toBe('success');
    expect(completions).toEqual([expect.stringMatching(/^Plan complete: a sync would create or update \d+, leave \d+ unchanged and delete \d+\.$/)]);
  });

  it('fails when the deletion guard would trip, and still writes nothing', async () => {
    // A mapping that drops most kinds would orphan most of the integration's entities.
    const mapping = `resources:\n  - kind: project\n    selector: { query: 'true' }\n    port:\n      entity:\n        mappings:\n          identifier: .id\n          title: .name\n          blueprint: '"azureDevopsProject"'\n`;
    sims.port.clearCalls();
    const withFile = await planWithMappingFile(mapping, sims);
    expect(withFile.code).toBe(1);
    expect(withFile.stdout + withFile.stderr).toMatch(/deletion guard/);
    expect(writes(sims)).toEqual([]);
  });
});

async function planWithMappingFile(mapping: string, sims: Simulators) {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  const file = join(dir, 'port-app-config.yml');
  writeFileSync(file, mapping);
  return runCli(['--plan', '--mapping', file], sims.env());
}
