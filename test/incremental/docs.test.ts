import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT_VARIABLES, FLAG_DEFINITIONS } from '../../core/config';
import { KINDS } from '../../core/kinds/registry';
import { INCREMENTAL_KINDS_END, INCREMENTAL_KINDS_START, renderIncrementalKinds } from '../../scripts/incremental-doc';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const doc = read('docs/incremental.md');
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] ?? '') as Record<string, unknown>);

type TaskInput = { name: string; options?: Record<string, string> };
const taskInputs = new Map((JSON.parse(read('task/PortSyncV0/task.json')) as { inputs: TaskInput[] }).inputs.map((i) => [i.name, i]));
const actionInputs = Object.keys((parse(read('action.yml')) as { inputs: Record<string, unknown> }).inputs);

describe('docs/incremental.md', () => {
  it('carries the kinds tables generated from the kinds (run `npm run docs` after changing a change filter)', () => {
    const start = doc.indexOf(INCREMENTAL_KINDS_START);
    const end = doc.indexOf(INCREMENTAL_KINDS_END);
    expect(doc.slice(start, end + INCREMENTAL_KINDS_END.length)).toBe(renderIncrementalKinds());
    // Every kind is in exactly one of the two lists.
    for (const kind of KINDS) expect(renderIncrementalKinds().split(`\`${kind.kind}\``).length - 1, kind.kind).toBe(1);
  });

  it('has an Azure Pipeline with two cron triggers whose steps pick the mode by schedule, with declared inputs only', () => {
    const pipeline = yamlBlocks.find((b) => 'schedules' in b) as { schedules: { cron: string; displayName: string }[]; steps: { task?: string; condition?: string; inputs?: Record<string, string> }[] };
    expect(pipeline.schedules).toHaveLength(2);
    const steps = pipeline.steps.filter((s) => s.task === 'PortSync@0');
    expect(steps.map((s) => s.inputs?.mode).sort()).toEqual(['incremental', 'sync']);
    for (const step of steps) {
      const named = /'([^']+)'\)$/.exec(step.condition ?? '')?.[1];
      expect(pipeline.schedules.map((s) => s.displayName), step.condition).toContain(named);
      for (const [name, value] of Object.entries(step.inputs ?? {})) {
        const input = taskInputs.get(name);
        expect(input, name).toBeDefined();
        if (input?.options) expect(Object.keys(input.options), name).toContain(value);
      }
    }
  });

  it('has a GitHub workflow with two schedules, the incremental one named in the mode expression, with declared inputs only', () => {
    const workflow = yamlBlocks.find((b) => 'jobs' in b) as { on: { schedule: { cron: string }[] }; concurrency?: unknown; jobs: { sync: { steps: { uses: string; with: Record<string, string> }[] } } };
    expect(workflow.on.schedule).toHaveLength(2);
    expect(workflow.concurrency).toBeDefined();
    const step = workflow.jobs.sync.steps.find((s) => s.uses.startsWith('OWNER/port-ado-sync'))!;
    for (const name of Object.keys(step.with)) expect(actionInputs, name).toContain(name);
    const incrementalCron = /github\.event\.schedule == '([^']+)' && 'incremental'/.exec(step.with.mode ?? '')?.[1];
    expect(workflow.on.schedule.map((s) => s.cron)).toContain(incrementalCron);
  });

  it('is linked from the README, and every incremental setting is in docs/configuration.md', () => {
    expect(read('README.md')).toContain('(docs/incremental.md)');
    const configuration = read('docs/configuration.md');
    expect(configuration).toContain('(incremental.md)');
    const keys = ['mode', 'incremental.overlapMinutes', 'incremental.lookBackDays', 'incremental.unfilteredKinds', 'incremental.unfilteredMaxAgeMinutes'];
    for (const variable of ENVIRONMENT_VARIABLES.filter((v) => keys.includes(v.key))) expect(configuration, variable.name).toContain(`\`${variable.name}\``);
    for (const flag of FLAG_DEFINITIONS.filter((f) => keys.includes(f.key))) expect(configuration, flag.name).toContain(`\`--${flag.name}\``);
    expect(configuration).toContain('OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED');
  });
});
