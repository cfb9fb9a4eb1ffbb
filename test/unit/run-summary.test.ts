import { describe, expect, it } from 'vitest';
import { summaryJson } from '../../core/run-from-layers';
import { ResourceStats, resourceFailed, runTotals, type RunResult } from '../../core/sync/stats';
import { renderMarkdown, renderText } from '../../core/sync/summary';

function stats(index: number, kind: string, values: Partial<Pick<ResourceStats, 'listed' | 'upserted' | 'unchanged' | 'failed' | 'mappingErrors' | 'filteredOut' | 'skippedNoIdentifier' | 'wouldCreate' | 'wouldUpdate' | 'error'>>): ResourceStats {
  return Object.assign(new ResourceStats(index, kind), values);
}

function result(overrides: Partial<RunResult> = {}): RunResult {
  const projects = stats(0, 'project', { listed: 10, upserted: 6, unchanged: 2, failed: 1, mappingErrors: 1, filteredOut: 3 });
  projects.port.requests = 4;
  const repositories = stats(1, 'repository', { listed: 2, upserted: 2, error: 'Azure DevOps answered 400' });
  const branches = stats(2, 'branch', { listed: 5, unchanged: 5, skippedNoIdentifier: 2 });
  return {
    status: 'partial',
    mode: 'sync',
    resources: [projects, repositories, branches],
    deletions: { skipped: 'the run had errors', blueprints: [{ blueprint: 'azureDevopsProject', stale: 1, deleted: 1, held: undefined, samples: ['gone'] }], owned: 20, guardTripped: false },
    seconds: 2,
    adoRequests: 30,
    portRequests: 12,
    throttledSeconds: 0,
    problems: [],
    integrationUrl: undefined,
    plan: [],
    ...overrides,
  };
}

const rowOf = (text: string, label: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(`${label} `))
    ?.split(/\s{2,}/);

describe('the run mode', () => {
  it('is reported as the result says, without looking at the cursors', () => {
    const incremental = result({ mode: 'incremental', status: 'success' });
    expect(incremental.cursors).toBeUndefined();
    expect(renderText(incremental).split('\n')[0]).toMatch(/^Incremental sync succeeded/);
    expect(renderMarkdown(incremental)).toContain('\nIncremental sync succeeded');
    expect(summaryJson(incremental).mode).toBe('incremental');
    expect(summaryJson(result()).mode).toBe('sync');
    expect(renderText(result({ mode: 'plan' })).split('\n')[0]).toMatch(/^Plan finished with failures/);
  });
});

describe('failed, counted once', () => {
  it('is refused entities, items that could not be mapped, and one per resource that stopped on an error', () => {
    const [projects, repositories, branches] = result().resources;
    expect([projects, repositories, branches].map((r) => resourceFailed(r!))).toEqual([2, 1, 0]);
    expect(runTotals(result())).toEqual({ listed: 17, upserted: 8, unchanged: 7, failed: 3, deleted: 1, filteredOut: 3, skippedNoIdentifier: 2 });
  });

  it('is the same in the text and Markdown tables (a total row) and the JSON totals', () => {
    const run = result();
    const totals = runTotals(run);
    const text = renderText(run);
    expect(rowOf(text, 'project #0')?.[4]).toBe('2');
    expect(rowOf(text, 'repository #1')?.[4]).toBe('1');
    expect(rowOf(text, 'total')).toEqual(['total', '17', '8', '7', '3', '1']);
    expect(renderMarkdown(run)).toContain('| total | 17 | 8 | 7 | 3 | 1 |  |  |  |  |');
    const json = summaryJson(run);
    expect(json.totals).toEqual(totals);
    // The JSON keeps the detail apart, and says what the table's column holds.
    expect((json.resources as Record<string, unknown>[])[0]).toMatchObject({ failed: 1, mappingErrors: 1, failedTotal: 2, portRequests: 4 });
  });

  it('counts in plan mode what a sync would create or update, and delete', () => {
    const projects = stats(0, 'project', { listed: 4, wouldCreate: 1, wouldUpdate: 2, unchanged: 1 });
    const plan = result({
      mode: 'plan',
      status: 'success',
      resources: [projects],
      plan: [{ blueprint: 'azureDevopsProject', create: 1, update: 2, unchanged: 1, delete: 5, samples: { create: [], update: [], delete: [] } }],
    });
    expect(runTotals(plan)).toMatchObject({ listed: 4, upserted: 3, unchanged: 1, failed: 0, deleted: 5 });
    expect(rowOf(renderText(plan), 'total')).toEqual(['total', '4', '3', '1', '0', '5']);
  });

  it('has no total row when no resource ran', () => {
    expect(renderText(result({ resources: [] }))).not.toMatch(/^total/m);
  });
});

describe('items skipped without an entity', () => {
  it('are a line per resource that skipped any, not a column', () => {
    const text = renderText(result());
    expect(text).toContain('Items skipped (no entity, not failures):\n- project #0: 3 left out by the selector.\n- branch #2: 2 mapped to no identifier or blueprint.');
    expect(text).not.toMatch(/repository #1: .*(left out|no identifier)/);
    expect(text.split('\n')[2]?.split(/\s{2,}/)).toHaveLength(10);
    const markdown = renderMarkdown(result());
    expect(markdown).toContain('### Items skipped');
    expect(markdown).toContain('- project #0: 3 left out by the selector.');
  });

  it('are in the JSON per resource', () => {
    const resources = summaryJson(result()).resources as Record<string, unknown>[];
    expect(resources.map((r) => [r.filteredOut, r.skippedNoIdentifier])).toEqual([
      [3, 0],
      [0, 0],
      [0, 2],
    ]);
  });

  it('leave the summary as it was when there are none', () => {
    const clean = result({ resources: [stats(0, 'project', { listed: 1, upserted: 1 })] });
    expect(renderText(clean)).not.toContain('Items skipped');
    expect(renderMarkdown(clean)).not.toContain('Items skipped');
  });
});
