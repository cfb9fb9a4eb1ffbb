/**
 * docs/scale-out.md's examples use only what the task and the action declare, and the docs map
 * links to it. (Its jq program is run over real shard summaries in layout-change.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const doc = read('docs/scale-out.md');
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const taskInputs = new Set((JSON.parse(read('task/PortSyncV0/task.json')) as { inputs: { name: string }[] }).inputs.map((i) => i.name));
const actionInputs = new Set(Object.keys((parse(read('action.yml')) as { inputs: Record<string, unknown> }).inputs));

type Step = { task?: unknown; uses?: unknown; inputs?: Record<string, unknown>; with?: Record<string, unknown> };
function steps(node: unknown, out: Step[] = []): Step[] {
  if (Array.isArray(node)) for (const item of node) steps(item, out);
  else if (node && typeof node === 'object') {
    const step = node as Step;
    if (typeof step.task === 'string' || typeof step.uses === 'string') out.push(step);
    for (const value of Object.values(node)) steps(value, out);
  }
  return out;
}

describe('docs/scale-out.md', () => {
  const all = yamlBlocks.flatMap((block) => parseAllDocuments(block).map((d) => d.toJS() as unknown));

  it('has YAML examples for both CI systems that parse', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(3);
    for (const block of yamlBlocks) for (const document of parseAllDocuments(block)) expect(document.errors, block.slice(0, 80)).toEqual([]);
  });

  it('passes the task only inputs task.json declares, shard among them', () => {
    const task = steps(all).filter((s) => typeof s.task === 'string' && s.task.startsWith('PortSync@'));
    expect(task.length).toBeGreaterThanOrEqual(2);
    for (const step of task) for (const name of Object.keys(step.inputs ?? {})) expect(taskInputs, name).toContain(name);
    expect(task.some((s) => s.inputs?.shard !== undefined)).toBe(true);
  });

  it('passes the action only inputs action.yml declares, shard among them', () => {
    const action = steps(all).filter((s) => typeof s.uses === 'string' && s.uses.startsWith('OWNER/port-ado-sync'));
    expect(action.length).toBeGreaterThanOrEqual(1);
    for (const step of action) for (const name of Object.keys(step.with ?? {})) expect(actionInputs, name).toContain(name);
    expect(action[0]?.with?.shard).toBe('${{ strategy.job-index }}/${{ strategy.job-total }}');
  });

  it('is linked from the README docs map and from the configuration reference', () => {
    expect(read('README.md')).toContain('(docs/scale-out.md)');
    expect(read('docs/configuration.md')).toContain('(scale-out.md)');
  });
});
