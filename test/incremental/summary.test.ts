import { describe, expect, it } from 'vitest';
import type { CursorRunReport } from '../../core/incremental/resource-cursors';
import { summaryJson } from '../../core/run-from-layers';
import { ResourceStats, type RunResult } from '../../core/sync/stats';
import { renderMarkdown, renderText } from '../../core/sync/summary';

const STARTED = '2026-11-26T14:30:00.000Z';

/** An incremental run over three resources: one through its change filter, one listed in full, one that failed. */
function incrementalResult(): RunResult {
  const workItems = Object.assign(new ResourceStats(0, 'work-item'), { listed: 12, upserted: 7, unchanged: 5 });
  const projects = Object.assign(new ResourceStats(1, 'project'), { listed: 4, unchanged: 4 });
  const builds = Object.assign(new ResourceStats(2, 'build'), { error: 'Azure DevOps answered 400' });
  const cursors: CursorRunReport = {
    mode: 'incremental',
    startedAt: STARTED,
    overlapMinutes: 5,
    resources: [
      { label: 'work-item #0', kind: 'work-item', index: 0, listing: 'changes', detail: 'WIQL', cursorBefore: '2026-11-26T14:15:00.123Z', since: '2026-11-26T14:10:00.123Z', cursorAfter: STARTED, advanced: true, changed: 7 },
      { label: 'project #1', kind: 'project', index: 1, listing: 'full', detail: 'no change filter in Azure DevOps', cursorBefore: '2026-11-26T14:15:00.123Z', since: null, cursorAfter: STARTED, advanced: true, changed: 0 },
      { label: 'build #2', kind: 'build', index: 2, listing: 'changes', detail: 'minTime', cursorBefore: '2026-11-26T14:15:00.123Z', since: '2026-11-26T14:10:00.123Z', cursorAfter: '2026-11-26T14:15:00.123Z', advanced: false, changed: 0, held: 'the resource had errors; the next run lists again from 2026-11-26T14:15:00.123Z' },
    ],
  };
  return {
    status: 'partial',
    mode: 'incremental',
    resources: [workItems, projects, builds],
    deletions: { skipped: 'an incremental run lists only what changed, which cannot prove anything is gone; the scheduled full sync deletes', blueprints: [], owned: 0, guardTripped: false },
    seconds: 3,
    adoRequests: 20,
    portRequests: 9,
    throttledSeconds: 0,
    problems: [],
    integrationUrl: undefined,
    cursors,
    plan: [],
  };
}

describe('the summary of an incremental run', () => {
  it('has a cursor row per resource in text: listing, window start, cursor before and after, items changed; a failed one is kept', () => {
    const text = renderText(incrementalResult());
    expect(text.split('\n')[0]).toMatch(/^Incremental sync finished with failures/);
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('resource') && l.includes('cursor before'));
    expect(lines[header - 1]).toBe('Cursors:');
    const row = (label: string) => lines.slice(header).find((l) => l.startsWith(label))?.split(/\s{2,}/);
    expect(row('work-item #0')).toEqual(['work-item #0', 'changes', '2026-11-26T14:10:00Z', '2026-11-26T14:15:00Z', '2026-11-26T14:30:00Z', '7']);
    expect(row('project #1')).toEqual(['project #1', 'full', '-', '2026-11-26T14:15:00Z', '2026-11-26T14:30:00Z', '0']);
    expect(row('build #2')).toEqual(['build #2', 'changes', '2026-11-26T14:10:00Z', '2026-11-26T14:15:00Z', '2026-11-26T14:15:00Z (kept)', '0']);
    expect(text).toContain('project #1: listed in full: no change filter in Azure DevOps.');
    expect(text).toContain('build #2: cursor kept: the resource had errors');
    expect(text).toMatch(/Deletions were skipped: an incremental run/);
  });

  it('has the same rows as a Markdown table', () => {
    const markdown = renderMarkdown(incrementalResult());
    expect(markdown).toContain('### Cursors');
    expect(markdown).toContain('| work-item #0 | changes | 2026-11-26T14:10:00Z | 2026-11-26T14:15:00Z | 2026-11-26T14:30:00Z | 7 |');
    expect(markdown).toContain('| build #2 | changes | 2026-11-26T14:10:00Z | 2026-11-26T14:15:00Z | 2026-11-26T14:15:00Z (kept) | 0 |');
  });

  it('carries the full cursor report and the mode in JSON', () => {
    const json = summaryJson(incrementalResult());
    expect(json.mode).toBe('incremental');
    expect(json.cursors).toEqual(incrementalResult().cursors);
  });

  it('of a full sync has no cursor table, only the line saying where cursors were set', () => {
    const result = incrementalResult();
    const full: RunResult = { ...result, status: 'success', mode: 'sync', cursors: { ...result.cursors!, mode: 'sync', resources: result.cursors!.resources.map((r) => ({ ...r, listing: 'full', since: null })) } };
    const text = renderText(full);
    expect(text).not.toContain('Cursors:');
    expect(text).toContain('Incremental cursors set to 2026-11-26T14:30:00Z for 2 of 3 resources.');
    expect(summaryJson(full).mode).toBe('sync');
  });
});
