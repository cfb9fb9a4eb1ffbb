import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPortAppConfig } from '../../../core/kinds/defaults';
import { portAppConfigFromObject } from '../../../core/mapping/app-config';
import { DEFAULT_BATCH_LIMITS, evaluateEach } from '../../../core/mapping/batch-evaluator';
import { createJqEngine, type JqEngine } from '../../../core/mapping/jq-engine';
import { mappingBody, planResource, PROGRAM_PRELUDE, type Slot } from '../../../core/mapping/mapping-program';
import { SlotEvaluator } from '../../../core/mapping/slot-evaluator';

/**
 * The slot evaluator reads plain paths in JavaScript and gives jq a cut-down input; it must answer
 * exactly what the whole mapping program answers in jq on the whole item, errors included.
 */
let engine: JqEngine;
beforeAll(async () => {
  engine = await createJqEngine();
});

function reference(slots: readonly Slot[], items: unknown[]) {
  return evaluateEach(engine, PROGRAM_PRELUDE, mappingBody(slots), items, DEFAULT_BATCH_LIMITS, { engineCalls: 0, fallbacks: 0 });
}

function fast(slots: readonly Slot[], items: unknown[]) {
  return new SlotEvaluator(engine, slots, DEFAULT_BATCH_LIMITS, true).evaluate(items, { engineCalls: 0, fallbacks: 0 });
}

const slot = (jq: string, i: number): Slot => ({ path: ['slot', i], jq });

const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 }), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('id', 'name', 'fields', 'a', 'b', 'System.Title'), tie('v'), { maxKeys: 3 })),
})).v;
const item = fc.record({ id: value, name: value, fields: value, a: value, b: value }, { requiredKeys: [] });

describe('SlotEvaluator', () => {
  it('answers as the whole program does on random items: paths, constants, selectors and jq expressions', () => {
    const slots = [
      slot('.a != null', 0),
      slot('.id', 1),
      slot('.fields."System.Title"', 2),
      slot('"constant"', 3),
      slot('.name | tostring', 4),
      slot('[.b[]?] | length', 5),
      slot('.a.b // "none"', 6),
      slot('true', 7),
    ];
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), (items) => {
        expect(fast(slots, items)).toEqual(reference(slots, items));
      }),
      { numRuns: 150 },
    );
  });

  it('answers as the whole program does when only the selector needs jq', () => {
    // `type` is not in the JavaScript subset (fast-jq.ts); every other slot is.
    const slots = [slot('(.a | type) == "string"', 0), slot('.id', 1), slot('.name | tostring', 2), slot('.b // "none"', 3)];
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), (items) => {
        expect(fast(slots, items)).toEqual(reference(slots, items));
      }),
      { numRuns: 100 },
    );
  });

  it("answers as the whole program does for every resource of the default mapping on items shaped like Azure DevOps'", () => {
    const config = portAppConfigFromObject(defaultPortAppConfig(), 'default');
    const items = [
      { id: 7, name: 'x', fields: { 'System.Title': 'T', 'System.State': 'Active', 'System.TeamProject': 'P' }, project: { id: 'p', name: 'P' }, __project: { id: 'p', name: 'P' }, url: 'u' },
      { id: 'a-b', name: 3, project: null, fields: 'not an object', repository: { id: 'r', project: { id: 'p' } } },
      { id: null, _links: { web: { href: 'h' } }, __organizationUrl: 'https://dev.azure.com/o' },
      {},
    ];
    for (const resource of config.resources) {
      const { slots } = planResource(resource);
      expect(fast(slots, items), resource.kind).toEqual(reference(slots, items));
    }
  });

  it('maps work items, builds and pipeline runs of the default mapping without calling jq, with jq\'s values', () => {
    const config = portAppConfigFromObject(defaultPortAppConfig(), 'default');
    const samples: Record<string, unknown[]> = {
      'work-item': [
        {
          id: 42,
          rev: 3,
          url: 'https://dev.azure.com/o/1f0c/_apis/wit/workItems/42',
          __projectId: '1f0c',
          fields: { 'System.Title': 'Fix', 'System.State': 'Active', 'System.Tags': 'api; ; ui', 'Microsoft.VSTS.Scheduling.StoryPoints': 3 },
        },
        { id: 43, url: 'https://dev.azure.com/o/1f0c/_apis/wit/workItems/43', __projectId: '1f0c', fields: { 'Microsoft.VSTS.Scheduling.Effort': 0 } },
      ],
      build: [{ id: 9, buildNumber: '20240501.1', __projectId: 'p', definition: { id: 3, name: 'ci' }, status: 'completed', result: 'succeeded' }],
      'pipeline-run': [{ id: 5, name: '20240501.2', __project: { id: 'p' }, __pipeline: { id: 3, name: 'deploy' }, state: 'completed' }],
    };
    for (const [kind, items] of Object.entries(samples)) {
      const resource = config.resources.find((r) => r.kind === kind);
      if (!resource) throw new Error(`no default resource for ${kind}`);
      const { slots } = planResource(resource);
      const stats = { engineCalls: 0, fallbacks: 0 };
      const outcomes = new SlotEvaluator(engine, slots, DEFAULT_BATCH_LIMITS, true).evaluate(items, stats);
      expect(stats.engineCalls, kind).toBe(0);
      expect(outcomes, kind).toEqual(reference(slots, items));
    }
  });
});
