import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonText, type JqEngine } from '../../../core/mapping/jq-engine';
import { parsePortAppConfigYaml } from '../../../core/mapping/app-config';
import { compileResource, type MappingBatchResult } from '../../../core/mapping/entity-mapper';
import type { BatchLimits } from '../../../core/mapping/batch-evaluator';
import { PROGRAM_PRELUDE } from '../../../core/mapping/mapping-program';
import { testEngine } from './mapping-fixtures';

/** Delegates to the real engine and records what each call was given. */
class RecordingEngine implements JqEngine {
  readonly calls: { program: string; chars: number; items: number | undefined }[] = [];
  constructor(private readonly inner: JqEngine) {}
  run(program: string, input: unknown): unknown[] {
    if (input instanceof JsonText && input.text !== '') {
      const parsed: unknown = JSON.parse(input.text);
      const batch = program.startsWith(`${PROGRAM_PRELUDE}map(`);
      this.calls.push({ program, chars: input.text.length, items: batch && Array.isArray(parsed) ? parsed.length : undefined });
    }
    return this.inner.run(program, input);
  }
}

const MAPPING = `
resources:
  - kind: work-item
    selector:
      query: (.fields["System.State"] // "New") != "Removed"
    port:
      entity:
        mappings:
          identifier: .id | tostring
          title: .fields["System.Title"]
          blueprint: '"workItem"'
          properties:
            state: .fields["System.State"] | ascii_downcase
            created: .fields["System.CreatedDate"] | sub("\\\\.[0-9]+Z$"; "Z") | fromdate
            tags: (.fields["System.Tags"] // "") | split("; ") | map(select(. != ""))
            priority: .fields["Microsoft.VSTS.Common.Priority"] + 0
            path: .fields["System.AreaPath"] | split("\\\\")[0]
            crash: 'if .crash == true then (def f: [f]; f) else "fine" end'
          relations:
            parent: .fields["System.Parent"] | tostring
`;

async function mapperWith(engine: JqEngine, limits?: BatchLimits) {
  const [resource] = parsePortAppConfigYaml(MAPPING, 'batching.yml').resources;
  if (!resource) throw new Error('no resource');
  return compileResource(resource, engine, limits ? { limits } : {});
}

const workItemArbitrary = fc.record(
  {
    id: fc.oneof(fc.integer({ min: 1, max: 100000 }), fc.constant(null)),
    fields: fc.record(
      {
        'System.Title': fc.oneof(fc.string(), fc.constant(null)),
        'System.State': fc.oneof(fc.constantFrom('New', 'Active', 'Closed', 'Removed'), fc.integer()),
        'System.CreatedDate': fc.oneof(
          fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        'System.Tags': fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 3 }).map((tags) => tags.join('; ')),
        'Microsoft.VSTS.Common.Priority': fc.oneof(fc.integer({ min: 1, max: 4 }), fc.string({ maxLength: 3 })),
        'System.AreaPath': fc.oneof(fc.stringMatching(/^[A-Za-z]{1,5}(\\[A-Za-z]{1,5}){0,2}$/), fc.integer()),
        'System.Parent': fc.integer({ min: 1, max: 1000 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['fields'] },
);

function withoutOrderSensitiveNoise(result: MappingBatchResult) {
  return { ...result, fieldErrors: [...result.fieldErrors].sort((a, b) => a.field.localeCompare(b.field)) };
}

describe('batched evaluation', () => {
  it('gives exactly the per-item results for varied items (property-based)', async () => {
    const engine = await testEngine();
    const batched = await mapperWith(engine);
    const perItem = await mapperWith(engine, { maxItems: 1, maxChars: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(fc.array(workItemArbitrary, { minLength: 1, maxLength: 25 }), (items) => {
        expect(withoutOrderSensitiveNoise(batched.mapBatch(items))).toEqual(withoutOrderSensitiveNoise(perItem.mapBatch(items)));
      }),
      { numRuns: 25 },
    );
    expect(batched.summary().batchFallbacks).toBe(0);
    // One call per batch for the items whose JavaScript-evaluated slots (fast-jq.ts) all succeed,
    // and at most one more for the items on which one would fail in jq (`ascii_downcase` on a
    // number state), evaluated wholly in jq.
    expect(batched.summary().engineCalls).toBeGreaterThanOrEqual(25);
    expect(batched.summary().engineCalls).toBeLessThanOrEqual(50);
  });

  it('splits by item count and by JSON size; an item larger than the cap goes alone', async () => {
    const recording = new RecordingEngine(await testEngine());
    const mapper = await mapperWith(recording, { maxItems: 7, maxChars: 1200 });
    // Items 1–15 are small (the count limit binds), 16–30 about 330 characters (the size limit binds), 13 is huge.
    const title = (i: number) => (i === 12 ? 'x'.repeat(3000) : i >= 15 ? `item ${i + 1} `.padEnd(300, '.') : `item ${i + 1}`);
    const items = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, fields: { 'System.Title': title(i) } }));
    const result = mapper.mapBatch(items);
    expect(result.entities.map((e) => e.identifier)).toEqual(items.map((i) => String(i.id)));
    const batches = recording.calls.filter((c) => c.items !== undefined);
    expect(batches.reduce((n, c) => n + (c.items ?? 0), 0) + recording.calls.filter((c) => c.items === undefined).length).toBe(30);
    for (const call of batches) {
      expect(call.items).toBeLessThanOrEqual(7);
      expect(call.chars).toBeLessThanOrEqual(1200 + 2);
    }
    expect(batches.map((c) => c.items)).toContain(7);
    expect(Math.min(...batches.slice(-3).map((c) => c.items ?? 0))).toBeLessThanOrEqual(3);
    const alone = recording.calls.filter((c) => c.chars > 3000);
    expect(alone).toHaveLength(1);
    expect(alone[0]?.items).toBeUndefined();
  });

  it('uses one engine call per 1,000 small items by default', async () => {
    const recording = new RecordingEngine(await testEngine());
    const mapper = await mapperWith(recording);
    const items = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, fields: { 'System.State': 'Active' } }));
    const result = mapper.mapBatch(items);
    expect(result.entities).toHaveLength(2500);
    expect(recording.calls.map((c) => c.items)).toEqual([1000, 1000, 500]);
  });

  it('falls back to per-item evaluation when the wasm aborts on a batch; only the crashing item fails', async () => {
    const engine = await testEngine();
    const mapper = await mapperWith(engine);
    const items = [
      { id: 1, fields: { 'System.State': 'Active' } },
      { id: 2, crash: true, fields: { 'System.State': 'Active' } },
      { id: 3, fields: { 'System.State': 'New' } },
    ];
    const result = mapper.mapBatch(items);
    expect(result.entities.map((e) => [e.identifier, e.properties?.['crash']])).toEqual([
      ['1', 'fine'],
      ['3', 'fine'],
    ]);
    expect(result.failedItems).toBe(1);
    expect(result.hasErrors).toBe(true);
    expect(result.fieldErrors).toContainEqual(expect.objectContaining({ field: 'port.entity.mappings', count: 1, message: expect.stringMatching(/^The jq interpreter crashed/) as unknown }));
    expect(mapper.summary().batchFallbacks).toBe(1);

    await engine.restored();
    expect(mapper.mapBatch([{ id: 4, fields: {} }]).entities.map((e) => e.identifier)).toEqual(['4']);
  });

  it('falls back per item when an expression halts the program', async () => {
    const [resource] = parsePortAppConfigYaml(
      `
resources:
  - kind: repository
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"repo"'
          properties:
            x: if .stop then halt else .name end
`,
      'halt.yml',
    ).resources;
    const mapper = compileResource(resource!, await testEngine());
    const result = mapper.mapBatch([
      { id: 'a', name: 'one' },
      { id: 'b', stop: true },
      { id: 'c', name: 'three' },
    ]);
    expect(result.entities).toEqual([
      { identifier: 'a', blueprint: 'repo', properties: { x: 'one' } },
      { identifier: 'c', blueprint: 'repo', properties: { x: 'three' } },
    ]);
    expect(result.failedItems).toBe(1);
    expect(result.fieldErrors).toEqual([expect.objectContaining({ field: 'port.entity.mappings', message: 'the mapping produced 0 results for one item (does an expression call halt?)' })]);
    expect(mapper.summary().batchFallbacks).toBe(1);
  });
});
