import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUTS_DOC_END, INPUTS_DOC_START, renderInputsDoc, type ManifestForDocs } from '../../task/src/manifest/inputs-doc';

const ROOT = join(__dirname, '../..');
const DOC = join(ROOT, 'docs/azure-pipelines.md');
const manifest = JSON.parse(readFileSync(join(ROOT, 'task/PortSyncV0/task.json'), 'utf8')) as ManifestForDocs;

/** Every ```yaml block of a Markdown file. */
const yamlBlocks = (markdown: string) => [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

/** The PortSync steps of a YAML example, wherever they sit (steps, or a bare list of steps). */
function portSyncSteps(node: unknown): { task: string; inputs?: Record<string, unknown> }[] {
  if (Array.isArray(node)) return node.flatMap(portSyncSteps);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  if (typeof record.task === 'string' && record.task.startsWith('PortSync@')) return [record as { task: string; inputs?: Record<string, unknown> }];
  return Object.values(record).flatMap(portSyncSteps);
}

describe('docs/azure-pipelines.md', () => {
  it('carries the inputs reference rendered from task.json', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(INPUTS_DOC_START.slice(0, 20));
    const end = doc.indexOf(INPUTS_DOC_END);
    expect(start, 'the inputs:start marker').toBeGreaterThanOrEqual(0);
    expect(end, 'the inputs:end marker').toBeGreaterThan(start);
    const expected = renderInputsDoc(manifest);
    const current = doc.slice(start, end + INPUTS_DOC_END.length);
    if (process.env.UPDATE_DOCS === '1' && current !== expected) {
      writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + INPUTS_DOC_END.length));
      return;
    }
    expect(current, 'docs/azure-pipelines.md is out of date with task.json: run UPDATE_DOCS=1 npx vitest run test/task/docs.test.ts').toBe(expected);
  });

  it('uses only declared inputs and values in its YAML examples', () => {
    const inputs = new Map(manifest.inputs.map((input) => [input.name, input]));
    const docs = ['docs/azure-pipelines.md', 'docs/marketplace-overview.md'].map((path) => readFileSync(join(ROOT, path), 'utf8'));
    const steps = docs.flatMap(yamlBlocks).flatMap((block) => portSyncSteps(parse(block)));
    expect(steps.length).toBeGreaterThanOrEqual(6);
    for (const step of steps) {
      expect(step.task).toBe('PortSync@0');
      for (const [name, value] of Object.entries(step.inputs ?? {})) {
        const input = inputs.get(name);
        expect(input, `input ${name} in a docs example`).toBeDefined();
        if (input?.options) expect(Object.keys(input.options), `value of ${name}`).toContain(String(value));
        if (input?.type === 'boolean') expect(['true', 'false'], `value of ${name}`).toContain(String(value));
      }
    }
  });
});
